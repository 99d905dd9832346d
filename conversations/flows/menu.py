"""The main menu: what the bot awaits between tasks. Typing anything here searches."""

from __future__ import annotations

from conversations.flow import Context, Flow, Turn
from conversations.flows import home, search
from conversations.flows.home import MenuData, MenuState
from conversations.messages import Incoming, IncomingKind


async def _prompt(ctx: Context, data: MenuData) -> Turn:
    return home.show()


async def _choice(ctx: Context, data: MenuData, event: Incoming) -> Turn | None:
    if event.kind is IncomingKind.TEXT and event.text.strip():
        return await search.run_query(ctx, event.text)
    return None


FLOW: Flow[MenuData] = Flow(
    name=home.NAME,
    data_type=MenuData,
    steps={MenuState.AWAITING_CHOICE: _choice},
    prompts={MenuState.AWAITING_CHOICE: _prompt},
)
