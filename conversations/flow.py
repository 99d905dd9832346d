"""What a flow is: states, one step per state, and the ports a step may call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from conversations.chat_drafts import ChatDrafts
from conversations.messages import ChatAddress, Incoming, Outgoing
from services.catalog_index import Catalog
from services.citizens import Citizen, CitizenRegistry
from services.clock import Clock
from services.documents import UploadStaging
from services.dossiers import PaymentSimulator
from services.following import FollowLimits
from services.otp import OtpService
from services.papers import PaperPrinter
from services.places import AddressConverter, Places
from services.ports import DraftRepository, IdGenerator, UnitOfWork
from services.talks import DeskSettings

D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class PaymentAccount:
    """The account fees are paid into (from settings), and whether the demo may simulate a
    bank transfer."""

    bank_bin: str = "970415"
    number: str = "1234567890"
    holder: str = "THU PHI DICH VU CONG CAO BANG"
    simulator: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    """Dialogue settings chosen at deployment."""

    province_code: str = "04"
    page_size: int = 6
    session_idle_minutes: int = 30
    payment: PaymentAccount = field(default_factory=PaymentAccount)
    admin_chats: tuple[str, ...] = ()  # chat keys allowed the officer and admin commands
    public_url: str = "http://127.0.0.1:8080"  # where the public status pages are served
    follow: FollowLimits = field(default_factory=FollowLimits)  # how much a chat may follow
    desk: DeskSettings = field(default_factory=DeskSettings)  # officer chats, office hours


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a step may consult: the chat, read-only data and transactional ports."""

    address: ChatAddress
    lang: str
    catalog: Catalog
    places: Places
    repos: UnitOfWork
    clock: Clock
    ids: IdGenerator
    otp: OtpService
    registry: CitizenRegistry
    addresses: AddressConverter
    uploads: UploadStaging
    simulator: PaymentSimulator | None = None
    papers: PaperPrinter | None = None  # None: no PDF papers are issued
    settings: Settings = field(default_factory=Settings)
    citizen: Citizen | None = None
    source: str = ""  # the update's origin, when the channel names one (login code caps)
    admin_signed_in: bool = False  # the channel authenticated an admin (web chat admin key)

    @property
    def drafts(self) -> DraftRepository:
        """The drafts repository of this unit of work; changes are marked with this chat."""
        return ChatDrafts(self.repos.drafts, self.address.key)

    @property
    def citizen_id(self) -> str | None:
        """The logged-in citizen's id, if any."""
        return self.citizen.id if self.citizen else None

    @property
    def is_admin(self) -> bool:
        """Whether an admin signed in on this chat, or it is one of the configured admin
        chats (never a web chat: its ids are not proof of anything)."""
        return self.admin_signed_in or self.address.key in self.settings.admin_chats


@dataclass(frozen=True, slots=True)
class Turn:
    """What a step decides: the state the bot now awaits, its data, and what to say.

    `login`/`logout` change who is logged in on this chat; `then` is a button payload the
    router applies next in the new state (to carry on an action interrupted by a login);
    `prompt` asks the router to add the new state's question after the messages.
    """

    flow: str
    state: str
    data: Any
    messages: tuple[Outgoing, ...] = ()
    lang: str | None = None  # set when the step switched the language
    login: str | None = None
    logout: bool = False
    then: str = ""
    prompt: bool = False
    offer: str = ""  # a search offered with one button (conversations.anywhere)

    def saying(self, *messages: Outgoing) -> Turn:
        """The same turn with messages put before the ones it already has."""
        return replace(self, messages=(*messages, *self.messages))


# A step returns None when the action means nothing in its state (an old button, a file
# where text was expected): the router then says so and asks the state's question again.
Step = Callable[[Context, D, Incoming], Awaitable[Turn | None]]
Prompt = Callable[[Context, D], Awaitable[Turn]]


@dataclass(frozen=True)
class Flow(Generic[D]):
    """A dialogue: an enum of states, one step and one prompt per state, and typed data.

    The step handles one user action in that state; the prompt (re-)asks what the state
    awaits, used on entry, after /help or a stale button, and when a chat resumes.
    """

    name: str
    data_type: type[D]
    steps: Mapping[str, Step[D]]
    prompts: Mapping[str, Prompt[D]]
    # States whose typed text answers a free-text question (a form field, a note, a filter):
    # there nothing typed is taken for a command, a dossier code or a button label.
    answers: frozenset[str] = frozenset()
    # States that read a typed value of their own (an OTP, an ID number, a dossier code):
    # codes, words and labels still work there, but no search is offered.
    typed: frozenset[str] = frozenset()

    async def step(self, ctx: Context, state: str, data: D, event: Incoming) -> Turn | None:
        """Apply one action in `state`; None when it does not apply there."""
        return await self.steps[state](ctx, data, event)

    async def prompt(self, ctx: Context, state: str, data: D) -> Turn:
        """Ask again what `state` awaits."""
        return await self.prompts[state](ctx, data)
