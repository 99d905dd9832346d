"""Request parameters as the Bot API reads them: query string, JSON, urlencoded or multipart.

Clients send scalars as strings in forms (PTB and aiogram both do), and nested values as JSON
text, so each reader coerces by the type it expects rather than guessing from the value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


class ParamError(ValueError):
    """A parameter has the wrong type; the fake answers 400 with this text."""


class Params:
    """Typed access to one request's parameters."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.uploads

    def text(self, name: str, default: str | None = None) -> str | None:
        """A string value (numbers sent as JSON are turned into their text)."""
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        """An integer value."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ParamError(f"Bad Request: invalid {name} specified") from exc

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean value: JSON true/false or the strings clients send for them."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"true", "1"}

    def parsed(self, name: str) -> Any:
        """A nested value: already parsed in a JSON body, JSON text in a form."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ParamError(f"Bad Request: can't parse {name} JSON object") from exc

    def chat_id(self, name: str = "chat_id") -> int | str | None:
        """A chat id: an integer, or an @username string."""
        value = self.values.get(name)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value)

    def file(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part (directly or via attach://), or a file_id/URL."""
        if name in self.uploads:
            return self.uploads[name]
        ref = self.text(name)
        if ref and ref.startswith("attach://"):
            return self.uploads.get(ref.removeprefix("attach://"))
        return ref

    def as_dict(self) -> dict[str, Any]:
        """The plain values, files left out (for the call log)."""
        return dict(self.values)


async def read_params(request: web.Request) -> Params:
    """Merge the query string and the body, whatever its content type."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                values.update(body)
        elif ctype == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = await part.read()
                if part.filename is not None:
                    ctype_part = part.headers.get("Content-Type", "application/octet-stream")
                    uploads[part.name] = Upload(part.filename, ctype_part, bytes(data))
                else:
                    values[part.name] = data.decode(part.get_charset("utf-8"))
        else:
            form = await request.post()
            values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return Params(values, uploads)
