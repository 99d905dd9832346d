"""Typed state round-trips through JSON; damaged data is refused, never half-read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from conversations.flows.form import FormData
from conversations.messages import Button, Day, Lines, Money, Outgoing, Text, raw
from conversations.state import ChatState, dump, load
from services.catalog_index import Catalog
from services.codec import CodecError, from_json, to_json


@dataclass(frozen=True)
class Sample:
    when: datetime
    day: date
    names: tuple[str, ...] = ()
    extra: dict[str, int] = field(default_factory=dict)
    maybe: int | None = None


def test_dataclasses_round_trip_through_json() -> None:
    sample = Sample(datetime(2026, 1, 2, 3, 4, tzinfo=UTC), date(2025, 7, 1), ("a", "b"), {"x": 1})
    assert from_json(Sample, json.loads(json.dumps(to_json(sample)))) == sample
    message = Outgoing(
        Text("form.review", {"procedure": raw("P"), "lines": Lines((Text("x", {"m": Money(5)}),))}),
        ((Button(Text("raw", {"text": "b"}), "d:ok"),),),
    )
    assert from_json(Outgoing, json.loads(json.dumps(to_json(message)))) == message
    assert from_json(Text, to_json(Text("k", {"d": Day(date(2020, 2, 29))}))).params["d"] == Day(
        date(2020, 2, 29)
    )


def test_every_procedure_round_trips(catalog: Catalog) -> None:
    from services.catalog import Procedure

    for proc in catalog.procedures:
        assert from_json(Procedure, json.loads(json.dumps(to_json(proc)))) == proc


@pytest.mark.parametrize("bad", [{"draft_id": 5}, {}, [], "x", {"draft_id": "a", "page": "1"}])
def test_damaged_flow_data_is_refused(bad: object) -> None:
    with pytest.raises(CodecError):
        from_json(FormData, bad)


def test_chat_state_is_versioned() -> None:
    state = ChatState(lang="en", flow="search", state="VIEWING", data={"q": 1}, started=True)
    stored = dump(state)
    assert stored["v"] == 1
    assert load(stored, "vi") == state
    assert load(None, "vi") == ChatState(lang="vi")
    old = {**stored, "v": 0}
    assert load(old, "vi") == ChatState(lang="en", started=True)
