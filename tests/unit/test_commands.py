"""The command registry: each command declared once feeds /commands, menu buttons,
Telegram's command menu and the /help list."""

from __future__ import annotations

from bot.channels.telegram_commands import COMMANDS as TELEGRAM_COMMANDS
from bot.channels.telegram_commands import commands_by_lang
from conversations.commands import COMMANDS, MENU_ITEMS, REGISTRY
from conversations.flows.home import home_row, main_menu_buttons
from conversations.locales import CATALOGS
from conversations.payloads import Verb, parse
from conversations.texts import TextCatalog
from tests.chat import ChatDriver


def test_every_name_and_alias_names_one_command() -> None:
    names = [n for c in REGISTRY for n in (c.name, *c.aliases) if n]
    assert len(names) == len(set(names))
    items = [c.item for c in REGISTRY if c.item]
    assert len(items) == len(set(items))


def test_every_listed_command_is_described_in_every_language() -> None:
    listed = {c.name for c in REGISTRY if c.menu or c.help}
    for catalog in CATALOGS.values():
        assert {f"command.{name}" for name in listed} <= catalog.keys()


def test_telegram_menu_is_the_registry_menu_in_order() -> None:
    menus = commands_by_lang(TextCatalog(strict=True))
    assert [name for name, _ in menus["en"]] == [c.name for c in REGISTRY if c.menu]
    assert [name for name, _ in menus[""]] == list(TELEGRAM_COMMANDS)
    assert dict(menus["en"])["status"] == CATALOGS["en"]["command.status"]
    assert not {c.name for c in REGISTRY if c.admin} & set(TELEGRAM_COMMANDS)


def test_every_main_menu_button_runs_a_registered_command() -> None:
    for row in (*main_menu_buttons(), home_row()):
        for button in row:
            action = parse(button.payload)
            assert action is not None and action.verb is Verb.MENU
            assert action.arg in MENU_ITEMS, action.arg


async def test_help_lists_the_help_commands_from_the_registry(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("/help")
    assert chat.keys[0] == "common.help"
    text = chat.text(chat.replies[0])
    for entry in REGISTRY:
        if entry.help:
            assert f"/{entry.name} {CATALOGS['vi'][f'command.{entry.name}']}" in text
    assert "/deletemydata" not in text  # in Telegram's menu, not in the short help
    assert "/trangthai" not in text  # officer commands: admin chats only


async def test_an_alias_runs_its_command_and_an_unknown_name_is_said(chat: ChatDriver) -> None:
    await chat.send("/start")
    await chat.send("/language")
    assert chat.keys == ["lang.choose"]
    assert COMMANDS["language"] is COMMANDS["lang"]
    await chat.send("/nosuchcommand")
    assert chat.keys[0] == "common.unknown_command"


async def test_an_officer_command_is_refused_to_a_citizen_by_both_names(chat: ChatDriver) -> None:
    await chat.send("/start")
    for name in ("/thongke", "/stats"):
        await chat.send(name)
        assert chat.keys[0] == "admin.refused"
