"""The public status page a paper's QR code opens: what anyone may see of a dossier, as
`/status CODE` shows it to someone who did not file it (no names, no answers)."""

from __future__ import annotations

from conversations.cards import both
from conversations.flows.dossiers import status_text
from conversations.messages import Day, Text
from services.catalog_index import Catalog
from services.clock import VIETNAM
from services.dossiers import Dossier


def public_status(catalog: Catalog, dossier: Dossier) -> Text:
    """The dossier's procedure, agency, status and dates (Vietnam's calendar)."""
    proc = catalog.procedure(dossier.procedure_id)
    agency = catalog.agencies.get(dossier.agency_id)
    submitted = dossier.submitted_at.astimezone(VIETNAM).date() if dossier.submitted_at else None
    return Text(
        "status.public",
        {
            "code": dossier.code,
            "procedure": Text("raw_both", {"text": both(proc.name)}) if proc else "—",
            "agency": Text("raw_both", {"text": both(agency.name)}) if agency else "—",
            "status": status_text(dossier),
            "submitted": Day(submitted) if submitted else "—",
            "due": Day(dossier.due_date) if dossier.due_date else "—",
        },
    )
