"""The editable catalogue files: read, validated and cached per process, without the database.

The catalogue lives in storage/seed/catalog as YAML files people can edit. Reading them
validates everything (services.catalog_schema) and fails with every problem listed by file,
procedure and field. `dvc-bot search` and the settings read this module alone, so they load
neither SQLAlchemy nor the server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from services.agencies import commune_agencies
from services.catalog import Agency
from services.catalog_schema import CatalogData, CatalogError, Problem, build_catalog
from services.codec import to_json
from services.places import Places
from services.search_words import SearchWords, parse_search_words
from services.where_to_go import WhereToGo, parse_where_to_go

CATALOG_DIR = Path(__file__).parent / "seed" / "catalog"
# The suffix the shipped catalogue's agency codes are written with: a placeholder of the right
# shape (Cao Bằng's QCVN 102 H-number is unconfirmed). AGENCY_CODE_SUFFIX replaces it;
# production refuses to run with the placeholder itself (bot.settings).
CATALOGUE_SUFFIX = "H04"
# Validated catalogues of this process by folder and the files' (name, size, mtime): a
# second application in one process (workers, tests) does not parse the same files again.
_VALIDATED: dict[tuple[object, ...], CatalogData] = {}


def read_catalog_files(folder: Path = CATALOG_DIR) -> dict[str, Any]:
    """Parse every YAML file of a catalogue folder, keyed by path relative to it.

    The shipped folder's parsed files are kept in a JSON cache (parsing the YAML takes most
    of `dvc-bot search`'s time); any change to a file's size or time invalidates it.
    """
    shipped = folder.resolve() == CATALOG_DIR.resolve()
    signature = [list(entry) for entry in _signature(folder)] if shipped else []
    cached = _from_cache(signature) if shipped else None
    if cached is not None:
        return cached
    files = _parse_folder(folder)
    if shipped:
        _to_cache(signature, files)
    return files


def _parse_folder(folder: Path) -> dict[str, Any]:
    import yaml

    files: dict[str, Any] = {}
    problems: list[Problem] = []
    for path in sorted(folder.rglob("*.yaml")):
        relative = path.relative_to(folder).as_posix()
        try:
            files[relative] = _parse(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else ""
            problems.append(Problem(relative, "", where, f"not valid YAML: {error}"))
    if problems:
        raise CatalogError(problems)
    return files


def _parse(text: str) -> Any:
    """One YAML document, with libyaml's parser when PyYAML was built with it (about ten
    times faster), else PyYAML's own."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def cache_dir() -> Path:
    """Where dvc-bot keeps what it can work out again (the parsed catalogue, the search index)."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "dvc-bot"


def _cache_path() -> Path:
    return cache_dir() / "catalog.json"


def _from_cache(signature: list[list[Any]]) -> dict[str, Any] | None:
    try:
        cached = json.loads(_cache_path().read_text(encoding="utf-8"), object_hook=_decoded)
    except (OSError, ValueError):
        return None
    if not isinstance(cached, dict) or cached.get("signature") != signature:
        return None
    files: dict[str, Any] = cached["files"]
    return files


def _encoded(value: object) -> dict[str, str]:
    """YAML's dates and times in JSON."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decoded(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and isinstance(value := next(iter(obj.values())), str):
        if "$datetime" in obj:
            return datetime.fromisoformat(value)
        if "$date" in obj:
            return date.fromisoformat(value)
    return obj


def _to_cache(signature: list[list[Any]], files: dict[str, Any]) -> None:
    try:
        text = json.dumps(
            {"signature": signature, "files": files}, ensure_ascii=False, default=_encoded
        )
    except TypeError:  # a value JSON cannot hold
        return
    if json.loads(text, object_hook=_decoded)["files"] != files:  # not read back exactly
        return
    path = _cache_path()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)  # readers see the old file or the new one, never half
    except OSError:  # a read-only home: parse every time
        with contextlib.suppress(OSError):  # (no folder to remove it from)
            temporary.unlink(missing_ok=True)


def load_catalog_data(folder: Path = CATALOG_DIR) -> CatalogData:
    """Read and validate the catalogue folder (once per process while its files stay as
    they are: CatalogData is immutable)."""
    key = (folder.resolve(), *_signature(folder))
    data = _VALIDATED.get(key)
    if data is None:
        data = build_catalog(read_catalog_files(folder))
        if len(_VALIDATED) >= 8:
            _VALIDATED.clear()
        _VALIDATED[key] = data
    return data


def _signature(folder: Path) -> list[tuple[str, int, int]]:
    """What identifies the folder's YAML files' content cheaply: name, size, mtime."""
    stats = ((path, path.stat()) for path in sorted(folder.rglob("*.yaml")))
    return [(path.as_posix(), stat.st_size, stat.st_mtime_ns) for path, stat in stats]


def _read_one(folder: Path, name: str) -> Any:
    path = folder / name
    if not path.exists():
        raise CatalogError([Problem(name, "", "", "file is missing")])
    if folder.resolve() == CATALOG_DIR.resolve():
        files = read_catalog_files(folder)  # from the cache, most of the time
        if name in files:
            return files[name]
    import yaml

    try:
        return _parse(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogError([Problem(name, "", "", f"not valid YAML: {error}")]) from error


def load_search_words(folder: Path = CATALOG_DIR) -> SearchWords:
    """Read and validate the synonyms file (read at start-up, not seeded)."""
    return parse_search_words(_read_one(folder, "synonyms.yaml"))


def load_where_to_go(folder: Path = CATALOG_DIR) -> WhereToGo:
    """Read and validate the file of matters handled outside the province's system."""
    return parse_where_to_go(_read_one(folder, "where_to_go.yaml"))


def all_agencies(
    data: CatalogData, places: Places, province_code: str, suffix: str
) -> list[Agency]:
    """Provincial agencies from the catalogue plus commune agencies of the province's wards.

    The catalogue's codes carry the placeholder suffix (`CATALOGUE_SUFFIX`): they are given
    the province's own (AGENCY_CODE_SUFFIX), which production requires to be set."""
    provincial = [with_suffix(a, suffix) for a in data.agencies]
    problems = [
        Problem("agencies.yaml", "", a.id, f"code {a.code} does not end with .{suffix}")
        for a in provincial
        if not a.code.endswith("." + suffix)
    ]
    if places.province(province_code) is None:
        problems.append(
            Problem("settings", "", "PROVINCE_CODE", f"unknown province {province_code}")
        )
    if problems:
        raise CatalogError(problems)
    return [*provincial, *commune_agencies(places.wards(province_code), suffix)]


def with_suffix(agency: Agency, suffix: str) -> Agency:
    """The agency with the catalogue's placeholder suffix replaced by the province's."""
    code, short = agency.code, agency.short_code
    if code.endswith("." + CATALOGUE_SUFFIX):
        code = code.removesuffix(CATALOGUE_SUFFIX) + suffix
    if short.startswith(CATALOGUE_SUFFIX + "."):
        short = suffix + short.removeprefix(CATALOGUE_SUFFIX)
    return dataclasses.replace(agency, code=code, short_code=short)


def content_hash(data: CatalogData, agencies: list[Agency]) -> str:
    """A stable hash of what seeding would write."""
    body = json.dumps(
        [to_json(data.sectors), to_json(data.procedures), to_json(agencies)],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()
