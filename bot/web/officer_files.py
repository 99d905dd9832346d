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
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from starlette.datastructures import UploadFile

from bot.web.limits import FORM_OVERHEAD
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
    """The result file and note of a multipart request, checked; refusals as HTTP errors."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES + FORM_OVERHEAD:
        raise refusal(413, "file_too_large", {"max_mb": MAX_FILE_BYTES // MIB})
    form = await request.form(max_files=1, max_fields=2)
    try:
        file, note = form.get("file"), form.get("note", "")
        if not isinstance(file, UploadFile):
            raise refusal(422, "no_file")
        if not isinstance(note, str) or len(note.strip()) > MAX_NOTE:
            raise refusal(422, "note_too_long", {"max": MAX_NOTE})
        content = await file.read(MAX_FILE_BYTES + 1)
        name = file.filename or "ket-qua"
        mime = file.content_type or ""
    finally:
        await form.close()
    try:
        kind = check_upload(name, len(content), content[:SNIFF_BYTES], ACCEPTED, MAX_FILE_BYTES)
        check_declared(name, mime, kind)  # an HTML page named .pdf was refused just above
    except UploadRejected as rejected:
        status, error = _REJECTIONS.get(rejected.reason, (415, "file_type"))
        params = {"max_mb": MAX_FILE_BYTES // MIB, **rejected.params}
        raise refusal(status, error, params) from None
    return ResultUpload(sanitise_name(name), kind, content, note.strip())


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
