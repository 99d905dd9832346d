"""The command list Telegram shows in its menu, in Vietnamese (the default) and English.

TODO(lead): these descriptions belong in the text catalogue (e.g. "command.<name>" in
conversations/locales/{vi,en}.py); `commands_by_lang` would then render them from there.
"""

from __future__ import annotations

from bot.channels.telegram_api import CommandsByLang

COMMANDS = (
    "start",
    "menu",
    "help",
    "cancel",
    "lang",
    "login",
    "logout",
    "profile",
    "mydossiers",
    "status",
    "documents",
    "mydata",
    "deletemydata",
)
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "vi": {
        "start": "Bắt đầu lại",
        "menu": "Danh mục chính",
        "help": "Hướng dẫn sử dụng",
        "cancel": "Hủy thao tác đang làm",
        "lang": "Đổi ngôn ngữ (Language)",
        "login": "Đăng nhập bằng mã xác thực",
        "logout": "Đăng xuất",
        "profile": "Thông tin tài khoản",
        "mydossiers": "Hồ sơ của tôi",
        "status": "Tra cứu tình trạng hồ sơ theo mã",
        "documents": "Kho dữ liệu giấy tờ",
        "mydata": "Dữ liệu cá nhân đang được lưu",
        "deletemydata": "Xóa dữ liệu cá nhân",
    },
    "en": {
        "start": "Start over",
        "menu": "Main menu",
        "help": "How to use the bot",
        "cancel": "Cancel what you are doing",
        "lang": "Change language (Ngôn ngữ)",
        "login": "Log in with a one-time code",
        "logout": "Log out",
        "profile": "Your account",
        "mydossiers": "My dossiers",
        "status": "Look up a dossier's status by its code",
        "documents": "My document store",
        "mydata": "The personal data kept about you",
        "deletemydata": "Delete your personal data",
    },
}


def commands_by_lang(default_lang: str = "vi") -> CommandsByLang:
    """The default list (in `default_lang`) plus one list per language code."""
    lists = {
        lang: [(name, table[name]) for name in COMMANDS] for lang, table in DESCRIPTIONS.items()
    }
    return {
        "": lists[default_lang],
        **{lang: lists[lang] for lang in lists if lang != default_lang},
    }
