"""The text catalogue: message ids rendered in each language, in neutral markup.

Neutral markup is a tiny HTML subset (<b>, <i>, <code>, newlines) that every channel can
render: Telegram takes it as is, the web chat as HTML, Zalo as plain text. Parameters are
escaped, so text a citizen typed can never inject markup.

The texts are gettext .po files, one per language (`conversations/locales`); the languages are
the files present. A message with plural forms picks its form by the int parameter its
`msgid_plural` names (usually `{count}`) and the language's plural rule ("Tìm thấy 1 thủ tục",
"Found 1 procedure", "Found 2 procedures").
A message missing in a language falls back to Vietnamese.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping

from conversations import locales
from conversations.locale_files import Language, Plural, Template
from conversations.messages import At, Both, Day, InLanguage, Lines, Money, Text
from services.clock import VIETNAM

# The language codes, the default (Vietnamese) first: one per .po file in conversations/locales.
LOADED = locales.LOADED  # code → Language (messages, plural rule)
LANGUAGES: tuple[str, ...] = tuple(LOADED)
DEFAULT_LANGUAGE = locales.DEFAULT_LANGUAGE


class MissingText(KeyError):
    """A message id that the catalogue does not have (only raised in strict mode)."""


class TextCatalog:
    """Renders `Text` values; `strict` raises on a missing id (or a plural message rendered
    without its counting parameter) instead of falling back.

    `catalogs`: the languages to use (default: the .po files of conversations/locales), as
    loaded `Language`s or as plain mappings of id → template (tests).
    """

    def __init__(
        self,
        catalogs: Mapping[str, Language] | Mapping[str, Mapping[str, Template]] | None = None,
        strict: bool = False,
    ) -> None:
        self._languages: dict[str, Language] = {
            code: value if isinstance(value, Language) else Language(code, dict(value))
            for code, value in (catalogs or LOADED).items()
        }
        self._strict = strict

    @property
    def languages(self) -> tuple[str, ...]:
        """The language codes this catalogue renders."""
        return tuple(self._languages)

    def keys(self, lang: str) -> set[str]:
        """Message ids of one language."""
        return set(self._languages[lang].messages)

    def templates(self, key: str, lang: str) -> tuple[str, ...]:
        """Every form of a message id in `lang` (one, or its plural forms)."""
        entry = self._entry(key, lang)[0]
        return (entry,) if isinstance(entry, str) else entry.forms

    def template(self, key: str, lang: str) -> str:
        """The raw template of a message id (of a plural message, its general form)."""
        return self.templates(key, lang)[-1]

    def _entry(self, key: str, lang: str) -> tuple[Template, Language]:
        """The entry of `key` in `lang`, else in the default language (strict: raises)."""
        default = self._languages[DEFAULT_LANGUAGE]
        language = self._languages.get(lang) or default
        entry = language.messages.get(key)
        if entry is not None:
            return entry, language
        if self._strict:
            raise MissingText(f"{lang}:{key}")
        return default.messages.get(key, key), default

    def render(self, text: Text, lang: str) -> str:
        """Render to neutral markup in `lang`."""
        entry, language = self._entry(text.key, lang)
        template = entry if isinstance(entry, str) else self._plural_form(text, entry, language)
        values = {name: self._param(value, lang) for name, value in text.params.items()}
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            if self._strict:
                raise
            return template

    def _plural_form(self, text: Text, plural: Plural, language: Language) -> str:
        count = text.params.get(plural.count)
        if isinstance(count, int) and not isinstance(count, bool):
            return language.form(plural, count)
        if self._strict:
            raise ValueError(f"{text.key} has plural forms and needs an int {plural.count!r}")
        return plural.forms[-1]

    def plain(self, text: Text, lang: str) -> str:
        """Render without markup (button labels, notifications, logs of templates)."""
        return strip_markup(self.render(text, lang))

    def _param(self, value: object, lang: str) -> str:
        if isinstance(value, Text):
            return self.render(value, lang)
        if isinstance(value, InLanguage):
            return self.render(value.text, value.lang)
        if isinstance(value, Lines):
            return value.separator.join(self.render(item, lang) for item in value.items)
        if isinstance(value, Money):
            return format_money(value.amount, lang)
        if isinstance(value, Day):
            return value.value.strftime("%d/%m/%Y")
        if isinstance(value, At):
            return value.value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
        if isinstance(value, Both):  # data in two languages; any other shows the Vietnamese
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
