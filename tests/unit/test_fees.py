"""Fees computed from the answers and the date, for every procedure whose fee depends on them."""

from __future__ import annotations

from datetime import date

import pytest

from services.catalog import FeeItem, LocalText, Procedure
from services.catalog_index import Catalog
from services.fee_rules import Condition, Exemption, PriceCase, Quantity, Tier
from services.fees import quote_fee

DAY = date(2026, 11, 25)  # inside the identity-card fee cut (1 Jul 2025 - 31 Dec 2026)
AFTER_CUT = date(2027, 1, 1)
ADULT = {"ngay_sinh": "1990-05-20"}

# (procedure, answers, day, online, total); None: some amount is set at reception.
CASES = [
    # Civil-status extract copies: 8.000 đ per copy.
    ("trich_luc_ban_sao", {"so_ban": 1}, DAY, True, 8_000),
    ("trich_luc_ban_sao", {"so_ban": 3}, DAY, True, 24_000),
    ("trich_luc_ban_sao", {"so_ban": 20}, DAY, False, 160_000),
    # Birth registration is free; extract copies asked for cost 8.000 đ each.
    ("khai_sinh", {}, DAY, True, 0),
    ("khai_sinh", {"so_ban_sao": 2}, DAY, True, 16_000),
    ("lien_thong_khai_sinh", {"so_ban_sao": 3}, DAY, True, 24_000),
    # Certified copies: 2.000 đ/page for pages 1-2, 1.000 đ/page after, at most 200.000 đ/copy.
    ("chung_thuc_ban_sao", {"so_trang": 1, "so_ban": 1}, DAY, True, 2_000),
    ("chung_thuc_ban_sao", {"so_trang": 2, "so_ban": 3}, DAY, True, 12_000),
    ("chung_thuc_ban_sao", {"so_trang": 5, "so_ban": 2}, DAY, True, 14_000),
    ("chung_thuc_ban_sao", {"so_trang": 198, "so_ban": 1}, DAY, True, 200_000),
    ("chung_thuc_ban_sao", {"so_trang": 300, "so_ban": 2}, DAY, True, 400_000),
    # Criminal record: 200.000 đ; 100.000 đ for students…; +5.000 đ per certificate from the 3rd;
    # free for children, older people, people with disabilities, poor households.
    (
        "ly_lich_tu_phap",
        {**ADULT, "doi_tuong_phi": "thong_thuong", "so_luong": 1},
        DAY,
        True,
        200_000,
    ),
    (
        "ly_lich_tu_phap",
        {**ADULT, "doi_tuong_phi": "thong_thuong", "so_luong": 2},
        DAY,
        True,
        200_000,
    ),
    (
        "ly_lich_tu_phap",
        {**ADULT, "doi_tuong_phi": "thong_thuong", "so_luong": 4},
        DAY,
        True,
        210_000,
    ),
    ("ly_lich_tu_phap", {**ADULT, "doi_tuong_phi": "sinh_vien", "so_luong": 1}, DAY, True, 100_000),
    (
        "ly_lich_tu_phap",
        {**ADULT, "doi_tuong_phi": "than_nhan_liet_si", "so_luong": 3},
        DAY,
        True,
        105_000,
    ),
    (
        "ly_lich_tu_phap",
        {"ngay_sinh": "2011-01-01", "doi_tuong_phi": "thong_thuong", "so_luong": 3},
        DAY,
        True,
        0,
    ),
    (
        "ly_lich_tu_phap",
        {"ngay_sinh": "2010-11-25", "doi_tuong_phi": "thong_thuong", "so_luong": 1},
        DAY,
        True,
        200_000,
    ),
    (
        "ly_lich_tu_phap",
        {"ngay_sinh": "1966-11-25", "doi_tuong_phi": "thong_thuong", "so_luong": 1},
        DAY,
        True,
        0,
    ),
    (
        "ly_lich_tu_phap",
        {"ngay_sinh": "1966-11-26", "doi_tuong_phi": "thong_thuong", "so_luong": 1},
        DAY,
        True,
        200_000,
    ),
    (
        "ly_lich_tu_phap",
        {**ADULT, "doi_tuong_phi": "nguoi_khuyet_tat", "so_luong": 1},
        DAY,
        True,
        0,
    ),
    ("ly_lich_tu_phap", {**ADULT, "doi_tuong_phi": "ho_ngheo", "so_luong": 5}, DAY, True, 0),
    # Identity card replacement: free at 14/25/40/60; 25.000 đ during the cut, 50.000 đ after;
    # exempt people pay nothing.
    (
        "cap_doi_the_can_cuoc",
        {"ly_do_doi": "du_tuoi", "doi_tuong_mien_le_phi": "khong"},
        DAY,
        True,
        0,
    ),
    (
        "cap_doi_the_can_cuoc",
        {"ly_do_doi": "hong", "doi_tuong_mien_le_phi": "khong"},
        DAY,
        True,
        25_000,
    ),
    (
        "cap_doi_the_can_cuoc",
        {"ly_do_doi": "hong", "doi_tuong_mien_le_phi": "khong"},
        date(2025, 6, 30),
        True,
        50_000,
    ),
    (
        "cap_doi_the_can_cuoc",
        {"ly_do_doi": "hong", "doi_tuong_mien_le_phi": "khong"},
        date(2026, 12, 31),
        True,
        25_000,
    ),
    (
        "cap_doi_the_can_cuoc",
        {"ly_do_doi": "hong", "doi_tuong_mien_le_phi": "khong"},
        AFTER_CUT,
        True,
        50_000,
    ),
    (
        "cap_doi_the_can_cuoc",
        {"ly_do_doi": "theo_yeu_cau", "doi_tuong_mien_le_phi": "xa_bien_gioi"},
        DAY,
        True,
        0,
    ),
    # Identity card re-issue: 35.000 đ during the cut, 70.000 đ after.
    (
        "cap_lai_the_can_cuoc",
        {"ly_do_cap_lai": "mat", "doi_tuong_mien_le_phi": "khong"},
        DAY,
        True,
        35_000,
    ),
    (
        "cap_lai_the_can_cuoc",
        {"ly_do_cap_lai": "mat", "doi_tuong_mien_le_phi": "khong"},
        AFTER_CUT,
        True,
        70_000,
    ),
    (
        "cap_lai_the_can_cuoc",
        {"ly_do_cap_lai": "mat", "doi_tuong_mien_le_phi": "ho_ngheo"},
        AFTER_CUT,
        True,
        0,
    ),
    # Tobacco retail licence, household business: 100.000 đ until 31 Dec 2026, then 200.000 đ.
    ("giay_phep_ban_le_thuoc_la", {}, DAY, True, 100_000),
    ("giay_phep_ban_le_thuoc_la", {}, AFTER_CUT, False, 200_000),
    # Food-safety certificate for an eatery: 700.000 đ under 200 meals, 1.000.000 đ from 200.
    ("cap_gcn_attp", {"quy_mo": "duoi_200"}, DAY, True, 700_000),
    ("cap_gcn_attp", {"quy_mo": "tu_200"}, DAY, False, 1_000_000),
]


def _proc(catalog: Catalog, proc_id: str) -> Procedure:
    proc = catalog.procedure(proc_id)
    assert proc is not None, proc_id
    return proc


@pytest.mark.parametrize(("proc_id", "answers", "day", "online", "total"), CASES)
def test_the_fee_follows_the_answers_and_the_date(
    catalog: Catalog,
    proc_id: str,
    answers: dict[str, object],
    day: date,
    online: bool,
    total: int | None,
) -> None:
    quote = quote_fee(_proc(catalog, proc_id), answers, day, online)  # type: ignore[arg-type]
    assert quote.total == total
    assert quote.total == sum(line.amount or 0 for line in quote.lines)


def test_every_procedure_whose_fee_depends_on_answers_or_dates_is_in_the_table(
    catalog: Catalog,
) -> None:
    ruled = {
        proc.id
        for proc in catalog.procedures
        if any(item.depends_on_answers or item.cases for item in proc.fees)
    }
    assert ruled == {proc_id for proc_id, *_ in CASES}


def test_a_line_says_how_it_was_computed(catalog: Catalog) -> None:
    quote = quote_fee(_proc(catalog, "trich_luc_ban_sao"), {"so_ban": 3}, DAY)
    (line,) = quote.lines
    assert (line.quantity, line.unit, line.amount) == (3, 8_000, 24_000)
    assert line.unit_name is not None and line.unit_name.vi == "bản"
    pages = quote_fee(_proc(catalog, "chung_thuc_ban_sao"), {"so_trang": 5, "so_ban": 2}, DAY)
    assert [(x.quantity, x.unit, x.amount) for x in pages.lines] == [
        (4, 2000, 8000),
        (6, 1000, 6000),
    ]


def test_an_exemption_is_named_on_its_line(catalog: Catalog) -> None:
    answers = {"ngay_sinh": "2012-03-01", "doi_tuong_phi": "thong_thuong", "so_luong": 3}
    quote = quote_fee(_proc(catalog, "ly_lich_tu_phap"), answers, DAY)
    assert quote.total == 0
    assert all(line.exemption and "trẻ em" in line.exemption.vi for line in quote.lines)


def test_the_online_price_is_used_online_and_the_counter_price_at_the_counter(
    catalog: Catalog,
) -> None:
    stay = _proc(catalog, "dang_ky_tam_tru")
    assert quote_fee(stay, {}, DAY).total == 7_000
    assert quote_fee(stay, {}, DAY, online=False).total == 15_000


def test_an_amount_set_at_reception_leaves_the_total_unknown(catalog: Catalog) -> None:
    quote = quote_fee(_proc(catalog, "gpxd_nha_o"), {}, DAY)
    assert quote.total is None and quote.at_reception


def _item(**rule: object) -> FeeItem:
    return FeeItem("k", LocalText("Phí", "Fee"), 10_000, **rule)  # type: ignore[arg-type]


def _with(*items: FeeItem) -> Procedure:
    return Procedure(
        "p", None, LocalText("P", "P"), LocalText("s", "s"), "x", "commune",  # type: ignore[arg-type]
        "commune_committee", (), (), items, 1, LocalText("n", "n"), LocalText("r", "r"),  # type: ignore[arg-type]
    )  # fmt: skip


def test_an_item_outside_its_validity_period_is_not_charged() -> None:
    item = _item(valid_from=date(2026, 1, 1), valid_until=date(2026, 6, 30))
    assert quote_fee(_with(item), {}, date(2026, 3, 1)).total == 10_000
    assert quote_fee(_with(item), {}, date(2026, 7, 1)).total == 0


def test_a_partial_exemption_takes_its_percentage_off() -> None:
    half = Exemption((Condition("khuyet_tat", ("yes",)),), LocalText("giảm 50%", "50% off"), 50)
    item = _item(per=Quantity("so_ban", LocalText("bản", "copy")), exemptions=(half,))
    assert quote_fee(_with(item), {"so_ban": 3, "khuyet_tat": True}, DAY).total == 15_000
    assert quote_fee(_with(item), {"so_ban": 3, "khuyet_tat": False}, DAY).total == 30_000


def test_the_first_price_case_that_holds_wins() -> None:
    cases = (
        PriceCase(0, when=(Condition("ly_do", ("a",)),)),
        PriceCase(5_000, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31)),
    )
    item = _item(cases=cases, tiers=(), per=None)
    assert quote_fee(_with(item), {"ly_do": "a"}, DAY).total == 0
    assert quote_fee(_with(item), {"ly_do": "b"}, DAY).total == 5_000
    assert quote_fee(_with(item), {"ly_do": "b"}, AFTER_CUT).total == 10_000


def test_tiers_without_a_cap_add_up() -> None:
    tiers = (Tier(3_000, 1), Tier(1_000))
    item = _item(per=Quantity("so_trang", LocalText("trang", "page")), tiers=tiers)
    assert quote_fee(_with(item), {"so_trang": 4}, DAY).total == 6_000
