"""The text catalogue: message ids rendered in Vietnamese or English, in neutral markup.

Neutral markup is a tiny HTML subset (<b>, <i>, <code>, newlines) that every channel can
render: Telegram takes it as is, the web chat as HTML, Zalo as plain text. Parameters are
escaped, so text a citizen typed can never inject markup.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping

from conversations.locales import CATALOGS
from conversations.messages import At, Both, Day, Lines, Money, Text
from services.clock import VIETNAM

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


class MissingText(KeyError):
    """A message id that the catalogue does not have (only raised in strict mode)."""


class TextCatalog:
    """Renders `Text` values; `strict` raises on a missing id instead of falling back."""

    def __init__(
        self,
        catalogs: Mapping[str, Mapping[str, str]] | None = None,
        strict: bool = False,
    ) -> None:
        self._catalogs = catalogs or CATALOGS
        self._strict = strict

    def keys(self, lang: str) -> set[str]:
        """Message ids of one language."""
        return set(self._catalogs[lang])

    def template(self, key: str, lang: str) -> str:
        """The raw template of a message id."""
        catalog = self._catalogs.get(lang) or self._catalogs[DEFAULT_LANGUAGE]
        if key in catalog:
            return catalog[key]
        if self._strict:
            raise MissingText(f"{lang}:{key}")
        return self._catalogs[DEFAULT_LANGUAGE].get(key, key)

    def render(self, text: Text, lang: str) -> str:
        """Render to neutral markup in `lang`."""
        template = self.template(text.key, lang)
        values = {name: self._param(value, lang) for name, value in text.params.items()}
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            if self._strict:
                raise
            return template

    def plain(self, text: Text, lang: str) -> str:
        """Render without markup (button labels, notifications, logs of templates)."""
        return strip_markup(self.render(text, lang))

    def _param(self, value: object, lang: str) -> str:
        if isinstance(value, Text):
            return self.render(value, lang)
        if isinstance(value, Lines):
            return value.separator.join(self.render(item, lang) for item in value.items)
        if isinstance(value, Money):
            return format_money(value.amount, lang)
        if isinstance(value, Day):
            return value.value.strftime("%d/%m/%Y")
        if isinstance(value, At):
            return value.value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
        if isinstance(value, Both):
            return html.escape(value.en if lang == "en" and value.en else value.vi, quote=False)
        return html.escape(str(value), quote=False)


def format_number(value: int, lang: str) -> str:
    """1234567 → "1.234.567" in Vietnamese, "1,234,567" in English."""
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if lang == "vi" else grouped


def format_money(amount: int, lang: str) -> str:
    """15000 → "15.000 đ" / "15,000 VND"."""
    return (
        f"{format_number(amount, lang)} đ" if lang == "vi" else f"{format_number(amount, lang)} VND"
    )


def strip_markup(text: str) -> str:
    """Drop the neutral markup tags and unescape entities."""
    for tag in ("b", "i", "code"):
        text = text.replace(f"<{tag}>", "").replace(f"</{tag}>", "")
    return html.unescape(text)


def placeholders(template: str) -> set[str]:
    """Names used in a template, for checking that both languages agree."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
