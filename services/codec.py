"""Turn frozen dataclasses (flow data, messages) into JSON values and back, by their types.

Supported: None, bool, int, float, str, StrEnum, nested dataclasses, tuple[X, ...],
fixed tuples, dict/Mapping[str, X], and unions. A dataclass inside a union is tagged with its
class name so that it decodes to the right type.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

T = TypeVar("T")
TAG = "__t"


class CodecError(ValueError):
    """Stored data does not fit the expected type (e.g. written by an incompatible version)."""


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def to_json(value: Any, tagged: bool = False) -> Any:
    """Encode a value to JSON-compatible data."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        body = {f.name: to_json(getattr(value, f.name), True) for f in dataclasses.fields(value)}
        if tagged:
            body[TAG] = type(value).__name__
        return body
    if isinstance(value, tuple | list):
        return [to_json(item, True) for item in value]
    if isinstance(value, Mapping):
        return {str(k): to_json(v, True) for k, v in value.items()}
    raise CodecError(f"cannot encode {type(value).__name__}")


def from_json(kind: type[T], data: Any) -> T:
    """Decode JSON data into `kind`; raises CodecError when it does not fit."""
    return cast(T, _decode(kind, data))


def _decode(kind: Any, data: Any) -> Any:
    origin = typing.get_origin(kind)
    if kind is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        return _decode_union(typing.get_args(kind), data)
    if kind is type(None):
        if data is not None:
            raise CodecError("expected null")
        return None
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(data)
        except ValueError as exc:
            raise CodecError(str(exc)) from None
    if kind in (date, datetime):
        try:
            return kind.fromisoformat(data)
        except (TypeError, ValueError):
            raise CodecError(f"expected an ISO {kind.__name__}") from None
    if kind in (bool, int, float, str):
        if kind is float and isinstance(data, int) and not isinstance(data, bool):
            return float(data)
        if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
            raise CodecError(f"expected {kind.__name__}, got {type(data).__name__}")
        return data
    if origin is tuple:
        return _decode_tuple(typing.get_args(kind), data)
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        args = typing.get_args(kind) or (str, Any)
        if not isinstance(data, dict):
            raise CodecError("expected an object")
        return {str(k): _decode(args[1], v) for k, v in data.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _decode_dataclass(kind, data)
    raise CodecError(f"unsupported type {kind!r}")


def _decode_union(args: tuple[Any, ...], data: Any) -> Any:
    if isinstance(data, dict) and TAG in data:
        for arg in args:
            if isinstance(arg, type) and arg.__name__ == data[TAG]:
                return _decode_dataclass(arg, data)
        raise CodecError(f"unexpected tagged type {data[TAG]!r}")
    for arg in args:
        try:
            return _decode(arg, data)
        except CodecError:
            continue
    raise CodecError(f"no type of the union fits {type(data).__name__}")


def _decode_tuple(args: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise CodecError("expected a list")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_decode(args[0], item) for item in data)
    if len(args) != len(data):
        raise CodecError("wrong tuple length")
    return tuple(_decode(arg, item) for arg, item in zip(args, data, strict=True))


def _decode_dataclass(kind: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise CodecError(f"expected an object for {kind.__name__}")
    hints = _hints(kind)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(kind):
        if f.name in data:
            values[f.name] = _decode(hints[f.name], data[f.name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise CodecError(f"{kind.__name__}.{f.name} is missing")
    return kind(**values)
