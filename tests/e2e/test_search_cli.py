"""`dvc-bot search --json` ranks exactly as the bot does, and prints [] when nothing fits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conversations import payloads
from conversations.flows.search import RESULTS
from conversations.payloads import Verb
from tests.chat import ChatDriver
from tests.e2e.cli import run_cli

QUERIES = ["giay phep xay dung", "lltp", "báo tử", "tam tru", "how to register a marriage"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    done = run_cli(root, "seed")
    assert done.returncode == 0, done.stderr
    return root


def _cli_ids(root: Path, query: str) -> list[str]:
    done = run_cli(root, "search", "--json", "--limit", "30", query)
    assert done.returncode == 0, done.stderr
    return [row["id"] for row in json.loads(done.stdout)]


async def _bot_ids(chat: ChatDriver, query: str) -> list[str]:
    await chat.send(query)
    assert chat.keys == ["search.results_page"], chat.keys
    picks = [payloads.parse(b.payload) for b in chat.buttons()]
    return [p.args[1] for p in picks if p and p.verb is Verb.PICK and p.args[0] == RESULTS]


async def test_the_cli_and_the_bot_rank_the_same(seeded: Path, chat: ChatDriver) -> None:
    await chat.send("/start")
    for query in QUERIES:
        shown = await _bot_ids(chat, query)
        assert shown and _cli_ids(seeded, query)[: len(shown)] == shown, query


async def test_nothing_fits_prints_an_empty_list(seeded: Path, chat: ChatDriver) -> None:
    for query in ("làm hộ chiếu", "thời tiết Cao Bằng hôm nay"):
        assert _cli_ids(seeded, query) == []
        await chat.send(query)
        assert chat.keys[-1] == "search.none"
    plain = run_cli(seeded, "search", "làm hộ chiếu")
    assert "No procedure matches" in plain.stdout and "immigration" in plain.stdout
