"""A multipart/form-data body read as it streams in, as a sequence of events (a field, the
start of a file, a piece of it, its end), so that a route can check a file and decide where
its bytes go before any of them is written (Starlette's form parser spools every file to a
temporary file first)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

if TYPE_CHECKING:  # python-multipart declares its callback table for type checkers only
    from python_multipart.multipart import MultipartCallbacks

MAX_FIELD = 200  # bytes of a plain field (a chat id, a sequence number)


class MalformedForm(ValueError):
    """The body is not the multipart form it claims to be."""


class FieldTooLong(MalformedForm):
    """A plain field is longer than the reader allows; `name` says which."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the field {name!r} is too long")
        self.name = name


@dataclass(frozen=True, slots=True)
class Field:
    """A plain field, whole."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class FileStart:
    """A file part begins: its field name, file name and declared type."""

    name: str
    filename: str
    mime: str


@dataclass(frozen=True, slots=True)
class FileData:
    """The next bytes of the current file."""

    data: bytes


@dataclass(frozen=True, slots=True)
class FileEnd:
    """The current file is complete."""


Event = Field | FileStart | FileData | FileEnd


class _Collector:
    """python-multipart's callbacks, turned into events (it calls them synchronously)."""

    def __init__(self, max_field: int) -> None:
        self.max_field = max_field
        self.events: list[Event] = []
        self.ended = False
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._mime = b""
        self._field: str | None = None  # the plain field being read (None: a file)
        self._value = bytearray()

    def on_part_begin(self) -> None:
        self._disposition, self._mime, self._field = b"", b"", None
        self._value = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        name = self._header_name.lower()
        if name == b"content-disposition":
            self._disposition = self._header_value
        elif name == b"content-type":
            self._mime = self._header_value
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise MalformedForm("a part without a name")
        name = _text(options[b"name"])
        if b"filename" in options:
            self.events.append(FileStart(name, _text(options[b"filename"]), _text(self._mime)))
        else:
            self._field = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._field is None:
            self.events.append(FileData(bytes(data[start:end])))
            return
        self._value += data[start:end]
        if len(self._value) > self.max_field:
            raise FieldTooLong(self._field)

    def on_part_end(self) -> None:
        if self._field is None:
            self.events.append(FileEnd())
        else:
            self.events.append(Field(self._field, _text(bytes(self._value))))

    def on_end(self) -> None:
        self.ended = True


def is_multipart(content_type: str) -> bool:
    """Whether a Content-Type names a multipart/form-data body."""
    return parse_options_header(content_type)[0] == b"multipart/form-data"


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


async def form_events(
    content_type: str, chunks: AsyncIterator[bytes], max_field: int = MAX_FIELD
) -> AsyncGenerator[Event, None]:
    """The events of a multipart body, as its chunks arrive; `MalformedForm` when it is not
    one (no boundary, broken framing, cut short), `FieldTooLong` for a plain field over
    `max_field` bytes."""
    boundary = parse_options_header(content_type)[1].get(b"boundary")
    if not is_multipart(content_type) or not boundary:
        raise MalformedForm("not a multipart/form-data body with a boundary")
    collector = _Collector(max_field)
    callbacks: MultipartCallbacks = {
        "on_part_begin": collector.on_part_begin,
        "on_header_field": collector.on_header_field,
        "on_header_value": collector.on_header_value,
        "on_header_end": collector.on_header_end,
        "on_headers_finished": collector.on_headers_finished,
        "on_part_data": collector.on_part_data,
        "on_part_end": collector.on_part_end,
        "on_end": collector.on_end,
    }
    parser = MultipartParser(boundary, callbacks)
    try:
        async for chunk in chunks:
            parser.write(chunk)
            events, collector.events = collector.events, []
            for event in events:
                yield event
        parser.finalize()
    except FormParserError as error:
        raise MalformedForm(str(error)) from None
    for event in collector.events:
        yield event
    if not collector.ended:
        raise MalformedForm("the body ended before the form did")
