"""Fee rules and result forms in the catalogue files: read, and rejected when they refer to
something the form does not have (with file, procedure and field, like other problems)."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import pytest

from services.catalog import FieldType
from services.catalog_schema import CatalogError, build_catalog
from services.fee_rules import VisitPurpose, VisitWhen
from storage.seed import read_catalog_files

FILE = "procedures/trich_luc_ban_sao.yaml"


@cache
def _parsed() -> dict[str, Any]:
    return read_catalog_files()


def _files() -> dict[str, Any]:
    return copy.deepcopy(_parsed())


def _problems(files: dict[str, Any]) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        build_catalog(files)
    return [str(problem) for problem in caught.value.problems]


def _fee(files: dict[str, Any], file: str = FILE) -> dict[str, Any]:
    fee: dict[str, Any] = files[file]["fees"][0]
    return fee


def test_a_plain_amount_still_reads_as_before() -> None:
    files = _files()
    files[FILE]["fees"] = [
        {"key": "phi", "amount": 8000, "online_amount": 6000, "name": {"vi": "Phí", "en": "Fee"}}
    ]
    proc = next(p for p in build_catalog(files).procedures if p.id == "trich_luc_ban_sao")
    (item,) = proc.fees
    assert (item.amount, item.online_amount, item.per, item.cases) == (8000, 6000, None, ())


@pytest.mark.parametrize(
    ("rule", "where", "why"),
    [
        ({"per": {"field": "so_bann", "unit": {"vi": "bản", "en": "copy"}}},
         "fees[phi_ban_sao_trich_luc].per.field", "no field 'so_bann'"),
        ({"per": {"field": "noi_dang_ky", "unit": {"vi": "bản", "en": "copy"}}},
         "fees[phi_ban_sao_trich_luc].per.field", "not a number"),
        ({"cases": [{"when": [{"field": "loai_trich_luc", "in": ["ly_hon"]}], "amount": 0}]},
         "fees[phi_ban_sao_trich_luc].cases[0].when[0].in", "no option 'ly_hon'"),
        ({"cases": [{"when": [{"field": "ghi_chu", "in": ["x"]}], "amount": 0}]},
         "fees[phi_ban_sao_trich_luc].cases[0].when[0].field", "no field 'ghi_chu'"),
        ({"exemptions": [{"when": [{"field": "ho_ten", "age_under": 6}],
                          "note": {"vi": "miễn", "en": "free"}}]},
         "fees[phi_ban_sao_trich_luc].exemptions[0].when[0].field", "needs a date field"),
        ({"exemptions": [{"when": [{"field": "ngay_sinh_nguoi_co_su_kien", "age_under": 6}],
                          "note": {"vi": "miễn", "en": "free"}, "percent": 120}]},
         "fees[phi_ban_sao_trich_luc].exemptions[0].percent", "1 to 100"),
        ({"cases": [{"from": "2026-13-01", "amount": 0}]},
         "fees[phi_ban_sao_trich_luc].cases[0].from", "not a date"),
        ({"tiers": [{"amount": 1000}], "per": None},
         "fees[phi_ban_sao_trich_luc].tiers", "add per"),
        ({"per_copy": 3}, "fees[phi_ban_sao_trich_luc]", "unknown key 'per_copy'"),
    ],
)  # fmt: skip
def test_a_rule_naming_what_the_form_lacks_is_rejected_with_its_place(
    rule: dict[str, Any], where: str, why: str
) -> None:
    files = _files()
    _fee(files).update(rule)
    problems = _problems(files)
    expected = f"{FILE} › procedure 'trich_luc_ban_sao' › {where}"
    assert any(p.startswith(expected) and why in p for p in problems), problems


def test_a_yes_no_condition_takes_yes_or_no() -> None:
    files = _files()
    file = "procedures/chung_thuc_ban_sao.yaml"
    _fee(files, file)["exemptions"] = [
        {"when": [{"field": "ban_dien_tu", "in": ["co"]}], "note": {"vi": "m", "en": "f"}}
    ]
    (problem,) = _problems(files)
    assert "ban_dien_tu" in problem and "['no', 'yes']" in problem


def test_result_forms_narrow_the_delivery_question() -> None:
    files = _files()
    proc = next(p for p in build_catalog(files).procedures if p.id == "cap_doi_the_can_cuoc")
    delivery = proc.field("hinh_thuc_nhan_kq")
    assert delivery is not None and delivery.type is FieldType.SELECT
    assert [o.value for o in delivery.options] == ["truc_tiep", "buu_chinh"]  # a card is a card
    (visit,) = proc.visits
    assert (visit.purpose, visit.when) == (VisitPurpose.BIOMETRICS, VisitWhen.BEFORE_RESULT)
    files[FILE]["result_forms"] = ["fax"]
    files[FILE]["visits"] = [
        {"purpose": "dance", "when": "before_result", "place": {"vi": "x", "en": "x"}}
    ]
    problems = _problems(files)
    assert any("result_forms" in p and "'fax'" in p for p in problems), problems
    assert any("visits[0].purpose" in p and "'dance'" in p for p in problems), problems


def test_rules_and_visits_survive_the_databases_json() -> None:
    from services.catalog import Procedure
    from services.codec import from_json, to_json

    for proc in build_catalog(_files()).procedures:
        assert from_json(Procedure, json.loads(json.dumps(to_json(proc)))) == proc, proc.id
