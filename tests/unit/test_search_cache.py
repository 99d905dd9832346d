"""The search index read back from its cache file ranks exactly as one built from scratch; a
changed catalogue, synonyms or sector name is built again; a damaged or foreign file is ignored
(and replaced), and an unwritable cache only costs the build."""

from __future__ import annotations

import hashlib
import os
import pickle
import random
from dataclasses import replace
from pathlib import Path

import pytest

import services.search
from services.catalog import LocalText, Procedure
from services.catalog_schema import CatalogData
from services.search import SearchHit, SearchIndex
from services.search_scan import ScanSearchIndex
from services.search_words import SearchWords
from storage.search_cache import cache_path, cached_search_index, finish_writing
from storage.seed import load_search_words
from tests.search_labels import load


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _ranked(hits: list[SearchHit]) -> list[tuple[str, float, float]]:
    return [(hit.procedure.id, hit.score, hit.relevance) for hit in hits]


def _queries() -> list[str]:
    labelled = load()
    return [case["q"] for case in labelled["answerable"]] + list(labelled["unanswerable"])


def _grown(data: CatalogData, size: int) -> list[Procedure]:
    rng = random.Random(3)
    vocabulary = sorted({w for p in data.procedures for w in p.name.vi.split()})
    grown = list(data.procedures)
    for n in range(size - len(grown)):
        base = rng.choice(data.procedures)
        extra = " ".join(rng.sample(vocabulary, rng.randint(1, 5)))
        name = LocalText(f"{base.name.vi} {extra}", f"{base.name.en} {n}")
        grown.append(replace(base, id=f"g{n}", code="", name=name, aliases=()))
    return grown


def _sectors(data: CatalogData) -> dict[str, str]:
    return {s.id: f"{s.name.vi} {s.name.en}" for s in data.sectors}


class _Builds:
    """Counts the index builds (a read-back index makes none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = services.search.build

        def counted(*args: object, **kwargs: object) -> object:
            self.count += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(services.search, "build", counted)


def test_an_unchanged_catalogue_is_read_back_and_ranks_as_built(
    catalog_data: CatalogData, monkeypatch: pytest.MonkeyPatch
) -> None:
    procedures, sectors = _grown(catalog_data, 600), _sectors(catalog_data)
    words = load_search_words()
    builds = _Builds(monkeypatch)
    first = cached_search_index(procedures, sectors, words)
    again = cached_search_index(procedures, sectors, words)
    assert builds.count == 1  # the second start read the file
    built, read = first.built, again.built
    assert [list(p.items()) for p in read.postings.values()] == [
        list(p.items()) for p in built.postings.values()
    ]
    assert list(read.postings) == list(built.postings)
    assert (read.phrases, read.variant_of) == (built.phrases, built.variant_of)
    scan = ScanSearchIndex(procedures, sectors, words)  # the reference
    answered = 0
    for query in _queries():
        expected = _ranked(scan.closest(query, 10))
        assert _ranked(again.closest(query, 10)) == expected
        assert _ranked(first.closest(query, 10)) == expected
        assert _ranked(again.search(query, 10)) == _ranked(scan.search(query, 10))
        answered += bool(again.search(query, 3))
    assert answered >= len(load()["answerable"])  # not a comparison of empty lists


def test_a_changed_catalogue_synonym_or_sector_is_built_again(
    catalog_data: CatalogData, monkeypatch: pytest.MonkeyPatch
) -> None:
    procedures, sectors = list(catalog_data.procedures), _sectors(catalog_data)
    words = load_search_words()
    builds = _Builds(monkeypatch)
    cached_search_index(procedures, sectors, words)
    renamed = [replace(procedures[0], name=LocalText("Cấp giấy phép nuôi kỳ lân", "Unicorns"))]
    seeded = renamed + procedures[1:]
    index = cached_search_index(seeded, sectors, words)
    assert builds.count == 2
    assert index.search("ky lan")[0].procedure.name.vi == "Cấp giấy phép nuôi kỳ lân"
    taught = SearchWords({**words.synonyms, ("ky", "lan"): ("nuoi",)}, words.question_words)
    cached_search_index(seeded, sectors, taught)
    sector = procedures[0].sector_id
    cached_search_index(seeded, {**sectors, sector: "Kỳ lân"}, words)
    assert builds.count == 4
    assert cached_search_index(seeded, sectors, words).search("ky lan")  # the last one kept
    assert builds.count == 5


def _headed(blob: bytes, payload: bytes) -> bytes:
    """The file's format and key with another payload, its hash right: what a reader checks
    first cannot tell."""
    form, key, _ = blob.split(b"\n", 3)[:3]
    return b"\n".join([form, key, hashlib.blake2b(payload).hexdigest().encode(), payload])


def _payload(blob: bytes) -> bytes:
    return blob.split(b"\n", 3)[3]


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # cut off while copied
        lambda blob: bytes(b ^ 0x5A for b in blob),  # garbled
        lambda blob: b"",
        lambda blob: blob[:-100] + bytes([blob[-100] ^ 1]) + blob[-99:],  # one bit flipped
        lambda blob: pickle.dumps(("dvc-bot search index 1", "key", {}, [], [])),  # old format
        lambda blob: _headed(blob, pickle.dumps(os.getcwd)),  # names a function: not imported
        lambda blob: _headed(blob, _payload(blob)[: len(blob) // 2]),
        lambda blob: _headed(blob, pickle.dumps(([0.4], [], [], []))),  # no procedures
        lambda blob: _headed(blob, pickle.dumps((1, 2))),
        lambda blob: _headed(blob, _payload(blob).replace(b"khai", b"kha\x80")),  # broken text
    ],
)
def test_a_damaged_or_foreign_cache_file_is_built_again_and_replaced(
    catalog_data: CatalogData, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    procedures, sectors = list(catalog_data.procedures), _sectors(catalog_data)
    words = load_search_words()
    reference = SearchIndex(procedures, sectors, words)
    builds = _Builds(monkeypatch)
    cached_search_index(procedures, sectors, words)
    path = cache_path()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    index = cached_search_index(procedures, sectors, words)
    assert builds.count == 2
    for query in _queries():
        assert _ranked(index.closest(query, 10)) == _ranked(reference.closest(query, 10))
    cached_search_index(procedures, sectors, words)  # the file was written again
    assert builds.count == 2


def test_a_cache_file_of_another_catalogue_of_the_same_size_is_not_used(
    catalog_data: CatalogData, monkeypatch: pytest.MonkeyPatch
) -> None:
    procedures, sectors = list(catalog_data.procedures), _sectors(catalog_data)
    words = load_search_words()
    cached_search_index(procedures, sectors, words)
    reordered = procedures[::-1]
    index = cached_search_index(reordered, sectors, words)
    reference = SearchIndex(reordered, sectors, words)
    for query in _queries():
        assert _ranked(index.closest(query, 10)) == _ranked(reference.closest(query, 10))


def test_an_unwritable_cache_only_costs_the_build(
    catalog_data: CatalogData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    procedures, sectors = list(catalog_data.procedures), _sectors(catalog_data)
    index = cached_search_index(procedures, sectors, load_search_words())
    assert index.search("dang ky khai sinh")
    assert not list(tmp_path.glob("**/*.tmp"))


CALLED: list[str] = []


def _called() -> tuple[object, ...]:
    CALLED.append("called")
    return ([0.4], [], [], [])


class _Trap:
    def __reduce__(self) -> tuple[object, ...]:
        return (_called, ())


def test_a_cache_file_that_names_a_function_never_runs_it(
    catalog_data: CatalogData, monkeypatch: pytest.MonkeyPatch
) -> None:
    procedures, sectors = list(catalog_data.procedures), _sectors(catalog_data)
    words = load_search_words()
    cached_search_index(procedures, sectors, words)
    path = cache_path()
    path.write_bytes(_headed(path.read_bytes(), pickle.dumps(_Trap())))
    builds = _Builds(monkeypatch)
    assert cached_search_index(procedures, sectors, words).search("dang ky khai sinh")
    assert builds.count == 1
    assert CALLED == []


def test_a_start_that_writes_in_the_background_leaves_a_file_the_next_start_reads(
    catalog_data: CatalogData, monkeypatch: pytest.MonkeyPatch
) -> None:
    procedures, sectors = _grown(catalog_data, 300), _sectors(catalog_data)
    words = load_search_words()
    builds = _Builds(monkeypatch)
    first = cached_search_index(procedures, sectors, words, background=True)
    finish_writing()
    again = cached_search_index(procedures, sectors, words, background=True)
    assert builds.count == 1
    for query in _queries():
        assert _ranked(again.closest(query, 10)) == _ranked(first.closest(query, 10))
