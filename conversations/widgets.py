"""Neutral widgets: the buttons and typed answers a state accepts, each parsed here once.

A widget names one family of actions (a list's items, its pages, an action button, a typed
answer, a file) and the handler that answers it. `conversations/steps.py` hands each event
to the first widget of the state's `Window` that claims it (after the Window's loader found
what the step works on), so a step never parses a payload, checks a number or guards a
missing draft itself. Modelled on aiogram-dialog's widgets (Select, Back, Cancel,
TextInput, MessageInput); payloads stay the ones `conversations/payloads.py` issues.

Handlers take the step's call `H` (the context, the data and whatever was loaded: see
`steps.Call`) and may return a `Turn`, None (the action means nothing now: the router says
so and asks again) or an awaitable of either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from conversations.flow import Turn
from conversations.messages import Incoming, IncomingKind, Upload
from conversations.payloads import Action, Verb

H = TypeVar("H")
H_contra = TypeVar("H_contra", contravariant=True)
T = TypeVar("T")

Reply = Turn | None | Awaitable[Turn | None]
"""What a handler gives back: a turn, None (not applicable now), or an awaitable of either."""

Thunk = Callable[[], Reply]


class Widget(Protocol[H_contra]):
    """One kind of action a state accepts."""

    def claim(self, call: H_contra, event: Incoming, action: Action | None) -> Thunk | None:
        """The handler bound to this event if the widget is its target, else None."""
        ...


def number(text: str, low: int = 0, high: int | None = None) -> int | None:
    """A whole number within [low, high], else None. Decimal digits of any script count
    (a phone keyboard may type full-width ones); superscripts and signs do not (str.isdigit
    accepts "²", which int() then refuses)."""
    if not text.isdecimal():
        return None
    value = int(text)
    return value if value >= low and (high is None or value <= high) else None


@dataclass(frozen=True, slots=True)
class Select(Generic[H]):
    """A list of buttons `p:<list_id>:<item id>`; the handler gets the item id."""

    list_id: str
    on_pick: Callable[[H, str], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Pick an item of this list."""
        if action is None or action.verb is not Verb.PICK or action.args[0] != self.list_id:
            return None
        return lambda: self.on_pick(call, action.args[1])


@dataclass(frozen=True, slots=True)
class Numbered(Generic[H]):
    """A list whose buttons carry a position (`p:<list_id>:<n>`); other ids are stale."""

    list_id: str
    on_pick: Callable[[H, int], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Pick the n-th item of this list."""
        if action is None or action.verb is not Verb.PICK or action.args[0] != self.list_id:
            return None
        index = number(action.args[1])
        return _stale if index is None else lambda: self.on_pick(call, index)


@dataclass(frozen=True, slots=True)
class Pager(Generic[H]):
    """Previous/next page of a list (`pg:<list_id>:<n>`); the handler gets the page."""

    list_id: str
    on_page: Callable[[H, int], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Turn to page n of this list."""
        if action is None or action.verb is not Verb.PAGE or action.args[0] != self.list_id:
            return None
        page = number(action.args[1])
        return _stale if page is None else lambda: self.on_page(call, page)


@dataclass(frozen=True, slots=True)
class Do(Generic[H]):
    """One action button of the step (`d:<name>`: confirm, skip, delete, …)."""

    name: str
    on_press: Callable[[H], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Press this button."""
        if action is None or action.verb is not Verb.DO or action.arg != self.name:
            return None
        return lambda: self.on_press(call)


def Back(on_press: Callable[[H], Reply]) -> Do[H]:
    """The "back" button."""
    return Do("back", on_press)


def Cancel(on_press: Callable[[H], Reply]) -> Do[H]:
    """The "cancel" button."""
    return Do("cancel", on_press)


@dataclass(frozen=True, slots=True)
class Choice(Generic[H]):
    """An option of a select field (`o:<field>:<n>`); the handler gets field and index."""

    on_choose: Callable[[H, str, int], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Choose the n-th option."""
        if action is None or action.verb is not Verb.OPTION:
            return None
        index = number(action.args[1])
        return _stale if index is None else lambda: self.on_choose(call, action.arg, index)


@dataclass(frozen=True, slots=True)
class YesNo(Generic[H]):
    """A yes/no answer (`y:<field>:<1|0>`); the handler gets the field and the answer."""

    on_answer: Callable[[H, str, bool], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Answer yes or no."""
        if action is None or action.verb is not Verb.YESNO:
            return None
        return lambda: self.on_answer(call, action.arg, action.args[1] == "1")


@dataclass(frozen=True, slots=True)
class Edit(Generic[H]):
    """An edit button of a summary (`e:<field>`); the handler gets the field."""

    on_edit: Callable[[H, str], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Edit one answer."""
        if action is None or action.verb is not Verb.EDIT:
            return None
        return lambda: self.on_edit(call, action.arg)


@dataclass(frozen=True, slots=True)
class TextInput(Generic[H, T]):
    """A typed message, read by `parse` (None: not valid) before `on_value` gets it;
    `on_error` answers what `parse` refused (without it, the message is not for this
    state)."""

    on_value: Callable[[H, T], Reply]
    parse: Callable[[str], T | None]
    on_error: Callable[[H, str], Reply] | None = None

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Read a typed message."""
        if event.kind is not IncomingKind.TEXT:
            return None
        value = self.parse(event.text)
        if value is not None:
            return lambda: self.on_value(call, value)
        on_error = self.on_error
        return _stale if on_error is None else lambda: on_error(call, event.text)


def Typed(on_text: Callable[[H, str], Reply]) -> TextInput[H, str]:
    """Any typed message, as it came."""
    return TextInput(on_text, _as_is)


@dataclass(frozen=True, slots=True)
class FileInput(Generic[H]):
    """A file or photo sent (aiogram-dialog's MessageInput for documents)."""

    on_upload: Callable[[H, Upload], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Receive an upload."""
        upload = event.upload
        if event.kind is not IncomingKind.UPLOAD or upload is None:
            return None
        return lambda: self.on_upload(call, upload)


@dataclass(frozen=True, slots=True)
class AnyEvent(Generic[H]):
    """Every event of one kind, whole (a shared contact, a location); for what the widgets
    above do not describe."""

    kind: IncomingKind
    on_event: Callable[[H, Incoming], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Take the event as it is."""
        return (lambda: self.on_event(call, event)) if event.kind is self.kind else None


@dataclass(frozen=True, slots=True)
class Besides(Generic[H]):
    """Every event but one kind, whole, buttons we never issued too ("text only, please");
    as a dialog's `common` widget, since a window drops a button it cannot read first."""

    kind: IncomingKind
    on_event: Callable[[H, Incoming], Reply]

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """Take any event not of `kind`."""
        return (lambda: self.on_event(call, event)) if event.kind is not self.kind else None


class Only(Generic[H]):
    """Widgets that mean something only while `condition` holds: what they claim is
    stale otherwise (aiogram-dialog's `when=`, on the receiving side)."""

    __slots__ = ("condition", "widgets")

    def __init__(self, condition: Callable[[H], object], *widgets: Widget[H]) -> None:
        self.condition = condition
        self.widgets = widgets

    def claim(self, call: H, event: Incoming, action: Action | None) -> Thunk | None:
        """The first inner widget's claim, made stale when the condition fails."""
        for widget in self.widgets:
            handler = widget.claim(call, event, action)
            if handler is not None:
                return handler if self.condition(call) else _stale
        return None


def _as_is(text: str) -> str:
    return text


def _stale() -> None:
    return None
