"""Turn frozen dataclasses (flow data, messages) into JSON values and back, by their types.

Supported: None, bool, int, float, str, StrEnum, date/datetime, nested dataclasses,
tuple[X, ...], fixed tuples, dict/Mapping[str, X], and unions. A dataclass inside a union is
tagged with its class name so that it decodes to the right type.

This runs several times on every chat update (the chat state, the flow's data, the replies),
so each encoder and decoder is built once per type: a dataclass's is generated as one
function that reads (or builds) every field in a single expression, with the plain values
(str, int, bool, None: most of them) passed through inline instead of by a call per value.
"""

from __future__ import annotations

import dataclasses
import threading
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

T = TypeVar("T")
TAG = "__t"
_PLAIN = frozenset({str, int, float, bool, type(None)})
# JSON types a plain decoder returns as they are, when the type fits
_PASS: frozenset[type] = frozenset({str, int, bool, type(None)})
Decoder = Callable[[Any], Any]
Encoder = Callable[[Any, bool], Any]


class CodecError(ValueError):
    """Stored data does not fit the expected type (e.g. written by an incompatible version)."""


# ---------------------------------------------------------------- encoding (by value)

_ENCODERS: dict[type, Encoder] = {}


def to_json(value: Any, tagged: bool = False) -> Any:
    """Encode a value to JSON-compatible data."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    encoder = _ENCODERS.get(kind)
    if encoder is None:
        encoder = _encoder(kind)
    return encoder(value, tagged)


def _nested(value: Any) -> Any:
    """A value inside another (a dataclass inside is tagged)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    encoder = _ENCODERS.get(kind)
    if encoder is None:
        encoder = _encoder(kind)
    return encoder(value, True)


def _encoder(kind: type) -> Encoder:
    """Build (once) the encoder of values of exactly this type."""
    encoder: Encoder
    if dataclasses.is_dataclass(kind):
        with _BUILD_LOCK:
            encoder = _ENCODERS.get(kind) or _dataclass_encoder(kind)
    elif issubclass(kind, Enum):
        encoder = _encode_enum
    elif kind is tuple or kind is list:
        encoder = _encode_sequence
    elif issubclass(kind, Mapping):
        encoder = _encode_mapping
    elif issubclass(kind, tuple | list):
        encoder = _encode_sequence
    elif issubclass(kind, date):  # datetime is a date too
        encoder = _encode_date
    else:
        raise CodecError(f"cannot encode {kind.__name__}")
    _ENCODERS[kind] = encoder
    return encoder


def _encode_enum(value: Any, tagged: bool) -> Any:
    return value._value_  # what .value returns, without its descriptor


def _encode_date(value: Any, tagged: bool) -> Any:
    return value.isoformat()


def _encode_sequence(value: Any, tagged: bool) -> Any:
    plain, nested = _PLAIN, _nested
    return [item if type(item) in plain else nested(item) for item in value]


def _encode_mapping(value: Any, tagged: bool) -> Any:
    plain, nested = _PLAIN, _nested
    return {
        key if type(key) is str else str(key): item if type(item) in plain else nested(item)
        for key, item in value.items()
    }


_ENCODING: set[type] = set()  # dataclasses whose encoder is being built


def _dataclass_encoder(kind: type) -> Encoder:
    """`{"a": value.a, "b": value.b, …}` as one generated function, plain values inline.

    A field declared as a dataclass, or a tuple of them (a message's buttons), calls that
    type's encoder directly when the value is of exactly that type (else as any value)."""
    try:
        hints = _hints(kind)
    except Exception:  # noqa: BLE001 (a hint that cannot be resolved: encoded by value)
        hints = {}
    names: dict[str, Any] = {"P": _PLAIN, "N": _nested}
    items = []
    _ENCODING.add(kind)
    try:
        for n, f in enumerate(dataclasses.fields(kind)):
            typed = _typed(hints.get(f.name))
            generic = "v if type(v) in P else N(v)"
            if typed is None:
                value = f"v if type(v := value.{f.name}) in P else N(v)"
            else:
                names[f"K{n}"], names[f"E{n}"], tag = typed
                call = f"E{n}(v, True)" if tag else f"E{n}(v)"
                value = f"{call} if type(v := value.{f.name}) is K{n} else ({generic})"
            items.append(f"{f.name!r}: {value}")
    finally:
        _ENCODING.discard(kind)
    source = (
        "def encode(value, tagged):\n"
        f"    body = {{{', '.join(items)}}}\n"
        "    if tagged:\n"
        f"        body[{TAG!r}] = {kind.__name__!r}\n"
        "    return body\n"
    )
    return cast(Encoder, _compiled(source, "encode", kind, names))


def _typed(hint: Any) -> tuple[type, Callable[..., Any], bool] | None:
    """For a field declared as a dataclass, or a tuple of one: the exact type and the encoder
    of a value of that type (and whether it takes `tagged`); None for any other."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if hint in _ENCODING:
            return None
        encoder = _ENCODERS.get(hint) or _encoder(hint)
        return hint, encoder, True
    args = typing.get_args(hint)
    if typing.get_origin(hint) is not tuple or len(args) != 2 or args[1] is not Ellipsis:
        return None
    item = _typed(args[0])
    if item is None:
        return None
    kind, encode, tagged = item
    plain, nested = _PLAIN, _nested

    def encode_tuple(value: Any) -> Any:
        if tagged:
            return [
                encode(x, True) if type(x) is kind else (x if type(x) in plain else nested(x))
                for x in value
            ]
        return [
            encode(x) if type(x) is kind else (x if type(x) in plain else nested(x)) for x in value
        ]

    return tuple, encode_tuple, False


def _compiled(source: str, name: str, kind: type, names: dict[str, Any]) -> Any:
    namespace: dict[str, Any] = {"type": type, **names}
    exec(compile(source, f"<codec {kind.__qualname__}>", "exec"), namespace)
    return namespace[name]


# ---------------------------------------------------------------- decoding (by type)

_DECODERS: dict[Any, Decoder] = {}
_BUILDING: set[Any] = set()  # dataclasses whose decoder is being built (recursive types)
# Building happens once per type; the lock keeps another thread from meeting a type that is
# half built (the lock is taken again by the same thread for the types inside).
_BUILD_LOCK = threading.RLock()


def from_json(kind: type[T], data: Any) -> T:
    """Decode JSON data into `kind`; raises CodecError when it does not fit."""
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _decoder(kind)
    return cast(T, decoder(data))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decoder(kind: Any) -> Decoder:
    """The function that decodes data into `kind` (built once)."""
    decoder = _DECODERS.get(kind)
    if decoder is not None:
        return decoder
    with _BUILD_LOCK:
        decoder = _DECODERS.get(kind)
        if decoder is not None:
            return decoder
        if kind in _BUILDING:  # a type inside itself: found once it is built
            return lambda data: _DECODERS[kind](data)
        decoder = _build(kind)
        _DECODERS[kind] = decoder
        return decoder


def _build(kind: Any) -> Decoder:
    origin = typing.get_origin(kind)
    if kind is Any:
        return _any
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
        _BUILDING.add(kind)
        try:
            return _dataclass_decoder(kind)
        finally:
            _BUILDING.discard(kind)
    raise CodecError(f"unsupported type {kind!r}")


def _any(data: Any) -> Any:
    return data


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
    if kind is float:

        def decode_float(data: Any) -> Any:
            if type(data) is int:
                return float(data)
            if type(data) is not float:
                raise CodecError(f"expected float, got {type(data).__name__}")
            return data

        return decode_float

    def decode(data: Any) -> Any:
        if type(data) is not kind:
            raise CodecError(f"expected {kind.__name__}, got {type(data).__name__}")
        return data

    return decode


def _passed(kind: Any) -> frozenset[type]:
    """The JSON types whose data `kind` decodes as it is (the decoder returns the very value):
    lets a dataclass's decoder skip the call for them."""
    if kind is Any:
        return _PASS
    if kind in _PASS:
        return frozenset({kind})
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = typing.get_args(kind)
        return frozenset(t for t in _PASS if _first_taker(args, t) in (t, Any))
    return frozenset()


def _first_taker(args: tuple[Any, ...], data_type: type) -> Any:
    """The first member of a union that may accept data of `data_type` (a member that
    certainly refuses it is passed over, as the union's decoder does); None if none may."""
    for arg in args:
        if arg in _PASS or arg is float:
            if arg is data_type or (arg is float and data_type is int):
                return arg
            continue  # a plain decoder takes its own type only
        origin = typing.get_origin(arg)
        if origin is tuple or origin in (dict, Mapping) or arg in (dict, Mapping):
            continue  # takes a list or an object only
        if isinstance(arg, type) and dataclasses.is_dataclass(arg):
            continue  # takes an object only
        return arg  # Any, an enum, a date, a nested union: may take it
    return None


def _union_decoder(args: tuple[Any, ...]) -> Decoder:
    tagged = {arg.__name__: arg for arg in args if isinstance(arg, type)}
    by_tag: dict[str, Decoder] = {}
    members = [_decoder(arg) for arg in args]
    passed = frozenset(t for t in _PASS if _first_taker(args, t) in (t, Any))

    def decode(data: Any) -> Any:
        if type(data) in passed:
            return data
        if isinstance(data, dict) and TAG in data:
            tag = data[TAG]
            decoder = by_tag.get(tag) if isinstance(tag, str) else None
            if decoder is None:
                arg = tagged.get(tag)
                if arg is None:
                    raise CodecError(f"unexpected tagged type {tag!r}")
                decoder = by_tag[tag] = _decoder(arg)
            return decoder(data)
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
        passed = _passed(args[0])

        def decode_many(data: Any) -> Any:
            if not isinstance(data, list):
                raise CodecError("expected a list")
            return tuple([value if type(value) in passed else item(value) for value in data])

        return decode_many
    items = [_decoder(arg) for arg in args]

    def decode_fixed(data: Any) -> Any:
        if not isinstance(data, list) or len(data) != len(items):
            raise CodecError("expected a list of the right length")
        return tuple(item(value) for item, value in zip(items, data, strict=True))

    return decode_fixed


def _mapping_decoder(value_kind: Any) -> Decoder:
    value = _decoder(value_kind)
    passed = _passed(value_kind)

    def decode(data: Any) -> Any:
        if not isinstance(data, dict):
            raise CodecError("expected an object")
        return {
            k if type(k) is str else str(k): v if type(v) in passed else value(v)
            for k, v in data.items()
        }

    return decode


def _dataclass_decoder(kind: type) -> Decoder:
    """`kind(a=decode_a(data["a"]), …)` as one generated function; when a field is missing
    (data stored before it existed) the field-by-field path decides (default, or refused)."""
    fields = dataclasses.fields(kind)
    hints = _hints(kind)
    plan: list[tuple[str, Decoder, bool]] = []
    names: dict[str, Any] = {"K": kind, "E": CodecError, "D": dict}
    arguments = []
    for n, f in enumerate(fields):
        decoder = _decoder(hints[f.name])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        plan.append((f.name, decoder, required))
        names[f"d{n}"] = decoder
        passed = _passed(hints[f.name])
        item = f"data[{f.name!r}]"
        if passed:
            names[f"p{n}"] = passed
            value = f"(v if type(v := {item}) in p{n} else d{n}(v))"
        else:
            value = f"d{n}({item})"
        arguments.append(f"{f.name}={value}")

    def by_field(data: Any) -> Any:
        values: dict[str, Any] = {}
        for name, field_decoder, required in plan:
            if name in data:
                values[name] = field_decoder(data[name])
            elif required:
                raise CodecError(f"{kind.__name__}.{name} is missing")
        return kind(**values)

    names["F"] = by_field
    source = (
        "def decode(data):\n"
        "    if not isinstance(data, D):\n"
        f"        raise E({f'expected an object for {kind.__name__}'!r})\n"
        "    try:\n"
        f"        return K({', '.join(arguments)})\n"
        "    except KeyError:\n"
        "        return F(data)\n"
    )
    names["isinstance"] = isinstance
    return cast(Decoder, _compiled(source, "decode", kind, names))
