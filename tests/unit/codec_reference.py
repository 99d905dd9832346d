"""The codec as it was before its encoders and decoders were generated per type (kept as the
reference the generated ones must agree with: tests/unit/test_codec_agrees.py)."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

T = TypeVar("T")
TAG = "__t"
_PLAIN = (str, int, float, bool, type(None))
Decoder = Callable[[Any], Any]


class CodecError(ValueError):
    """Stored data does not fit the expected type (e.g. written by an incompatible version)."""


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def to_json(value: Any, tagged: bool = False) -> Any:
    """Encode a value to JSON-compatible data."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _field_names(kind)
    if names is not None:
        body = {name: to_json(getattr(value, name), True) for name in names}
        if tagged:
            body[TAG] = kind.__name__
        return body
    if isinstance(value, Enum):
        return value.value
    if kind is tuple or kind is list:
        return [to_json(item, True) for item in value]
    if isinstance(value, Mapping):
        return {str(k): to_json(v, True) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [to_json(item, True) for item in value]
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    raise CodecError(f"cannot encode {kind.__name__}")


def from_json(kind: type[T], data: Any) -> T:
    """Decode JSON data into `kind`; raises CodecError when it does not fit."""
    return cast(T, _decoder(cast(Any, kind))(data))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _decoder(kind: Any) -> Decoder:
    """Build (once) the function that decodes data into `kind`."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return lambda data: data
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(typing.get_args(kind))
    if kind is type(None):
        return _expect_none
    if isinstance(kind, type) and issubclass(kind, Enum):
        return _enum_decoder(kind)
    if kind in (date, datetime):
        return _iso_decoder(kind)
    if kind in (bool, int, float, str):
        return _plain_decoder(kind)
    if origin is tuple:
        return _tuple_decoder(typing.get_args(kind))
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        args = typing.get_args(kind) or (str, Any)
        return _mapping_decoder(args[1])
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_decoder(kind)
    raise CodecError(f"unsupported type {kind!r}")


def _expect_none(data: Any) -> None:
    if data is not None:
        raise CodecError("expected null")


def _enum_decoder(kind: type[Enum]) -> Decoder:
    def decode(data: Any) -> Any:
        try:
            return kind(data)
        except ValueError as exc:
            raise CodecError(str(exc)) from None

    return decode


def _iso_decoder(kind: type[date]) -> Decoder:
    def decode(data: Any) -> Any:
        try:
            return kind.fromisoformat(data)
        except (TypeError, ValueError):
            raise CodecError(f"expected an ISO {kind.__name__}") from None

    return decode


def _plain_decoder(kind: type) -> Decoder:
    def decode(data: Any) -> Any:
        if kind is float and type(data) is int:
            return float(data)
        if type(data) is not kind:
            raise CodecError(f"expected {kind.__name__}, got {type(data).__name__}")
        return data

    return decode


def _union_decoder(args: tuple[Any, ...]) -> Decoder:
    tagged = {arg.__name__: arg for arg in args if isinstance(arg, type)}
    members = [_decoder(arg) for arg in args]

    def decode(data: Any) -> Any:
        if isinstance(data, dict) and TAG in data:
            arg = tagged.get(data[TAG])
            if arg is None:
                raise CodecError(f"unexpected tagged type {data[TAG]!r}")
            return _decoder(arg)(data)
        for member in members:
            try:
                return member(data)
            except CodecError:
                continue
        raise CodecError(f"no type of the union fits {type(data).__name__}")

    return decode


def _tuple_decoder(args: tuple[Any, ...]) -> Decoder:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])

        def decode_many(data: Any) -> Any:
            if not isinstance(data, list):
                raise CodecError("expected a list")
            return tuple(item(value) for value in data)

        return decode_many
    items = [_decoder(arg) for arg in args]

    def decode_fixed(data: Any) -> Any:
        if not isinstance(data, list) or len(data) != len(items):
            raise CodecError("expected a list of the right length")
        return tuple(item(value) for item, value in zip(items, data, strict=True))

    return decode_fixed


def _mapping_decoder(value_kind: Any) -> Decoder:
    value = _decoder(value_kind)

    def decode(data: Any) -> Any:
        if not isinstance(data, dict):
            raise CodecError("expected an object")
        return {str(k): value(v) for k, v in data.items()}

    return decode


def _dataclass_decoder(kind: type) -> Decoder:
    fields = dataclasses.fields(kind)
    hints = _hints(kind)
    plan: list[tuple[str, Decoder, bool]] = []

    def decode(data: Any) -> Any:
        if not plan:  # filled on first use: nested types may refer to each other
            for f in fields:
                required = f.default is dataclasses.MISSING and (
                    f.default_factory is dataclasses.MISSING
                )
                plan.append((f.name, _decoder(hints[f.name]), required))
        if not isinstance(data, dict):
            raise CodecError(f"expected an object for {kind.__name__}")
        values: dict[str, Any] = {}
        for name, field_decoder, required in plan:
            if name in data:
                values[name] = field_decoder(data[name])
            elif required:
                raise CodecError(f"{kind.__name__}.{name} is missing")
        return kind(**values)

    return decode
