"""The gettext catalogue: every id in every language (every plural form too), plural rules,
a third language added as data only, loud failures on a malformed file, and the converter
from Python locale modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conversations.commands import language_buttons
from conversations.locale_files import CatalogueError, Plural, load_languages, read_po_file
from conversations.locales import DIRECTORY, LOADED
from conversations.messages import Text
from conversations.texts import TextCatalog, placeholders, strip_markup
from tests.chat import ChatDriver
from tests.unit.test_texts import ALLOWED_TAGS

ROOT = Path(__file__).parents[2]
CONVERTER = ROOT / "scripts" / "texts_to_po.py"
TEXTS = TextCatalog(strict=True)


def forms(template: str | Plural) -> tuple[str, ...]:
    return (template,) if isinstance(template, str) else template.forms


def used(template: str | Plural) -> set[str]:
    return set().union(*(placeholders(form) for form in forms(template)))


# -- the shipped catalogue ---------------------------------------------------------------------


def test_the_languages_are_the_po_files_and_vietnamese_comes_first() -> None:
    assert list(LOADED) == ["vi", "en"]
    assert sorted(p.stem for p in DIRECTORY.glob("*.po")) == sorted(LOADED)
    leftovers = sorted(p.name for p in DIRECTORY.glob("*.py") if p.name != "__init__.py")
    assert not leftovers, (
        f"convert them: python scripts/texts_to_po.py --pending --delete ({leftovers})"
    )


def test_every_id_is_in_every_language_with_the_same_kind_count_and_parameters() -> None:
    reference = LOADED["vi"].messages
    for code, language in LOADED.items():
        assert set(language.messages) == set(reference), code
        for key, template in language.messages.items():
            vi = reference[key]
            assert type(template) is type(vi), (code, key)
            assert used(template) <= used(vi) and placeholders(forms(template)[-1]) == used(vi), (
                code,
                key,
            )
            if isinstance(template, Plural) and isinstance(vi, Plural):
                assert template.count == vi.count and len(template.forms) == language.nplurals
                assert template.count in used(vi), key  # the counting parameter is shown


def test_every_form_uses_only_the_neutral_markup() -> None:
    for code, language in LOADED.items():
        for key, template in language.messages.items():
            for form in forms(template):
                stripped = ALLOWED_TAGS.sub("", form)
                assert "<" not in stripped and ">" not in stripped, (code, key)


def test_babel_reads_the_files_exactly_as_the_bot_does() -> None:
    for code, language in LOADED.items():
        with (DIRECTORY / f"{code}.po").open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
        assert catalog.num_plurals == language.nplurals
        babel = {
            (m.id[0] if isinstance(m.id, tuple) else m.id): m
            for m in catalog
            if m.id and not m.fuzzy
        }
        assert babel.keys() == language.messages.keys()
        for key, template in language.messages.items():
            message = babel[key]
            if isinstance(template, Plural):
                assert message.id == (key, "{" + template.count + "}")
                assert tuple(message.string) == template.forms
            else:
                assert message.string == template


def test_no_english_text_counts_with_a_fixed_plural() -> None:
    english = LOADED["en"].messages
    assert not [k for k, t in english.items() if any("(s)" in f for f in forms(t))]


# -- plural forms --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "params", "lang", "expected"),
    [
        ("search.results", {"query": "q"}, "vi", ["Tìm thấy 0 thủ tục", "Tìm thấy 1 thủ tục",
                                                  "Tìm thấy 2 thủ tục"]),
        ("search.results", {"query": "q"}, "en", ["Found 0 procedures", "Found 1 procedure ",
                                                  "Found 2 procedures"]),
        ("proc.days", {}, "vi", ["0 ngày làm việc", "1 ngày làm việc", "2 ngày làm việc"]),
        ("proc.days", {}, "en", ["0 working days", "1 working day", "2 working days"]),
        ("login.code_wrong", {}, "en", ["0 tries left", "1 try left", "2 tries left"]),
        ("broadcast.queued", {"id": "b1"}, "en", ["for 0 recipients", "for 1 recipient.",
                                                  "for 2 recipients"]),
    ],
)  # fmt: skip
def test_the_count_picks_the_form_by_the_language_rule(
    key: str, params: dict[str, object], lang: str, expected: list[str]
) -> None:
    count = LOADED[lang].messages[key]
    assert isinstance(count, Plural)
    for n, wanted in zip((0, 1, 2), expected, strict=True):
        shown = TEXTS.plain(Text(key, {**params, count.count: n}), lang)  # type: ignore[dict-item]
        assert wanted in shown, (n, shown)


def test_a_plural_message_without_its_count_is_refused_in_strict_mode() -> None:
    with pytest.raises(ValueError, match="count"):
        TEXTS.render(Text("search.results", {"query": "q"}), "en")
    assert "procedures" in TextCatalog().render(Text("search.results", {"query": "q"}), "en")


async def test_searching_finds_1_procedure_and_2_procedures_in_both_languages(
    chat: ChatDriver,
) -> None:
    await chat.send("/start")
    await chat.send("giám hộ")
    assert chat.keys == ["search.results_page"]
    assert len([b for b in chat.buttons() if b.payload.startswith("p:")]) == 1
    assert chat.text().startswith("Tìm thấy 1 thủ tục cho “giám hộ”.")
    await chat.send("/lang")
    await chat.press("English")
    assert chat.text(chat.replies[1]).startswith("Found 1 procedure for “giám hộ”.")
    await chat.send("nhận cha mẹ con")
    assert chat.text().startswith("Found 2 procedures for “nhận cha mẹ con”.")


# -- a third language, data only -----------------------------------------------------------------

THAI = """\
# A third language is one more file.
msgid ""
msgstr ""
"Language: th\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "lang.name"
msgstr "🇹🇭 ภาษาไทย"

msgid "lang.changed"
msgstr "เปลี่ยนเป็นภาษาไทยแล้ว"

msgid "search.results"
msgid_plural "{count}"
msgstr[0] "พบ {count} ขั้นตอนสำหรับ “{query}”"

#, fuzzy
msgid "common.cancelled"
msgstr "a fuzzy guess is not used"
"""


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    for code in LOADED:
        shutil.copy(DIRECTORY / f"{code}.po", tmp_path / f"{code}.po")
    return tmp_path


def test_a_third_language_is_one_po_file(locales: Path) -> None:
    (locales / "th.po").write_text(THAI, encoding="utf-8")
    languages = load_languages(locales)
    assert list(languages) == ["vi", "en", "th"]
    texts = TextCatalog(languages)
    assert texts.plain(Text("search.results", {"count": 1, "query": "x"}), "th") == (
        "พบ 1 ขั้นตอนสำหรับ “x”"
    )
    assert texts.plain(Text("lang.changed"), "th") == "เปลี่ยนเป็นภาษาไทยแล้ว"
    # what the file lacks (or only guesses) is shown in Vietnamese
    assert texts.plain(Text("common.cancelled"), "th") == texts.plain(
        Text("common.cancelled"), "vi"
    )
    assert texts.plain(Text("proc.days", {"days": 3}), "th") == "3 ngày làm việc"
    # the language picker names every language in its own words
    labels = [texts.plain(b.label, "vi") for row in language_buttons(tuple(languages)) for b in row]
    assert labels == ["🇻🇳 Tiếng Việt", "🇬🇧 English", "🇹🇭 ภาษาไทย"]
    assert [b.payload for row in language_buttons(tuple(languages)) for b in row] == [
        "l:vi",
        "l:en",
        "l:th",
    ]


# -- malformed files fail loudly, naming the file and line ---------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "says"),
    [
        ('msgid ""\nmsgstr ""\n"Language: xx\\n"\n', 1, "Plural-Forms"),
        (THAI + '\nmsgid "a.b"\nmsgstr "unterminated\n', 23, "quoted string"),
        (THAI + '\nmsgid "a.b"\nmsgstr "{count"\n', 22, "bad template"),
        (THAI + '\nmsgid "a.b"\nmsgid_plural "count"\nmsgstr[0] "x"\n', 22, "msgid_plural"),
        (THAI + '\nmsgid "a.b"\nmsgid_plural "{n}"\nmsgstr[0] "x"\nmsgstr[1] "y"\n', 22,
         "nplurals=1"),
        (THAI + '\nmsgid "lang.name"\nmsgstr "again"\n', 22, "defined twice"),
        (THAI + '\nmsgid "a.b"\nmsgstr "x"\nmsgstr "y"\n', 24, "second msgstr"),
        (THAI + '\nmsgid "a.b"\nmsgstr "x"\ngarbage\n', 24, "expected msgid"),
        (THAI + '\nmsgid "a.b"\nmsgstr "bad \\q escape"\n', 23, "unknown escape"),
    ],
)  # fmt: skip
def test_a_malformed_po_file_fails_with_its_file_and_line(
    locales: Path, body: str, line: int, says: str
) -> None:
    broken = locales / "th.po"
    broken.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogueError, match=says) as failure:
        load_languages(locales)
    assert f"{broken}:{line}:" in str(failure.value)


def test_a_malformed_shipped_file_stops_the_bot_at_start(tmp_path: Path) -> None:
    package = tmp_path / "conversations"
    shutil.copytree(ROOT / "conversations", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        ROOT / "services", tmp_path / "services", ignore=shutil.ignore_patterns("__pycache__")
    )
    po = package / "locales" / "en.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    number = lines.index('msgid "common.cancelled"') + 2
    lines[number - 1] = 'msgstr "Cancelled {"'
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = subprocess.run(
        [sys.executable, "-c", "import conversations.router"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert started.returncode != 0
    assert f"CatalogueError: {po}:{number - 1}: common.cancelled: a bad template" in started.stderr


# -- Python locale modules: read during the transition, converted by the script ------------------

HANDOVER_VI = '''"""Texts another branch added as a Python module."""

MESSAGES = {
    "handover.asked": "Đã chuyển hồ sơ <b>{code}</b> cho cán bộ khác.",
    "handover.waiting": ("{count}", "Có {count} hồ sơ đang chờ bàn giao."),
}
'''
HANDOVER_EN = """MESSAGES = {
    "handover.asked": "Dossier <b>{code}</b> was handed over to another officer.",
    "handover.waiting": (
        "{count}",
        "{count} dossier is waiting to be handed over.",
        "{count} dossiers are waiting to be handed over.",
    ),
}
"""


def test_python_modules_are_read_until_converted_and_the_converter_merges_them(
    locales: Path,
) -> None:
    (locales / "handover_vi.py").write_text(HANDOVER_VI, encoding="utf-8")
    (locales / "handover_en.py").write_text(HANDOVER_EN, encoding="utf-8")
    before = load_languages(locales)
    texts = TextCatalog(before, strict=True)
    one, two = (Text("handover.waiting", {"count": n}) for n in (1, 2))
    assert texts.plain(one, "en") == "1 dossier is waiting to be handed over."
    assert texts.plain(two, "en") == "2 dossiers are waiting to be handed over."
    assert texts.plain(two, "vi") == "Có 2 hồ sơ đang chờ bàn giao."

    converted = subprocess.run(
        [sys.executable, str(CONVERTER), "--dir", str(locales), "--pending", "--delete"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert converted.returncode == 0, converted.stderr
    assert not list(locales.glob("*.py"))
    after = load_languages(locales)
    assert {c: lang.messages for c, lang in after.items()} == {
        c: lang.messages for c, lang in before.items()
    }
    en = read_po_file(locales / "en.po").sources
    assert en["handover.waiting"].startswith(f"{locales / 'en.po'}:")  # now in the .po file
    # converting again is harmless: the same texts are already there
    (locales / "handover_en.py").write_text(HANDOVER_EN, encoding="utf-8")
    again = subprocess.run(
        [
            sys.executable,
            str(CONVERTER),
            "--dir",
            str(locales),
            "--delete",
            str(locales / "handover_en.py"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert load_languages(locales)["en"].messages == after["en"].messages


def test_the_converter_refuses_a_changed_text_and_a_module_clashing_with_the_files(
    locales: Path,
) -> None:
    clash = locales / "clash_en.py"
    clash.write_text('MESSAGES = {"common.cancelled": "Stopped."}\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match="defined twice"):
        load_languages(locales)
    before = (locales / "en.po").read_bytes()
    refused = subprocess.run(
        [sys.executable, str(CONVERTER), "--dir", str(locales), str(clash)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1 and "common.cancelled" in refused.stderr
    assert (locales / "en.po").read_bytes() == before  # nothing written
    replaced = subprocess.run(
        [
            sys.executable,
            str(CONVERTER),
            "--dir",
            str(locales),
            "--replace",
            "--delete",
            str(clash),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert replaced.returncode == 0, replaced.stderr
    assert TextCatalog(load_languages(locales)).plain(Text("common.cancelled"), "en") == "Stopped."
    assert strip_markup(TEXTS.render(Text("common.cancelled"), "en")) == "Cancelled."


def test_a_new_language_file_starts_with_every_id_and_its_plural_rule(locales: Path) -> None:
    started = subprocess.run(
        [sys.executable, str(CONVERTER), "--dir", str(locales), "--new-language", "ru"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    po = locales / "ru.po"
    untranslated = load_languages(locales)["ru"]
    assert untranslated.nplurals == 3 and not untranslated.messages  # all in Vietnamese for now
    body = po.read_text(encoding="utf-8")
    assert body.count("\nmsgid ") == 1 + len(LOADED["vi"].messages)  # the header and every id
    assert "#. en: Found {count} procedure for “{query}”." in body
    body = body.replace(
        'msgid "search.results"\nmsgid_plural "{count}"\nmsgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""',
        'msgid "search.results"\nmsgid_plural "{count}"\nmsgstr[0] "Найдена {count} процедура"\n'
        'msgstr[1] "Найдены {count} процедуры"\nmsgstr[2] "Найдено {count} процедур"',
    )
    po.write_text(body, encoding="utf-8")
    texts = TextCatalog(load_languages(locales))
    shown = [
        texts.plain(Text("search.results", {"count": n, "query": "q"}), "ru") for n in (1, 2, 5, 21)
    ]
    assert shown == [
        "Найдена 1 процедура",
        "Найдены 2 процедуры",
        "Найдено 5 процедур",
        "Найдена 21 процедура",
    ]
    assert texts.plain(Text("common.cancelled"), "ru") == texts.plain(
        Text("common.cancelled"), "vi"
    )
