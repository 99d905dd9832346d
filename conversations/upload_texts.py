"""Why an upload was refused, in words a citizen understands (not file-type codes)."""

from __future__ import annotations

from conversations.messages import Lines, Text
from services.files import UploadRejected

_FAMILIES = {
    "exe": "program", "elf": "program", "macho": "program",
    "zip": "archive", "rar": "archive", "7z": "archive", "gzip": "archive",
    "ole": "office",
    "gif": "image", "tiff": "image", "bmp": "image", "webp": "image",
    "heic": "heic", "avif": "heic",
    "video": "video",
    "script": "web", "html": "web", "svg": "web", "xml": "web",
    "pdf": "pdf", "jpeg": "jpeg", "png": "png",
}  # fmt: skip


def file_kind(kind: str) -> Text:
    """A detected kind ("exe", "zip", "heic", …) as words."""
    family = _FAMILIES.get(kind, "unknown")
    return Text(f"filetype.{family}", {"kind": kind.upper()})


def rejection(refused: UploadRejected) -> Text:
    """The reason of a refusal, ready to go into "docs.rejected"."""
    params: dict[str, str | Text | Lines] = {k: str(v) for k, v in refused.params.items()}
    if refused.reason == "type":
        params["detected"] = file_kind(str(refused.params.get("detected", "unknown")))
        accepted = str(refused.params.get("accepted", "")).split(", ")
        names = [file_kind(kind) for kind in accepted if kind]
        params["accepted"] = Lines(tuple(names), separator=", ")
    if refused.reason == "mismatch":
        params["declared"] = file_kind(str(refused.params.get("declared", "unknown")))
        params["detected"] = file_kind(str(refused.params.get("detected", "unknown")))
    return Text(f"docs.rejected_{refused.reason}", params)
