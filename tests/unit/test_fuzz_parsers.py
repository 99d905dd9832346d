"""Hostile input into every parser of outside input: each fails only in its documented way.

Button payloads, Telegram updates, Zalo events, bank notifications (through the webhook's own
dispatch), the VietQR encoder, ID and phone numbers, dossier codes and uploaded files get
arbitrary text (lone surrogates included), bytes, JSON of the wrong types, huge numbers and
deep nesting. Round trips hold where a format has both directions, and the security
invariants hold whatever the body: a wrong signature is refused, a group chat is ignored, a
refused upload is never stored.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import string
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.bootstrap import PaymentSecrets
from bot.channels.telegram_inbound import FileToFetch, Inbound, parse_update
from bot.channels.zalo_inbound import (
    EventKind,
    Fetch,
    ZaloEvent,
    ZaloRejected,
    parse_event,
    read_event,
)
from bot.web.payments import verify_and_parse
from conversations import payloads
from conversations.flow import Settings
from conversations.messages import Incoming, IncomingKind, Platform, Upload
from conversations.payloads import Action, PayloadError, Verb
from conversations.router import Filing, Identity, Router
from conversations.status_messages import resolve_code
from services.catalog_index import Catalog
from services.citizens import Person
from services.dossier_codes import (
    DossierCodeError,
    code_for_reference,
    find_reference,
    format_code,
    parse_code,
    payment_reference,
)
from services.files import ACCEPTED, MAX_FILE_BYTES, UploadRejected, check_upload, sniff
from services.identity import (
    ID_PROVINCES,
    MOBILE_RE,
    IdNumber,
    IdNumberError,
    Sex,
    carrier,
    check_id_matches,
    mask_id,
    mask_phone,
    normalise_mobile,
    parse_id_number,
)
from services.keyed_hash import KeyedHasher
from services.payments import (
    BankTransfer,
    WebhookRejected,
    casso_signature,
    sign_casso,
    sign_sepay,
)
from services.payments import _load as load_json
from services.places import Places
from services.vietqr import VietQRError, decode, encode
from storage.address_conversion import OfflineAddressConverter
from storage.demo_registry import DemoCitizenRegistry
from tests.chat import ChatDriver
from tests.fakes import (
    FakeClock,
    MemoryDatabase,
    MemoryStaging,
    MemoryUnitOfWorkFactory,
    RecordingSms,
    SequentialIds,
)
from tests.unit.test_filing_flow import fill_stay_form
from tests.unit.test_login_flow import login

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
FUZZ = settings(max_examples=200, deadline=None)

# -- strategies ----------------------------------------------------------------------------------

# Any code point, lone surrogates and controls included: what a JSON "\ud800" escape decodes to.
any_char = st.characters(exclude_categories=())
hostile_text = st.one_of(
    st.text(any_char, max_size=80),
    st.text(alphabet="0123456789 .-+()", max_size=20),
    st.sampled_from(["", " ", "\x00", "\ud800", "\udfff", "٠١٢", "²³", "１２", "9" * 5000]),
)
huge_ints = st.one_of(st.integers(), st.integers(-(10**40), 10**40), st.just(2**63))
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    huge_ints,
    st.floats(),  # NaN and infinities too: Python's json module reads them
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=6,
)


def digits(count: int) -> st.SearchStrategy[str]:
    """`count` ASCII digits."""
    return st.text(string.digits, min_size=count, max_size=count)


letters = st.sampled_from(string.ascii_uppercase)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a well-typed value, sometimes any JSON value in its place."""
    return st.one_of(strategy, strategy, json_scalars, json_values)


def nested(depth: int) -> bytes:
    """A JSON document nested `depth` deep (past the recursion limit when deep enough)."""
    return b"[" * depth + b"]" * depth


# -- button payloads -----------------------------------------------------------------------------

payload_args = st.text(string.ascii_letters + string.digits + "_.-", min_size=1, max_size=40)


@FUZZ
@given(st.sampled_from(list(Verb)), st.lists(payload_args, min_size=0, max_size=3))
def test_a_payload_either_encodes_and_parses_back_or_is_refused(
    verb: Verb, args: list[str]
) -> None:
    action = Action(verb, tuple(args))
    try:
        wire = action.encode()
    except PayloadError:
        return
    assert len(wire.encode()) <= payloads.MAX_BYTES
    assert payloads.parse(wire) == action


@FUZZ
@given(hostile_text)
def test_whatever_parses_as_a_payload_is_exactly_what_we_would_send(text: str) -> None:
    parsed = payloads.parse(text)
    if parsed is not None:
        assert parsed.encode() == text


# -- ID and phone numbers -------------------------------------------------------------------------

separators = st.text(alphabet=" .-", max_size=2)


@st.composite
def typed_ids(draw: st.DrawFn) -> tuple[str, str]:
    """A 12-digit ID as someone might type it, and the digits."""
    number = (
        draw(st.sampled_from(sorted(ID_PROVINCES)))
        + draw(st.sampled_from(string.digits))
        + draw(digits(8))
    )
    parts = [number[:3], number[3:6], number[6:9], number[9:]]
    return "".join(part + draw(separators) for part in parts), number


@FUZZ
@given(typed_ids())
def test_an_id_number_round_trips_through_its_decoding(typed: tuple[str, str]) -> None:
    text, digits = typed
    century_sex = int(digits[3])
    year = 1900 + (century_sex // 2) * 100 + int(digits[4:6])
    try:
        parsed = parse_id_number(text, TODAY)
    except IdNumberError as refused:
        assert refused.problem == "future_year" and year > TODAY.year
        return
    assert parsed == IdNumber(
        digits, digits[:3], year, Sex.MALE if century_sex % 2 == 0 else Sex.FEMALE
    )
    check_id_matches(parsed, date(year, 1, 1), parsed.sex)  # agrees with itself


@FUZZ
@given(hostile_text, st.dates(), maybe(st.sampled_from(list(Sex))))
def test_any_typed_id_is_decoded_or_refused_with_a_problem(
    text: str, birth: date, sex: Any
) -> None:
    try:
        parsed = parse_id_number(text, TODAY)
        check_id_matches(parsed, birth, sex if isinstance(sex, Sex) else None)
    except IdNumberError as refused:
        assert refused.problem in (
            "not_digits",
            "length",
            "province",
            "future_year",
            "birth_year_mismatch",
            "sex_mismatch",
        )
        return
    assert parsed.number.isascii() and parsed.number.isdigit() and len(parsed.number) == 12
    assert parsed.province_code in ID_PROVINCES and parsed.birth_year <= TODAY.year
    masked = mask_id(parsed.number)
    assert parsed.number not in masked and len(masked) == 12


MOBILE_PREFIXES = [f"{n:02d}" for n in range(100) if MOBILE_RE.match(f"0{n:02d}0000000")]


@st.composite
def typed_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """A mobile number as typed (+84, 84 or 0, with separators), and its normal form."""
    prefix = draw(st.sampled_from(MOBILE_PREFIXES))
    rest = draw(digits(7))
    lead = draw(st.sampled_from(["0", "+84", "84", "+84 ", "(+84) "]))
    sep = draw(st.sampled_from(["", " ", ".", "-"]))
    return f"{lead}{prefix}{sep}{rest[:3]}{sep}{rest[3:]}", f"0{prefix}{rest}"


@FUZZ
@given(typed_mobiles())
def test_a_mobile_number_normalises_whatever_the_way_it_was_typed(typed: tuple[str, str]) -> None:
    text, normal = typed
    assert normalise_mobile(text) == normal
    assert normalise_mobile(normal) == normal
    assert normal not in mask_phone(normal) and carrier(normal) in (
        None,
        "Viettel",
        "VinaPhone",
        "MobiFone",
        "Vietnamobile",
        "Gmobile",
    )


@FUZZ
@given(hostile_text)
def test_any_typed_phone_is_a_normal_mobile_or_none(text: str) -> None:
    normal = normalise_mobile(text)
    if normal is not None:
        assert MOBILE_RE.fullmatch(normal) and normal.isascii()
        assert normalise_mobile(normal) == normal
    mask_phone(text)
    mask_id(text)


# -- dossier codes and payment references ---------------------------------------------------------

agency_codes = st.one_of(
    st.tuples(digits(3), digits(2), digits(2), letters, digits(2)).map(
        lambda p: f"{p[0]}.{p[1]}.{p[2]}.{p[3]}{p[4]}"
    ),
    st.tuples(letters, digits(2), st.integers(0, 999)).map(lambda p: f"{p[0]}{p[1]}.{p[2]}"),
)


@FUZZ
@given(agency_codes, st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, 9999))
def test_a_code_round_trips_through_its_payment_reference(
    agency: str, day: date, sequence: int
) -> None:
    code = format_code(agency, day, sequence)
    parsed = parse_code(code)
    assert parsed is not None and (parsed.agency, parsed.day, parsed.sequence) == (
        agency,
        day,
        sequence,
    )
    reference = payment_reference(code)
    assert code_for_reference(reference) == code
    assert find_reference(f"chuyen tien {reference.lower()} cam on") == reference


@FUZZ
@given(hostile_text | st.text(alphabet="0123456789.-HLP ", max_size=40))
def test_any_typed_code_or_description_is_read_or_refused_quietly(
    catalog: Catalog, text: str
) -> None:
    parsed = parse_code(text)
    if parsed is not None:
        assert parse_code(parsed.text) == parsed
    resolved = resolve_code(catalog, text)
    assert (resolved is None) == (parsed is None)
    try:
        payment_reference(text)
    except DossierCodeError as refused:
        assert refused.reason == "code" and parsed is None
    found = find_reference(text)
    assert found is None or code_for_reference(found) is not None
    code_for_reference(text)


# -- VietQR encoder -------------------------------------------------------------------------------

qr_texts = st.one_of(
    hostile_text, st.text(string.ascii_letters + string.digits, min_size=1, max_size=25)
)


@FUZZ
@given(
    maybe(digits(6)),
    maybe(qr_texts),
    st.one_of(st.none(), huge_ints, st.floats(), st.booleans(), hostile_text),
    st.one_of(st.none(), qr_texts, json_scalars),
    st.one_of(st.none(), qr_texts, json_scalars),
)
def test_the_encoder_refuses_hostile_arguments_or_writes_a_payload_that_decodes_back(
    bin: Any, account: Any, amount: Any, purpose: Any, bill: Any
) -> None:
    try:
        payload = encode(bin, account, amount, purpose, bill_number=bill)
    except VietQRError:
        return
    result = decode(payload)
    assert result.ok and result.qr is not None, result.error
    assert (result.qr.bin, result.qr.account, result.qr.amount) == (bin, account, amount)
    assert payload.isascii()


# -- uploaded files -------------------------------------------------------------------------------

heads = st.one_of(
    st.binary(max_size=600),
    st.sampled_from(
        [b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"MZ", b"PK\x03\x04"]
    ).flatmap(lambda magic: st.binary(max_size=64).map(lambda rest: magic + rest)),
)


@FUZZ
@given(hostile_text, st.one_of(huge_ints, st.integers(-5, MAX_FILE_BYTES + 5)), heads)
def test_an_upload_is_accepted_by_its_real_type_or_refused_with_a_reason(
    name: str, size: int, head: bytes
) -> None:
    try:
        kind = check_upload(name, size, head)
    except UploadRejected as refused:
        assert refused.reason in ("empty", "too_large", "type", "dossier_full")
        shown = str(refused.params["name"])
        assert shown and "/" not in shown and "\\" not in shown
        shown.encode()  # no lone surrogate survives into a message
        return
    assert kind == sniff(head) and kind in ACCEPTED and 0 < size <= MAX_FILE_BYTES


def _router(
    db: MemoryDatabase,
    staging: MemoryStaging,
    identity: Identity,
    ids: SequentialIds,
    catalog: Catalog,
    places: Places,
) -> Router:
    return Router(
        MemoryUnitOfWorkFactory(db),
        catalog,
        places,
        FakeClock(NOW),
        ids,
        identity,
        Filing(staging),
        Settings(),
    )


uploads = st.lists(
    st.tuples(
        heads.map(lambda head: head + b"x" * 100),
        hostile_text,
        st.one_of(st.none(), st.integers(-3, MAX_FILE_BYTES + 3)),
    ),
    min_size=1,
    max_size=4,
)


def test_a_refused_upload_never_reaches_storage(
    catalog: Catalog, places: Places, people: list[Person]
) -> None:
    """Uploads into the documents step of a filled form: stored only when really a PDF,
    JPEG or PNG within the limits; otherwise dropped from staging and never kept."""
    sms = RecordingSms()
    identity = Identity(
        DemoCitizenRegistry(people), sms, KeyedHasher(b"k" * 32), OfflineAddressConverter(places)
    )
    ids = SequentialIds()
    db, staging = MemoryDatabase(), MemoryStaging()

    async def reach_documents() -> int:
        chat = ChatDriver(_router(db, staging, identity, ids, catalog, places), chat_id="fuzz")
        await login(chat, sms)
        await fill_stay_form(chat)
        await chat.press("Xác nhận tờ khai")
        assert chat.keys == ["form.final", "docs.checklist"]
        return chat.seq

    seq = asyncio.run(reach_documents())

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(uploads)
    def check(files: list[tuple[bytes, str, int | None]]) -> None:
        state, store = copy.deepcopy(db), MemoryStaging()
        router = _router(state, store, identity, copy.deepcopy(ids), catalog, places)
        chat = ChatDriver(router, chat_id="fuzz", seq=seq)
        for content, name, declared in files:
            ref = store.stage(content)
            before = (dict(store.stored), dict(state.documents))
            size = len(content) if declared is None else declared
            asyncio.run(chat.apply(Incoming(IncomingKind.UPLOAD, upload=Upload(ref, name, size))))
            if chat.keys[0] == "docs.received":
                assert sniff(content) in ACCEPTED and content in store.stored.values()
            else:
                assert (store.stored, state.documents) == before, chat.keys
            assert ref not in store.staged  # kept or dropped, never left behind
        for kept in store.stored.values():
            assert sniff(kept) in ACCEPTED

    check()


# -- Telegram updates -----------------------------------------------------------------------------

chat_types = st.one_of(
    st.sampled_from(["private", "group", "supergroup", "channel", "Private", ""]), json_values
)
tg_chat = st.one_of(
    huge_ints.map(lambda chat_id: {"id": chat_id, "type": "private"}),
    st.fixed_dictionaries({"id": maybe(huge_ints), "type": maybe(chat_types)}),
)
tg_user = st.fixed_dictionaries({"id": maybe(huge_ints)}, optional={"first_name": hostile_text})
tg_photo = st.fixed_dictionaries(
    {"file_id": maybe(hostile_text)},
    optional={"width": json_scalars, "height": json_scalars, "file_size": json_scalars},
)
tg_message = st.fixed_dictionaries(
    {"chat": tg_chat},
    optional={
        "from": maybe(tg_user),
        "text": maybe(hostile_text),
        "photo": maybe(st.lists(maybe(tg_photo), max_size=3)),
        "document": maybe(
            st.fixed_dictionaries(
                {"file_id": maybe(hostile_text)},
                optional={
                    "file_name": json_scalars,
                    "mime_type": json_scalars,
                    "file_size": json_scalars,
                },
            )
        ),
        "contact": maybe(
            st.fixed_dictionaries(
                {"phone_number": maybe(hostile_text)}, optional={"user_id": json_scalars}
            )
        ),
        "location": json_values,
        "sticker": json_values,
        "voice": json_values,
    },
)
tg_callback = st.fixed_dictionaries(
    {"id": maybe(hostile_text)},
    optional={"from": maybe(tg_user), "message": maybe(tg_message), "data": maybe(hostile_text)},
)
tg_member = st.fixed_dictionaries(
    {"chat": maybe(tg_chat)},
    optional={
        "new_chat_member": maybe(
            st.fixed_dictionaries({"status": maybe(st.one_of(hostile_text, json_values))})
        ),
        "old_chat_member": maybe(st.fixed_dictionaries({"status": maybe(json_values)})),
    },
)
tg_updates = st.fixed_dictionaries(
    {"update_id": maybe(huge_ints)},
    optional={
        "message": maybe(tg_message),
        "callback_query": maybe(tg_callback),
        "my_chat_member": maybe(tg_member),
        "edited_message": maybe(tg_message),
        "channel_post": maybe(tg_message),
    },
)


def _storable(incoming: Incoming | Fetch | None) -> None:
    """Every text the router would store (or a channel send on) is valid UTF-8."""
    if isinstance(incoming, Fetch):
        texts = [incoming.url, incoming.name]
    elif incoming is None:
        texts = []
    else:
        texts = [incoming.text, incoming.command, incoming.payload]
        texts += [incoming.upload.name] if incoming.upload else []
        texts += [incoming.contact.phone] if incoming.contact else []
    for text in texts:
        text.encode()


def _private(message: Any) -> bool:
    chat = message.get("chat") if isinstance(message, dict) else None
    return isinstance(chat, dict) and chat.get("type") == "private" and type(chat.get("id")) is int


@FUZZ
@given(st.one_of(tg_updates, st.dictionaries(hostile_text, json_values, max_size=4)))
@example({"message": {"chat": {"id": 2**63, "type": []}}})  # a list where a name belongs
@example(
    {"my_chat_member": {"chat": {"id": -5, "type": "group"}, "new_chat_member": {"status": {}}}}
)
def test_any_telegram_update_is_read_or_ignored_and_only_private_chats_are_served(
    update: dict[str, Any],
) -> None:
    inbound = parse_update(update)
    if inbound is None:
        return
    assert isinstance(inbound, Inbound)
    address, _, incoming, extras = inbound
    assert address.platform is Platform.TELEGRAM
    _storable(incoming)
    query = update.get("callback_query")
    if isinstance(query, dict):
        if incoming is not None:  # a button pressed in a private chat (or an inline message)
            assert incoming.kind is IncomingKind.BUTTON
            assert not isinstance(query.get("message"), dict) or _private(query["message"])
            int(address.chat_id)
        return
    if extras.group is not None or extras.inline_query_id:  # answered, never applied
        assert incoming is None and extras.file is None
        return
    kinds = ("message", "edited_message", "my_chat_member")
    source = next((update[k] for k in kinds if isinstance(update.get(k), dict)), None)
    assert _private(source), "a group, channel or malformed chat was served"
    if "message" not in update and "edited_message" in update:
        assert incoming is not None and incoming.kind is IncomingKind.EDIT
    assert address.chat_id == str(source["chat"]["id"])
    if extras.file is not None:
        assert isinstance(extras.file, FileToFetch) and extras.file.size >= 0


@FUZZ
@given(tg_message, chat_types.filter(lambda t: t != "private"))
def test_a_message_from_a_group_or_channel_is_never_applied(
    message: dict[str, Any], chat_type: str
) -> None:
    message = {**message, "chat": {"id": -100123, "type": chat_type}}
    for key in ("message", "my_chat_member", "edited_message", "channel_post"):
        read = parse_update({"update_id": 1, key: message})
        # At most "message me privately" (a command, mention or reply to the bot in a group).
        assert read is None or (read.incoming is None and read.extras.group is not None)
        assert read is None or chat_type in ("group", "supergroup")
    pressed = parse_update({"update_id": 2, "callback_query": {"id": "q", "message": message}})
    assert pressed is None or pressed.incoming is None  # answered, never applied


# -- Zalo events ----------------------------------------------------------------------------------

APP_ID, OA_SECRET = "zalo-app-1", "zalo-oa-secret"
STAMP = str(int(NOW.timestamp() * 1000))
zalo_attachment = st.fixed_dictionaries(
    {"type": maybe(st.sampled_from(["image", "file"]))},
    optional={
        "payload": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "url": maybe(
                        st.sampled_from(["https://f.zdn.vn/a.pdf", "http://[::1/x", "ftp://x"])
                        | hostile_text.map(lambda t: "https://f.zdn.vn/" + t)
                    ),
                    "name": json_scalars,
                    "size": maybe(st.sampled_from(["12", "²", "9" * 5000, " 7 ", "-1"])),
                },
            )
        )
    },
)
zalo_events = st.fixed_dictionaries(
    {
        "app_id": maybe(st.just(APP_ID)),
        "event_name": maybe(
            st.sampled_from(
                ["user_send_text", "user_send_image", "user_send_file", "follow", "unfollow"]
            )
            | hostile_text
        ),
        "timestamp": st.one_of(st.just(STAMP), st.just(int(STAMP)), json_scalars),
    },
    optional={
        "sender": maybe(st.fixed_dictionaries({"id": maybe(st.sampled_from(["5001", "../x"]))})),
        "follower": maybe(st.fixed_dictionaries({"id": maybe(huge_ints)})),
        "message": maybe(
            st.fixed_dictionaries(
                {"msg_id": maybe(st.just("m1"))},
                optional={
                    "text": maybe(
                        hostile_text | st.sampled_from(["#more", "#m:search", "#\ud800"])
                    ),
                    "attachments": maybe(st.lists(maybe(zalo_attachment), max_size=3)),
                },
            )
        ),
    },
)


def _raw(event: Any) -> bytes:
    """JSON as a provider sends it: ASCII, anything else (lone surrogates too) escaped."""
    return json.dumps(event).encode()


def _zalo_sign(raw: bytes, stamp: str, secret: str = OA_SECRET) -> dict[str, str]:
    """The signature header Zalo would send, for any timestamp text."""
    mac = hashlib.sha256(
        APP_ID.encode() + raw + stamp.encode("utf-8", "surrogatepass") + secret.encode()
    )
    return {"X-ZEvent-Signature": f"mac={mac.hexdigest()}"}


def _stamp_of(event: Any) -> str:
    stamp = event.get("timestamp") if isinstance(event, dict) else None
    return str(stamp) if isinstance(stamp, int | str) and not isinstance(stamp, bool) else ""


def _check_event(event: ZaloEvent) -> None:
    assert isinstance(event, ZaloEvent)
    if event.kind in (EventKind.MESSAGE, EventKind.MORE, EventKind.FOLLOW, EventKind.UNFOLLOW):
        assert event.address is not None and event.address.platform is Platform.ZALO
        assert len(event.update_id(9)) <= 80
    for item in event.items:
        _storable(item)
        if isinstance(item, Fetch):
            assert item.url.startswith(("http://", "https://")) and item.name
        else:
            assert isinstance(item, Incoming)


@FUZZ
@given(st.one_of(zalo_events, json_values))
def test_any_signed_zalo_event_is_read_or_refused_with_a_reason(event: Any) -> None:
    raw = _raw(event)
    headers = _zalo_sign(raw, _stamp_of(event))
    try:
        read = read_event(raw, headers, APP_ID, OA_SECRET, NOW)
    except ZaloRejected as refused:
        assert refused.reason in ("malformed", "wrong_app", "stale", "bad_signature")
        return
    _check_event(read)


forged_headers = st.one_of(
    st.dictionaries(
        st.sampled_from(["X-ZEvent-Signature", "x-zevent-signature", "X-Other"]),
        hostile_text | st.text("0123456789abcdef", min_size=64, max_size=64).map("mac={}".format),
        max_size=2,
    ),
)


@FUZZ
@given(
    st.one_of(zalo_events.map(_raw), st.binary(max_size=200)),
    st.one_of(
        forged_headers,
        st.sampled_from(["wrong-secret", "", OA_SECRET + " "]).map(lambda s: {"secret": s}),
        st.just({"other_body": ""}),
    ),
)
def test_a_zalo_event_with_a_bad_signature_is_refused_whatever_the_body(
    raw: bytes, forged: dict[str, str]
) -> None:
    stamp = _stamp_of(_loads(raw)) or STAMP
    if "secret" in forged:  # signed, but with another key
        headers = _zalo_sign(raw, stamp, forged["secret"])
    elif "other_body" in forged:  # the signature of another body
        headers = _zalo_sign(raw + b" ", stamp)
    else:
        headers = forged
    with pytest.raises(ZaloRejected) as refused:
        read_event(raw, headers, APP_ID, OA_SECRET, NOW)
    assert refused.value.reason in ("unsigned", "malformed", "bad_signature")


def test_deeply_nested_zalo_and_telegram_bodies_are_refused_not_crashed() -> None:
    with pytest.raises(ZaloRejected, match="malformed"):
        read_event(nested(100_000), {"X-ZEvent-Signature": "mac=00"}, APP_ID, OA_SECRET, NOW)
    deep: Any = {}
    for _ in range(50):
        deep = {"message": deep, "chat": deep}
    assert parse_update({"update_id": 1, "message": deep}) is None


@FUZZ
@given(st.one_of(zalo_events, st.dictionaries(hostile_text, json_values, max_size=4)))
def test_any_verified_zalo_event_is_understood_or_malformed(event: dict[str, Any]) -> None:
    try:
        read = parse_event(event)
    except ZaloRejected as refused:
        assert refused.reason == "malformed"
        return
    _check_event(read)


# -- bank notifications, through the webhook's dispatch ------------------------------------------

SEPAY_SECRET, CASSO_SECRET, API_KEY = "sepay-hmac-secret", "casso-secret", "sepay-api-key"
BANK = SimpleNamespace(
    clock=FakeClock(NOW), payment_secrets=PaymentSecrets(SEPAY_SECRET, API_KEY, CASSO_SECRET)
)
transfer_like = st.fixed_dictionaries(
    {},
    optional={
        "id": maybe(huge_ints),
        "transferType": maybe(st.sampled_from(["in", "out"])),
        "transferAmount": maybe(huge_ints),
        "accountNumber": maybe(hostile_text),
        "transactionDate": maybe(st.just("2026-11-25 10:00:00")),
        "content": maybe(hostile_text),
        "error": maybe(st.just(0)),
        "data": json_values,
    },
)
bodies = st.one_of(
    transfer_like.map(_raw),
    json_values.map(_raw),
    st.binary(max_size=300),
    st.just(nested(100_000)),
)
T = int(NOW.timestamp())


@st.composite
def forged_bank_headers(draw: st.DrawFn, raw: bytes) -> dict[str, str]:
    """Headers that do not authenticate `raw`: a wrong key, another body's or another
    timestamp's signature, garbage, or nothing."""
    kind = draw(st.sampled_from(["sepay_key", "sepay_body", "sepay_time", "casso", "junk"]))
    if kind == "sepay_key":
        return sign_sepay(raw, draw(st.sampled_from(["wrong", SEPAY_SECRET + "x"])), T)
    if kind == "sepay_body":
        return sign_sepay(raw + b"\n", SEPAY_SECRET, T)
    if kind == "sepay_time":
        headers = sign_sepay(raw, SEPAY_SECRET, T)
        return {**headers, "X-SePay-Timestamp": str(T + draw(st.integers(1, 10**6)))}
    if kind == "casso":
        _, signed = sign_casso({"error": 0}, draw(st.sampled_from([CASSO_SECRET, "x"])), T * 1000)
        return signed
    return draw(
        st.dictionaries(
            st.sampled_from(["Authorization", "X-SePay-Signature", "X-Casso-Signature"]),
            hostile_text | st.just(f"Apikey {API_KEY}x"),
            max_size=3,
        )
    )


@FUZZ
@given(st.data(), bodies)
def test_a_bank_notification_with_a_wrong_signature_is_refused_whatever_the_body(
    data: st.DataObject, raw: bytes
) -> None:
    headers = data.draw(forged_bank_headers(raw))
    with pytest.raises(WebhookRejected) as refused:
        verify_and_parse(BANK, headers, raw)  # type: ignore[arg-type]
    assert refused.value.reason in (
        "missing_auth",
        "bad_key",
        "bad_signature",
        "malformed",
        "stale",
        "future",
    )


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


@FUZZ
@given(st.one_of(transfer_like, json_values), st.sampled_from(["sepay", "casso", "apikey"]))
def test_a_signed_notification_is_a_transfer_or_malformed(body: Any, provider: str) -> None:
    if provider == "casso":
        raw, headers = _casso_signed(body)
    else:
        raw = _raw(body)
        headers = (
            sign_sepay(raw, SEPAY_SECRET, T)
            if provider == "sepay"
            else {"Authorization": f"Apikey {API_KEY}"}
        )
    try:
        transfer = verify_and_parse(BANK, headers, raw)  # type: ignore[arg-type]
    except WebhookRejected as refused:
        assert refused.reason == "malformed"
        return
    assert isinstance(transfer, BankTransfer) and transfer.amount > 0
    transfer.description.encode()  # storable text
    assert transfer.occurred_at.utcoffset() == timedelta(hours=7)


def _casso_signed(body: Any) -> tuple[bytes, dict[str, str]]:
    """A body and the header Casso would sign it with (over the body as Casso reads it)."""
    raw = _raw(body)
    try:
        digest = casso_signature(load_json(raw), CASSO_SECRET, T * 1000)
    except WebhookRejected:  # NaN or the like: refused before the signature matters
        digest = "00"
    return raw, {"X-Casso-Signature": f"t={T * 1000},v1={digest}"}
