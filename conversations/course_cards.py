"""What the owner's dossier card says and offers about changing course: the supplement asked
for (with its "Nộp bổ sung" button), the withdrawal, contact changes, the rating."""

from __future__ import annotations

from collections.abc import Mapping

from conversations import payloads
from conversations.messages import At, Both, Button, Lines, Text, btn, main_btn, raw
from conversations.status_messages import RATE, SUPPLEMENT, supplement_lines
from services.answers import JsonValue
from services.catalog_index import Catalog
from services.dossier_codes import DossierStatus
from services.dossier_course import (
    ADDRESS_KEY,
    can_change_contact,
    can_rate,
    can_withdraw,
    contact_keys,
)
from services.dossiers import Dossier
from services.ratings import Rating, RatingLevel

WITHDRAW = "wd"  # global button: withdraw a dossier (asks the reason)
WITHDRAW_CONFIRM = "wdy"  # global button: confirm the withdrawal asked for
ADDRESS = "cca"  # global button: change the delivery address
PHONE = "ccp"  # global button: change the contact phone
CONTACT_CONFIRM = "ccy"  # global button: confirm the new address or phone
LEVEL_PREFIX = "rv"  # global buttons rv4 … rv1: the level chosen
KINDS = frozenset(
    {WITHDRAW, WITHDRAW_CONFIRM, ADDRESS, PHONE, CONTACT_CONFIRM, RATE}
    | {f"{LEVEL_PREFIX}{int(level)}" for level in RatingLevel}
)
SHOWN_CHANGES = 3  # the latest contact changes on the card


def level_text(level: RatingLevel) -> Text:
    """A satisfaction level in both languages."""
    return Text("raw_both", {"text": Both(level.label("vi"), level.label("en"))})


def contact_value(value: JsonValue) -> Text:
    """An address (detail, ward, province) or a phone number, as typed."""
    if isinstance(value, Mapping):
        parts = (value.get("detail"), value.get("ward"), value.get("province"))
        return raw(", ".join(str(p) for p in parts if p))
    return raw(str(value))


def field_name(key: str) -> Text:
    """Which contact changed."""
    return Text("course.field_address" if key == ADDRESS_KEY else "course.field_phone")


def card_block(catalog: Catalog, dossier: Dossier, rating: Rating | None) -> Lines:
    """The card's lines about the supplement asked for, the withdrawal, changes and rating."""
    lines: list[Text] = []
    if dossier.status is DossierStatus.SUPPLEMENT_REQUESTED and dossier.supplement:
        note = dossier.supplement_note
        lines.append(
            Text(
                "course.card_supplement",
                {
                    "since": At(dossier.supplement_at) if dossier.supplement_at else "—",
                    "lines": supplement_lines(catalog, dossier),
                    "note": Text("course.card_note", {"note": note}) if note else "",
                },
            )
        )
    if dossier.withdrawal is not None:
        w = dossier.withdrawal
        lines.append(
            Text(
                "course.card_withdrawn",
                {
                    "at": At(w.at),
                    "reason": Text(f"course.reason_{w.reason.value}"),
                    "detail": Text("course.card_detail", {"detail": w.detail}) if w.detail else "",
                },
            )
        )
    for change in dossier.contact_changes[-SHOWN_CHANGES:]:
        lines.append(
            Text(
                "course.card_changed",
                {
                    "field": field_name(change.key),
                    "old": contact_value(change.old),
                    "new": contact_value(change.new),
                    "at": At(change.at),
                },
            )
        )
    if rating is not None:
        lines.append(Text("course.card_rated", {"level": level_text(rating.level)}))
    return Lines(tuple(lines), separator="")


def card_buttons(dossier: Dossier, rated: bool) -> list[tuple[Button, ...]]:
    """The owner's actions on the dossier now, one per row."""
    rows: list[tuple[Button, ...]] = []
    if dossier.status is DossierStatus.SUPPLEMENT_REQUESTED and dossier.supplement:
        rows.append((main_btn("course.supplement_button", payloads.pick(SUPPLEMENT, dossier.id)),))
    if can_change_contact(dossier):
        keys = contact_keys(dossier)
        if ADDRESS_KEY in keys:
            rows.append((btn("course.address_button", payloads.pick(ADDRESS, dossier.id)),))
        if any(k != ADDRESS_KEY for k in keys):
            rows.append((btn("course.phone_button", payloads.pick(PHONE, dossier.id)),))
    if can_withdraw(dossier):
        rows.append((btn("course.withdraw_button", payloads.pick(WITHDRAW, dossier.id)),))
    if can_rate(dossier) and not rated:
        rows.append((btn("course.rate_button", payloads.pick(RATE, dossier.id)),))
    return rows
