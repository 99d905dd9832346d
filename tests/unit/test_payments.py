"""Bank-transfer webhooks: only correctly signed, fresh notifications pass; parsing is strict
and fails one way only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.clock import VIETNAM
from services.payments import (
    BankTransfer,
    WebhookRejected,
    canonical_json,
    parse_casso,
    parse_sepay,
    sign_casso,
    sign_sepay,
    verify_casso,
    verify_sepay,
)

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
T = int(NOW.timestamp())
SECRET = "hmac-secret-for-tests"
API_KEY = "sepay-api-key-for-tests"

SEPAY_BODY = {
    "id": 92704,
    "gateway": "VietinBank",
    "transactionDate": "2026-11-25 10:00:00",
    "accountNumber": "1234567890",
    "subAccount": None,
    "code": None,
    "content": "LP 101H04 251125 0001",
    "transferType": "in",
    "transferAmount": 7000,
    "accumulated": 19077000,
    "referenceCode": "MBVCB.3278907687",
    "description": "BankAPINotify LP 101H04 251125 0001",
}
SEPAY_RAW = json.dumps(SEPAY_BODY).encode()

CASSO_BODY: dict[str, Any] = {
    "error": 0,
    "data": {
        "id": 123456,
        "reference": "FT25329123456",
        "description": "LP 101H04 251125 0001 Nguyễn Văn Ân chuyển tiền",
        "amount": 7000,
        "runningBalance": 25000000,
        "transactionDateTime": "2026-11-25 10:00:00",
        "accountNumber": "1234567890",
        "bankName": "VietinBank",
        "bankAbbreviation": "ICB",
        "virtualAccountNumber": "",
        "virtualAccountName": "",
        "counterAccountName": "NGUYEN VAN AN",
        "counterAccountNumber": "0123456789",
        "counterAccountBankId": "970436",
        "counterAccountBankName": "Vietcombank",
    },
}


def rejected(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(WebhookRejected) as caught:
        call(*args, **kwargs)
    return caught.value.reason


# --- SePay -----------------------------------------------------------------------------------


def test_sepay_hmac_is_accepted() -> None:
    verify_sepay(sign_sepay(SEPAY_RAW, SECRET, T), SEPAY_RAW, NOW, None, SECRET)


def test_sepay_signature_is_over_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + SEPAY_RAW, hashlib.sha256).hexdigest()
    assert sign_sepay(SEPAY_RAW, SECRET, T) == {
        "X-SePay-Signature": f"sha256={expected}",
        "X-SePay-Timestamp": str(T),
    }


def test_sepay_header_names_are_case_insensitive() -> None:
    headers = {k.lower(): v for k, v in sign_sepay(SEPAY_RAW, SECRET, T).items()}
    verify_sepay(headers, SEPAY_RAW, NOW, None, SECRET)
    upper = {k.upper(): v for k, v in sign_sepay(SEPAY_RAW, SECRET, T).items()}
    verify_sepay(upper, SEPAY_RAW, NOW, None, SECRET)


def test_sepay_signature_hex_case_does_not_matter() -> None:
    headers = sign_sepay(SEPAY_RAW, SECRET, T)
    headers["X-SePay-Signature"] = (
        headers["X-SePay-Signature"].upper().replace("SHA256=", "sha256=")
    )
    verify_sepay(headers, SEPAY_RAW, NOW, None, SECRET)


@pytest.mark.parametrize("position", [0, 10, len(SEPAY_RAW) // 2, len(SEPAY_RAW) - 1])
def test_sepay_flipped_body_byte_is_refused(position: int) -> None:
    headers = sign_sepay(SEPAY_RAW, SECRET, T)
    tampered = bytearray(SEPAY_RAW)
    tampered[position] ^= 0x01
    assert rejected(verify_sepay, headers, bytes(tampered), NOW, None, SECRET) == "bad_signature"


def test_sepay_wrong_secret_is_refused() -> None:
    headers = sign_sepay(SEPAY_RAW, "another-secret", T)
    assert rejected(verify_sepay, headers, SEPAY_RAW, NOW, None, SECRET) == "bad_signature"


def test_sepay_changed_timestamp_breaks_the_signature() -> None:
    headers = sign_sepay(SEPAY_RAW, SECRET, T)
    headers["X-SePay-Timestamp"] = str(T + 1)
    assert rejected(verify_sepay, headers, SEPAY_RAW, NOW, None, SECRET) == "bad_signature"


def test_sepay_timestamps_within_five_minutes_pass() -> None:
    for offset in (-300, 300):
        headers = sign_sepay(SEPAY_RAW, SECRET, T + offset)
        verify_sepay(headers, SEPAY_RAW, NOW, None, SECRET)


def test_sepay_stale_and_future_timestamps_are_refused() -> None:
    old = sign_sepay(SEPAY_RAW, SECRET, T - 301)
    assert rejected(verify_sepay, old, SEPAY_RAW, NOW, None, SECRET) == "stale"
    ahead = sign_sepay(SEPAY_RAW, SECRET, T + 301)
    assert rejected(verify_sepay, ahead, SEPAY_RAW, NOW, None, SECRET) == "future"


@pytest.mark.parametrize("timestamp", ["", "abc", "-5", "1.5", "１２３"])
def test_sepay_garbled_timestamp_is_refused(timestamp: str) -> None:
    headers = sign_sepay(SEPAY_RAW, SECRET, T) | {"X-SePay-Timestamp": timestamp}
    assert rejected(verify_sepay, headers, SEPAY_RAW, NOW, None, SECRET) == "bad_signature"


def test_sepay_missing_headers_are_refused() -> None:
    assert rejected(verify_sepay, {}, SEPAY_RAW, NOW, API_KEY, SECRET) == "missing_auth"
    only_signature = {"X-SePay-Signature": sign_sepay(SEPAY_RAW, SECRET, T)["X-SePay-Signature"]}
    assert rejected(verify_sepay, only_signature, SEPAY_RAW, NOW, None, SECRET) == "missing_auth"


def test_sepay_api_key_is_accepted() -> None:
    verify_sepay({"Authorization": f"Apikey {API_KEY}"}, SEPAY_RAW, NOW, API_KEY, None)
    verify_sepay({"authorization": f"apikey  {API_KEY} "}, SEPAY_RAW, NOW, API_KEY, SECRET)


@pytest.mark.parametrize(
    "value", [f"Apikey {API_KEY}x", f"Bearer {API_KEY}", API_KEY, "Apikey ", "Apikey ờ\ud800"]
)
def test_sepay_wrong_api_key_is_refused(value: str) -> None:
    assert rejected(verify_sepay, {"Authorization": value}, SEPAY_RAW, NOW, API_KEY, None) == (
        "bad_key"
    )


def test_sepay_api_key_header_is_ignored_when_only_hmac_is_configured() -> None:
    headers = {"Authorization": f"Apikey {API_KEY}"}
    assert rejected(verify_sepay, headers, SEPAY_RAW, NOW, None, SECRET) == "missing_auth"


def test_sepay_without_any_secret_refuses_everything() -> None:
    headers = sign_sepay(SEPAY_RAW, SECRET, T)
    assert rejected(verify_sepay, headers, SEPAY_RAW, NOW, None, None) == "not_configured"
    assert rejected(verify_sepay, headers, SEPAY_RAW, NOW, "", "") == "not_configured"


def test_parse_sepay() -> None:
    assert parse_sepay(SEPAY_RAW) == BankTransfer(
        provider="sepay",
        transaction_id="92704",
        amount=7000,
        description="LP 101H04 251125 0001",
        account="1234567890",
        occurred_at=datetime(2026, 11, 25, 10, 0, tzinfo=VIETNAM),
        incoming=True,
        reference="MBVCB.3278907687",
    )
    assert parse_sepay(SEPAY_RAW).occurred_at == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_parse_sepay_money_out_and_missing_content() -> None:
    body = SEPAY_BODY | {"transferType": "out", "content": None, "referenceCode": None}
    transfer = parse_sepay(json.dumps(body).encode())
    assert not transfer.incoming and transfer.reference is None
    assert transfer.description == "BankAPINotify LP 101H04 251125 0001"


@pytest.mark.parametrize(
    "change",
    [{"id": None}, {"id": True}, {"id": -1}, {"id": 1.5}, {"transferType": "IN"},
     {"transferAmount": "7000"}, {"transferAmount": True}, {"transferAmount": 0},
     {"transferAmount": -7000}, {"transferAmount": 7000.5}, {"accountNumber": 1234567890},
     {"transactionDate": "25/11/2026 10:00:00"}, {"transactionDate": "2026-02-30 10:00:00"},
     {"transactionDate": "2026-11-25T10:00:00"}, {"content": 5}, {"content": "a\u0000b"},
     {"referenceCode": []}],
)  # fmt: skip
def test_parse_sepay_is_strict(change: dict[str, Any]) -> None:
    assert rejected(parse_sepay, json.dumps(SEPAY_BODY | change).encode()) == "malformed"


def test_parse_sepay_requires_the_fields() -> None:
    for key in ("id", "transferType", "transferAmount", "accountNumber", "transactionDate"):
        body = {k: v for k, v in SEPAY_BODY.items() if k != key}
        assert rejected(parse_sepay, json.dumps(body).encode()) == "malformed"


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b'"x"', b"{", b"\xff\xfe\x00", b'{"id": NaN}', b"[" * 50_000,
     b'{"transferAmount": 1e999}', b'{"content": "\\ud800"}', b"1" * 5000, b" " * 70_000],
)  # fmt: skip
def test_parse_sepay_refuses_garbage(raw: bytes) -> None:
    assert rejected(parse_sepay, raw) == "malformed"


# --- Casso -----------------------------------------------------------------------------------

# Casso's published Python sample (github.com/CassoHQ/casso-webhook-v2-verify-signature):
# body, webhook key and header as published; the signature verifies when recomputed.
CASSO_SAMPLE = {
    "error": 0,
    "data": {
        "id": 0,
        "reference": "MA_GIAO_DICH_THU_NGHIEM",
        "description": "giao dich thu nghiem",
        "amount": 599000,
        "runningBalance": 25000000,
        "transactionDateTime": "2024-10-03 15:06:37",
        "accountNumber": "88888888",
        "bankName": "VPBank",
        "bankAbbreviation": "VPB",
        "virtualAccountNumber": "",
        "virtualAccountName": "",
        "counterAccountName": "NGUYEN VAN A",
        "counterAccountNumber": "8888888888",
        "counterAccountBankId": "970415",
        "counterAccountBankName": "VietinBank",
    },
}
CASSO_SAMPLE_KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
CASSO_SAMPLE_HEADER = (
    "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868f"
    "c667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
)
CASSO_SAMPLE_TIME = datetime.fromtimestamp(1727948258.788, UTC)


def test_casso_published_sample_verifies() -> None:
    raw = json.dumps(CASSO_SAMPLE, indent=2).encode()  # any layout: the parsed body is signed
    headers = {"X-Casso-Signature": CASSO_SAMPLE_HEADER}
    verify_casso(headers, raw, CASSO_SAMPLE_TIME, CASSO_SAMPLE_KEY)
    transfer = parse_casso(raw)
    assert (transfer.transaction_id, transfer.amount, transfer.incoming) == ("0", 599000, True)
    assert transfer.occurred_at == datetime(2024, 10, 3, 15, 6, 37, tzinfo=VIETNAM)


def test_casso_published_sample_fails_with_another_key_or_amount() -> None:
    headers = {"X-Casso-Signature": CASSO_SAMPLE_HEADER}
    raw = json.dumps(CASSO_SAMPLE).encode()
    assert rejected(verify_casso, headers, raw, CASSO_SAMPLE_TIME, "x" + CASSO_SAMPLE_KEY) == (
        "bad_signature"
    )
    richer = json.dumps({**CASSO_SAMPLE, "data": {**CASSO_SAMPLE["data"], "amount": 599001}})
    assert rejected(
        verify_casso, headers, richer.encode(), CASSO_SAMPLE_TIME, CASSO_SAMPLE_KEY
    ) == ("bad_signature")


def test_casso_canonical_json_sorts_nested_keys_and_keeps_vietnamese() -> None:
    body = {"z": 1, "a": {"y": "Nguyễn Văn Ân", "b": [{"d": 1, "c": 2}, 3]}, "m": None}
    assert (
        canonical_json(body) == '{"a":{"b":[{"d":1,"c":2},3],"y":"Nguyễn Văn Ân"},"m":null,"z":1}'
    )


def test_casso_signed_body_round_trips() -> None:
    raw, headers = sign_casso(CASSO_BODY, SECRET, T * 1000)
    assert "Nguyễn".encode() in raw  # sent as UTF-8, not \\u escapes
    verify_casso(headers, raw, NOW, SECRET)
    verify_casso({"x-casso-signature": headers["X-Casso-Signature"]}, raw, NOW, SECRET)
    # Key order and spacing of the raw body do not matter, only its content.
    reordered = json.dumps(dict(reversed(list(CASSO_BODY.items()))), indent=1).encode()
    verify_casso(headers, reordered, NOW, SECRET)


def test_casso_flipped_byte_is_refused() -> None:
    raw, headers = sign_casso(CASSO_BODY, SECRET, T * 1000)
    tampered = raw.replace(b"7000", b"7001", 1)
    assert rejected(verify_casso, headers, tampered, NOW, SECRET) == "bad_signature"
    tampered = raw.replace("Ân".encode(), "Án".encode())
    assert rejected(verify_casso, headers, tampered, NOW, SECRET) == "bad_signature"


def test_casso_wrong_key_is_refused() -> None:
    raw, headers = sign_casso(CASSO_BODY, "another-secret", T * 1000)
    assert rejected(verify_casso, headers, raw, NOW, SECRET) == "bad_signature"


def test_casso_timestamps_are_milliseconds() -> None:
    raw, headers = sign_casso(CASSO_BODY, SECRET, T * 1000 - 300_000)
    verify_casso(headers, raw, NOW, SECRET)
    raw, headers = sign_casso(CASSO_BODY, SECRET, T * 1000 - 301_000)
    assert rejected(verify_casso, headers, raw, NOW, SECRET) == "stale"
    raw, headers = sign_casso(CASSO_BODY, SECRET, T * 1000 + 301_000)
    assert rejected(verify_casso, headers, raw, NOW, SECRET) == "future"
    raw, headers = sign_casso(CASSO_BODY, SECRET, T)  # seconds by mistake: 1970
    assert rejected(verify_casso, headers, raw, NOW, SECRET) == "stale"


@pytest.mark.parametrize(
    "header", ["", "t=123", "v1=abcd", "t=abc,v1=abcd", "t=1,v1=xyz", "v1=abcd,t=1", "sha512=ab"]
)
def test_casso_garbled_signature_header_is_refused(header: str) -> None:
    raw, _ = sign_casso(CASSO_BODY, SECRET, T * 1000)
    assert rejected(verify_casso, {"X-Casso-Signature": header}, raw, NOW, SECRET) == (
        "bad_signature"
    )


def test_casso_missing_header_or_secret_is_refused() -> None:
    raw, headers = sign_casso(CASSO_BODY, SECRET, T * 1000)
    assert rejected(verify_casso, {}, raw, NOW, SECRET) == "missing_auth"
    assert rejected(verify_casso, headers, raw, NOW, None) == "not_configured"


def test_casso_signature_over_a_malformed_body_is_refused_as_malformed() -> None:
    _, headers = sign_casso(CASSO_BODY, SECRET, T * 1000)
    assert rejected(verify_casso, headers, b"{not json", NOW, SECRET) == "malformed"


def test_parse_casso() -> None:
    raw, _ = sign_casso(CASSO_BODY, SECRET, T * 1000)
    assert parse_casso(raw) == BankTransfer(
        provider="casso",
        transaction_id="123456",
        amount=7000,
        description="LP 101H04 251125 0001 Nguyễn Văn Ân chuyển tiền",
        account="1234567890",
        occurred_at=datetime(2026, 11, 25, 10, 0, tzinfo=VIETNAM),
        incoming=True,
        reference="FT25329123456",
    )


def test_parse_casso_negative_amount_is_money_out() -> None:
    body = {"error": 0, "data": {**CASSO_BODY["data"], "amount": -50000}}
    transfer = parse_casso(json.dumps(body).encode())
    assert (transfer.amount, transfer.incoming) == (50000, False)


def test_parse_casso_accepts_integral_floats_as_javascript_would() -> None:
    body = json.dumps(CASSO_BODY).replace('"amount": 7000', '"amount": 7000.0').encode()
    assert parse_casso(body).amount == 7000


@pytest.mark.parametrize(
    "body",
    [{"error": 1, "data": CASSO_BODY["data"]}, {"error": False, "data": CASSO_BODY["data"]},
     {"data": CASSO_BODY["data"]}, {"error": 0, "data": [CASSO_BODY["data"]]},  # V1 shape
     {"error": 0, "data": {**CASSO_BODY["data"], "amount": 0}},
     {"error": 0, "data": {**CASSO_BODY["data"], "amount": "7000"}},
     {"error": 0, "data": {**CASSO_BODY["data"], "transactionDateTime": None}},
     {"error": 0, "data": {**CASSO_BODY["data"], "id": ""}},
     {"error": 0, "data": {**CASSO_BODY["data"], "accountNumber": None}}],
)  # fmt: skip
def test_parse_casso_is_strict(body: dict[str, Any]) -> None:
    assert rejected(parse_casso, json.dumps(body).encode()) == "malformed"


# --- hostile input ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=6)
    ),
    max_leaves=20,
)
sepay_like = st.fixed_dictionaries(
    {}, optional={k: json_values | st.just(v) for k, v in SEPAY_BODY.items()}
)
casso_like = st.fixed_dictionaries(
    {"error": st.just(0) | json_values},
    optional={"data": st.fixed_dictionaries(
        {}, optional={k: json_values | st.just(v) for k, v in CASSO_BODY["data"].items()})},
)  # fmt: skip


@given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_parsers_fail_only_as_malformed_on_random_input(raw: bytes) -> None:
    for parse in (parse_sepay, parse_casso):
        try:
            parse(raw)
        except WebhookRejected as error:
            assert error.reason == "malformed"


@given(sepay_like)
def test_parse_sepay_on_near_valid_bodies(body: dict[str, Any]) -> None:
    try:
        transfer = parse_sepay(json.dumps(body).encode())
    except WebhookRejected as error:
        assert error.reason == "malformed"
    else:
        assert transfer.amount > 0 and transfer.occurred_at.tzinfo is not None


@given(casso_like)
def test_parse_casso_on_near_valid_bodies(body: dict[str, Any]) -> None:
    try:
        transfer = parse_casso(json.dumps(body).encode())
    except WebhookRejected as error:
        assert error.reason == "malformed"
    else:
        assert transfer.amount > 0 and transfer.occurred_at.tzinfo is not None


headers_st = st.dictionaries(
    st.sampled_from(["Authorization", "X-SePay-Signature", "X-SePay-Timestamp",
                     "X-Casso-Signature", "x-sepay-timestamp"]),
    st.text(max_size=40) | st.from_regex(r"t=[0-9]{1,15},v1=[0-9a-f]{1,8}", fullmatch=True),
)  # fmt: skip


@given(headers_st, st.binary(max_size=100))
def test_verifiers_fail_only_with_webhook_rejected(headers: dict[str, str], raw: bytes) -> None:
    for verify in (
        lambda: verify_sepay(headers, raw, NOW, API_KEY, SECRET),
        lambda: verify_casso(headers, raw, NOW, SECRET),
    ):
        with pytest.raises(WebhookRejected):
            verify()


def test_naive_provider_times_become_vietnamese_time() -> None:
    transfer = parse_sepay(SEPAY_RAW)
    assert transfer.occurred_at.utcoffset() == timedelta(hours=7)
