"""The JSON bodies of the hand-over contract (docs/one-stop-contract.md), built from a dossier.

The shapes are fixed by the JSON Schemas in docs/one-stop-schemas/ (the tests validate every
body built here against them). Documents are offered by signed, expiring links to
`GET /one-stop/files/{dossier id}/{document id}` (bot.web.one_stop_files), with their type,
size and SHA-256, so the one-stop system fetches them when it wants and checks them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from services.applicant import Party
from services.catalog_index import Catalog
from services.dossiers import Dossier
from services.file_store_port import digest_of
from services.handover import HandoverEvent, HandoverKind

DELIVERY = "hinh_thuc_nhan_kq"  # the delivery block of blocks.yaml (services.catalog_schema)
DELIVERY_FIELDS = {"nguoi_nhan": "recipient", "sdt_nguoi_nhan": "phone", "dia_chi_nhan": "address"}

# (dossier id, document id, file ref) → (url, expires at)
LinkSigner = Callable[[str, str, str], tuple[str, datetime]]


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _party(party: Party | None) -> dict[str, Any] | None:
    if party is None:
        return None
    return {
        "id_number": party.id_number,
        "full_name": party.full_name,
        "birth_date": party.birth_date,
        "sex": party.sex,
    }


def _answers(catalog: Catalog, dossier: Dossier) -> list[dict[str, Any]]:
    proc = catalog.procedure(dossier.procedure_id)
    out = []
    for key, value in dossier.answers.items():
        spec = proc.field(key) if proc else None
        label = spec.label.vi if spec else key
        out.append({"key": key, "label": label, "value": value})
    return out


def _documents(dossier: Dossier, sign: LinkSigner) -> list[dict[str, Any]]:
    out = []
    for attachment in dossier.attachments:
        url, expires = sign(dossier.id, attachment.document_id, attachment.ref)
        out.append(
            {
                "component": attachment.component,
                "name": attachment.name,
                "type": attachment.kind,
                "size": attachment.size,
                "sha256": digest_of(attachment.ref),
                "url": url,
                "expires_at": expires.isoformat(),
            }
        )
    return out


def _delivery(dossier: Dossier) -> dict[str, Any]:
    answers = dossier.answers
    delivery: dict[str, Any] = {"method": answers.get(DELIVERY, "")}
    for key, name in DELIVERY_FIELDS.items():
        if key in answers:
            delivery[name] = answers[key]
    return delivery


def submit_body(catalog: Catalog, dossier: Dossier, sign: LinkSigner) -> dict[str, Any]:
    """The whole dossier, as submitted (schema: submit.json)."""
    proc = catalog.procedure(dossier.procedure_id)
    agency = catalog.agencies.get(dossier.agency_id)
    return {
        "dossier_id": dossier.id,
        "code": dossier.code,
        "submitted_at": _iso(dossier.submitted_at or dossier.created_at),
        "procedure": {
            "id": dossier.procedure_id,
            "code": (proc.code if proc else None) or dossier.procedure_id,
            "name": proc.name.vi if proc else dossier.procedure_id,
        },
        "agency": {
            "id": dossier.agency_id,
            "code": agency.code if agency else "",
            "name": agency.name.vi if agency else dossier.agency_id,
        },
        "applicant": _party(dossier.filer),
        "subject": _party(dossier.subject),
        "relation": dossier.relation,
        "answers": _answers(catalog, dossier),
        "documents": _documents(dossier, sign),
        "fee": {
            "amount": dossier.fee,
            "method": dossier.payment_method.value,
            "paid": dossier.paid_total,
            "due": dossier.due,
        },
        "payments": [
            {
                "provider": p.provider,
                "transaction_id": p.transaction_id,
                "amount": p.amount,
                "applied": p.applied,
                "at": p.at.isoformat(),
            }
            for p in dossier.payments
        ],
        "delivery": _delivery(dossier),
    }


def event_body(
    catalog: Catalog, event: HandoverEvent, dossier: Dossier, sign: LinkSigner
) -> dict[str, Any]:
    """The body of any event (schema: `<kind>.json`)."""
    if event.kind is HandoverKind.SUBMIT:
        return submit_body(catalog, dossier, sign)
    body: dict[str, Any] = {
        "dossier_id": dossier.id,
        "code": dossier.code,
        "remote_code": dossier.remote_code or None,
        "at": event.created_at.isoformat(),
    }
    detail: Mapping[str, Any] = event.detail
    if event.kind is HandoverKind.SUPPLEMENT:
        wanted = set(detail.get("document_ids") or ())
        sent = tuple(a for a in dossier.attachments if a.document_id in wanted)
        body["components"] = sorted({a.component for a in sent})
        body["documents"] = _documents(replace(dossier, attachments=sent), sign)
    else:
        body.update({k: v for k, v in detail.items() if v is not None})
    return body
