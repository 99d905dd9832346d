"""Cross-field rules, the question count, catalogue checks of rules, phone problems, messages."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from datetime import date

import pytest

from conversations.locales import CATALOGS
from services.answers import AnswerError, JsonValue, parse_answer
from services.catalog import FieldSpec, FieldType, LocalText, Procedure
from services.catalog_index import Catalog
from services.catalog_schema import CatalogError, build_catalog
from services.field_rules import form_problems, validate_answer
from services.form_checks import broken_checks, check_on_answer, expected_fields
from services.phone_numbers import PhoneProblem
from storage.seed import read_catalog_files

TODAY = date(2026, 11, 25)
BIRTH: dict[str, JsonValue] = {  # a consistent birth registration, as stored
    "ngay_sinh_tre": "2026-11-01",
    "me_ho_ten": "Nông Thị Hoa",
    "me_so_dinh_danh": "004195012345",
    "cha_ho_ten": "Hoàng Văn Nam",
    "cha_so_dinh_danh": "004093054321",
}


def proc_of(catalog: Catalog, proc_id: str) -> Procedure:
    proc = catalog.procedure(proc_id)
    assert proc is not None
    return proc


# ---------------------------------------------------------------- cross-field rules


@pytest.mark.parametrize(
    ("proc_id", "answers", "reason", "fields", "params"),
    [
        ("khai_sinh", BIRTH, None, (), {}),
        # The child born before the mother (by the birth year her ID encodes).
        ("khai_sinh", {**BIRTH, "ngay_sinh_tre": "1990-05-01"}, "check_born_before",
         ("me_so_dinh_danh", "ngay_sinh_tre"), {"older_year": 1995, "younger_year": 1990}),
        # A mother six years older than the child.
        ("khai_sinh", {**BIRTH, "me_so_dinh_danh": "004320012345"}, "check_age_gap",
         ("me_so_dinh_danh", "ngay_sinh_tre"), {"gap": 6, "years": 12}),
        # A father born the child's year.
        ("khai_sinh", {**BIRTH, "cha_so_dinh_danh": "004226054321"}, "check_age_gap",
         ("cha_so_dinh_danh", "ngay_sinh_tre"), {"gap": 0, "years": 12}),
        # Parents' IDs differ (the rule is checked apart from the sex rule of each field).
        ("khai_sinh", {**BIRTH, "cha_so_dinh_danh": "004195012345"}, "check_distinct",
         ("me_so_dinh_danh", "cha_so_dinh_danh"), {}),
        # No father named: his ID is not asked, and no rule about it applies.
        ("khai_sinh", {**BIRTH, "cha_ho_ten": "", "cha_so_dinh_danh": "004195012345"}, None, (),
         {}),
        ("lien_thong_khai_sinh", {**BIRTH, "ngay_sinh_tre": "1994-12-31"}, "check_born_before",
         ("me_so_dinh_danh", "ngay_sinh_tre"), {"older_year": 1995}),
        # Dates in order: from ≤ to.
        ("khai_bao_tam_vang", {"tu_ngay": "2026-12-10", "den_ngay": "2026-12-01"},
         "check_order", ("tu_ngay", "den_ngay"), {}),
        ("khai_bao_tam_vang", {"tu_ngay": "2026-12-01", "den_ngay": "2026-12-01"}, None, (), {}),
        ("tam_ngung_ho_kinh_doanh", {"tu_ngay": "2027-02-01", "den_ngay": "2027-01-31"},
         "check_order", ("tu_ngay", "den_ngay"), {}),
        ("khai_tu", {"nguoi_chet_ngay_sinh": "1950-01-02", "ngay_chet": "1950-01-01"},
         "check_order", ("nguoi_chet_ngay_sinh", "ngay_chet"), {}),
        ("dang_ky_lai_khai_tu", {"nguoi_chet_ngay_sinh": "1950-01-02", "ngay_chet": "1949-12-31"},
         "check_order", ("nguoi_chet_ngay_sinh", "ngay_chet"), {}),
        ("dang_ky_lai_ket_hon", {"ben_vo_ngay_sinh": "2001-06-01", "ngay_dang_ky_cu": "2000-01-01"},
         "check_order", ("ben_vo_ngay_sinh", "ngay_dang_ky_cu"), {}),
        ("khai_sinh_nhan_cha_me_con", {"ngay_sinh_tre": "2026-01-01",
                                       "nguoi_nhan_so_dinh_danh": "004218012345"},
         "check_age_gap", ("nguoi_nhan_so_dinh_danh", "ngay_sinh_tre"), {"gap": 8}),
        # Two people, two numbers.
        ("ket_hon", {"ben_nam_so_dinh_danh": "004095012345",
                     "ben_nu_so_dinh_danh": "004095012345"}, "check_distinct",
         ("ben_nam_so_dinh_danh", "ben_nu_so_dinh_danh"), {}),
        ("dang_ky_giam_ho", {"nguoi_giam_ho_so_dinh_danh": "004195012345",
                             "nguoi_duoc_giam_ho_so_dinh_danh": "004195012345"},
         "check_distinct", ("nguoi_giam_ho_so_dinh_danh", "nguoi_duoc_giam_ho_so_dinh_danh"), {}),
    ],
)  # fmt: skip
def test_cross_field_rules(
    catalog: Catalog,
    proc_id: str,
    answers: Mapping[str, JsonValue],
    reason: str | None,
    fields: tuple[str, ...],
    params: dict[str, int],
) -> None:
    broken = broken_checks(proc_of(catalog, proc_id), answers, TODAY)
    if reason is None:
        assert broken == ()
        return
    assert (broken[0].reason, broken[0].fields) == (reason, fields)
    assert params.items() <= dict(broken[0].params).items()


def test_a_rule_is_checked_when_its_later_field_is_answered_not_the_earlier(
    catalog: Catalog,
) -> None:
    proc = proc_of(catalog, "khai_sinh")
    answers = {**BIRTH, "ngay_sinh_tre": "1990-05-01"}
    # Editing the child's date (the earlier field) is not refused on the spot…
    assert check_on_answer(proc, "ngay_sinh_tre", answers, TODAY) is None
    # …the review finds it; answering the mother's ID (the later field) is refused.
    error = check_on_answer(proc, "me_so_dinh_danh", answers, TODAY)
    assert error is not None and error.reason == "check_born_before"
    assert [e.fields[0] for e in form_problems(proc, answers, TODAY)[1]] == [
        "me_so_dinh_danh",
        "cha_so_dinh_danh",
    ]


def test_a_typed_answer_breaking_a_rule_is_refused_with_both_fields(catalog: Catalog) -> None:
    proc = proc_of(catalog, "khai_bao_tam_vang")
    spec = proc.field("den_ngay")
    assert spec is not None
    with pytest.raises(AnswerError) as caught:
        validate_answer(proc, spec, "09/12/2026", TODAY, {"tu_ngay": "2026-12-10"})
    assert caught.value.reason == "check_order"
    assert validate_answer(proc, spec, "10/12/2026", TODAY, {"tu_ngay": "2026-12-10"})


def test_the_review_rechecks_stored_answers_against_the_field_rules(catalog: Catalog) -> None:
    proc = proc_of(catalog, "dang_ky_tam_tru")
    # Saved when the date was within two years; a year later it still is, then no longer.
    answers: dict[str, JsonValue] = {"thoi_han_tam_tru": "2028-11-25"}
    assert form_problems(proc, answers, TODAY) == ((), ())
    later = form_problems(proc, {"thoi_han_tam_tru": "2026-11-24"}, TODAY)[0]
    assert [(p.spec.key, p.error.reason) for p in later] == [("thoi_han_tam_tru", "date_past")]
    names = form_problems(proc_of(catalog, "khai_sinh"), {"me_ho_ten": "Hoa 2"}, TODAY)[0]
    assert [(p.spec.key, p.error.reason) for p in names] == [("me_ho_ten", "name_digits")]


# ---------------------------------------------------------------- the question count


@pytest.mark.parametrize(
    ("answers", "current", "count"),
    [
        ({}, "ho_ten", 25),  # the father's ID and the 3 postal questions may come
        ({"hinh_thuc_nhan_kq": "truc_tiep"}, "hinh_thuc_nhan_kq", 21),  # father not named yet?
        ({"cha_ho_ten": "Hoàng Văn Nam"}, "cha_so_dinh_danh", 25),
        ({}, "quan_he_nguoi_yeu_cau", 24),  # father's name skipped: his ID is not asked
        ({"hinh_thuc_nhan_kq": "truc_tiep"}, "so_ban_sao", 21),
        ({"hinh_thuc_nhan_kq": "buu_chinh"}, "nguoi_nhan", 24),
    ],
)
def test_the_count_is_what_will_be_asked_given_the_answers(
    catalog: Catalog, answers: dict[str, JsonValue], current: str, count: int
) -> None:
    assert len(expected_fields(proc_of(catalog, "khai_sinh"), answers, current)) == count


# ---------------------------------------------------------------- catalogue checks


@functools.cache
def _seed_files() -> dict[str, object]:
    return read_catalog_files()  # parsed once: the YAML reading is the slow part


def _problems(edit: dict[str, object]) -> list[str]:
    files = copy.deepcopy(_seed_files())
    birth = files["procedures/khai_sinh.yaml"]
    assert isinstance(birth, dict)
    birth.update(edit)
    with pytest.raises(CatalogError) as caught:
        build_catalog(files)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ([{"rule": "distinct", "fields": ["me_so_dinh_danh", "cha_cccd"]}],
         "refers to a field that does not exist: 'cha_cccd'"),
        ([{"rule": "age_gap", "fields": ["me_so_dinh_danh", "ngay_sinh_con"], "years": 12}],
         "refers to a field that does not exist: 'ngay_sinh_con'"),
        ([{"rule": "order", "fields": ["ho_ten_tre", "ngay_sinh_tre"]}],
         "order needs date, money, number fields, not 'ho_ten_tre'"),
        ([{"rule": "distinct", "fields": ["me_so_dinh_danh"]}], "at least two field keys"),
        ([{"rule": "older", "fields": ["me_so_dinh_danh", "ngay_sinh_tre"]}],
         "unknown value 'older'"),
        ([{"rule": "age_gap", "fields": ["me_so_dinh_danh", "cha_so_dinh_danh", "ngay_sinh_tre"],
           "years": 12}], "exactly two fields"),
    ],
)  # fmt: skip
def test_rules_that_refer_to_missing_or_unfit_fields_are_rejected(
    checks: list[object], expected: str
) -> None:
    problems = _problems({"checks": checks})
    assert any("procedure 'khai_sinh'" in p and expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("index", "change", "expected"),
    [
        (1, {"max_date": "+2 years"}, "is not a date limit"),
        (0, {"max_date": "+2y"}, "only for date fields"),
        (1, {"format": "person_name"}, "only for text fields"),
        (1, {"format": "name"}, "unknown value 'name'"),
        (0, {"sex": "female"}, "is for an ID (cccd) field"),
        (8, {"sex": "woman"}, "unknown value 'woman'"),
        (0, {"group": "grandmother"}, "unknown group 'grandmother'"),
        (1, {"min_date": "today", "max_date": "-1y"}, "min_date is after max_date"),
        (10, {"show_if": {"field": "ten_cha", "in": ["*"]}}, "must name an earlier field"),
    ],
)
def test_field_rules_in_the_catalogue_are_checked(
    index: int, change: dict[str, object], expected: str
) -> None:
    files = copy.deepcopy(_seed_files())
    birth = files["procedures/khai_sinh.yaml"]
    assert isinstance(birth, dict)
    birth["fields"][index].update(change)
    with pytest.raises(CatalogError) as caught:
        build_catalog(files)
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems


# ---------------------------------------------------------------- phone numbers

PHONE = FieldSpec("sdt", LocalText("Điện thoại", "Phone"), FieldType.PHONE, required=True)


@pytest.mark.parametrize(
    ("text", "problem", "params"),
    [
        ("09l2 345 678", PhoneProblem.LETTERS, {}),
        ("không có", PhoneProblem.LETTERS, {}),
        ("0912/345/678", PhoneProblem.SYMBOLS, {"char": "/"}),
        ("+1 415 555 0100", PhoneProblem.FOREIGN, {}),
        ("912 345 678", PhoneProblem.MISSING_ZERO, {"suggestion": "0912345678"}),
        ("0206 3852 123", PhoneProblem.LANDLINE, {}),
        ("024 3825 1234", PhoneProblem.LANDLINE, {}),
        ("01623 456 789", PhoneProblem.OLD_PREFIX, {}),
        ("091 234 567", PhoneProblem.TOO_SHORT, {"length": 9}),
        ("+84 91 234 567", PhoneProblem.TOO_SHORT, {"length": 9}),
        ("0912 345 6789", PhoneProblem.TOO_LONG, {"length": 11}),
        ("0112 345 678", PhoneProblem.PREFIX, {"prefix": "011"}),
        ("0512 345 678", PhoneProblem.PREFIX, {"prefix": "051"}),
    ],
)
def test_a_wrong_phone_gets_its_real_problem(
    text: str, problem: PhoneProblem, params: dict[str, str | int]
) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(PHONE, text, TODAY, {})
    assert (caught.value.reason, dict(caught.value.params)) == (f"phone_{problem.value}", params)


@pytest.mark.parametrize("text", ["0912 345 678", "+84 912 345 678", "84912345678", "0869.123.456"])
def test_mobile_numbers_still_pass(text: str) -> None:
    assert parse_answer(PHONE, text, TODAY, {}) in ("0912345678", "0869123456")


# ---------------------------------------------------------------- messages


def test_every_rule_has_a_message_naming_the_field_in_both_languages() -> None:
    reasons = [f"phone_{p.value}" for p in PhoneProblem] + [
        "date_before_min", "date_after_max", "name_digits", "name_symbol", "name_short",
        "name_edges", "cccd_not_female", "cccd_not_male",
    ]  # fmt: skip
    for lang in ("vi", "en"):
        for reason in reasons:
            assert "{field}" in CATALOGS[lang][f"error.{reason}"], (lang, reason)
        for reason in ("check_distinct", "check_order", "check_born_before", "check_age_gap"):
            template = CATALOGS[lang][f"error.{reason}"]
            assert "{first}" in template and "{second}" in template, (lang, reason)
