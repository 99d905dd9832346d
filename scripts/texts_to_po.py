#!/usr/bin/env python3
"""Convert Python locale modules (a `MESSAGES` dict) into the gettext .po files.

    python scripts/texts_to_po.py conversations/locales/handover_*.py     # these modules
    python scripts/texts_to_po.py --pending --delete    # every module left, then remove them
    python scripts/texts_to_po.py --new-language th     # th.po: every id, to translate

A module named `<topic>_<lang>.py` (or `<lang>.py`) goes into `<lang>.po` of --dir (default
conversations/locales; created with the language's Plural-Forms if it is new). A value that
is a string becomes one entry (`msgid` = the id, `msgstr` = the template); a tuple
("{count}", form, form, …) becomes a plural entry (`msgid_plural` = the counting placeholder,
`msgstr[n]` the forms in the .po file's Plural-Forms order: Vietnamese one, English two).
Entries are appended in the module's order; an id already in the .po file with the same text
is left alone, with a different text it is a conflict (exit 1, nothing written) unless
`--replace` (the entry keeps its place). With `--delete` the converted modules are removed
afterwards. Run the text tests after:
`python -m pytest -q tests/unit/test_texts.py tests/unit/test_locales.py`.

`--new-language CODE` writes `CODE.po` with every id of vi.po, the language's Plural-Forms
(from Babel's CLDR data) and empty translations, each with the English text as a comment:
translate, and the bot offers the language (untranslated texts show in Vietnamese).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conversations.locale_files import (  # noqa: E402
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
    """An empty catalogue with the header of `lang` (its plural rule from Babel's CLDR data)."""
    plural = get_plural(lang).plural_forms
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
        "# <code>; {name} parameters). A plural entry's msgid_plural names the parameter that\n"
        '# picks its form ("{count}"); msgstr[n] follow Plural-Forms.\n'
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
        existing.id, existing.string = msgid, string  # in place: the entry keeps its position
        return None
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


def new_language(lang: str, directory: Path) -> Path:
    """Write `<lang>.po`: every id of vi.po, untranslated, the English text as a comment."""
    po = directory / f"{lang}.po"
    if po.exists():
        raise CatalogueError(f"{po}: exists already")
    reference = read_po_file(directory / "vi.po").messages
    english = read_po_file(directory / "en.po").messages
    catalog = new_catalog(lang)
    for key, template in reference.items():
        hint = english.get(key, template)
        shown = hint if isinstance(hint, str) else " | ".join(hint.forms)
        comments = [f"en: {shown}".replace("\n", "\\n")]
        if key == "lang.name":
            comments = ["this language's own name, on the language picker (🇻🇳 Tiếng Việt)"]
        if isinstance(template, Plural):
            empty = ("",) * catalog.num_plurals
            catalog.add((key, "{" + template.count + "}"), empty, auto_comments=comments)
        else:
            catalog.add(key, "", auto_comments=comments)
    with po.open("wb") as handle:
        write_po(handle, catalog, width=WIDTH, omit_header=False, include_previous=False)
    read_po_file(po)
    return po


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", type=Path, help="Python locale modules")
    parser.add_argument("--pending", action="store_true", help="every module in --dir")
    parser.add_argument("--dir", type=Path, default=LOCALES, help="where the .po files are")
    parser.add_argument("--replace", action="store_true", help="a module's text wins")
    parser.add_argument("--delete", action="store_true", help="remove converted modules")
    parser.add_argument("--new-language", metavar="CODE", help="start CODE.po to translate")
    args = parser.parse_args(argv)
    try:
        if args.new_language:
            print(f"written: {new_language(args.new_language, args.dir)}")
            return 0
        found = [*args.modules, *(python_modules(args.dir) if args.pending else [])]
        modules = list(dict.fromkeys(path.resolve() for path in found))
        if not modules:
            print("nothing to convert")
            return 0
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
