"""GET /status/{code}: the public status page that the QR code on an e-form PDF opens.

It shows what `/status CODE` shows anyone in the chat (procedure, agency, status, dates), as a
small HTML page; the texts come from the catalogue, escaped, in Vietnamese (`?lang=en` for
English).
"""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from bot.bootstrap import Application
from conversations.messages import Text
from conversations.status_page import public_status
from conversations.texts import DEFAULT_LANGUAGE, LANGUAGES

CODE = r"^[A-Za-z0-9.\-]{8,40}$"
_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#141414}}h1{{font-size:1.25rem;color:#1f3a68}}</style>
</head><body><h1>{title}</h1><p>{body}</p></body></html>"""


LANGUAGE_PATTERN = f"^({'|'.join(LANGUAGES)})$"


def status_page_router(app: Application) -> APIRouter:
    """The public status page route."""
    router = APIRouter()

    @router.get("/status/{code}", include_in_schema=False)
    async def status_page(
        code: Annotated[str, Path(pattern=CODE)],
        lang: Annotated[str, Query(pattern=LANGUAGE_PATTERN)] = DEFAULT_LANGUAGE,
    ) -> HTMLResponse:
        async with app.uow_factory() as uow:
            dossier = await uow.dossiers.by_code(code)
        if dossier is None:
            body, status = Text("status.not_found", {"code": code}), 404
        else:
            body, status = public_status(app.catalog, dossier), 200
        page = _PAGE.format(
            lang=lang,
            title=html.escape(app.texts.plain(Text("status_page.title"), lang)),
            body=app.texts.render(body, lang).replace("\n", "<br>"),  # parameters escaped
        )
        headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        return HTMLResponse(page, status, headers=headers)

    return router
