"""Hostile requests into every HTTP endpoint that takes outside input, on the real app.

The web chat's message and upload routes, the bank, Zalo and Telegram webhooks get arbitrary
bytes, JSON of the wrong types, lone surrogates, NaN and huge numbers, deep nesting, broken
multipart forms, forged and genuine signatures. Whatever arrives, the answer is never a 5xx:
it is a JSON 4xx saying what was wrong, or a handled answer. A forged notification records
nothing, and no upload the bot refused reaches the file store.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from services.payments import sign_sepay
from tests.contract.authz_world import (
    NOW,
    SEPAY_SECRET,
    TELEGRAM_SECRET,
    ZALO_APP_ID,
    ZALO_OA_SECRET,
    Running,
    running_world,
)
from tests.unit.test_fuzz_parsers import (
    hostile_text,
    json_values,
    maybe,
    nested,
    tg_updates,
    transfer_like,
    zalo_events,
)
from tests.unit.test_hostile import PAYLOADS, SCRIPTED

HTTP_FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
T = int(NOW.timestamp())
chat_ids = st.one_of(
    st.sampled_from(["fuzz-chat-0001", "fuzz-chat-0002", "fuzz-chat-0003"]),
    st.text(string.ascii_letters + string.digits + "_-", min_size=8, max_size=64),
)
tab_ids = st.text(string.ascii_letters + string.digits + "_-", min_size=8, max_size=32)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=latin-1", "text/plain", ""]
)
raw_bodies = st.one_of(
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=300),
    st.sampled_from([nested(5_000), nested(200_000), b"", b"{", b'{"a":1e999999}']),
)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with running_world(tmp_path_factory, "fuzz-http") as world:
        yield world


def post(running: Running, path: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
    """One POST to the app, in process."""

    async def send() -> httpx.Response:
        async with running.world.client() as client:
            return await client.post(path, content=content, headers=headers)

    return running.run(send())


def answered(response: httpx.Response) -> None:
    """Never a server error; a refusal is JSON a client can read."""
    event(f"HTTP {response.status_code}")
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/json"), response.text
        response.json()


def kept_files(running: Running) -> set[Path]:
    """Every file in the file store."""
    root = Path(running.world.app.settings.data_dir) / "files"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def count(running: Running, table: str) -> int:
    """Rows in a table."""

    async def select() -> int:
        async with running.world.app.engine.connect() as connection:
            return int((await connection.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar())

    return running.run(select())


# -- web chat -------------------------------------------------------------------------------------

typed = st.one_of(st.sampled_from(SCRIPTED), hostile_text)
pressed = st.one_of(st.sampled_from(PAYLOADS), hostile_text)
sequences = st.integers(1, 2**53)
well_formed = st.one_of(
    st.fixed_dictionaries({"tab": tab_ids, "seq": sequences, "text": typed}),
    st.fixed_dictionaries(
        {
            "tab": tab_ids,
            "seq": sequences,
            "payload": pressed,
            "label": typed.map(lambda t: t[:200]),
        }
    ),
)
messages = st.fixed_dictionaries(
    {"tab": maybe(tab_ids), "seq": maybe(sequences | st.integers())},
    optional={
        "text": maybe(typed),
        "payload": maybe(pressed),
        "label": maybe(typed),
        "silent": json_values,
        "chat_id": maybe(chat_ids),  # what older pages sent: ignored
        "extra": json_values,
    },
)


def encoded(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """JSON as a client writes it (lone surrogates escaped; NaN and Infinity as Python does)."""
    return strategy.map(lambda value: json.dumps(value).encode())


@HTTP_FUZZ
@given(
    st.one_of(encoded(well_formed), encoded(well_formed), encoded(messages), raw_bodies),
    st.one_of(st.just("application/json"), content_types),
)
def test_the_web_chat_answers_any_message_body(
    running: Running, body: bytes, content_type: str
) -> None:
    response = post(running, "/chat/api/message", body, {"content-type": content_type})
    answered(response)
    if response.status_code == 200:
        assert response.json()["messages"], "the citizen always gets an answer"


@st.composite
def multipart_forms(draw: st.DrawFn) -> tuple[bytes, str]:
    """A multipart body as a browser (or anyone) might send it: fields missing, repeated or
    of the wrong kind, file names in any bytes, any content, a broken end."""
    boundary = "fuzz" + draw(st.text(string.ascii_letters, min_size=1, max_size=10))
    parts: list[bytes] = []
    good = draw(st.booleans())  # half the forms are what the page sends, with any file
    fields = {
        "tab": draw(tab_ids if good else maybe(chat_ids).map(str)),
        "seq": draw(
            sequences.map(str) if good else st.integers(-5, 10**20).map(str) | hostile_text
        ),
    }
    for name, value in fields.items():
        if good or draw(st.booleans()):
            disposition = f'Content-Disposition: form-data; name="{name}"'.encode()
            parts.append(disposition + b"\r\n\r\n" + value.encode("utf-8", "surrogatepass"))
    for _ in range(1 if good else draw(st.integers(0, 2))):
        filename = draw(
            st.binary(max_size=40) | hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
        )
        content = draw(
            st.binary(max_size=300)
            | st.sampled_from([b"%PDF-1.4 x", b"\x89PNG\r\n\x1a\n", b"MZ\x90\x00", b""])
        )
        head = b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"'
        mime = draw(st.sampled_from([b"application/pdf", b"image/png", b"", b"\xff"]))
        parts.append(head + b"\r\nContent-Type: " + mime + b"\r\n\r\n" + content)
    delimiter = b"--" + boundary.encode()
    body = b"".join(delimiter + b"\r\n" + part + b"\r\n" for part in parts)
    body += delimiter + b"--\r\n" if good else draw(st.sampled_from([b"", delimiter]))
    declared = boundary if good else draw(st.sampled_from([boundary, boundary + "x", ""]))
    return body, f"multipart/form-data; boundary={declared}"


@HTTP_FUZZ
@given(st.one_of(multipart_forms(), st.tuples(raw_bodies, content_types)))
def test_the_web_chat_answers_any_upload_and_keeps_no_refused_file(
    running: Running, form: tuple[bytes, str]
) -> None:
    body, content_type = form
    before = kept_files(running)
    response = post(running, "/chat/api/upload", body, {"content-type": content_type})
    answered(response)
    assert kept_files(running) == before  # no chat here awaits a document: none is kept


# -- bank webhook ---------------------------------------------------------------------------------

SEPAY = {
    "id": st.integers(1, 10**9),
    "gateway": st.just("VietinBank"),
    "transactionDate": st.just("2026-11-25 10:00:00"),
    "accountNumber": st.just("1234567890"),
    "content": st.sampled_from(["LP 101H04 251125 0001", "chuyen tien"]) | hostile_text,
    "transferType": st.sampled_from(["in", "out"]),
    "transferAmount": st.integers(1, 10**7),
    "referenceCode": st.just("FT123"),
}
sepay_bodies = st.fixed_dictionaries({key: maybe(value) for key, value in SEPAY.items()})
bank_bodies = st.one_of(
    encoded(st.fixed_dictionaries(SEPAY)),
    encoded(sepay_bodies),
    encoded(transfer_like),
    raw_bodies,
)
junk_headers = st.dictionaries(
    st.sampled_from(
        ["Authorization", "X-SePay-Signature", "X-SePay-Timestamp", "X-Casso-Signature"]
    ),
    st.text(string.printable, max_size=80),
    max_size=3,
)


@HTTP_FUZZ
@given(bank_bodies, st.one_of(st.just({"sign": "sepay"}), junk_headers))
def test_the_bank_webhook_answers_anything_and_records_only_signed_notifications(
    running: Running, body: bytes, headers: dict[str, str]
) -> None:
    signed = headers == {"sign": "sepay"}
    if signed:
        headers = sign_sepay(body, SEPAY_SECRET, T)
    recorded = count(running, "payment_event")
    response = post(running, "/payments/webhook", body, headers)
    answered(response)
    if not signed:
        assert response.status_code in (400, 401, 413), response.text
        assert count(running, "payment_event") == recorded


# -- Zalo webhook ---------------------------------------------------------------------------------


def zalo_signed(raw: bytes) -> dict[str, str]:
    """The header Zalo sends with `raw`, whatever its timestamp field holds."""
    try:
        stamp = json.loads(raw).get("timestamp", "")
    except (ValueError, AttributeError, RecursionError):
        stamp = ""
    stamp = stamp if isinstance(stamp, str) else json.dumps(stamp)
    mac = hashlib.sha256(
        ZALO_APP_ID.encode()
        + raw
        + stamp.encode("utf-8", "surrogatepass")
        + ZALO_OA_SECRET.encode()
    )
    return {"X-ZEvent-Signature": f"mac={mac.hexdigest()}"}


STAMP = str(T * 1000)
zalo_texts = st.fixed_dictionaries(
    {
        "app_id": st.just(ZALO_APP_ID),
        "event_name": st.sampled_from(["user_send_text", "user_send_file", "user_send_image"]),
        "timestamp": st.just(STAMP),
        "sender": st.fixed_dictionaries({"id": st.sampled_from(["5001", "5002"])}),
        "message": st.fixed_dictionaries(
            {
                "msg_id": st.text(string.ascii_letters, min_size=1, max_size=20),
                "text": typed | pressed.map("#{}".format),
                "attachments": st.lists(
                    st.fixed_dictionaries(
                        {"payload": st.fixed_dictionaries({"url": st.just("https://f.zdn.vn/a")})}
                    ),
                    max_size=2,
                ),
            }
        ),
    }
)
zalo_bodies = st.one_of(
    encoded(zalo_texts),
    encoded(zalo_events.map(lambda event: {**event, "app_id": ZALO_APP_ID})),
    raw_bodies,
)


@HTTP_FUZZ
@given(zalo_bodies, st.sampled_from(["signed", "signed", "none", "forged"]))
def test_the_zalo_webhook_answers_anything_and_refuses_every_bad_signature(
    running: Running, body: bytes, how: str
) -> None:
    headers = {
        "signed": zalo_signed(body),
        "none": {},
        "forged": {"X-ZEvent-Signature": "mac=" + hashlib.sha256(body).hexdigest()},
    }[how]
    response = post(running, "/zalo/webhook", body, headers)
    answered(response)
    if how != "signed":
        assert response.status_code in (400, 401, 413), response.text


# -- Telegram webhook -----------------------------------------------------------------------------


private = st.fixed_dictionaries(
    {"id": st.sampled_from([7001, 7002]), "type": st.just("private")}
)  # fmt: skip
tg_typed = st.fixed_dictionaries(
    {
        "update_id": st.integers(1, 2**40),
        "message": st.fixed_dictionaries(
            {"message_id": st.integers(1, 10**6), "chat": private, "text": typed}
        ),
    }
)
tg_pressed = st.fixed_dictionaries(
    {
        "update_id": st.integers(1, 2**40),
        "callback_query": st.fixed_dictionaries(
            {
                "id": st.text(string.digits, min_size=1, max_size=12),
                "message": st.fixed_dictionaries({"chat": private}),
                "data": pressed,
            }
        ),
    }
)


@HTTP_FUZZ
@given(
    st.one_of(encoded(tg_typed), encoded(tg_pressed), encoded(tg_updates), raw_bodies),
    st.sampled_from([TELEGRAM_SECRET, TELEGRAM_SECRET, "", "wrong-secret"]),
)
def test_the_telegram_webhook_answers_anything_and_refuses_without_the_secret(
    running: Running, body: bytes, secret: str
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    sent = len(running.world.telegram.sent)
    response = post(running, "/telegram/webhook", body, headers)
    answered(response)
    if secret != TELEGRAM_SECRET:
        assert response.status_code == 401 and len(running.world.telegram.sent) == sent


# -- what the web chat page fetches ---------------------------------------------------------------


def escaped(raw: bytes) -> str:
    """Bytes as they travel in a URL (invalid UTF-8 included)."""
    return quote_from_bytes(raw, safe="")


@st.composite
def page_fetches(draw: st.DrawFn) -> str:
    """A GET the page (or anyone) could make: its pushed messages, media, static files, the
    demo phone, with any query and any file name."""
    path = draw(
        st.one_of(
            st.sampled_from(["/chat/api/events", "/chat/api/phone", "/chat/media", "/chat"]),
            st.sampled_from(["/chat/api/history", "/chat/admin"]),
            st.sampled_from(["/readyz", "/metrics", "/chat/static/chat.js"]),
            st.binary(max_size=300).map(lambda raw: "/chat/static/" + escaped(raw)),
            st.sampled_from(["%00", "..%2Fchat.py", "a" * 5000]).map("/chat/static/{}".format),
        )
    )
    values = st.one_of(
        chat_ids,
        st.integers().map(str),
        st.just(str(2**64)),
        st.binary(max_size=80).map(escaped),
    )
    names = st.sampled_from(["chat_id", "after", "ref", "sig", "before", "limit", "x"])
    query = draw(st.lists(st.tuples(names, values), max_size=4))
    return path + ("?" + "&".join(f"{name}={value}" for name, value in query) if query else "")


session_cookies = st.one_of(
    st.just(""),
    st.text(string.ascii_letters + string.digits + "_-", min_size=43, max_size=43),
    st.binary(max_size=80).map(escaped),
).map("dvc_chat={}".format)


@HTTP_FUZZ
@given(page_fetches(), session_cookies)
def test_what_the_page_fetches_is_answered_whatever_the_query(
    running: Running, url: str, cookie: str
) -> None:
    async def fetch() -> httpx.Response:
        async with running.world.client() as client:
            return await client.get(url, headers={"cookie": cookie})

    response = running.run(fetch())
    assert response.status_code < 500, (url, response.text[:300])


def test_a_message_with_what_json_cannot_hold_is_a_422_not_a_crash(running: Running) -> None:
    """FastAPI echoes refused input in its 422: a lone surrogate or NaN used to break it."""
    for body in (
        b'{"tab": "fuzz-tab-0001", "seq": 1, "text": "\\ud800"}',
        b'{"tab": "fuzz-tab-0001", "seq": NaN}',
        b'{"tab": "fuzz-tab-0001", "seq": 1e999}',
        b'{"tab": "\\udfff", "seq": -Infinity}',
    ):
        response = post(running, "/chat/api/message", body, {"content-type": "application/json"})
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"][0] == "body"
