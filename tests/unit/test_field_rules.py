"""The catalogue's validation rules, one table per rule, on the real seeded procedures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from services.answers import AnswerError, JsonValue
from services.catalog import Procedure
from services.catalog_index import Catalog
from services.catalog_rules import parse_date_bound
from services.field_rules import validate_answer

TODAY = date(2026, 11, 25)


def proc_of(catalog: Catalog, proc_id: str) -> Procedure:
    proc = catalog.procedure(proc_id)
    assert proc is not None
    return proc


def refused(
    catalog: Catalog,
    proc_id: str,
    key: str,
    text: str,
    answers: Mapping[str, JsonValue] | None = None,
) -> AnswerError:
    proc = proc_of(catalog, proc_id)
    spec = proc.field(key)
    assert spec is not None
    with pytest.raises(AnswerError) as caught:
        validate_answer(proc, spec, text, TODAY, answers or {})
    return caught.value


def accepted(
    catalog: Catalog,
    proc_id: str,
    key: str,
    text: str,
    answers: Mapping[str, JsonValue] | None = None,
) -> JsonValue:
    proc = proc_of(catalog, proc_id)
    spec = proc.field(key)
    assert spec is not None
    return validate_answer(proc, spec, text, TODAY, answers or {})


# ---------------------------------------------------------------- date limits


@pytest.mark.parametrize(
    ("raw", "today", "limit"),
    [
        ("+2y", date(2026, 11, 25), date(2028, 11, 25)),
        ("+1y", date(2024, 2, 29), date(2025, 2, 28)),  # no 29 February next year
        ("-3m", date(2026, 5, 31), date(2026, 2, 28)),
        ("-30d", date(2026, 1, 10), date(2025, 12, 11)),
        ("-20y", date(2026, 11, 25), date(2006, 11, 25)),
        ("today", date(2026, 11, 25), date(2026, 11, 25)),
        ("1900-01-01", date(2026, 11, 25), date(1900, 1, 1)),
        (date(1900, 1, 1), date(2026, 11, 25), date(1900, 1, 1)),  # YAML's own dates
    ],
)
def test_date_limits_relative_to_today(raw: object, today: date, limit: date) -> None:
    bound = parse_date_bound(raw, "x", lambda where, message: pytest.fail(message))
    assert bound is not None and bound.resolve(today) == limit


@pytest.mark.parametrize("raw", ["2 years", "+2w", "+y", "31/12/2026", "tomorrow"])
def test_a_date_limit_that_is_not_one_is_reported(raw: str) -> None:
    problems: list[str] = []
    assert parse_date_bound(raw, "f.max_date", lambda w, m: problems.append(f"{w}: {m}")) is None
    assert problems and problems[0].startswith("f.max_date")


@pytest.mark.parametrize(
    ("proc_id", "key", "text", "reason", "limit"),
    [
        # A temporary residence lasts at most 2 years (Luật Cư trú 2020, Art. 27).
        ("dang_ky_tam_tru", "thoi_han_tam_tru", "26/11/2028", "date_after_max", "25/11/2028"),
        ("gia_han_tam_tru", "han_moi", "01/01/2030", "date_after_max", "25/11/2028"),
        # Unemployment benefit: the contract ended at most 3 months ago.
        ("tro_cap_that_nghiep", "ngay_cham_dut_hd", "24/08/2026", "date_before_min", "25/08/2026"),
        # Marriage age: a groom of full 20 years, a bride of full 18.
        ("ket_hon", "ben_nam_ngay_sinh", "26/11/2006", "date_after_max", "25/11/2006"),
        ("ket_hon", "ben_nu_ngay_sinh", "26/11/2008", "date_after_max", "25/11/2008"),
    ],
)
def test_dates_outside_the_catalogue_limits_are_refused(
    catalog: Catalog, proc_id: str, key: str, text: str, reason: str, limit: str
) -> None:
    error = refused(catalog, proc_id, key, text)
    assert (error.reason, error.params["limit"]) == (reason, limit)


@pytest.mark.parametrize(
    ("proc_id", "key", "text"),
    [
        ("dang_ky_tam_tru", "thoi_han_tam_tru", "25/11/2028"),
        ("tro_cap_that_nghiep", "ngay_cham_dut_hd", "25/08/2026"),
        ("ket_hon", "ben_nam_ngay_sinh", "25/11/2006"),
        ("ket_hon", "ben_nu_ngay_sinh", "25/11/2008"),
    ],
)
def test_dates_on_the_limit_are_accepted(
    catalog: Catalog, proc_id: str, key: str, text: str
) -> None:
    assert isinstance(accepted(catalog, proc_id, key, text), str)


# ---------------------------------------------------------------- person names


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("Nông Thị Hoa", "Nông Thị Hoa"),
        ("  Hoàng   Văn  Nam ", "Hoàng Văn Nam"),
        ("H’Hen Niê", "H'Hen Niê"),  # Ê Đê names keep their apostrophe
        ("Lò Văn Pủ", "Lò Văn Pủ"),
        ("Nguyễn Ngọc Ánh-Dương", "Nguyễn Ngọc Ánh-Dương"),
        ("Nông Thi\u0323 Hoa", "Nông Thị Hoa"),  # typed with a combining dot below
    ],
)
def test_person_names_of_letters_are_accepted(catalog: Catalog, text: str, stored: str) -> None:
    assert accepted(catalog, "khai_sinh", "me_ho_ten", text) == stored


@pytest.mark.parametrize(
    ("text", "reason", "params"),
    [
        ("Nông Thị 2", "name_digits", {}),
        ("Nong Thi Hoa 1995", "name_digits", {}),
        ("Hoa@gmail", "name_symbol", {"char": "@"}),
        ("Nông T. Hoa", "name_symbol", {"char": "."}),
        ("Иван Петров", "name_symbol", {"char": "И"}),
        ("H", "name_short", {}),
        ("-Hoa", "name_edges", {}),
    ],
)
def test_names_with_digits_or_symbols_are_refused(
    catalog: Catalog, text: str, reason: str, params: dict[str, str]
) -> None:
    for proc_id, key in (
        ("khai_sinh", "me_ho_ten"),
        ("khai_sinh", "ho_ten"),
        ("ket_hon", "ben_nu_ho_ten"),
    ):
        error = refused(catalog, proc_id, key, text)
        assert (error.reason, dict(error.params)) == (reason, params), (key, text)


def test_text_fields_that_are_not_names_keep_digits(catalog: Catalog) -> None:
    assert accepted(catalog, "khai_sinh", "noi_sinh", "Số 12 Hoàng Đình Giong") == (
        "Số 12 Hoàng Đình Giong"
    )


# ---------------------------------------------------------------- the sex an ID encodes


@pytest.mark.parametrize(
    ("proc_id", "key", "text", "reason"),
    [
        ("khai_sinh", "me_so_dinh_danh", "004095012345", "cccd_not_female"),  # 0: man, 1900s
        ("khai_sinh", "me_so_dinh_danh", "004200012345", "cccd_not_female"),  # 2: man, 2000s
        ("khai_sinh", "cha_so_dinh_danh", "004193054321", "cccd_not_male"),  # 1: woman, 1900s
        ("ket_hon", "ben_nam_so_dinh_danh", "004199054321", "cccd_not_male"),
        ("ket_hon", "ben_nu_so_dinh_danh", "004098054321", "cccd_not_female"),
        ("lien_thong_khai_sinh", "me_so_dinh_danh", "004090012345", "cccd_not_female"),
        ("dang_ky_lai_ket_hon", "ben_chong_so_dinh_danh", "004191012345", "cccd_not_male"),
        ("dang_ky_lai_ket_hon", "ben_vo_so_dinh_danh", "004090012345", "cccd_not_female"),
    ],
)
def test_an_id_must_encode_the_sex_of_its_role(
    catalog: Catalog, proc_id: str, key: str, text: str, reason: str
) -> None:
    error = refused(catalog, proc_id, key, text)
    assert (error.reason, error.params["digit"]) == (reason, text[3])


@pytest.mark.parametrize(
    ("key", "text"),
    [("me_so_dinh_danh", "004195012345"), ("me_so_dinh_danh", "004301012345"),
     ("cha_so_dinh_danh", "004093054321"), ("cha_so_dinh_danh", "004200054321")],
)  # fmt: skip
def test_an_id_of_the_right_sex_is_accepted(catalog: Catalog, key: str, text: str) -> None:
    answers = {"ngay_sinh_tre": "2026-11-01", "cha_ho_ten": "Hoàng Văn Nam"}
    if key == "cha_so_dinh_danh":
        answers["me_so_dinh_danh"] = "004195012345"
    assert accepted(catalog, "khai_sinh", key, text, answers) == text
