"""The search index kept on disk between starts: built once per catalogue, read back after.

Building the index takes 1.5-2 s of CPU at 50,000 procedures; reading what it built back
from a file takes about a third of that (bench/search_latency.py). The file sits next to the
catalogue's JSON cache and is keyed by everything the build reads (each procedure's indexed
texts in order, the sector names, the synonyms and variant rules) and by the code that builds
it (the source of the modules involved, the Python version): an unchanged catalogue is read
back, a seeded or edited one is built again and replaces the file. A file that is missing,
unreadable, truncated, written by other code or for another catalogue is ignored (and
replaced): the file starts with its format, its key and a hash of the rest, all checked before
the rest is read. The rest is plain data (`_PlainUnpickler` refuses anything else and so
imports nothing), with each word's posting list as two byte strings (procedure positions,
weight numbers): read back, every posting shares the procedure's one int and the field's one
float, as in a built index (a pickle of the posting dicts would give each entry its own:
100 MiB more at 50,000 procedures).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import threading
from array import array
from collections import defaultdict
from collections.abc import Sequence
from itertools import count
from pathlib import Path
from typing import Any

from services import search, search_build, search_words, spelling, text_folding
from services.catalog import Procedure
from services.search import SearchIndex
from services.search_build import Built
from services.search_words import SearchWords
from storage.catalog_files import cache_dir

# Written first in the file: a file of another format is ignored.
_FORMAT = "dvc-bot search index 2"
# How reading a truncated or garbled pickle can fail (the file is then built again).
_GARBLED = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,  # UnicodeDecodeError too
    TypeError,
    IndexError,
    KeyError,
    AttributeError,
    OverflowError,
    MemoryError,
    RecursionError,
)
# Threads writing the cache file (`background`), not joined yet.
_WRITERS: list[threading.Thread] = []
# Modules whose code decides what the build makes.
_BUILD_CODE = (search, search_build, search_words, spelling, text_folding)


def cache_path() -> Path:
    """The file of the last index built (one: a new catalogue replaces it)."""
    return cache_dir() / "search-index.pickle"


def cached_search_index(
    procedures: Sequence[Procedure],
    sector_names: dict[str, str],
    words: SearchWords | None = None,
    *,
    background: bool = False,
) -> SearchIndex:
    """`SearchIndex(procedures, sector_names, words)`, read back from the cache file when it
    holds the index of these very inputs, else built and written there.

    With `background`, the file is written by a thread (a third of a second at 50,000
    procedures that the start does not wait for; the process waits for it before exiting).
    """
    words = words or SearchWords()
    key = fingerprint(procedures, sector_names, words)
    built = _read(cache_path(), key, len(procedures))
    index = SearchIndex(procedures, sector_names, words, built=built)
    if built is None and background:
        writer = threading.Thread(
            target=_write, args=(cache_path(), key, index.built), name="search-index-cache"
        )
        writer.start()
        _WRITERS.append(writer)
    elif built is None:
        _write(cache_path(), key, index.built)
    return index


def finish_writing() -> None:
    """Wait until the cache files being written in the background are written."""
    while _WRITERS:
        _WRITERS.pop().join()


def fingerprint(
    procedures: Sequence[Procedure], sector_names: dict[str, str], words: SearchWords
) -> str:
    """A hash of everything the build reads, and of the code that builds."""
    machine = f"{sys.version} {sys.byteorder} {array('i').itemsize}"
    digest = hashlib.blake2b(f"{_FORMAT}\n{machine}\n".encode())
    for module in _BUILD_CODE:
        digest.update(Path(module.__file__ or "").read_bytes())
    # Each field's texts joined, with their lengths (so where one ends is never in doubt):
    # joining is quick in C, a repr of 50,000 Vietnamese texts is not.
    fields = (
        [p.name.vi for p in procedures],
        [p.name.en for p in procedures],
        [p.summary.vi for p in procedures],
        [p.sector_id for p in procedures],
        [alias for p in procedures for alias in p.aliases],
        [str(len(p.aliases)) for p in procedures],
    )
    for texts in fields:
        digest.update(repr([len(text) for text in texts]).encode())
        digest.update("\0".join(texts).encode("utf-8", "surrogatepass"))
    digest.update(repr(sorted(sector_names.items())).encode("utf-8", "surrogatepass"))
    rules = (
        sorted(words.synonyms.items()),
        sorted(words.question_words),
        words.variants,
    )
    digest.update(repr(rules).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class _PlainUnpickler(pickle.Unpickler):
    """Reads plain data only: a file naming any class or function is refused."""

    def find_class(self, module: str, name: str) -> object:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")


def _header(key: str, payload: bytes) -> bytes:
    return f"{_FORMAT}\n{key}\n{hashlib.blake2b(payload).hexdigest()}\n".encode()


def _read(path: Path, key: str, size: int) -> Built | None:
    """The cached build for `key`, or None when the file does not hold exactly that."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    lines = blob.split(b"\n", 3)
    if len(lines) != 4 or _header(key, lines[3]) != blob[: len(blob) - len(lines[3])]:
        return None  # another format, catalogue or code, or not all of it is there
    try:
        with search.collector_paused():
            return _built(_PlainUnpickler(io.BytesIO(lines[3])).load(), size)
    except _GARBLED:
        return None


def _built(stored: Any, size: int) -> Built | None:
    """The build of `size` procedures from what `_write` stored, checked to be of that shape."""
    weights, rows, phrases, variant_of = stored
    if not (len(phrases) == len(variant_of) == size and isinstance(variant_of, list)):
        return None
    shared = list(range(size))  # each procedure's position, one int shared by its postings
    at, weight = shared.__getitem__, weights.__getitem__
    postings = {
        word: dict(zip(map(at, array("i", where)), map(weight, codes), strict=True))
        for word, where, codes in rows
    }
    return Built(postings, list(phrases), variant_of)


def _write(path: Path, key: str, built: Built) -> None:
    """Replace the cache file with this build (all or nothing; a read-only home: no cache)."""
    # Each weight's number: the next one on first sight (a handful of field weights).
    numbers: defaultdict[float, int] = defaultdict(count().__next__)
    number = numbers.__getitem__
    try:
        with search.collector_paused():
            rows = [
                (word, array("i", posting).tobytes(), bytes(map(number, posting.values())))
                for word, posting in built.postings.items()
            ]
            weights = sorted(numbers, key=number)
            stored = (weights, rows, built.phrases, built.variant_of)
            payload = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
            del rows, stored
    except (ValueError, OverflowError):  # over 256 weights or 2**31 procedures: no cache
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as out:
            out.write(_header(key, payload))
            out.write(payload)
        os.replace(temporary, path)  # readers see the old file or the new one, never half
    except OSError:
        with contextlib.suppress(OSError):  # (no folder to remove it from)
            temporary.unlink(missing_ok=True)
