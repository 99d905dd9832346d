"""Reaching a person: a citizen's conversation handed over to an agency's officers.

A hand-over belongs to one agency (the dossier's, or the desk the citizen chose, by default the
province's one-stop desk) and one citizen chat. While it is open, what the citizen types is
kept and shown to that agency's officers; their answers are kept and sent to the citizen
through the outbox. It ends explicitly, by the citizen or an officer. The whole exchange stays
with the dossier (when it started from one) or with the chat, readable by the agency later.

Officers of another agency never see it: every read and write names the agencies the caller
may act for (`may_see`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from services.office_hours import OfficeHours

ALL_AGENCIES = "*"  # an officer chat or key of the whole province
MAX_TEXT = 2000  # one message of the exchange
MAX_NAME = 80  # an officer's display name


class TalkState(StrEnum):
    """Whether officers still answer."""

    OPEN = "open"
    CLOSED = "closed"


class Author(StrEnum):
    """Who wrote a message of the exchange."""

    CITIZEN = "citizen"
    OFFICER = "officer"


@dataclass(frozen=True, slots=True)
class Talk:
    """One hand-over: whose chat, which agency, about which dossier, and where it stands."""

    id: str
    chat_key: str
    agency_id: str
    opened_at: datetime
    dossier_id: str = ""  # "" when asked from the chat, not about a dossier
    dossier_code: str = ""
    state: TalkState = TalkState.OPEN
    closed_at: datetime | None = None
    closed_by: str = ""  # "citizen" or "officer:<who>"

    @property
    def is_open(self) -> bool:
        """Whether officers can still answer."""
        return self.state is TalkState.OPEN


@dataclass(frozen=True, slots=True)
class TalkMessage:
    """One message of the exchange; `name` is the officer's display name (empty for the
    citizen), as the officer configured it — never more about the officer."""

    talk_id: str
    seq: int
    author: Author
    text: str
    at: datetime
    name: str = ""


def may_see(agencies: Sequence[str], talk: Talk) -> bool:
    """Whether a caller acting for `agencies` may read or answer `talk`."""
    return ALL_AGENCIES in agencies or talk.agency_id in agencies


@dataclass(frozen=True, slots=True)
class OfficerDesk:
    """An officer chat: the agency it acts for ("*": the province) and the name its answers
    are signed with (empty: the agency's name)."""

    agency_id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """Where hand-overs go: officer chats by chat key (admin chats act for the province), the
    default agency, office hours."""

    officer_chats: Mapping[str, OfficerDesk] = field(default_factory=dict)
    admin_chats: tuple[str, ...] = ()
    default_agency: str = "ubnd_tinh"
    hours: OfficeHours = field(default_factory=OfficeHours)

    def chats_for(self, agency_id: str) -> list[str]:
        """The officer chats that see hand-overs of `agency_id`, in a stable order."""
        chats = {
            key
            for key, desk in self.officer_chats.items()
            if desk.agency_id in (ALL_AGENCIES, agency_id)
        }
        chats.update(key for key in self.admin_chats if key not in self.officer_chats)
        return sorted(chats)


class TalkRepository(Protocol):
    """Hand-overs and their messages; within the unit of work that uses them."""

    async def add(self, talk: Talk) -> None:
        """Store a new, open hand-over."""
        ...

    async def get(self, talk_id: str) -> Talk | None:
        """A hand-over by id."""
        ...

    async def open_for_chat(self, chat_key: str) -> Talk | None:
        """The chat's open hand-over, if any (a chat has at most one)."""
        ...

    async def add_message(
        self, talk_id: str, author: Author, text: str, at: datetime, name: str = ""
    ) -> TalkMessage:
        """Append a message; its `seq` is one more than the last one's."""
        ...

    async def messages(self, talk_id: str) -> Sequence[TalkMessage]:
        """The whole exchange, in order."""
        ...

    async def close(self, talk_id: str, by: str, at: datetime) -> Talk | None:
        """Close an open hand-over; None when it was not open (closed before, or unknown)."""
        ...

    async def listing(
        self,
        agencies: Sequence[str] | None,
        state: TalkState | None = None,
        dossier_id: str | None = None,
        limit: int = 50,
    ) -> Sequence[Talk]:
        """Hand-overs of these agencies (None: all), newest first, optionally only open or
        closed ones, or those of one dossier."""
        ...
