"""Paginated lists of buttons (search results, sectors, wards, options, drafts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conversations import payloads
from conversations.messages import Button, Text, btn


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of a list is on screen."""

    number: int  # zero-based, clamped to the list
    count: int  # number of pages, at least 1
    start: int
    end: int


def page_of(total: int, number: int, size: int) -> Page:
    """Clamp a page number to a list of `total` items shown `size` at a time."""
    count = max(1, -(-total // size))
    number = min(max(number, 0), count - 1)
    start = number * size
    return Page(number, count, start, min(start + size, total))


def list_buttons(
    list_id: str,
    items: Sequence[tuple[str, Text]],
    number: int,
    size: int,
    per_row: int = 1,
    pick: str = "",
) -> tuple[tuple[tuple[Button, ...], ...], Page]:
    """Button rows for one page of (id, label) items, with previous/next when needed.

    `pick` overrides the payload builder for items (used by select options).
    """
    page = page_of(len(items), number, size)
    shown = items[page.start : page.end]
    buttons = [
        Button(label, pick.format(id=item_id) if pick else payloads.pick(list_id, item_id))
        for item_id, label in shown
    ]
    rows = [tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    nav: list[Button] = []
    if page.number > 0:
        nav.append(btn("btn.prev_page", payloads.page(list_id, page.number - 1)))
    if page.number < page.count - 1:
        nav.append(btn("btn.next_page", payloads.page(list_id, page.number + 1)))
    if nav:
        rows.append(tuple(nav))
    return tuple(rows), page
