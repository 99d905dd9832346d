"""reply_markup checks: inline keyboards, reply keyboards, keyboard removal, force reply."""

from __future__ import annotations

from typing import Any

MAX_CALLBACK_DATA = 64  # bytes, UTF-8; Bot API: InlineKeyboardButton.callback_data 1-64 bytes
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


class MarkupError(ValueError):
    """The markup would be refused; str() is the Bot API's description."""


def _rows(markup: dict[str, Any], key: str) -> list[list[Any]]:
    rows = markup.get(key)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise MarkupError(f'Bad Request: field "{key}" of the keyboard must be an Array of Arrays')
    return rows


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise MarkupError(
            'Bad Request: can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if not actions:
        raise MarkupError(
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not (1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA):
        raise MarkupError("Bad Request: BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
        raise MarkupError("Bad Request: BUTTON_URL_INVALID")


def check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a parsed reply_markup and return it, or raise MarkupError."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise MarkupError("Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for row in _rows(markup, "inline_keyboard"):
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        for row in _rows(markup, "keyboard"):
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str) or not text:
                    raise MarkupError("Bad Request: keyboard button text must be non-empty")
    elif not (markup.get("remove_keyboard") is True or markup.get("force_reply") is True):
        raise MarkupError("Bad Request: can't parse reply keyboard markup JSON object")
    return markup


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The inline buttons of a markup, row by row, flattened."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]
