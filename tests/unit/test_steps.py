"""The step toolkit (conversations/steps.py, conversations/widgets.py) on a small dialog of
its own: what each widget hands its handler, what is stale, and that a missing resource is
answered once for every step and prompt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import pytest

from conversations import payloads
from conversations.flow import Context, Turn
from conversations.messages import Incoming, IncomingKind, Upload, say
from conversations.steps import Call, Dialog, Window, joined, plain, unreachable
from conversations.widgets import (
    Back,
    Besides,
    Cancel,
    Choice,
    Do,
    Edit,
    FileInput,
    Numbered,
    Only,
    Pager,
    Select,
    TextInput,
    Typed,
    YesNo,
    number,
)

# The toy dialog below never reads its context: the toolkit only passes it on.
CTX = cast(Context, object())


@dataclass(frozen=True)
class Box:
    """The toy flow's data; `open` says whether what it works on still exists."""

    open: bool = True
    seen: list[str] = field(default_factory=list)


def said(key: str, **params: object) -> Turn:
    return Turn("toy", "S", Box(), (say(key, **params),))


def record(c: Call[Box], what: str) -> Turn:
    c.data.seen.append(what)
    return said("toy.done", what=what)


async def later(c: Call[Box], what: str) -> Turn:
    return record(c, what)


def parse_age(text: str) -> int | None:
    return number(text.strip(), 0, 130)


WINDOW: Window[Call[Box]] = Window(
    lambda c: said("toy.ask"),
    Pager("l", lambda c, page: record(c, f"page {page}")),
    Select("l", lambda c, item: later(c, f"pick {item}")),
    Numbered("n", lambda c, index: record(c, f"nth {index}")),
    Back(lambda c: record(c, "back")),
    Cancel(lambda c: None),  # a handler may decline: the press is then stale
    Do("go", lambda c: later(c, "go")),
    Do("go", lambda c: record(c, "second go")),  # never reached: first match wins
    Choice(lambda c, key, index: record(c, f"option {key} {index}")),
    YesNo(lambda c, key, yes: record(c, f"{key} {'yes' if yes else 'no'}")),
    Edit(lambda c, key: record(c, f"edit {key}")),
    TextInput(
        lambda c, age: record(c, f"age {age}"), parse_age, lambda c, text: said("toy.bad_age")
    ),
)
TOY = plain({"S": WINDOW})


async def step(event: Incoming, data: Box | None = None) -> Turn | None:
    return await TOY.steps["S"](CTX, data or Box(), event)


async def press(payload: str, data: Box | None = None) -> Turn | None:
    return await step(Incoming.button(payload), data)


def keys(turn: Turn | None) -> list[str]:
    assert turn is not None
    return [m.text.key for m in turn.messages]


@pytest.mark.parametrize(
    ("payload", "what"),
    [
        (payloads.pick("l", "abc"), "pick abc"),
        (payloads.page("l", 3), "page 3"),
        (payloads.pick("n", "2"), "nth 2"),
        (payloads.do("back"), "back"),
        (payloads.do("go"), "go"),
        (payloads.option("size", 1), "option size 1"),
        (payloads.yes_no("married", True), "married yes"),
        (payloads.yes_no("married", False), "married no"),
        (payloads.edit("name"), "edit name"),
    ],
)
async def test_each_widget_hands_its_handler_the_parsed_argument(payload: str, what: str) -> None:
    box = Box()
    turn = await press(payload, box)
    assert keys(turn) == ["toy.done"]
    assert box.seen == [what]


@pytest.mark.parametrize(
    "payload",
    [
        "pg:l:x",  # a page that is not a number
        "p:n:first",  # a position that is not a number
        "o:size:-1",
        "p:other:1",  # a list this state does not show
        "d:delete",  # an action this state does not offer
        "d:cancel",  # offered, but its handler declines now
        "m:bogus:extra",  # not a payload we issue
        "",
        "x" * 80,
    ],
)
async def test_what_no_widget_takes_is_stale_and_runs_no_handler(payload: str) -> None:
    box = Box()
    assert await press(payload, box) is None
    assert box.seen == []


async def test_typed_text_goes_through_its_parser() -> None:
    box = Box()
    assert keys(await step(Incoming.from_text(" 42 "), box)) == ["toy.done"]
    assert box.seen == ["age 42"]
    assert keys(await step(Incoming.from_text("forty"), box)) == ["toy.bad_age"]
    assert keys(await step(Incoming.from_text("200"), box)) == ["toy.bad_age"]
    assert box.seen == ["age 42"]


async def test_other_events_are_stale_where_nothing_asks_for_them() -> None:
    upload = Incoming(IncomingKind.UPLOAD, upload=Upload("ref", "a.pdf", 10))
    assert await step(upload) is None
    assert await step(Incoming(IncomingKind.LOCATION)) is None


async def test_text_without_an_error_handler_is_stale_when_it_does_not_parse() -> None:
    dialog = plain({"S": Window(lambda c: said("toy.ask"), TextInput(record, parse_age))})
    assert await dialog.steps["S"](CTX, Box(), Incoming.from_text("old")) is None
    assert keys(await dialog.steps["S"](CTX, Box(), Incoming.from_text("7"))) == ["toy.done"]


async def test_files_reach_the_file_input() -> None:
    dialog = plain(
        {"S": Window(lambda c: said("toy.ask"), FileInput(lambda c, up: record(c, up.name)))}
    )
    box = Box()
    upload = Incoming(IncomingKind.UPLOAD, upload=Upload("ref", "scan.pdf", 10))
    assert keys(await dialog.steps["S"](CTX, box, upload)) == ["toy.done"]
    assert box.seen == ["scan.pdf"]
    assert await dialog.steps["S"](CTX, box, Incoming.from_text("hello")) is None


async def _load(ctx: Context, data: Box) -> Call[Box] | None:
    return Call(ctx, data) if data.open else None


async def test_a_missing_resource_is_answered_once_for_steps_and_prompts() -> None:
    guarded = Dialog(
        _load,
        lambda ctx, data: said("toy.gone"),
        {"S": WINDOW, "T": Window(lambda c: said("toy.ask_t"), Typed(record))},
    )
    gone = Box(open=False)
    for state in ("S", "T"):
        assert keys(await guarded.steps[state](CTX, gone, Incoming.button("d:go"))) == ["toy.gone"]
        assert keys(await guarded.steps[state](CTX, gone, Incoming.from_text("1"))) == ["toy.gone"]
        assert keys(await guarded.prompts[state](CTX, gone)) == ["toy.gone"]
    assert gone.seen == []
    assert keys(await guarded.prompts["T"](CTX, Box())) == ["toy.ask_t"]


async def test_before_answers_first_and_common_widgets_come_before_it() -> None:
    def before(c: Call[Box]) -> Turn | None:
        return said("toy.moved_on") if "late" in c.data.seen else None

    dialog = Dialog(
        _load,
        lambda ctx, data: said("toy.gone"),
        {"S": Window(lambda c: said("toy.ask"), Do("go", record_go), before=before)},
        common=(Do("everywhere", lambda c: said("toy.common")),),
    )
    assert keys(await dialog.steps["S"](CTX, Box(), Incoming.button("d:go"))) == ["toy.done"]
    late = Box(seen=["late"])
    assert keys(await dialog.steps["S"](CTX, late, Incoming.button("d:go"))) == ["toy.moved_on"]
    assert keys(await dialog.steps["S"](CTX, late, Incoming.button("m:x:y"))) == ["toy.moved_on"]
    assert keys(await dialog.steps["S"](CTX, late, Incoming.button("d:everywhere"))) == [
        "toy.common"
    ]


def record_go(c: Call[Box]) -> Turn:
    return record(c, "go")


async def test_only_makes_its_widgets_stale_while_the_condition_fails() -> None:
    window: Window[Call[Box]] = Window(
        lambda c: said("toy.ask"),
        Only(lambda c: not c.data.seen, Do("once", lambda c: record(c, "once"))),
    )
    dialog = plain({"S": window})
    box = Box()
    assert keys(await dialog.steps["S"](CTX, box, Incoming.button("d:once"))) == ["toy.done"]
    assert await dialog.steps["S"](CTX, box, Incoming.button("d:once")) is None
    assert box.seen == ["once"]


async def _refusing(ctx: Context, data: Box) -> Call[Box] | Turn:
    return Call(ctx, data) if data.open else said("toy.not_yours")


async def test_a_loader_may_answer_itself_for_steps_and_prompts() -> None:
    dialog = Dialog(_refusing, unreachable, {"S": WINDOW})
    refused = Box(open=False)
    assert keys(await dialog.steps["S"](CTX, refused, Incoming.button("d:go"))) == ["toy.not_yours"]
    assert keys(await dialog.prompts["S"](CTX, refused)) == ["toy.not_yours"]
    assert refused.seen == []
    box = Box()
    assert keys(await dialog.steps["S"](CTX, box, Incoming.button("d:go"))) == ["toy.done"]
    assert box.seen == ["go"]


async def test_a_window_may_ask_differently_when_the_load_misses() -> None:
    dialog = Dialog(
        _load,
        lambda ctx, data: said("toy.gone"),
        {
            "S": Window(
                lambda c: said("toy.ask"),
                Do("go", record_go),
                asked_missing=lambda ctx, data: said("toy.quiet"),
            )
        },
    )
    gone = Box(open=False)
    assert keys(await dialog.prompts["S"](CTX, gone)) == ["toy.quiet"]
    assert keys(await dialog.steps["S"](CTX, gone, Incoming.button("d:go"))) == ["toy.gone"]
    assert keys(await dialog.prompts["S"](CTX, Box())) == ["toy.ask"]


async def test_joined_dialogs_keep_each_its_own_loader() -> None:
    loose = plain({"S": Window(lambda c: said("toy.ask"), Do("go", record_go))})
    guarded = Dialog(
        _load, lambda ctx, data: said("toy.gone"), {"T": Window(lambda c: said("toy.ask_t"))}
    )
    tables = joined(loose, guarded)
    gone = Box(open=False)
    assert keys(await tables.steps["S"](CTX, gone, Incoming.button("d:go"))) == ["toy.done"]
    assert keys(await tables.prompts["T"](CTX, gone)) == ["toy.gone"]
    assert keys(await tables.prompts["T"](CTX, Box())) == ["toy.ask_t"]
    with pytest.raises(AssertionError):
        joined(loose, loose)


async def test_besides_takes_every_other_event_even_a_button_we_never_issued() -> None:
    dialog = Dialog(
        _load,
        lambda ctx, data: said("toy.gone"),
        {"S": Window(lambda c: said("toy.ask"), Typed(record))},
        common=(Besides(IncomingKind.TEXT, lambda c, event: said("toy.text_only")),),
    )
    upload = Incoming(IncomingKind.UPLOAD, upload=Upload("ref", "a.pdf", 10))
    for event in (Incoming.button("m:bogus:extra"), Incoming.button("d:go"), upload):
        assert keys(await dialog.steps["S"](CTX, Box(), event)) == ["toy.text_only"]
    box = Box()
    assert keys(await dialog.steps["S"](CTX, box, Incoming.from_text("hello"))) == ["toy.done"]
    assert box.seen == ["hello"]


@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        ("0", 0, None, 0),
        ("12", 1, 12, 12),
        ("13", 1, 12, None),
        ("0", 1, None, None),
        ("١٢", 0, None, 12),  # Arabic-Indic digits are decimal digits
        ("１４", 0, None, 14),  # full-width, as some phone keyboards type them
        ("²", 0, None, None),  # a superscript: isdigit() says yes, int() would fail
        ("-1", 0, None, None),
        ("", 0, None, None),
    ],
)
def test_number_reads_decimal_digits_within_bounds(
    text: str, low: int, high: int | None, expected: int | None
) -> None:
    assert number(text, low, high) == expected
