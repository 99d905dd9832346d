"""Typed answers: each field type accepts what a citizen would type and refuses the rest."""

from __future__ import annotations

from datetime import date

import pytest

from services.answers import AnswerError, parse_answer, parse_date, parse_money
from services.catalog import DateRange, FieldSpec, FieldType, LocalText, Option
from services.identity import (
    IdNumberError,
    IdProblem,
    Sex,
    carrier,
    mask_id,
    mask_phone,
    normalise_mobile,
    parse_id_number,
)

TODAY = date(2026, 11, 25)
L = LocalText("Nhãn", "Label")


def spec(ftype: FieldType, **extra: object) -> FieldSpec:
    return FieldSpec(key="f", label=L, type=ftype, required=True, **extra)  # type: ignore[arg-type]


def reason(
    ftype: FieldType, text: str, answers: dict[str, object] | None = None, **extra: object
) -> str:
    with pytest.raises(AnswerError) as caught:
        parse_answer(spec(ftype, **extra), text, TODAY, answers or {})  # type: ignore[arg-type]
    return caught.value.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [("05/09/2024", "2024-09-05"), ("5/9/2024", "2024-09-05"), ("05-09-2024", "2024-09-05"),
     ("05.09.2024", "2024-09-05"), (" 29/02/2024 ", "2024-02-29")],
)  # fmt: skip
def test_dates_in_vietnamese_order(text: str, expected: str) -> None:
    assert parse_answer(spec(FieldType.DATE), text, TODAY, {}) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [("2024-09-05", "date_format"), ("05/09/24", "date_format"), ("hôm qua", "date_format"),
     ("31/02/2020", "date_invalid"), ("29/02/2023", "date_invalid"), ("00/01/2020", "date_invalid"),
     ("01/01/1899", "date_too_early")],
)  # fmt: skip
def test_wrong_dates_have_specific_reasons(text: str, why: str) -> None:
    assert reason(FieldType.DATE, text) == why


def test_date_ranges_follow_the_field() -> None:
    assert parse_date("26/11/2026", DateRange.FUTURE, TODAY) == date(2026, 11, 26)
    with pytest.raises(AnswerError, match="date_future"):
        parse_date("26/11/2026", DateRange.PAST, TODAY)
    with pytest.raises(AnswerError, match="date_past"):
        parse_date("24/11/2026", DateRange.FUTURE, TODAY)
    with pytest.raises(AnswerError, match="date_too_late"):
        parse_date("01/01/2040", DateRange.ANY, TODAY)
    assert parse_date("25/11/2026", DateRange.PAST, TODAY) == TODAY


def test_id_number_decodes_province_century_and_sex() -> None:
    parsed = parse_id_number("004 1 95 012345", TODAY)
    assert (parsed.province_name, parsed.birth_year, parsed.sex) == ("Cao Bằng", 1995, Sex.FEMALE)
    assert parse_id_number("001206012345", TODAY).birth_year == 2006
    assert parse_id_number("001206012345", TODAY).sex is Sex.MALE


@pytest.mark.parametrize(
    ("text", "problem"),
    [("00409501234", IdProblem.LENGTH), ("0040950123456", IdProblem.LENGTH),
     ("00409501234a", IdProblem.NOT_DIGITS), ("００４０９５０１２３４５", IdProblem.NOT_DIGITS),
     ("003095012345", IdProblem.PROVINCE), ("097095012345", IdProblem.PROVINCE),
     ("004299012345", IdProblem.FUTURE_YEAR)],
)  # fmt: skip
def test_malformed_id_numbers(text: str, problem: IdProblem) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(text, TODAY)
    assert caught.value.problem is problem


def test_id_number_must_agree_with_birth_date_and_sex_typed_earlier() -> None:
    linked = {"birth_date_field": "dob", "sex_field": "sex"}
    answers = {"dob": "1995-03-15", "sex": "nu"}
    assert (
        parse_answer(spec(FieldType.CCCD, **linked), "004195012345", TODAY, answers)
        == "004195012345"
    )  # type: ignore[arg-type]
    assert reason(FieldType.CCCD, "004196012345", answers, **linked) == "cccd_birth_year_mismatch"
    assert reason(FieldType.CCCD, "004095012345", answers, **linked) == "cccd_sex_mismatch"
    assert reason(FieldType.CCCD, "12345") == "cccd_length"


@pytest.mark.parametrize(
    ("typed", "normal"),
    [("0912345678", "0912345678"), ("0912 345 678", "0912345678"),
     ("+84 912 345 678", "0912345678"), ("84912345678", "0912345678"),
     ("091-234-5678", "0912345678"), ("(+84) 32.123.4567", "0321234567")],
)  # fmt: skip
def test_mobile_numbers_are_normalised(typed: str, normal: str) -> None:
    assert normalise_mobile(typed) == normal


@pytest.mark.parametrize(
    "typed", ["0123456789", "091234567", "09123456789", "02063852000", "abc", ""]
)
def test_not_mobile_numbers(typed: str) -> None:
    assert normalise_mobile(typed) is None


def test_carriers_and_masks() -> None:
    assert carrier("0912345678") == "VinaPhone"
    assert carrier("0321234567") == "Viettel"
    assert carrier("0871234567") is None  # iTel: valid, carrier unknown
    assert normalise_mobile("0871234567") == "0871234567"
    assert mask_phone("0912345678") == "0912***678"
    assert mask_id("004195012345") == "004*******45"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("15000", 15000), ("15.000", 15000), ("15,000 đ", 15000), ("15k", 15000),
     ("1,5 triệu", 1_500_000), ("2tr", 2_000_000), ("1.234.567 VND", 1_234_567), ("0", 0)],
)  # fmt: skip
def test_money(typed: str, amount: int) -> None:
    assert parse_money(typed) == amount


@pytest.mark.parametrize("typed", ["-5", "mười nghìn", "1.5", "1e9", "NaN", "1,23"])
def test_bad_money(typed: str) -> None:
    with pytest.raises(AnswerError):
        parse_money(typed)


def test_numbers_respect_their_range() -> None:
    assert parse_answer(spec(FieldType.NUMBER, min_value=1, max_value=20), "3", TODAY, {}) == 3
    assert reason(FieldType.NUMBER, "21", min_value=1, max_value=20) == "number_range"
    assert reason(FieldType.NUMBER, "ba") == "number"
    assert reason(FieldType.NUMBER, "-1") == "number_range"


def test_text_limits_and_cleaning() -> None:
    assert parse_answer(spec(FieldType.TEXT), "  Nguyễn   Văn  A ", TODAY, {}) == "Nguyễn Văn A"
    assert reason(FieldType.TEXT, "x" * 201) == "too_long"
    assert reason(FieldType.TEXT, "   ") == "empty"
    assert reason(FieldType.TEXT, "\x00\x07") == "empty"
    assert parse_answer(spec(FieldType.TEXTAREA), "dòng 1\ndòng 2", TODAY, {}) == "dòng 1\ndòng 2"


def test_email() -> None:
    assert (
        parse_answer(spec(FieldType.EMAIL), "An.Nguyen@Example.vn", TODAY, {})
        == "an.nguyen@example.vn"
    )
    assert reason(FieldType.EMAIL, "an@") == "email"
    assert reason(FieldType.EMAIL, "an nguyen@example.vn") == "email"


def test_select_by_label_number_or_prefix() -> None:
    options = (Option("nam", LocalText("Nam", "Male")), Option("nu", LocalText("Nữ", "Female")))
    field = spec(FieldType.SELECT, options=options)
    assert parse_answer(field, "nữ", TODAY, {}) == "nu"
    assert parse_answer(field, "NU", TODAY, {}) == "nu"
    assert parse_answer(field, "Female", TODAY, {}) == "nu"
    assert parse_answer(field, "1", TODAY, {}) == "nam"
    assert reason(FieldType.SELECT, "khác", options=options) == "select"


def test_yes_no() -> None:
    field = spec(FieldType.YESNO)
    assert parse_answer(field, "Có", TODAY, {}) is True
    assert parse_answer(field, "khong", TODAY, {}) is False
    assert parse_answer(field, "yes", TODAY, {}) is True
    assert reason(FieldType.YESNO, "có lẽ") == "yesno"
