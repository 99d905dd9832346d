"""Who may do what to a citizen's dossier D: a table, checked cell by cell on the real app.

Actors: the citizen who owns D (logged in), another logged-in citizen, an officer of D's
agency (the commune police's API key) and of another agency (the commune committee's key),
the admin (the admin chat, and the province's "*" key), and an anonymous stranger (a fresh
chat, and "*" typed as an API key). Operations: every officer API route, every admin chat
command (Vietnamese names and English aliases), and what citizens do that touches D.

Every cell gets its own fresh D. An allowed cell must have its effect; a refused one must
change nothing (D's status, history, files and flags, its status-change log and followers,
its owner's document store) and must not show the owner's name, ID or phone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import count
from typing import Any

import pytest

from conversations import payloads
from conversations.status_messages import FOLLOW, OPEN, SUPPLEMENT
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier
from tests.chat import ChatDriver
from tests.contract.authz_world import (
    ADMIN_CHAT,
    KEY_COMMITTEE,
    KEY_POLICE,
    KEY_PROVINCE,
    OTHER_ID,
    OTHER_PHONE,
    OWNER_FILE,
    OWNER_ID,
    OWNER_PHONE,
    PDF,
    RESULT_FILE,
    Running,
    Snapshot,
    World,
    add_dossier,
    leaks,
    running_world,
    snapshot,
    web,
)

OWNER_CHAT, OTHER_CHAT = "citizen-hoa-0001", "citizen-nam-0002"
S = DossierStatus


class Actor(StrEnum):
    """Who acts."""

    CITIZEN = "citizen"  # owns D, logged in
    OTHER = "other_citizen"  # logged in, not D's owner
    OFFICER_A = "officer_a"  # D's agency (commune police)
    OFFICER_B = "officer_b"  # another agency (commune committee)
    ADMIN = "admin"  # the admin chat; the province's "*" key
    ANONYMOUS = "anonymous"  # a fresh chat; no key, or "*" typed as one


ACTORS = tuple(Actor)
API_KEYS: dict[Actor, str | None] = {
    Actor.CITIZEN: None,
    Actor.OTHER: "police-officer-key",  # a guess
    Actor.OFFICER_A: KEY_POLICE,
    Actor.OFFICER_B: KEY_COMMITTEE,
    Actor.ADMIN: KEY_PROVINCE,
    Actor.ANONYMOUS: "*",  # the wildcard is a grant in settings, never a key
}
CHATS = {
    Actor.CITIZEN: OWNER_CHAT,
    Actor.OTHER: OTHER_CHAT,
    Actor.OFFICER_A: "officer-police-0001",  # officers' own chats are no admin chats
    Actor.OFFICER_B: "officer-committee-0001",
    Actor.ADMIN: ADMIN_CHAT,
}
A, R = True, False  # allowed, refused

# -- the table -----------------------------------------------------------------------------------
#            citizen other  off_A  off_B  admin  anon
API = {
    "list":       (R,    R,     A,     R,     A,     R),  # R for B: listed without D
    "get":        (R,    R,     A,     R,     A,     R),
    "file":       (R,    R,     A,     R,     A,     R),
    "status":     (R,    R,     A,     R,     A,     R),
    "supplement": (R,    R,     A,     R,     A,     R),
    "result":     (R,    R,     A,     R,     A,     R),
    "overdue":    (R,    R,     A,     R,     A,     R),
}  # fmt: skip
ADMIN_ONLY = (R, R, R, R, A, R)
COMMANDS = {
    "/hoso {code}": ADMIN_ONLY, "/dossier {code}": ADMIN_ONLY,
    "/trangthai {code} 2": ADMIN_ONLY, "/setstatus {code} 2": ADMIN_ONLY,
    "/bosung {code}": ADMIN_ONLY, "/asksupplement {code}": ADMIN_ONLY,
    "/ketqua {code}": ADMIN_ONLY, "/result {code}": ADMIN_ONLY,
    "/quahan {code}": ADMIN_ONLY, "/overdue {code}": ADMIN_ONLY,
    "/boquahan {code}": ADMIN_ONLY, "/ontime {code}": ADMIN_ONLY,
    "/thongke": ADMIN_ONLY, "/stats 7": ADMIN_ONLY,
    "/thongbao": ADMIN_ONLY, "/broadcast": ADMIN_ONLY,
    "/huythongbao b0001": ADMIN_ONLY, "/broadcast_cancel b0001": ADMIN_ONLY,
}  # fmt: skip
#                     citizen other  off_A  off_B  admin  anon
CITIZEN_SIDE = {
    "status_owner_view": (A,    R,     R,     R,     R,     R),  # others: the public card
    "status_public":     (A,    A,     A,     A,     A,     A),
    "follow":            (R,    A,     A,     A,     A,     A),  # owners get pushes anyway
    "supplement_button": (A,    R,     R,     R,     R,     R),
    "open_card":         (A,    R,     R,     R,     R,     R),
    "documents":         (A,    R,     R,     R,     R,     R),  # the owner's files
    "my_dossiers":       (A,    R,     R,     R,     R,     R),
}  # fmt: skip


# -- the world -----------------------------------------------------------------------------------


@dataclass
class Authz:
    """The running world, its logged-in citizens, and a counter for fresh chats."""

    running: Running
    owner_id: str
    strangers: Iterator[int]

    @property
    def world(self) -> World:
        return self.running.world

    def chat(self, actor: Actor) -> ChatDriver:
        """The actor's chat (a new one for each anonymous act)."""
        if actor is Actor.ANONYMOUS:
            return self.world.chat(f"stranger-{next(self.strangers):04d}")
        return self.world.chat(CHATS[actor])

    async def dossier(self, status: S = S.SUBMITTED, **changes: Any) -> Dossier:
        """A fresh D of the owner, at the commune police."""
        return await add_dossier(self.world, web(OWNER_CHAT), self.owner_id, status, **changes)


@pytest.fixture(scope="module")
def authz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Authz]:
    with running_world(tmp_path_factory, "authorization") as running:
        world = running.world
        owner_id = running.run(world.login(OWNER_CHAT, OWNER_ID, OWNER_PHONE))
        running.run(world.login(OTHER_CHAT, OTHER_ID, OTHER_PHONE))
        for actor in (Actor.OFFICER_A, Actor.OFFICER_B, Actor.ADMIN):
            running.run(world.chat(CHATS[actor]).send("/start"))
        yield Authz(running, owner_id, count(1))


@dataclass(frozen=True)
class Outcome:
    """What an actor got: whether the operation went through, and everything shown."""

    allowed: bool
    shown: str


def cells(table: dict[str, tuple[bool, ...]]) -> list[Any]:
    """One test case per (operation, actor), with the expected answer in its id."""
    return [
        pytest.param(
            op, actor, row[i], id=f"{op}-{actor.value}-{'allowed' if row[i] else 'refused'}"
        )
        for op, row in table.items()
        for i, actor in enumerate(ACTORS)
    ]


def shown(chat: ChatDriver) -> str:
    """Every reply of the last update, rendered in both languages, buttons included."""
    texts = []
    for message in chat.replies:
        for lang in ("vi", "en"):
            texts.append(chat.texts.plain(message.text, lang))
            texts.extend(chat.texts.plain(b.label, lang) for b in chat.buttons(message))
        texts.append(message.media_name)
    return "\n".join(texts)


def judge(
    authz: Authz,
    actor: Actor,
    expected: bool,
    before: Snapshot,
    outcome: Outcome,
    after: Snapshot,
    changes: bool = True,
) -> None:
    """The cell's verdict: the expected answer; a refusal (or a public view) changed
    nothing `changes` would, and showed no personal data of D's owner."""
    assert outcome.allowed is expected, outcome.shown[:600]
    if not outcome.allowed and changes:
        assert after == before, "a refused operation changed the dossier's world"
    if actor not in (Actor.CITIZEN, Actor.ADMIN, Actor.OFFICER_A) or not outcome.allowed:
        assert not leaks(outcome.shown), leaks(outcome.shown)


# -- the officer API -----------------------------------------------------------------------------

ApiOperation = Callable[[Authz, str | None, Dossier], Awaitable[tuple[int, str, bool]]]


async def _request(
    authz: Authz, key: str | None, method: str, path: str, **kwargs: Any
) -> tuple[int, str]:
    headers = {"X-API-Key": key} if key is not None else {}
    async with authz.world.client() as client:
        response = await client.request(method, f"/api/v1{path}", headers=headers, **kwargs)
    return response.status_code, response.text


async def api_list(authz: Authz, key: str | None, d: Dossier) -> tuple[int, str, bool]:
    status, body = await _request(authz, key, "GET", "/dossiers", params={"limit": 200})
    return status, body, status == 200 and d.code in body


async def api_get(authz: Authz, key: str | None, d: Dossier) -> tuple[int, str, bool]:
    status, body = await _request(authz, key, "GET", f"/dossiers/{d.code}")
    return status, body, status == 200 and d.code in body


async def api_file(authz: Authz, key: str | None, d: Dossier) -> tuple[int, str, bool]:
    path = f"/dossiers/{d.code}/files/{d.attachments[0].document_id}"
    status, body = await _request(authz, key, "GET", path)
    return status, body, status == 200 and body.startswith("%PDF")


async def api_status(authz: Authz, key: str | None, d: Dossier) -> tuple[int, str, bool]:
    status, body = await _request(
        authz, key, "POST", f"/dossiers/{d.code}/status", json={"status": 2}
    )
    return (
        status,
        body,
        status == 200 and (await snapshot(authz.world, d)).dossier.status is S.RECEIVED,
    )


async def api_supplement(authz: Authz, key: str | None, d: Dossier) -> tuple[int, str, bool]:
    asked = {"components": ["to_khai_ct01"], "note": "Ký lại"}
    status, body = await _request(authz, key, "POST", f"/dossiers/{d.code}/supplement", json=asked)
    after = (await snapshot(authz.world, d)).dossier
    return status, body, status == 200 and after.status is S.SUPPLEMENT_REQUESTED


async def api_result(authz: Authz, key: str | None, d: Dossier) -> tuple[int, str, bool]:
    files = {"file": ("ket-qua.pdf", PDF, "application/pdf")}
    status, body = await _request(
        authz, key, "POST", f"/dossiers/{d.code}/result", files=files, data={"note": "KQ"}
    )
    after = await snapshot(authz.world, d)
    return (
        status,
        body,
        status == 200 and after.dossier.status is S.RESOLVED and bool(after.dossier.results),
    )


async def api_overdue(authz: Authz, key: str | None, d: Dossier) -> tuple[int, str, bool]:
    status, body = await _request(
        authz, key, "POST", f"/dossiers/{d.code}/overdue", json={"overdue": True}
    )
    return status, body, status == 200 and (await snapshot(authz.world, d)).dossier.overdue


API_OPERATIONS: dict[str, tuple[ApiOperation, S]] = {
    "list": (api_list, S.SUBMITTED),
    "get": (api_get, S.SUBMITTED),
    "file": (api_file, S.SUBMITTED),
    "status": (api_status, S.SUBMITTED),
    "supplement": (api_supplement, S.PROCESSING),
    "result": (api_result, S.PROCESSING),
    "overdue": (api_overdue, S.PROCESSING),
}


@pytest.mark.parametrize(("operation", "actor", "expected"), cells(API))
def test_officer_api(authz: Authz, operation: str, actor: Actor, expected: bool) -> None:
    act, stage = API_OPERATIONS[operation]
    key = API_KEYS[actor]

    async def cell() -> None:
        d = await authz.dossier(stage)
        before = await snapshot(authz.world, d)
        status, body, done = await act(authz, key, d)
        after = await snapshot(authz.world, d)
        judge(authz, actor, expected, before, Outcome(done, body), after)
        if not done:
            unlisted = operation == "list" and status == 200  # another agency's page
            assert unlisted or status == (
                401 if key in (None, "*", API_KEYS[Actor.OTHER]) else 403
            ), body

    authz.running.run(cell())


# -- admin chat commands -------------------------------------------------------------------------


def _admin_effect(command: str, before: Snapshot, after: Snapshot) -> bool:
    """Whether an admin command did what it says to D."""
    if command.startswith(("/trangthai", "/setstatus")):
        return after.dossier.status is S.RECEIVED and after.log != before.log
    if command.startswith(("/quahan", "/overdue")):
        return after.dossier.overdue
    if command.startswith(("/boquahan", "/ontime")):
        return not after.dossier.overdue
    return after == before  # a card, or a dialogue that asks before it changes anything


@pytest.mark.parametrize(("command", "actor", "expected"), cells(COMMANDS))
def test_admin_commands(authz: Authz, command: str, actor: Actor, expected: bool) -> None:
    async def cell() -> None:
        overdue = command.startswith(("/boquahan", "/ontime"))
        stage = (
            S.PROCESSING
            if command.startswith(("/bosung", "/ask", "/ketqua", "/result"))
            else S.SUBMITTED
        )
        d = await authz.dossier(stage, overdue=overdue)
        chat = authz.chat(actor)
        before = await snapshot(authz.world, d)
        await chat.send(command.format(code=d.code))
        after = await snapshot(authz.world, d)
        refused = "admin.refused" in chat.keys
        done = not refused and _admin_effect(command, before, after)
        judge(authz, actor, expected, before, Outcome(done, shown(chat)), after)

    authz.running.run(cell())


# -- what citizens do that touches D -------------------------------------------------------------

ChatOperation = Callable[[Authz, ChatDriver, Dossier], Awaitable[bool]]


async def status_owner_view(authz: Authz, chat: ChatDriver, d: Dossier) -> bool:
    await chat.send(f"/status {d.code.lower()}")
    return "dossiers.card" in chat.keys


async def status_public(authz: Authz, chat: ChatDriver, d: Dossier) -> bool:
    await chat.send(f"/status {d.code}")
    answered = {"dossiers.card", "status.public"} & set(chat.keys)
    return bool(answered) and d.code in shown(chat)


async def follow(authz: Authz, chat: ChatDriver, d: Dossier) -> bool:
    await chat.send(f"/follow {d.code}")
    after = await snapshot(authz.world, d)
    return chat.address.key in after.followers


async def follow_button(authz: Authz, chat: ChatDriver, d: Dossier) -> bool:
    await chat.press_payload(payloads.pick(FOLLOW, d.id))
    return chat.address.key in (await snapshot(authz.world, d)).followers


async def supplement_button(authz: Authz, chat: ChatDriver, d: Dossier) -> bool:
    await chat.press_payload(payloads.pick(SUPPLEMENT, d.id))
    asked = [key for key in chat.keys if key.startswith("supplement.")]
    return bool(asked) and "supplement.not_yours" not in asked


async def open_card(authz: Authz, chat: ChatDriver, d: Dossier) -> bool:
    await chat.press_payload(payloads.pick(OPEN, d.id))
    return "dossiers.card" in chat.keys


async def documents(authz: Authz, chat: ChatDriver, d: Dossier) -> bool:
    await chat.send("/documents")
    text = shown(chat)
    return OWNER_FILE in text or RESULT_FILE in text


async def my_dossiers(authz: Authz, chat: ChatDriver, d: Dossier) -> bool:
    await chat.send("/mydossiers")
    listed = d.code in shown(chat)
    if listed or "dossiers.list" not in chat.keys:
        return listed
    await chat.press_payload(payloads.pick("ds", d.id))  # a pick of D, typed by hand
    return "dossiers.card" in chat.keys


CHAT_OPERATIONS: dict[str, tuple[ChatOperation, S]] = {
    "status_owner_view": (status_owner_view, S.PROCESSING),
    "status_public": (status_public, S.PROCESSING),
    "follow": (follow, S.PROCESSING),
    "supplement_button": (supplement_button, S.SUPPLEMENT_REQUESTED),
    "open_card": (open_card, S.RESOLVED),
    "documents": (documents, S.RESOLVED),
    "my_dossiers": (my_dossiers, S.PROCESSING),
}
FOLLOWING = {"follow"}  # allowed for others, and the change is theirs alone to make


@pytest.mark.parametrize(("operation", "actor", "expected"), cells(CITIZEN_SIDE))
def test_citizen_side(authz: Authz, operation: str, actor: Actor, expected: bool) -> None:
    act, stage = CHAT_OPERATIONS[operation]

    async def cell() -> None:
        d = await authz.dossier(stage)
        chat = authz.chat(actor)
        before = await snapshot(authz.world, d)
        done = await act(authz, chat, d)
        after = await snapshot(authz.world, d)
        judge(authz, actor, expected, before, Outcome(done, shown(chat)), after)
        if operation not in FOLLOWING or not done:
            assert after == before, "only following may change anything here"
        else:
            assert after.followers == tuple(sorted({*before.followers, chat.address.key}))

    authz.running.run(cell())


@pytest.mark.parametrize("actor", [a for a in ACTORS if a is not Actor.CITIZEN])
def test_the_follow_button_of_a_push_is_the_public_follow(authz: Authz, actor: Actor) -> None:
    """The follow button carries D's id, not its code: pressing it by hand gives no more than
    `/follow CODE` — pushes with the public card, never the owner's data."""

    async def cell() -> None:
        d = await authz.dossier(S.PROCESSING)
        chat = authz.chat(actor)
        assert await follow_button(authz, chat, d)
        assert not leaks(shown(chat))

    authz.running.run(cell())
