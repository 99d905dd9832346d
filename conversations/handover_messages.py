"""What the citizen reads about the hand-over to the one-stop system (services.handover):
the message when it received the dossier, and the line on the dossier's card."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations import payloads
from conversations.messages import At, Outgoing, Text, btn
from conversations.status_messages import OPEN, procedure_label
from services.catalog_index import Catalog
from services.codec import to_json
from services.dossiers import Dossier


def accepted_message(catalog: Catalog, dossier: Dossier) -> Outgoing:
    """The one-stop system received the dossier: its own code and when."""
    params: dict[str, Any] = {
        "code": dossier.code,
        "procedure": procedure_label(catalog, dossier),
        "remote": dossier.remote_code,
        "at": At(dossier.remote_received_at or dossier.created_at),
    }
    buttons = ((btn("push.open", payloads.pick(OPEN, dossier.id)),),)
    return Outgoing(Text("handover.accepted", params), buttons)


def with_remote_code(card: Text, dossier: Dossier) -> Text:
    """The dossier's card with the one-stop system's code and receipt time, once it has them."""
    if not dossier.remote_code:
        return card
    at = At(dossier.remote_received_at or dossier.created_at)
    return Text("handover.card", {"card": card, "remote": dossier.remote_code, "at": at})


class HandoverMessages:
    """services.handover_delivery.AcceptedMessages over the catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def accepted(self, dossier: Dossier) -> Mapping[str, Any]:
        """The acceptance message as JSON for the outbox."""
        encoded: Mapping[str, Any] = to_json(accepted_message(self._catalog, dossier))
        return encoded
