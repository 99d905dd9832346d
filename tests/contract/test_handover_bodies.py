"""Every hand-over body dvc-bot builds (bot/handover_body.py) fits its JSON Schema in
docs/one-stop-schemas/ — including those of the events other flows queue (withdraw, contact
change, rating) — and a body that breaks the contract does not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.handover_body import event_body
from services.applicant import Party
from services.catalog_index import Catalog
from services.documents import Attachment
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, Phase
from services.file_store_port import ref_for
from services.handover import HandoverEvent, HandoverKind
from services.ledger import Payment
from tests.contract.fake_one_stop import schema_validator

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n" + b"x" * 300
HOA = Party("004195118046", "Nông Thị Hoa", "1995-03-12", "nu")
DETAILS: dict[HandoverKind, dict[str, Any]] = {
    HandoverKind.SUBMIT: {},
    HandoverKind.SUPPLEMENT: {"document_ids": ["doc-2"]},
    HandoverKind.WITHDRAW: {
        "reason": "wrong_procedure",
        "label": "Nộp nhầm thủ tục/cơ quan",
        "detail": "",
        "refund": 7000,
    },
    HandoverKind.CONTACT_CHANGE: {
        "field": "dia_chi_nhan",
        "value": {"province": "04", "ward": "01273", "detail": "Tổ 5"},
    },
    HandoverKind.RATING: {"level": 4, "comment": "Nhanh, gọn"},
}


def sign(dossier_id: str, document_id: str, ref: str) -> tuple[str, datetime]:
    return f"https://dvc.example.vn/one-stop/files/{dossier_id}/{document_id}?sig=x", NOW


def paid_dossier(catalog: Catalog) -> Dossier:
    proc = catalog.procedure("dang_ky_tam_tru")
    assert (proc is not None and proc.provincial_agency_id is not None) or proc is not None
    agency = next(iter(catalog.agencies))
    pdf = Attachment("hop_dong", "doc-1", "hop-dong.pdf", "pdf", len(PDF), ref_for(PDF))
    later = Attachment("giay_xac_nhan", "doc-2", "xac-nhan.jpg", "jpeg", 10, ref_for(b"j" * 10))
    return Dossier(
        id="d-1", code=f"{agency.code}-261207-0001", procedure_id=proc.id, agency_id=agency.id,
        owner="web:x", citizen_id="c-1", attachments=(pdf, later), fee=7000, created_at=NOW,
        answers={"ho_ten": "Nông Thị Hoa", "thoi_han": 12, "co_chu_ho": True,
                 "noi_o": {"province": "04", "ward": "01273", "detail": "Tổ 5"},
                 "hinh_thuc_nhan_kq": "buu_chinh", "sdt_nguoi_nhan": "0912345678"},
        phase=Phase.SUBMITTED, status=DossierStatus.PROCESSING, submitted_at=NOW,
        filer=HOA, subject=HOA, remote_code="000.00.51.H04-000001",
        payments=(Payment("sepay", "9100", 7000, NOW, 7000),),
    )  # fmt: skip


@pytest.mark.parametrize("kind", list(HandoverKind))
def test_the_body_of_every_kind_fits_its_schema(catalog: Catalog, kind: HandoverKind) -> None:
    dossier = paid_dossier(catalog)
    event = HandoverEvent("d-1" if kind is HandoverKind.SUBMIT else f"d-1:{kind}:1", "d-1",
                          kind, NOW, DETAILS[kind])  # fmt: skip
    body = event_body(catalog, event, dossier, sign)
    errors = [e.message for e in schema_validator(kind.value).iter_errors(body)]
    assert errors == [], body
    assert body["dossier_id"] == "d-1" and body["code"] == dossier.code
    if kind is HandoverKind.SUBMIT:
        assert {a["key"] for a in body["answers"]} == set(dossier.answers)
        assert [d["name"] for d in body["documents"]] == ["hop-dong.pdf", "xac-nhan.jpg"]
        assert body["delivery"] == {"method": "buu_chinh", "phone": "0912345678"}
    if kind is HandoverKind.SUPPLEMENT:
        assert [d["name"] for d in body["documents"]] == ["xac-nhan.jpg"]


def test_a_body_that_breaks_the_contract_is_refused_by_its_schema(catalog: Catalog) -> None:
    dossier = paid_dossier(catalog)
    rating = HandoverEvent("d-1:rating:1", "d-1", HandoverKind.RATING, NOW, {"level": 5})
    assert list(schema_validator("rating").iter_errors(event_body(catalog, rating, dossier, sign)))
    submit = HandoverEvent("d-1", "d-1", HandoverKind.SUBMIT, NOW)
    body = event_body(catalog, submit, replace(dossier, filer=None), sign)
    body["documents"][0]["sha256"] = "not-a-digest"
    assert len(list(schema_validator("submit").iter_errors(body))) == 1
    withdraw = HandoverEvent("d-1:withdraw:1", "d-1", HandoverKind.WITHDRAW, NOW, {})
    assert list(
        schema_validator("withdraw").iter_errors(event_body(catalog, withdraw, dossier, sign))
    )
