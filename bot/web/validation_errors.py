"""FastAPI's 422 for a malformed request, made writable whatever the request held.

FastAPI echoes the refused input in its 422 body; when that input is a lone surrogate
("\\ud800" in the JSON), a number JSON cannot hold (NaN, 1e400) or a body that is not UTF-8,
writing the answer fails and the client gets a 500 instead. Same body, with such values
escaped (`"\\\\ud800"`, `"inf"`, `"\\\\x80"`).
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


async def validation_refused(request: Request, exc: Exception) -> JSONResponse:
    """The 422 answer to a request its route could not validate."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": writable(jsonable_encoder(writable(exc.errors())))}, 422)


def writable(value: Any) -> Any:
    """`value` with every string valid UTF-8 and every number finite, as JSON requires."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list | tuple):
        return [writable(item) for item in value]
    if isinstance(value, dict):
        return {writable(key): writable(item) for key, item in value.items()}
    return value
