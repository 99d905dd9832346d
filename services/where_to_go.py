"""Matters handled outside the province's one-stop system, and where a citizen should go.

Read from where_to_go.yaml in the catalogue folder. When search finds no procedure, the bot
explains each topic whose keywords appear in the query, so "làm hộ chiếu" is told about the
immigration office instead of being shown an unrelated procedure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.catalog import LocalText
from services.catalog_schema import CatalogError, Problem
from services.text_folding import words

FILE = "where_to_go.yaml"


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """One matter handled elsewhere: the words that name it, the place and what to do there."""

    id: str
    keywords: tuple[tuple[str, ...], ...]
    where: LocalText
    explain: LocalText


@dataclass(frozen=True)
class WhereToGo:
    """Every matter handled elsewhere, matched against a query's words."""

    topics: tuple[Elsewhere, ...] = ()

    def for_query(self, query: str) -> list[Elsewhere]:
        """Topics whose keywords appear, as whole words in order, in the query."""
        said = words(query)
        found = []
        for topic in self.topics:
            if any(_appears(said, keyword) for keyword in topic.keywords):
                found.append(topic)
        return found


def _appears(said: list[str], keyword: tuple[str, ...]) -> bool:
    size = len(keyword)
    return any(tuple(said[i : i + size]) == keyword for i in range(len(said) - size + 1))


def _text(raw: Any, where: str, problems: list[Problem]) -> LocalText:
    if isinstance(raw, Mapping) and all(
        isinstance(raw.get(k), str) and raw[k] for k in ("vi", "en")
    ):
        return LocalText(raw["vi"], raw["en"])
    problems.append(Problem(FILE, "", where, "expected {vi: ..., en: ...}, both non-empty"))
    return LocalText("", "")


def parse_where_to_go(raw: Any) -> WhereToGo:
    """Validate the parsed where-to-go file; raises `CatalogError` listing every problem."""
    problems: list[Problem] = []
    entries = raw.get("topics") if isinstance(raw, Mapping) else None
    if not isinstance(entries, list):
        raise CatalogError([Problem(FILE, "", "topics", "the file must hold a list 'topics:'")])
    topics = []
    for n, entry in enumerate(entries):
        where = f"topics[{n}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            problems.append(Problem(FILE, "", where, "expected a mapping with an 'id'"))
            continue
        keywords = entry.get("keywords")
        folded = tuple(tuple(words(k)) for k in keywords or [] if isinstance(k, str) and words(k))
        if not isinstance(keywords, list) or len(folded) != len(keywords) or not folded:
            problems.append(Problem(FILE, "", f"{where}.keywords", "expected non-empty phrases"))
        topics.append(
            Elsewhere(
                id=entry["id"],
                keywords=folded,
                where=_text(entry.get("where"), f"{where}.where", problems),
                explain=_text(entry.get("explain"), f"{where}.explain", problems),
            )
        )
    if problems:
        raise CatalogError(problems)
    return WhereToGo(tuple(topics))
