"""The main menu screen, shared by every flow that returns home."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations import payloads
from conversations.flow import Turn
from conversations.messages import Button, Outgoing, btn, say

NAME = "menu"


class MenuState(StrEnum):
    """What the menu awaits."""

    AWAITING_CHOICE = "AWAITING_CHOICE"


@dataclass(frozen=True, slots=True)
class MenuData:
    """The menu keeps no data."""


def main_menu_buttons() -> tuple[tuple[Button, ...], ...]:
    """The main menu's buttons."""
    return (
        (btn("menu.search", payloads.menu("search")),),
        (btn("menu.browse", payloads.menu("browse")),),
        (btn("menu.track", payloads.menu("track")),),
        (
            btn("menu.drafts", payloads.menu("drafts")),
            btn("menu.dossiers", payloads.menu("dossiers")),
        ),
        (btn("menu.account", payloads.menu("profile")),),
        (btn("menu.human", payloads.menu("human")),),
        (btn("menu.help", payloads.menu("help")), btn("menu.lang", payloads.menu("lang"))),
    )


def home_row() -> tuple[Button, ...]:
    """A row with a single "main menu" button."""
    return (btn("btn.menu", payloads.menu("home")),)


def show(*before: Outgoing) -> Turn:
    """Messages `before`, then the main menu."""
    return Turn(
        NAME,
        MenuState.AWAITING_CHOICE,
        MenuData(),
        (*before, say("menu.main", main_menu_buttons())),
    )
