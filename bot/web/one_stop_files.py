"""The documents of a handed-over dossier, for the one-stop system to fetch by signed link.

A hand-over (docs/one-stop-contract.md) offers each document as

    GET {PUBLIC_URL}/one-stop/files/{dossier id}/{document id}?exp=<unix time>&sig=<hex>

signed with the app's link key for that dossier, document and file, valid HANDOVER_LINK_HOURS.
No session or token is needed (the one-stop system is another server), so the link itself is
the credential: it names one file of one dossier, cannot be altered into another, and stops
working when it expires (410). The bytes are the file as the citizen sent it; their SHA-256
is the one in the hand-over body. A link of a document no longer on the dossier is a 404.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Response

from bot.bootstrap import Application
from bot.handover_body import LinkSigner
from services.clock import Clock
from services.keyed_hash import KeyedHasher

PATH = "/one-stop/files/{dossier_id}/{document_id}"
MIME = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


def _signature(signer: KeyedHasher, dossier_id: str, document_id: str, ref: str, exp: int) -> str:
    return signer.digest("one-stop-file", f"{dossier_id}|{document_id}|{ref}|{exp}")[:40]


def link_signer(signer: KeyedHasher, clock: Clock, public_url: str, hours: int) -> LinkSigner:
    """Signs document links valid `hours` from now (each call reads the clock)."""
    base = public_url.rstrip("/")

    def sign(dossier_id: str, document_id: str, ref: str) -> tuple[str, datetime]:
        expires = clock.now() + timedelta(hours=hours)
        exp = int(expires.timestamp())
        query = urlencode(
            {"exp": exp, "sig": _signature(signer, dossier_id, document_id, ref, exp)}
        )
        return f"{base}/one-stop/files/{dossier_id}/{document_id}?{query}", expires

    return sign


def one_stop_files_router(app: Application) -> APIRouter:
    """GET /one-stop/files/{dossier id}/{document id}."""
    router = APIRouter()

    @router.get(PATH, include_in_schema=False)
    async def document(
        dossier_id: str,
        document_id: str,
        sig: Annotated[str, Query(max_length=64)],
        exp: Annotated[int, Query(ge=0, le=2**40)],
    ) -> Response:
        async with app.uow_factory() as uow:
            dossier = await uow.dossiers.get(dossier_id[:40])
        found = next(
            (a for a in dossier.attachments if a.document_id == document_id), None
        ) if dossier else None  # fmt: skip
        if found is None:
            raise HTTPException(404)
        expected = _signature(app.signer, dossier_id, document_id, found.ref, exp)
        if not hmac.compare_digest(sig.encode(), expected.encode()):
            raise HTTPException(404)
        if exp < app.clock.now().timestamp():
            raise HTTPException(410, "link expired")
        content = app.files.get(found.ref)
        headers = {
            "Content-Disposition": f'attachment; filename="{document_id}.{found.kind}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        }
        return Response(content, media_type=MIME.get(found.kind, "application/octet-stream"),
                        headers=headers)  # fmt: skip

    return router
