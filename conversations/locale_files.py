"""Reading the text catalogue from disk: one gettext .po file per language.

`conversations/locales/<lang>.po` holds every message of one language: `msgid` is the message
id the code uses ("search.results"), `msgstr` its template (neutral markup, `{name}`
parameters). A message whose wording depends on a number has plural forms: its
`msgid_plural` names the parameter that counts (`"{count}"`), and `msgstr[0]`, `msgstr[1]`, …
follow the file's `Plural-Forms` header (Vietnamese has one form, English two: 1 / other).
The languages are the files present: adding `th.po` adds Thai, nothing else to change.

During a transition the directory may also hold Python modules (`<lang>.py`,
`<topic>_<lang>.py`) with a `MESSAGES` dict (id → template; a plural message is a tuple: the
counting placeholder, then the forms, e.g. `("{count}", "Found {count} procedure", "Found
{count} procedures")`); they are read too, so a branch that added one works before
`scripts/texts_to_po.py` converts it into the .po files. A message id defined twice in one
language is an error.

Anything malformed fails at start, naming the file and line.
"""

from __future__ import annotations

import gettext
import importlib.util
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# A language code: ISO 639 (two or three lowercase letters), optionally with a region ("pt_BR").
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
# A Python locale module: "<lang>.py" or "<topic>_<lang>.py".
MODULE_NAME = re.compile(r"(?:(?P<topic>[a-z][a-z0-9_]*)_)?(?P<lang>[a-z]{2,3})")

# Languages without a grammatical plural: one form (a Python module without a .po file yet,
# and the header scripts/texts_to_po.py writes for a new language).
ONE_FORM = frozenset({"vi", "zh", "ja", "ko", "th", "lo", "km", "id", "ms", "my"})

COUNT_PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")


@dataclass(frozen=True, slots=True)
class Plural:
    """A message with plural forms: `count` names the int parameter that picks the form."""

    count: str
    forms: tuple[str, ...]


Template = str | Plural  # one template, or plural forms in the order of the Plural-Forms rule


class CatalogueError(ValueError):
    """A locale file that cannot be used; the message names the file (and line)."""


@dataclass(frozen=True, slots=True)
class Language:
    """The messages of one language and its plural rule."""

    code: str
    messages: dict[str, Template]
    plural_forms: str = "nplurals=2; plural=(n != 1);"
    nplurals: int = 2
    rule: Callable[[int], int] = field(default=gettext.c2py("(n != 1)"), repr=False)
    sources: dict[str, str] = field(default_factory=dict, repr=False)  # id → "file:line"

    def form(self, plural: Plural, count: int) -> str:
        """The form of a plural message for `count` by this language's rule."""
        index = self.rule(count)
        return plural.forms[index] if 0 <= index < len(plural.forms) else plural.forms[-1]


def plural_rule(plural_forms: str, where: str) -> tuple[int, Callable[[int], int]]:
    """Parse a `Plural-Forms` value ("nplurals=2; plural=(n != 1);")."""
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", plural_forms)
    if match is None:
        raise CatalogueError(f"{where}: a bad Plural-Forms header: {plural_forms!r}")
    try:
        rule = gettext.c2py(match.group(2))
    except (ValueError, SyntaxError) as error:
        raise CatalogueError(f"{where}: a bad plural expression: {error}") from None
    return int(match.group(1)), rule


@dataclass(slots=True)
class _Entry:
    """One entry of a .po file while it is read."""

    line: int
    fields: dict[str, str] = field(default_factory=dict)  # "msgid", "msgstr[0]", …
    fuzzy: bool = False


_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural", "msgstr"})
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text: str, name: str, number: int) -> str:
    match = _STRING.fullmatch(text)
    if match is None:
        raise CatalogueError(f"{name}:{number}: expected one quoted string, got {text!r}")
    body = match.group(1)
    if "\\" not in body:
        return body
    try:
        return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], body)
    except KeyError as error:
        raise CatalogueError(f"{name}:{number}: unknown escape \\{error.args[0]}") from None


def parse_po(text: str, name: str) -> list[_Entry]:
    """The entries of a .po file (the gettext format; obsolete `#~` entries skipped).

    `name` is how errors name the file; every error gives its line."""
    entries: list[_Entry] = []
    entry: _Entry | None = None
    current = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith('"'):
            if entry is None or not current:
                raise CatalogueError(f"{name}:{number}: a string outside an entry: {line!r}")
            entry.fields[current] += _unquote(line, name, number)
            continue
        if not line or line[0] == "#":
            if entry is not None and "msgid" in entry.fields:  # the entry has ended
                entries.append(entry)
                entry, current = None, ""
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                entry = _Entry(number, fuzzy=True)
            continue
        keyword, _, value = line.partition(" ")
        if keyword.partition("[")[0] not in _KEYWORDS or (
            "[" in keyword and not (keyword[7:-1].isdigit() and keyword.endswith("]"))
        ):
            raise CatalogueError(f"{name}:{number}: expected msgid, msgstr or a string: {line!r}")
        if keyword == "msgctxt":
            raise CatalogueError(f"{name}:{number}: msgctxt is not used (message ids are unique)")
        if keyword == "msgid" and entry is not None and "msgid" in entry.fields:
            entries.append(entry)
            entry = None
        if entry is None:
            entry = _Entry(number)
        if keyword in entry.fields:
            raise CatalogueError(f"{name}:{number}: a second {keyword} in one entry")
        if keyword != "msgid" and "msgid" not in entry.fields:
            raise CatalogueError(f"{name}:{number}: {keyword} before msgid")
        entry.fields[keyword] = _unquote(value.strip(), name, number)
        current = keyword
    if entry is not None and "msgid" in entry.fields:
        entries.append(entry)
    return entries


def read_po_file(path: Path) -> Language:
    """One language from its .po file (its name is the language code)."""
    code = path.stem
    if not LANGUAGE_CODE.fullmatch(code):
        raise CatalogueError(f"{path}: the file name must be a language code, e.g. vi.po")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise CatalogueError(f"{path}: not UTF-8 ({error})") from None
    entries = parse_po(text, str(path))
    header_entry = next((e for e in entries if e.fields["msgid"] == ""), None)
    header = _header(header_entry.fields.get("msgstr", "")) if header_entry else {}
    if "Plural-Forms" not in header:
        raise CatalogueError(f"{path}:1: the header has no Plural-Forms line")
    nplurals, rule = plural_rule(header["Plural-Forms"], f"{path}:1")
    messages: dict[str, Template] = {}
    sources: dict[str, str] = {}
    for entry in entries:
        key, where = entry.fields["msgid"], f"{path}:{entry.line}"
        if not key:
            continue
        if key in sources:
            raise CatalogueError(f"{where}: {key} is defined twice (first at {sources[key]})")
        sources[key] = where
        plural_keys = {k for k in entry.fields if k.startswith("msgstr[")}
        if "msgid_plural" in entry.fields:
            counted = COUNT_PLACEHOLDER.fullmatch(entry.fields["msgid_plural"])
            if counted is None:
                raise CatalogueError(
                    f"{where}: {key}: msgid_plural names the parameter that counts, "
                    f'e.g. "{{count}}", not {entry.fields["msgid_plural"]!r}'
                )
            expected = [f"msgstr[{n}]" for n in range(nplurals)]
            if plural_keys != set(expected) or "msgstr" in entry.fields:
                raise CatalogueError(
                    f"{where}: {key} needs exactly {', '.join(expected)} (Plural-Forms says "
                    f"nplurals={nplurals})"
                )
            forms = tuple(entry.fields[k] for k in expected)
            if entry.fuzzy or not any(forms):
                continue  # unused: falls back to the default language (as gettext does)
            if not all(forms):
                raise CatalogueError(f"{where}: {key} lacks some of its {nplurals} plural forms")
            _check_templates(forms, where, key)
            messages[key] = Plural(counted.group(1), forms)
        else:
            if plural_keys or "msgstr" not in entry.fields:
                raise CatalogueError(f"{where}: {key} needs one msgstr (or a msgid_plural)")
            if entry.fuzzy or not entry.fields["msgstr"]:
                continue
            _check_templates((entry.fields["msgstr"],), where, key)
            messages[key] = entry.fields["msgstr"]
    return Language(code, messages, header["Plural-Forms"], nplurals, rule, sources)


def read_module(path: Path) -> tuple[str, dict[str, Template]]:
    """A Python locale module's language and `MESSAGES` (id → template or plural forms)."""
    match = MODULE_NAME.fullmatch(path.stem)
    if match is None:
        raise CatalogueError(f"{path}: a locale module is named <lang>.py or <topic>_<lang>.py")
    spec = importlib.util.spec_from_file_location(f"_locale_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise CatalogueError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    raw = getattr(module, "MESSAGES", None)
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"{path}: no MESSAGES dict")
    messages: dict[str, Template] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            messages[str(key)] = value
            _check_templates((value,), str(path), str(key))
            continue
        counted = (
            COUNT_PLACEHOLDER.fullmatch(value[0])
            if isinstance(value, tuple)
            and len(value) > 1
            and all(isinstance(v, str) for v in value)
            else None
        )
        if counted is None:
            raise CatalogueError(
                f"{path}: {key} must be a string, or a tuple of the counting placeholder and "
                'the plural forms: ("{count}", "… {count} procedure", "… {count} procedures")'
            )
        forms = tuple(value[1:])
        _check_templates(forms, str(path), str(key))
        messages[str(key)] = Plural(counted.group(1), forms)
    return match.group("lang"), messages


def python_modules(directory: Path) -> list[Path]:
    """The Python locale modules still in `directory` (core `<lang>.py` first)."""
    found = [p for p in directory.glob("*.py") if p.name != "__init__.py"]
    for path in found:
        if not MODULE_NAME.fullmatch(path.stem):
            raise CatalogueError(f"{path}: a locale module is named <lang>.py or <topic>_<lang>.py")
    return sorted(found, key=lambda p: (not LANGUAGE_CODE.fullmatch(p.stem), p.name))


def load_languages(directory: Path, default: str = "vi") -> dict[str, Language]:
    """Every language of `directory`: its .po files, plus any Python modules not yet
    converted. `default` first, then by code."""
    languages = {path.stem: read_po_file(path) for path in sorted(directory.glob("*.po"))}
    for path in python_modules(directory):
        code, messages = read_module(path)
        language = languages.get(code) or Language(code, {}, *_default_plurals(code))
        twice = sorted(language.messages.keys() & messages.keys())
        if twice:
            raise CatalogueError(
                f"{path}: message ids defined twice in {code}: {twice[:10]}"
                + "".join(
                    f" ({k} at {language.sources[k]})" for k in twice[:3] if k in language.sources
                )
            )
        for key, template in messages.items():
            if isinstance(template, Plural) and len(template.forms) != language.nplurals:
                raise CatalogueError(
                    f"{path}: {key} has {len(template.forms)} plural forms, {code} has "
                    f"{language.nplurals} ({language.plural_forms})"
                )
        language.messages.update(messages)
        language.sources.update(dict.fromkeys(messages, str(path)))
        languages[code] = language
    if default not in languages:
        raise CatalogueError(f"{directory}: no {default}.po (the default language)")
    return {code: languages[code] for code in sorted(languages, key=lambda c: (c != default, c))}


def _default_plurals(code: str) -> tuple[str, int, Callable[[int], int]]:
    forms = "nplurals=1; plural=0;" if code in ONE_FORM else "nplurals=2; plural=(n != 1);"
    nplurals, rule = plural_rule(forms, code)
    return forms, nplurals, rule


def _header(value: str) -> dict[str, str]:
    """The fields of a .po file's header (the msgstr of its empty msgid)."""
    fields = (line.partition(":") for line in value.splitlines() if ":" in line)
    return {name.strip(): rest.strip() for name, _, rest in fields}


def _check_templates(templates: tuple[str, ...], where: str, key: str) -> None:
    for template in templates:
        try:
            list(string.Formatter().parse(template))
        except ValueError as error:
            raise CatalogueError(f"{where}: {key}: a bad template ({error})") from None
