"""The command list Telegram shows in its menu, in Vietnamese (the default) and English."""

from __future__ import annotations

from bot.channels.telegram_api import CommandsByLang
from conversations.commands import TELEGRAM_MENU
from conversations.messages import Text
from conversations.texts import DEFAULT_LANGUAGE, LANGUAGES, TextCatalog

# Declared once, in the command registry (`Command.menu`), in the order Telegram shows them.
COMMANDS = TELEGRAM_MENU


def commands_by_lang(texts: TextCatalog, default_lang: str = DEFAULT_LANGUAGE) -> CommandsByLang:
    """The default list (in `default_lang`) plus one list per language code; descriptions
    are the catalogue's "command.<name>" texts."""
    lists = {
        lang: [(name, texts.plain(Text(f"command.{name}"), lang)) for name in COMMANDS]
        for lang in LANGUAGES
    }
    return {
        "": lists[default_lang],
        **{lang: lists[lang] for lang in lists if lang != default_lang},
    }
