"""A flow's states as data: per state a `Window` (its prompt and the widgets it accepts),
and per flow a `Dialog` that loads what the steps work on and builds the engine's tables.

    DIALOG = Dialog(load_dossier, gone, {
        State.VIEWING: Window(viewing, Select(LIST, pick), Back(to_menu)),
        ...
    })
    FLOW = Flow(name=NAME, data_type=Data, steps=DIALOG.steps, prompts=DIALOG.prompts)

For every event the dialog, once: loads the step's call (`load`; None means what the
state works on is gone — a deleted draft, a dossier no longer there — and `missing`
answers instead; a loader that knows why the step cannot go on — not yours, ended since —
may return that `Turn` itself), parses the button payload, offers the event to the dialog's `common`
widgets, asks the window's `before` check, then hands the event to the first of its
widgets that claims it, and returns None (an old button, a file where text was
expected: the router says so and asks again) when none does. The engine
(`conversations/flow.py`, `conversations/router.py`) is unchanged: a dialog only produces
its `steps` and `prompts` mappings. States that work on different things (a draft, then
the dossier filed from it) are dialogs of their own, put together by `joined`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from conversations import payloads
from conversations.flow import Context, Prompt, Step, Turn
from conversations.messages import Incoming, IncomingKind
from conversations.payloads import Action
from conversations.widgets import Reply, Thunk, Widget

D = TypeVar("D")
H = TypeVar("H")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Call(Generic[D]):
    """What a handler of a flow with nothing to load gets: the context and the data."""

    ctx: Context
    data: D


async def call_of(ctx: Context, data: D) -> Call[D]:
    """The loader of a flow whose steps need nothing but their data."""
    return Call(ctx, data)


async def settle(reply: Turn | R | Awaitable[Turn | R]) -> Turn | R:
    """A handler's answer, awaited if it is an awaitable."""
    if inspect.isawaitable(reply):
        result: Turn | R = await reply
        return result
    return reply


Missing = Callable[[Context, Any], Turn | Awaitable[Turn]]


class Window(Generic[H]):
    """One state: its prompt (the question it asks, again after a stale action) and the
    widgets it accepts, first match wins; `before` may answer any event first (a question
    that no longer applies), returning None to let the widgets decide. `asked_missing`, if
    given, is what the prompt asks when the dialog's load misses, instead of its `missing`
    (a question that needs nothing loaded, a quieter answer when asked again)."""

    __slots__ = ("asked_missing", "before", "prompt", "widgets")

    def __init__(
        self,
        prompt: Callable[[H], Turn | Awaitable[Turn]],
        *widgets: Widget[H],
        before: Callable[[H], Reply] | None = None,
        asked_missing: Missing | None = None,
    ) -> None:
        self.prompt = prompt
        self.widgets = widgets
        self.before = before
        self.asked_missing = asked_missing

    async def handle(
        self, call: H, event: Incoming, common: tuple[Widget[H], ...] = ()
    ) -> Turn | None:
        """The turn for one event, or None when no widget takes it; `common` widgets
        (the dialog's) are asked first."""
        action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
        handler = _claim(common, call, event, action)
        if handler is not None:
            return await settle(handler())
        if self.before is not None:
            early = await settle(self.before(call))
            if early is not None:
                return early
        if event.kind is IncomingKind.BUTTON and action is None:
            return None  # not a payload we issued
        handler = _claim(self.widgets, call, event, action)
        return await settle(handler()) if handler is not None else None


def _claim(
    widgets: tuple[Widget[H], ...], call: H, event: Incoming, action: Action | None
) -> Thunk | None:
    """The handler of the first widget that claims the event."""
    for widget in widgets:
        handler = widget.claim(call, event, action)
        if handler is not None:
            return handler
    return None


@dataclass(frozen=True)
class Dialog(Generic[D, H]):
    """A flow's windows with the loader of their call; builds the `Flow`'s two tables.
    `common` widgets are accepted in every state, before the window's own (aiogram's
    router-level handlers)."""

    load: Callable[[Context, D], Awaitable[H | Turn | None]]
    missing: Missing
    windows: Mapping[str, Window[H]]
    common: tuple[Widget[H], ...] = ()
    steps: Mapping[str, Step[D]] = field(init=False)
    prompts: Mapping[str, Prompt[D]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", {s: self._step(w) for s, w in self.windows.items()})
        object.__setattr__(self, "prompts", {s: self._ask(w) for s, w in self.windows.items()})

    def _step(self, window: Window[H]) -> Step[D]:
        async def step(ctx: Context, data: D, event: Incoming) -> Turn | None:
            call = await self._load(ctx, data)
            return call if isinstance(call, Turn) else await window.handle(call, event, self.common)

        return step

    def _ask(self, window: Window[H]) -> Prompt[D]:
        async def prompt(ctx: Context, data: D) -> Turn:
            call = await self._load(ctx, data, window.asked_missing)
            return call if isinstance(call, Turn) else await settle(window.prompt(call))

        return prompt

    async def _load(self, ctx: Context, data: D, missing: Missing | None = None) -> H | Turn:
        """The step's call, or the turn that answers instead (gone, refused)."""
        call = await self.load(ctx, data)
        if call is None:
            return await settle((missing or self.missing)(ctx, data))
        return call


@dataclass(frozen=True)
class Joined(Generic[D]):
    """The tables of several dialogs of one flow, each for its own states."""

    steps: Mapping[str, Step[D]]
    prompts: Mapping[str, Prompt[D]]


def joined(*dialogs: Dialog[D, Any]) -> Joined[D]:
    """One flow's tables from dialogs whose states load different things."""
    steps: dict[str, Step[D]] = {}
    prompts: dict[str, Prompt[D]] = {}
    for dialog in dialogs:
        assert not steps.keys() & dialog.steps.keys(), "a state in two dialogs"
        steps.update(dialog.steps)
        prompts.update(dialog.prompts)
    return Joined(steps, prompts)


def plain(windows: Mapping[str, Window[Call[D]]]) -> Dialog[D, Call[D]]:
    """A dialog whose steps load nothing (they get `Call(ctx, data)`)."""
    return Dialog(call_of, unreachable, windows)


def unreachable(ctx: Context, data: object) -> Turn:
    """The `missing` of a dialog whose loader never returns None (it answers a `Turn`)."""
    raise AssertionError("this loader never returns None")  # pragma: no cover
