"""Random ids never look like a phone or ID number to the privacy scan."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot import system
from bot.system import RandomIds, random_hex
from tests.privacy import ID_OR_PHONE


def test_an_id_made_of_digits_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: Iterator[str] = iter(["393647780172", "a0912345678b", "3f9a0c21be47"])
    monkeypatch.setattr(system.secrets, "token_hex", lambda _n: next(drawn))
    assert random_hex(12) == "3f9a0c21be47"  # a 12-digit ID, then a phone inside, skipped


@pytest.mark.parametrize("length", [12, 16])
def test_ids_hold_no_long_run_of_digits(length: int) -> None:
    ids = [random_hex(length) for _ in range(2000)] + [RandomIds().new_id() for _ in range(500)]
    assert all(re.fullmatch(r"[0-9a-f]+", i) for i in ids)
    assert {len(i) for i in ids[:2000]} == {length}
    assert not [i for i in ids if ID_OR_PHONE.search(f"broadcast {i} queued")]
