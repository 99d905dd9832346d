"""The neutral message model: what arrives from any chat platform and what the bot says back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from services.clock import vietnam_date


class Platform(StrEnum):
    """Chat platforms served by one engine."""

    WEB = "web"
    TELEGRAM = "telegram"
    ZALO = "zalo"
    CONSOLE = "console"


@dataclass(frozen=True, slots=True)
class ChatAddress:
    """One chat on one platform; the key of its conversation state."""

    platform: Platform
    chat_id: str

    @property
    def key(self) -> str:
        """A stable string key, e.g. "telegram:12345"."""
        return f"{self.platform._value_}:{self.chat_id}"  # .value, without its descriptor

    @classmethod
    def from_key(cls, key: str) -> ChatAddress:
        """Inverse of `key`."""
        platform, _, chat_id = key.partition(":")
        return cls(Platform(platform), chat_id)


class IncomingKind(StrEnum):
    """What the user did."""

    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    UPLOAD = "upload"
    CONTACT = "contact"
    LOCATION = "location"
    EDIT = "edit"  # an earlier message was edited: the edit is not applied (it is said so)


@dataclass(frozen=True, slots=True)
class Upload:
    """A file the channel has already received and stored; `ref` finds its bytes."""

    ref: str
    name: str
    size: int
    mime: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """A shared phone contact; `own` when the platform vouches it is the sender's own."""

    phone: str
    own: bool


@dataclass(frozen=True, slots=True)
class Incoming:
    """One user action, platform-neutral."""

    kind: IncomingKind
    text: str = ""
    command: str = ""
    payload: str = ""
    upload: Upload | None = None
    contact: Contact | None = None

    @classmethod
    def from_text(cls, text: str) -> Incoming:
        """A typed message; "/cmd args" (also "/cmd@botname") becomes a command."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            head, _, rest = stripped[1:].partition(" ")
            name = head.split("@", 1)[0].lower()
            if name.isascii() and name.replace("_", "").isalnum():
                return cls(IncomingKind.COMMAND, text=rest.strip(), command=name)
        return cls(IncomingKind.TEXT, text=text)

    @classmethod
    def button(cls, payload: str) -> Incoming:
        """A button press carrying its payload."""
        return cls(IncomingKind.BUTTON, payload=payload)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in VND, formatted per language when rendered."""

    amount: int


@dataclass(frozen=True, slots=True)
class Day:
    """A calendar date, rendered dd/mm/yyyy. Given a moment (an aware datetime), its day in
    Vietnam: pass stored times as they are, never `.date()` of them (that is UTC's day)."""

    value: date

    def __post_init__(self) -> None:
        if isinstance(self.value, datetime):
            object.__setattr__(self, "value", vietnam_date(self.value))


@dataclass(frozen=True, slots=True)
class At:
    """A moment, rendered "HH:MM dd/mm/yyyy" in Vietnam's time."""

    value: datetime


@dataclass(frozen=True, slots=True)
class Both:
    """A data text given in both languages (procedure names, field labels)."""

    vi: str
    en: str


@dataclass(frozen=True, slots=True)
class Lines:
    """Several texts rendered one per line (or joined by another separator)."""

    items: tuple[Text, ...]
    separator: str = "\n"


@dataclass(frozen=True, slots=True)
class InLanguage:
    """A text rendered in one given language whatever the chat's (a language's own name on
    the language picker)."""

    lang: str
    text: Text


@dataclass(frozen=True, slots=True)
class Text:
    """A catalogue message id and its parameters; rendered per language and platform.

    A message with plural forms picks its form by the int parameter `count`."""

    key: str
    params: Mapping[str, str | int | Money | Day | At | Both | Text | Lines | InLanguage] = field(
        default_factory=dict
    )


def raw(value: str) -> Text:
    """Data shown as is (escaped), e.g. a name typed by the citizen."""
    return Text("raw", {"text": value})


@dataclass(frozen=True, slots=True)
class Button:
    """A button: its label and the payload that comes back when pressed.

    `primary`: the step's main action ("Xác nhận tờ khai"); a platform that pages its
    buttons (Zalo shows five) keeps it on the first page.
    """

    label: Text
    payload: str
    primary: bool = False


class Expects(StrEnum):
    """What the answer to a question looks like, so that a keyboard can fit it (the web chat
    shows a digit keypad for an ID number, a phone keypad for a phone number)."""

    TEXT = "text"
    NUMBER = "number"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    CODE = "code"  # a one-time code sent by SMS
    EMAIL = "email"


class OutgoingKind(StrEnum):
    """What kind of message the bot sends."""

    TEXT = "text"
    IMAGE = "image"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message from the bot; `buttons` are rows of buttons.

    `replaces`: a key naming a message that updates in place (a broadcast's live progress).
    A later message with the same key in the same chat replaces the earlier one where the
    platform can (Telegram edits it, the web chat swaps it); elsewhere it is sent anew.
    `expects`: what a typed answer to this message looks like (a hint for the keyboard).
    """

    text: Text
    buttons: tuple[tuple[Button, ...], ...] = ()
    kind: OutgoingKind = OutgoingKind.TEXT
    media_ref: str = ""
    media_name: str = ""
    request_contact: bool = False
    replaces: str = ""
    expects: Expects = Expects.TEXT


def say(key: str, buttons: tuple[tuple[Button, ...], ...] = (), **params: object) -> Outgoing:
    """Shorthand for a text message from the catalogue."""
    return Outgoing(Text(key, _params(params)), buttons)


def btn(key: str, payload: str, **params: object) -> Button:
    """Shorthand for a button whose label is a catalogue text."""
    return Button(Text(key, _params(params)), payload)


def main_btn(key: str, payload: str, **params: object) -> Button:
    """A step's main action: a button kept on the first page where buttons are paged."""
    return Button(Text(key, _params(params)), payload, primary=True)


def _params(
    params: Mapping[str, object],
) -> dict[str, str | int | Money | Day | At | Both | Text | Lines | InLanguage]:
    result: dict[str, str | int | Money | Day | At | Both | Text | Lines | InLanguage] = {}
    for name, value in params.items():
        if not isinstance(value, str | int | Money | Day | At | Both | Text | Lines | InLanguage):
            raise TypeError(f"unsupported text parameter {name}={value!r}")
        result[name] = value
    return result
