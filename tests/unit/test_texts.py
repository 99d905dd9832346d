"""The text catalogue: both languages complete, every id the code uses exists, safe rendering."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from conversations.locales import CATALOGS
from conversations.messages import Both, Day, Lines, Money, Text, raw
from conversations.texts import TextCatalog, placeholders, strip_markup

ROOT = Path(__file__).parents[2]
KEY_IN_CODE = re.compile(r"""(?:say|btn|Text)\(\s*["']([a-z_]+(?:\.[a-z_0-9]+)+|raw\w*)["']""")
DYNAMIC = {
    "error.": re.compile(r"AnswerError\(\s*[\"']([a-z_]+)[\"']"),
}
ALLOWED_TAGS = re.compile(r"</?(?:b|i|code)>")


def test_both_languages_have_the_same_ids_and_parameters() -> None:
    assert set(CATALOGS["vi"]) == set(CATALOGS["en"])
    for key, template in CATALOGS["vi"].items():
        assert placeholders(template) == placeholders(CATALOGS["en"][key]), key


def test_only_the_neutral_markup_is_used() -> None:
    for catalog in (CATALOGS["vi"], CATALOGS["en"]):
        for key, template in catalog.items():
            stripped = ALLOWED_TAGS.sub("", template)
            assert "<" not in stripped and ">" not in stripped, key


def test_every_message_id_the_code_uses_exists() -> None:
    used: set[str] = set()
    for path in (ROOT / "conversations").rglob("*.py"):
        used |= set(KEY_IN_CODE.findall(path.read_text(encoding="utf-8")))
    for path in (ROOT / "services").rglob("*.py"):
        body = path.read_text(encoding="utf-8")
        used |= {f"error.{reason}" for reason in DYNAMIC["error."].findall(body)}
    used |= {f"error.cccd_{p}" for p in ("not_digits", "length", "province", "future_year",
                                         "birth_year_mismatch", "sex_mismatch")}  # fmt: skip
    used |= {f"form.hint.{t}" for t in ("text", "textarea", "number", "money", "cccd", "phone",
                                        "email", "select", "yesno", "address", "account",
                                        "holder")}  # fmt: skip
    used |= {f"form.hint.date_{r}" for r in ("past", "future", "any")}
    missing = sorted(key for key in used if key not in CATALOGS["vi"])
    assert not missing
    assert len(used) > 100


def test_parameters_are_escaped_and_formatted_per_language() -> None:
    texts = TextCatalog(strict=True)
    evil = Text("search.none", {"query": "<script>alert(1)</script>", "details": Lines(())})
    assert "&lt;script&gt;" in texts.render(evil, "vi")
    assert "<script>" not in texts.render(evil, "en")
    assert texts.render(Text("raw_money", {"amount": Money(1500000)}), "vi") == "1.500.000 đ"
    assert texts.render(Text("raw_money", {"amount": Money(1500000)}), "en") == "1,500,000 VND"
    assert texts.render(Text("raw_day", {"day": Day(date(2025, 7, 1))}), "en") == "01/07/2025"
    assert texts.render(Text("raw_both", {"text": Both("Có", "Yes")}), "en") == "Yes"
    lines = Text("raw", {"text": "x"}), raw("y & z")
    assert (
        texts.render(Text("form.review", {"procedure": "P", "lines": Lines(lines)}), "vi").count(
            "\n"
        )
        >= 3
    )
    assert strip_markup(texts.render(raw("a & b"), "vi")) == "a & b"


def test_a_missing_id_falls_back_outside_strict_mode() -> None:
    assert TextCatalog().render(Text("no.such.key"), "en") == "no.such.key"
    with pytest.raises(KeyError):
        TextCatalog(strict=True).render(Text("no.such.key"), "en")
