"""What wording a paper needs: the text catalogue in the papers' language, the catalogue of
procedures and agencies, the printer, the public address and the fee account.

Papers are worded in Vietnamese whatever the chat's language: they are the administrative
record, and one kept file serves every chat of the citizen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.flow import PaymentAccount
from conversations.messages import At, Money, Text
from conversations.texts import TextCatalog
from services.catalog import Procedure
from services.catalog_index import Catalog
from services.dossiers import Dossier
from services.papers import PaperPrinter

PAPER_LANG = "vi"
APPLICANT = "ho_ten"  # the applicant's name in every form


@dataclass(frozen=True)
class PaperOffice:
    """What issuing a paper needs: the printer, the catalogue, the public address of the
    status page and the account fees are collected into."""

    printer: PaperPrinter
    catalog: Catalog
    public_url: str
    account: PaymentAccount
    texts: TextCatalog = field(default_factory=TextCatalog)

    def say(self, key: str, **params: str | int | Money | At | Text) -> str:
        """A catalogue text as the paper prints it."""
        return self.texts.plain(Text(key, params), PAPER_LANG)


def names(office: PaperOffice, dossier: Dossier) -> tuple[Procedure | None, str, str]:
    """The dossier's procedure, and its procedure and agency names as papers print them."""
    proc = office.catalog.procedure(dossier.procedure_id)
    agency = office.catalog.agencies.get(dossier.agency_id)
    name = dossier.procedure_id
    if proc is not None:
        name = proc.name.vi
        if proc.code:
            name = office.say("paper.procedure_value", name=proc.name.vi, code=proc.code)
    return proc, name, agency.name.vi if agency else dossier.agency_id


def letterhead(office: PaperOffice, agency: str) -> tuple[str, ...]:
    """The national motto over the agency's name."""
    return (office.say("paper.state"), office.say("paper.motto"), agency)
