#!/usr/bin/env python3
"""Convert Python locale modules (a `MESSAGES` dict) into the gettext .po files.

    python scripts/texts_to_po.py conversations/locales/handover_*.py     # these modules
    python scripts/texts_to_po.py --pending --delete    # every module left, then remove them

A module named `<topic>_<lang>.py` (or `<lang>.py`) goes into `<lang>.po` beside it (created
with the right header if the language is new). A value that is a string becomes one entry
(`msgid` = the id, `msgstr` = the template); a tuple ("{count}", form, form, …) becomes a
plural entry (`msgid_plural` = the counting placeholder, `msgstr[n]` the forms in the .po
file's Plural-Forms order: Vietnamese one, English two).
Entries are appended in the module's order; an id already in the .po file with the same text
is left alone, with a different text it is a conflict (exit 1, nothing written) unless
`--replace`. With `--delete` the converted modules are removed afterwards. Run the text tests
after: `python -m pytest -q tests/unit/test_texts.py tests/unit/test_locales.py`.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conversations.locale_files import (  # noqa: E402
    ONE_FORM,
    CatalogueError,
    Plural,
    Template,
    python_modules,
    read_module,
    read_po_file,
)

LOCALES = ROOT / "conversations" / "locales"
WIDTH = 100  # wrap long templates like the code (line breaks inside a text are kept)


def new_catalog(lang: str) -> Catalog:
    """An empty catalogue with the header of `lang`."""
    plural = "nplurals=1; plural=0;" if lang in ONE_FORM else "nplurals=2; plural=(n != 1);"
    catalog = Catalog(
        project="dvc-bot",
        version="1",
        charset="utf-8",
        fuzzy=False,
        creation_date=datetime.now(UTC),
        revision_date=datetime.now(UTC),
    )
    catalog.mime_headers = [("Language", lang), ("Plural-Forms", plural)]
    catalog.header_comment = (
        f"# dvc-bot: the texts a citizen reads, language {lang!r}.\n"
        "# msgid is the message id the code uses; msgstr its template (neutral markup <b>, <i>,\n"
        "# <code>; {name} parameters). Plural entries pick their form by the {count} parameter.\n"
        '# How to add a language: docs/architecture.md, "Add a language".'
    )
    return catalog


def open_catalog(path: Path) -> Catalog:
    """The .po file as a babel catalogue, checked by the bot's own reader first."""
    read_po_file(path)  # fails with file:line on anything the bot would refuse
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def add(catalog: Catalog, key: str, value: Template, replace: bool) -> str | None:
    """Put one message into `catalog`; a conflict's description, or None."""
    msgid: str | tuple[str, str] = key
    string: str | tuple[str, ...] = value if isinstance(value, str) else value.forms
    if isinstance(value, Plural):
        if len(value.forms) != catalog.num_plurals:
            return f"{key}: {len(value.forms)} plural forms, the .po file has {catalog.num_plurals}"
        msgid = (key, "{" + value.count + "}")
    existing = catalog.get(key)
    if existing is not None and existing.string:
        old = existing.string
        if (
            existing.id == msgid
            and (tuple(old) if isinstance(old, list | tuple) else old) == string
        ):
            return None
        if not replace:
            return f"{key}: differs from the .po file's text (use --replace to take the module's)"
        del catalog[key]
    catalog.add(msgid, string)
    return None


def convert(modules: list[Path], directory: Path, replace: bool) -> list[str]:
    """Merge `modules` into the .po files of `directory`; the conflicts (nothing written if any)."""
    by_lang: dict[str, list[tuple[Path, dict[str, Template]]]] = defaultdict(list)
    for path in modules:
        lang, messages = read_module(path)
        by_lang[lang].append((path, messages))
    conflicts: list[str] = []
    catalogs: dict[Path, Catalog] = {}
    for lang, parts in by_lang.items():
        po = directory / f"{lang}.po"
        catalog = open_catalog(po) if po.exists() else new_catalog(lang)
        for path, messages in parts:
            for key, value in messages.items():
                problem = add(catalog, key, value, replace)
                if problem:
                    conflicts.append(f"{path.name}: {problem}")
        catalogs[po] = catalog
    if conflicts:
        return conflicts
    for po, catalog in catalogs.items():
        with po.open("wb") as handle:
            write_po(handle, catalog, width=WIDTH, omit_header=False, include_previous=False)
        read_po_file(po)  # what was written reads back
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", type=Path, help="Python locale modules")
    parser.add_argument("--pending", action="store_true", help="every module in --dir")
    parser.add_argument("--dir", type=Path, default=LOCALES, help="where the .po files are")
    parser.add_argument("--replace", action="store_true", help="a module's text wins")
    parser.add_argument("--delete", action="store_true", help="remove converted modules")
    args = parser.parse_args(argv)
    modules = [*args.modules, *(python_modules(args.dir) if args.pending else [])]
    if not modules:
        print("nothing to convert")
        return 0
    try:
        conflicts = convert(modules, args.dir, args.replace)
    except CatalogueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if conflicts:
        print("conflicts (nothing written):", *conflicts, sep="\n  ", file=sys.stderr)
        return 1
    for path in modules:
        if args.delete:
            path.unlink()
        print(f"{'converted and removed' if args.delete else 'converted'}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
