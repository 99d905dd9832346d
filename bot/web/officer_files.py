"""Files in the officer API: result uploads, checked like citizens' uploads, and downloads.

A result is refused before anything is stored when it is empty (422), larger than a
citizen's upload may be (413), not really a PDF, JPEG or PNG by its first bytes, a web page
behind such a header, or another of them than its name says (415).
An accepted result goes to the content-addressed file store and into the citizen's document
store ("Kho dữ liệu"), so it appears among the citizen's documents in every chat.
"""

from __future__ import annotations

import asyncio
import secrets
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request, Response

from bot.web.limits import FORM_OVERHEAD
from bot.web.multipart_stream import (
    Field,
    FieldTooLong,
    FileData,
    FileEnd,
    FileStart,
    MalformedForm,
    form_events,
    is_multipart,
)
from bot.web.officer_errors import refusal
from bot.web.officer_models import MAX_NOTE, RESULT_COMPONENT, RESULT_LABEL
from services.documents import Attachment, DocumentRepository, DocumentSource, StoredDocument
from services.dossiers import Dossier
from services.file_store_port import FileMissing, FileStore
from services.files import (
    ACCEPTED,
    MAX_FILE_BYTES,
    MIB,
    SNIFF_BYTES,
    UploadRejected,
    check_declared,
    check_upload,
    sanitise_name,
)

MIME = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
MAX_NOTE_BYTES = 4 * MAX_NOTE + 1024  # UTF-8 and surrounding spaces; longer is refused unread
_REJECTIONS = {
    "empty": (422, "file_empty"),
    "too_large": (413, "file_too_large"),
    "type": (415, "file_type"),
    "mismatch": (415, "file_mismatch"),
}
RESULT_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The result: pdf, jpeg or png, 10 MB at most",
                        },
                        "note": {"type": "string", "maxLength": MAX_NOTE},
                    },
                }
            }
        },
    }
}


@dataclass(frozen=True)
class ResultUpload:
    """A checked result file, not stored yet."""

    name: str
    kind: str
    content: bytes
    note: str


async def read_result(request: Request) -> ResultUpload:
    """The result file and note of a multipart request, read as they stream in (held in
    memory, 10 MB at most; nothing is spooled to disk) and checked; refusals as HTTP errors."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES + FORM_OVERHEAD:
        raise refusal(413, "file_too_large", {"max_mb": MAX_FILE_BYTES // MIB})
    content_type = request.headers.get("content-type", "")
    if not is_multipart(content_type):
        raise refusal(422, "no_file")
    try:
        form = await _result_form(content_type, request.stream())
    except FieldTooLong as too_long:
        if too_long.name == "note":
            raise refusal(422, "note_too_long", {"max": MAX_NOTE}) from None
        raise HTTPException(400, "There was an error parsing the body") from None
    except MalformedForm:
        raise HTTPException(400, "There was an error parsing the body") from None
    if form.file is None:
        raise refusal(422, "no_file")
    if len(form.note.strip()) > MAX_NOTE:
        raise refusal(422, "note_too_long", {"max": MAX_NOTE})
    name, content = form.name or "ket-qua", bytes(form.file)
    try:
        kind = check_upload(name, len(content), content[:SNIFF_BYTES], ACCEPTED, MAX_FILE_BYTES)
        check_declared(name, form.mime, kind)  # an HTML page named .pdf was refused just above
    except UploadRejected as rejected:
        status, error = _REJECTIONS.get(rejected.reason, (415, "file_type"))
        params = {"max_mb": MAX_FILE_BYTES // MIB, **rejected.params}
        raise refusal(status, error, params) from None
    return ResultUpload(sanitise_name(name), kind, content, form.note.strip())


@dataclass
class _ResultForm:
    """What a result form held: its note and its one file (None: no file part)."""

    note: str = ""
    name: str = ""
    mime: str = ""
    file: bytearray | None = None


async def _result_form(content_type: str, chunks: AsyncIterator[bytes]) -> _ResultForm:
    """The note and the file of a result form; a file over the limit is cut at one byte over
    (enough to refuse it by size), a second file is a malformed form."""
    form, reading = _ResultForm(), False
    async for event in form_events(content_type, chunks, max_field=MAX_NOTE_BYTES):
        if isinstance(event, Field) and event.name == "note":
            form.note = event.value
        elif isinstance(event, FileStart):
            if form.file is not None:
                raise MalformedForm("one file a request")
            reading = event.name == "file"
            if reading:
                form.file, form.name, form.mime = bytearray(), event.filename, event.mime
        elif isinstance(event, FileData) and reading and form.file is not None:
            form.file += event.data[: MAX_FILE_BYTES + 1 - len(form.file)]
        elif isinstance(event, FileEnd):
            reading = False
    return form


async def store_result(
    documents: DocumentRepository,
    files: FileStore,
    dossier: Dossier,
    upload: ResultUpload,
    now: datetime,
) -> Attachment:
    """Keep the file and add it to the citizen's document store; the dossier's attachment."""
    ref = await asyncio.to_thread(files.put, upload.content)
    document = StoredDocument(
        id=secrets.token_hex(8),
        owner=dossier.owner,
        citizen_id=dossier.citizen_id,
        component=RESULT_COMPONENT,
        name=upload.name,
        kind=upload.kind,
        size=len(upload.content),
        ref=ref,
        created_at=now,
        source=DocumentSource.RESULT,
        label=RESULT_LABEL,
    )
    await documents.add(document)
    return Attachment(RESULT_COMPONENT, document.id, upload.name, upload.kind, document.size, ref)


async def download_response(files: FileStore, dossier: Dossier, document_id: str) -> Response:
    """One attachment or result of this dossier (never another dossier's), as a download."""
    found = next(
        (a for a in (*dossier.attachments, *dossier.results) if a.document_id == document_id),
        None,
    )
    if found is None:
        raise refusal(404, "file_not_found")
    try:
        content = await asyncio.to_thread(files.get, found.ref)
    except (FileMissing, ValueError):
        raise refusal(404, "file_not_found") from None
    headers = {
        "Content-Disposition": _disposition(found.name),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    media_type = MIME.get(found.kind, "application/octet-stream")
    return Response(content, media_type=media_type, headers=headers)


def _disposition(name: str) -> str:
    """An attachment header with an ASCII fallback name and the exact UTF-8 one (RFC 6266)."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    fallback = ascii_name.encode("ascii", "ignore").decode().replace('"', "").strip() or "tep"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
