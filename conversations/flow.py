"""What a flow is: states, one step per state, and the ports a step may call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from conversations.messages import ChatAddress, Incoming, Outgoing
from services.catalog_index import Catalog
from services.clock import Clock
from services.places import Places
from services.ports import DraftRepository, IdGenerator

D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class Settings:
    """Dialogue settings chosen at deployment."""

    province_code: str = "04"
    page_size: int = 6


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a step may consult: the chat, read-only data and transactional ports."""

    address: ChatAddress
    lang: str
    catalog: Catalog
    places: Places
    drafts: DraftRepository
    clock: Clock
    ids: IdGenerator
    settings: Settings = field(default_factory=Settings)
    citizen_id: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """What a step decides: the state the bot now awaits, its data, and what to say."""

    flow: str
    state: str
    data: Any
    messages: tuple[Outgoing, ...] = ()
    lang: str | None = None  # set when the step switched the language

    def saying(self, *messages: Outgoing) -> Turn:
        """The same turn with messages put before the ones it already has."""
        return Turn(self.flow, self.state, self.data, (*messages, *self.messages), self.lang)


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

    async def step(self, ctx: Context, state: str, data: D, event: Incoming) -> Turn | None:
        """Apply one action in `state`; None when it does not apply there."""
        return await self.steps[state](ctx, data, event)

    async def prompt(self, ctx: Context, state: str, data: D) -> Turn:
        """Ask again what `state` awaits."""
        return await self.prompts[state](ctx, data)
