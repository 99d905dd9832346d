"""The generated codec writes the same JSON and reads the same objects as the codec it replaced
(tests/unit/codec_reference.py), on the real types of a chat update: the chat state, every
flow's data, the replies, a draft's attachments; and it refuses the same damaged data."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.flood import Pace
from conversations.messages import (
    At,
    Both,
    Button,
    Day,
    Expects,
    InLanguage,
    Lines,
    Money,
    Outgoing,
    OutgoingKind,
    Text,
)
from conversations.router import FLOWS
from conversations.state import ChatState
from services import codec
from services.documents import Attachment
from tests.unit import codec_reference as reference


@dataclasses.dataclass(frozen=True)
class Mixed:
    """Unions whose members take more than their own JSON type (an enum or a date takes a
    str, a float an int): a str or an int is not passed through as it is there."""

    kind: OutgoingKind | None
    day: date | str
    number: float | int
    anything: Any = None
    pair: tuple[int, str] = (0, "")
    missing: str = "default"


FLOW_TYPES = sorted({flow.data_type for flow in FLOWS.values()}, key=lambda t: t.__qualname__)
short = st.text(max_size=12)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(fold=0))  # ISO text keeps no fold
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | short | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short, inner, max_size=3),
    max_leaves=8,
)


def _texts() -> st.SearchStrategy[Text]:
    leaf = st.builds(Text, short, st.dictionaries(short, short | st.integers(), max_size=2))
    param = (
        short
        | st.integers()
        | st.builds(Money, st.integers(min_value=0))
        | st.builds(Day, st.dates())
        | st.builds(At, moments)
        | st.builds(Both, short, short)
        | leaf
        | st.builds(Lines, st.lists(leaf, max_size=2).map(tuple), short)
        | st.builds(InLanguage, st.sampled_from(["vi", "en"]), leaf)
    )
    return st.builds(Text, short, st.dictionaries(short, param, max_size=3))


texts = _texts()
buttons = st.builds(Button, texts, short, st.booleans())
outgoing = st.builds(
    Outgoing,
    texts,
    st.lists(st.lists(buttons, max_size=3).map(tuple), max_size=2).map(tuple),
    st.sampled_from(OutgoingKind),
    short,
    short,
    st.booleans(),
    short,
    st.sampled_from(Expects),
)


KNOWN: dict[Any, st.SearchStrategy[Any]] = {
    Any: json_values,
    Text: texts,
    Button: buttons,
    Outgoing: outgoing,
    datetime: moments,
    float: st.floats(allow_nan=False),
}


def strategy(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a type hint as a flow's data holds them (Any: JSON values, as stored)."""
    if hint in KNOWN:
        return KNOWN[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if float in args and int in args:
            # An int goes to the first member that takes it, and in both codecs a float takes
            # an int: read back as a float, exact up to 2**53 (a larger one is rounded).
            exact = st.integers(min_value=-(2**53), max_value=2**53)
            return st.one_of([exact if arg is int else strategy(arg) for arg in args])
        return st.one_of([strategy(arg) for arg in args])
    if origin in (dict, Mapping):
        return st.dictionaries(short, strategy(args[1]), max_size=3)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(strategy(args[0]), max_size=3).map(tuple)
    if origin is tuple:
        return st.tuples(*[strategy(arg) for arg in args])
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = {f.name: strategy(hints[f.name]) for f in dataclasses.fields(hint) if f.init}
        return st.builds(hint, **fields)
    return st.from_type(hint)


flow_data = st.sampled_from(FLOW_TYPES).flatmap(strategy)
chat_states = st.builds(
    ChatState,
    st.sampled_from(["vi", "en"]),
    short,
    short,
    flow_data.map(codec.to_json),
    st.none() | short,
    short,
    st.booleans(),
    st.builds(Pace, st.floats(-1, 20), short, short),
    st.lists(buttons, max_size=3).map(tuple),
    short,
)
attachments = strategy(Attachment)
values = chat_states | outgoing | flow_data | attachments | strategy(Mixed)


def _agree(value: Any) -> None:
    encoded = codec.to_json(value)
    assert encoded == reference.to_json(value)
    assert json.dumps(encoded) == json.dumps(reference.to_json(value))  # same order, same JSON
    stored = json.loads(json.dumps(encoded))
    kind = type(value)
    decoded, before = codec.from_json(kind, stored), reference.from_json(kind, stored)
    assert decoded == before == value
    assert repr(decoded) == repr(before)  # the same types too (a StrEnum equals its str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_both_codecs_write_and_read_the_same(value: Any) -> None:
    _agree(value)


def _damaged(stored: Any, path: list[str], junk: Any, drop: bool) -> Any:
    """The stored JSON with one value somewhere inside replaced by junk (or its key dropped)."""
    if not path or not isinstance(stored, dict) or not stored:
        return junk
    keys = sorted(stored)
    key = keys[hash(path[0]) % len(keys)]
    copy = dict(stored)
    if drop and len(path) == 1:
        del copy[key]
    else:
        copy[key] = _damaged(stored[key], path[1:], junk, drop)
    return copy


def _outcome(decode: Any, kind: type, data: Any) -> Any:
    try:
        return ("ok", repr(decode(kind, data)))
    except (reference.CodecError, codec.CodecError) as error:
        return ("refused", type(error).__name__)
    except (TypeError, ValueError, KeyError) as error:  # as the old codec let them through
        return ("error", type(error).__name__)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.lists(short, min_size=1, max_size=4), json_values, st.booleans())
def test_both_codecs_refuse_the_same_damaged_data(
    value: Any, path: list[str], junk: Any, drop: bool
) -> None:
    stored = _damaged(json.loads(json.dumps(codec.to_json(value))), path, junk, drop)
    kind = type(value)
    assert _outcome(codec.from_json, kind, stored) == _outcome(reference.from_json, kind, stored)


@pytest.mark.parametrize("kind", FLOW_TYPES, ids=lambda t: t.__qualname__)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_flow_data_type_round_trips(kind: type, data: st.DataObject) -> None:
    _agree(data.draw(strategy(kind)))


def test_dates_and_times_keep_their_type() -> None:
    day = Day(date(2024, 2, 29))
    moment = At(datetime(2026, 1, 1, 23, 59, tzinfo=UTC) - timedelta(hours=1))
    _agree(Text("k", {"d": day, "t": moment, "n": 5, "s": "x"}))
