"""Citizens' words as data: synonyms, question phrasing, variants, matters handled elsewhere."""

from __future__ import annotations

import pytest

from services.catalog_index import Catalog
from services.catalog_schema import CatalogError
from services.search import RELEVANCE_THRESHOLD, SearchIndex
from services.search_words import SearchWords, Variant, parse_search_words
from services.syllables import is_syllable
from services.where_to_go import parse_where_to_go
from storage.seed import load_search_words, load_where_to_go


def _top(catalog: Catalog, query: str) -> str:
    hits = catalog.search(query, 3)
    assert hits, f"{query!r} found nothing"
    return hits[0].procedure.id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lltp", "ly_lich_tu_phap"),
        ("LLTP", "ly_lich_tu_phap"),
        ("đổi GPLX", "doi_gplx"),
        ("mất CCCD", "cap_lai_the_can_cuoc"),
        ("cap gcn qsdd lan dau", "dang_ky_dat_dai_lan_dau"),
        ("làm sổ hồng", "dang_ky_dat_dai_lan_dau"),
        ("mất thẻ BHYT", "cap_lai_the_bhyt"),
        ("mat so bhxh", "cap_lai_so_bhxh"),
        ("công chứng giấy tờ", "chung_thuc_ban_sao"),
        ("báo tử", "khai_tu"),
        ("chuyển hộ khẩu", "dang_ky_thuong_tru"),
        ("gpxd", "gpxd_nha_o"),
    ],
)
def test_abbreviations_and_everyday_names_find_the_procedure(
    catalog: Catalog, query: str, expected: str
) -> None:
    assert _top(catalog, query) == expected


def test_a_synonym_is_data_not_code(catalog: Catalog) -> None:
    procedures = catalog.procedures
    plain = SearchIndex(procedures, {})
    assert plain.search("zzkhai") == []
    words = parse_search_words({"synonyms": [{"words": "khai sinh", "also": ["zzkhai"]}]})
    taught = SearchIndex(procedures, {}, words)
    assert taught.search("zzkhai")[0].procedure.id == "khai_sinh"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("đăng ký kết hôn ở đâu", "đăng ký kết hôn"),
        ("dang ky tam tru can nhung giay to gi", "dang ky tam tru"),
        ("how to register a marriage", "marriage registration"),
        ("where do I get a criminal record certificate", "ly lich tu phap"),
        ("khai sinh cho con thi can nhung giay to gi", "khai sinh"),
    ],
)
def test_a_question_is_reduced_to_its_topic(catalog: Catalog, question: str, topic: str) -> None:
    assert _top(catalog, question) == _top(catalog, topic)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("giấy phép xây dựng", "gpxd_nha_o"),
        ("gia hạn giấy phép xây dựng", "gpxd_gia_han"),
        ("building permit", "gpxd_nha_o"),
        ("extend building permit", "gpxd_gia_han"),
        ("tạm trú", "dang_ky_tam_tru"),
        ("tạm trú hết hạn", "gia_han_tam_tru"),
        ("register a death", "khai_tu"),
        ("giấy khai sinh", "khai_sinh"),
        ("mất giấy khai sinh", "dang_ky_lai_khai_sinh"),
    ],
)
def test_base_procedures_rank_above_variants_unless_asked(
    catalog: Catalog, query: str, expected: str
) -> None:
    assert _top(catalog, query) == expected


def test_a_real_syllable_is_not_corrected_into_another_word(catalog: Catalog) -> None:
    assert is_syllable("chieu") and is_syllable("ky") and is_syllable("ki")
    assert not is_syllable("sihn") and not is_syllable("hoon")
    closest = [hit.procedure.id for hit in catalog.closest("ho chieu", 10)]
    assert "mai_tang_phi_cuu_chien_binh" not in closest  # "chiếu" is not "chiến"
    assert _top(catalog, "dang ki khai sihn") == "khai_sinh"  # a real typo still is


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("làm hộ chiếu", "passport"),
        ("xin visa đi Mỹ", "passport"),
        ("thủ tục ly hôn", "divorce"),
        ("đăng ký biển số xe máy", "vehicle"),
        ("thành lập công ty TNHH", "company"),
        ("xin chuyển trường cho con", "school_transfer"),
    ],
)
def test_matters_handled_elsewhere_find_no_procedure_and_say_where(
    catalog: Catalog, query: str, topic: str
) -> None:
    assert catalog.search(query) == []
    assert [t.id for t in catalog.elsewhere(query)] == [topic]


def test_words_that_only_look_like_an_elsewhere_keyword_do_not_hide_procedures(
    catalog: Catalog,
) -> None:
    assert catalog.elsewhere("thuê trọ đăng ký tạm trú") == []
    assert _top(catalog, "thuê trọ đăng ký tạm trú") == "dang_ky_tam_tru"
    assert catalog.elsewhere("đăng ký hộ kinh doanh") == []


def test_nothing_fits_has_no_answers_but_may_have_labelled_neighbours(catalog: Catalog) -> None:
    assert catalog.search("thời tiết Cao Bằng hôm nay") == []
    assert catalog.closest("thời tiết Cao Bằng hôm nay") == []  # not even close
    neighbours = catalog.closest("cấp bằng lái xe quốc tế")
    assert catalog.search("cấp bằng lái xe quốc tế") == []
    assert neighbours and all(hit.relevance < RELEVANCE_THRESHOLD for hit in neighbours)


def test_the_shipped_files_are_valid() -> None:
    words = load_search_words()
    assert ("lltp",) in words.synonyms and words.question_words and words.variants
    topics = load_where_to_go().topics
    assert {t.id for t in topics} >= {"passport", "divorce", "vehicle", "company"}
    assert all(t.where.vi and t.where.en and t.explain.vi and t.explain.en for t in topics)


def test_a_broken_synonyms_file_lists_every_problem() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_search_words(
            {
                "synonyms": [
                    {"words": "khai sinh", "also": ["ks"]},
                    {"words": "ket hon", "also": ["ks", ""]},
                ],
                "variants": [{"name": ["gia han"]}],
            }
        )
    messages = " | ".join(p.message for p in caught.value.problems)
    assert "two meanings" in messages
    assert "non-empty phrase" in messages
    assert "non-empty list" in messages


def test_a_broken_where_to_go_file_is_refused() -> None:
    with pytest.raises(CatalogError):
        parse_where_to_go({"topics": [{"id": "x", "keywords": ["ho chieu"], "where": {"vi": "A"}}]})
    with pytest.raises(CatalogError):
        parse_where_to_go({"nothing": []})


def test_a_name_with_markers_of_two_variant_kinds_is_of_the_first_kind() -> None:
    words = SearchWords(
        variants=(
            Variant(name=(("gia", "han"),), cues=()),
            Variant(name=(("cap", "lai"), ("dang", "ky", "lai")), cues=()),
        )
    )
    assert words.variant_of(["dang", "ky", "lai", "giay", "phep", "gia", "han"]) == 0
    assert words.variant_of(["dang", "ky", "lai", "giay", "phep"]) == 1
    assert words.variant_of(["cap", "lai"]) == 1
    assert words.variant_of(["dang", "ky", "giay", "phep", "lai", "xe"]) is None
