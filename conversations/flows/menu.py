"""The main menu: what the bot awaits between tasks. Typing anything here searches."""

from __future__ import annotations

from conversations.flow import Flow
from conversations.flows import home, search
from conversations.flows.home import MenuData, MenuState
from conversations.steps import Call, Dialog, Window, plain
from conversations.widgets import TextInput

DIALOG: Dialog[MenuData, Call[MenuData]] = plain(
    {
        MenuState.AWAITING_CHOICE: Window(
            lambda c: home.show(),
            TextInput(
                lambda c, text: search.run_query(c.ctx, text), lambda t: t if t.strip() else None
            ),
        )
    }
)
FLOW: Flow[MenuData] = Flow(
    name=home.NAME, data_type=MenuData, steps=DIALOG.steps, prompts=DIALOG.prompts
)
