"""Button payloads are short, typed, and parsed safely from anything."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations import payloads
from conversations.payloads import Action, PayloadError, Verb


def test_round_trip_of_every_builder() -> None:
    built = [
        payloads.menu("search"),
        payloads.lang("en"),
        payloads.page("r", 2),
        payloads.pick("w", "01273"),
        payloads.do("confirm"),
        payloads.edit("me_so_dinh_danh"),
        payloads.option("dan_toc_tre", 12),
        payloads.yes_no("y_kien_chu_ho", True),
    ]
    for text in built:
        action = payloads.parse(text)
        assert action is not None and action.encode() == text
        assert len(text.encode()) <= 64


def test_builders_refuse_what_would_break_a_platform() -> None:
    with pytest.raises(PayloadError):
        payloads.pick("r", "x" * 41)
    with pytest.raises(PayloadError):
        payloads.pick("r", "a:b")
    with pytest.raises(PayloadError):
        Action(Verb.PICK, ("only-one",)).encode()


@pytest.mark.parametrize(
    "junk",
    ["", ":", "m", "m:", "m:a:b", "zz:a", "p:r", "p:r:ok:extra", "e:bad key", "e:" + "x" * 70],
)
def test_junk_is_not_a_payload(junk: str) -> None:
    assert payloads.parse(junk) is None


@given(st.text(max_size=200))
def test_parse_never_raises(text: str) -> None:
    action = payloads.parse(text)
    if action is not None:
        assert action.encode() == text
