"""Encryption at rest (storage.crypto): what is sealed opens as it was given, whatever the
text holds; a wrong column or key, damage, or a value JSON cannot hold is refused."""

from __future__ import annotations

import json
import math
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.crypto import MARK, DecryptionError, JsonCipher

CIPHER = JsonCipher(os.urandom(32))

# JSON values as citizens' answers, chat states and Bot API updates hold them: any text (lone
# surrogates included, which JSON can carry and UTF-8 cannot), integers of any size, floats.
text = st.text(st.characters(codec=None, categories=None), max_size=30)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(text, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_a_value_opens_as_it_was_sealed(value: Any) -> None:
    sealed = CIPHER.seal(value, "conversation.state")
    assert list(sealed) == [MARK]
    assert CIPHER.open(sealed, "conversation.state") == value
    # ... and it is the value the standard library's JSON reads from what it writes itself.
    assert CIPHER.open(sealed, "conversation.state") == json.loads(json.dumps(value))


def test_text_utf8_cannot_hold_is_kept_as_it_came() -> None:
    value = {"text": "a\ud800b", "emoji": "\U0001f600", "quote": '"\\\u2028'}
    assert CIPHER.open(CIPHER.seal(value, "inbox.update"), "inbox.update") == value


def test_not_a_number_and_infinities_open_as_they_were() -> None:
    opened = CIPHER.open(CIPHER.seal([math.nan, math.inf, -math.inf], "c"), "c")
    assert math.isnan(opened[0]) and opened[1:] == [math.inf, -math.inf]


def test_a_value_json_cannot_hold_is_refused_and_nothing_is_sealed() -> None:
    with pytest.raises(TypeError):
        CIPHER.seal({"when": object()}, "c")


def test_each_sealing_differs_and_opens_only_in_its_own_column_and_key() -> None:
    first, second = (
        CIPHER.seal({"id": "001099012345"}, "a"),
        CIPHER.seal({"id": "001099012345"}, "a"),
    )
    assert first != second  # a fresh nonce each time
    assert "001099012345" not in first[MARK]
    with pytest.raises(DecryptionError):
        CIPHER.open(first, "b")
    with pytest.raises(DecryptionError):
        JsonCipher(os.urandom(32)).open(first, "a")
    damaged = {MARK: first[MARK][:-4] + ("AAAA" if not first[MARK].endswith("AAAA") else "BBBB")}
    with pytest.raises(DecryptionError):
        CIPHER.open(damaged, "a")


def test_plain_json_written_before_encryption_is_read_as_it_is() -> None:
    assert CIPHER.open({"answers": {"name": "Lan"}}, "c") == {"answers": {"name": "Lan"}}
