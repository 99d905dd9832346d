"""The web chat's upload, checked while it streams in and before anything is written.

In this order: DATA_DIR must have its free space (else nothing is read into staging); the chat
and the client address must be under their quota of staged bytes (counted on disk, across
processes, again every megabyte and at the end); the first bytes decide where the rest goes:
- a PDF, JPEG or PNG (not a web page behind such a header, nor another of them than its name
  says) is written to staging as it arrives, up to the per-file limit;
- any other kind: only its first bytes are staged, enough for the documents step to say what
  it really is; the rest is counted and dropped;
- over the per-file limit: what was written is removed; the rest is counted and dropped, so
  the documents step can tell the citizen the real size.
A refusal here (`UploadRefused`) keeps nothing; the body is still drained, so the browser
gets the answer rather than a broken connection. The fields (chat_id, seq) come before the
file, as the page sends them: the quota is the chat's, known before the first byte is kept.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from bot.bootstrap import Application
from bot.web.multipart_stream import Field, FileData, FileEnd, FileStart, form_events
from conversations.messages import Text
from conversations.upload_texts import rejection
from services.files import (
    ACCEPTED,
    MAX_FILE_BYTES,
    MIB,
    SNIFF_BYTES,
    UploadRejected,
    check_declared,
    hides_markup,
    sniff,
)
from storage.staging import StagedWriter

HEAD = 1024  # bytes looked at before deciding (a polyglot's markup within them is refused)
RECHECK = MIB  # the quotas are counted again after this many bytes


class UploadRefused(Exception):
    """Refused at the edge: the HTTP status, a closed-set reason for the metric, the text."""

    def __init__(self, status: int, reason: str, text: Text) -> None:
        super().__init__(reason)
        self.status, self.reason, self.text = status, reason, text


class FormIncomplete(ValueError):
    """The form lacks a field it needs, or holds it in a wrong place; `fields` names them."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass
class Received:
    """The form's fields and its file: `ref` is "" when nothing was staged."""

    fields: dict[str, str] = field(default_factory=dict)
    name: str = ""
    mime: str = ""
    size: int = 0
    ref: str = ""
    has_file: bool = False


def owner_tag(app: Application, owner: str) -> str:
    """The opaque tag staging keeps for a chat or an address (never the value itself)."""
    return app.signer.digest("staging-owner", owner)[:32]


class UploadReader:
    """Reads one upload form into staging, or refuses it. `chat_of` checks the fields that
    come before the file and returns the chat's key (raising `FormIncomplete`); `client` is
    the address the request came from."""

    def __init__(
        self, app: Application, client: str, chat_of: Callable[[dict[str, str]], str]
    ) -> None:
        self._app = app
        self._client = client
        self._chat_of = chat_of
        self._tags: tuple[str, ...] = ()
        self._quotas: tuple[tuple[str, int, str], ...] = ()
        self._head = b""
        self._decided = False
        self._writer: StagedWriter | None = None
        self._checked = 0
        self.received = Received()

    async def read(self, content_type: str, chunks: AsyncIterator[bytes]) -> Received:
        """The whole form, its file staged (or not); `UploadRefused`, `FormIncomplete` or
        `MalformedForm` when it is refused, with nothing kept."""
        stream = aiter(chunks)
        events = form_events(content_type, stream)
        try:
            async for event in events:
                self._on(event)
        except UploadRefused:
            await events.aclose()
            async for _ in stream:  # drained, not kept: the browser then reads the answer
                pass
            raise
        finally:
            await events.aclose()
            if self._writer is not None:
                self._writer.abort()  # committed files are no longer this reader's
        if not self.received.has_file:
            raise FormIncomplete(("file",))
        return self.received

    def _on(self, event: Field | FileStart | FileData | FileEnd) -> None:
        got = self.received
        if isinstance(event, Field):
            if not got.has_file:  # fields after the file are not read
                got.fields.setdefault(event.name, event.value)
        elif isinstance(event, FileStart):
            if got.has_file:
                raise FormIncomplete(("file",))  # one file a request
            got.has_file, got.name, got.mime = True, event.filename, event.mime
            self._start(self._chat_of(got.fields))
        elif isinstance(event, FileData):
            got.size += len(event.data)
            if not self._decided:
                self._head += event.data
                if len(self._head) >= HEAD:
                    self._decide()
            elif self._writer is not None:
                self._write(event.data)
        else:
            if not self._decided:
                self._decide()
            self._finish()

    def _start(self, chat_key: str) -> None:
        """Before the first byte of the file: the disk and the quotas."""
        settings = self._app.settings
        chat, client = owner_tag(self._app, chat_key), owner_tag(self._app, self._client)
        self._tags = (chat, client) if self._client else (chat,)
        self._quotas = (
            (chat, settings.upload_quota_chat_mb * MIB, "quota_chat"),
            (client, settings.upload_quota_address_mb * MIB, "quota_address"),
        )[: len(self._tags)]
        disk = self._app.disk.state() if self._app.disk is not None else None
        if disk is not None and disk.low:
            raise UploadRefused(507, "disk_low", Text("upload.paused"))
        self._check_quotas(0)

    def _check_quotas(self, adding: int) -> None:
        """Refuse when an owner's staged bytes (this file's so far included) plus `adding`
        go over its quota."""
        for tag, quota, reason in self._quotas:
            if self._app.staging.used_by(tag) + adding > quota:
                max_mb = quota // MIB
                refused = UploadRejected("quota", {"name": self.received.name, "max_mb": max_mb})
                raise UploadRefused(413, reason, Text("docs.rejected", {"reason": _why(refused)}))

    def _decide(self) -> None:
        """With the first bytes in: where the rest of the file goes."""
        self._decided = True
        got, head = self.received, self._head
        if not head:
            return  # empty: nothing to stage, the documents step says so
        kind = sniff(head)
        if kind in ACCEPTED:
            try:
                if hides_markup(head):
                    detected = {"detected": "html", "accepted": ", ".join(ACCEPTED)}
                    raise UploadRejected("type", {"name": got.name, **detected})
                check_declared(got.name, got.mime, kind or "")
            except UploadRejected as refused:
                text = Text("docs.rejected", {"reason": _why(refused)})
                raise UploadRefused(415, refused.reason, text) from None
            self._writer = self._app.staging.open(self._tags)
            self._write(head)
        else:  # only what names the kind is kept, for the documents step to refuse it
            self._check_quotas(SNIFF_BYTES)
            writer = self._app.staging.open(self._tags)
            writer.write(head[:SNIFF_BYTES])
            got.ref = writer.commit()

    def _write(self, data: bytes) -> None:
        assert self._writer is not None
        if self.received.size > MAX_FILE_BYTES:  # too large: counted on, never kept
            self._writer.abort()
            self._writer = None
            return
        self._writer.write(data)
        if self._writer.size - self._checked >= RECHECK:
            self._checked = self._writer.size
            self._check_quotas(0)

    def _finish(self) -> None:
        if self._writer is not None:
            self._check_quotas(0)
            self.received.ref = self._writer.commit()
            self._writer = None


def _why(refused: UploadRejected) -> Text:
    """The reason, in the words the documents step uses for its own refusals."""
    return rejection(refused)
