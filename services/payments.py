"""Bank-transfer notifications from SePay and Casso: signatures checked, payloads parsed.

Both providers watch a bank account and POST each transaction. Nothing here trusts a payload
before its signature holds, and parsing is strict: any surprise is `WebhookRejected
("malformed")`, never another exception, so the HTTP layer has one thing to catch.

- SePay: `Authorization: Apikey <key>`, or HMAC-SHA256 with `X-SePay-Signature: sha256=<hex>`
  over `"{X-SePay-Timestamp}.{raw body}"` (the shape third-party integrations use; SePay's page
  "xac-thuc" is the reference to re-check).
- Casso (webhook V2): `X-Casso-Signature: t=<ms>,v1=<hex>`, v1 = HMAC-SHA512 over
  `"{t}.{canonical JSON of the whole body}"`, canonical as in Casso's own samples: object keys
  sorted at every depth of nested objects (arrays keep their order and their objects' key
  order), compact separators, non-ASCII unescaped, the way JavaScript's JSON.stringify writes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from services.clock import VIETNAM

Provider = Literal["sepay", "casso"]
TOLERANCE_S = 300  # both providers advise refusing timestamps more than 5 minutes off
MAX_BODY = 64 * 1024  # a transaction notification is well under 2 kB
_DIGITS = re.compile(r"[0-9]{1,20}")
_LOCAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_CASSO_HEADER = re.compile(r"\s*t=([0-9]{1,20})\s*,\s*v1=([0-9a-fA-F]{1,256})\s*")


@dataclass(frozen=True)
class WebhookRejected(ValueError):
    """A notification refused: "missing_auth", "bad_key", "bad_signature", "stale" (older than
    the tolerance), "future" (that far ahead: a clock is wrong), "not_configured" (no secret
    to check against), or "malformed" (the body)."""

    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True)
class BankTransfer:
    """One bank transaction as a provider reported it; (provider, transaction_id) is unique."""

    provider: Provider
    transaction_id: str
    amount: int  # VND, always positive; `incoming` gives the direction
    description: str
    account: str
    occurred_at: datetime  # aware; providers send Vietnamese local time
    incoming: bool
    reference: str | None = None  # the bank's own transaction reference, for reconciliation


def _lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def _equal(given: str, expected: str) -> bool:
    """Constant-time comparison that any header text can go through."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def _check_age(timestamp_s: float, now: datetime, tolerance_s: float) -> None:
    age = now.timestamp() - timestamp_s
    if age > tolerance_s:
        raise WebhookRejected("stale")
    if age < -tolerance_s:
        raise WebhookRejected("future")


def verify_sepay(
    headers: Mapping[str, str],
    raw_body: bytes,
    now: datetime,
    api_key: str | None,
    hmac_secret: str | None,
    tolerance_s: float = TOLERANCE_S,
) -> None:
    """Accept a SePay request signed by HMAC or carrying the API key, else `WebhookRejected`."""
    if not api_key and not hmac_secret:
        raise WebhookRejected("not_configured")
    lowered = _lower_keys(headers)
    signature = lowered.get("x-sepay-signature")
    authorization = lowered.get("authorization")
    if hmac_secret and signature is not None:
        timestamp = lowered.get("x-sepay-timestamp")
        _verify_sepay_hmac(signature, timestamp, raw_body, now, hmac_secret, tolerance_s)
    elif api_key and authorization is not None:
        scheme, _, key = authorization.strip().partition(" ")
        if scheme.lower() != "apikey" or not _equal(key.strip(), api_key):
            raise WebhookRejected("bad_key")
    else:
        raise WebhookRejected("missing_auth")


def _verify_sepay_hmac(
    signature: str,
    timestamp: str | None,
    raw_body: bytes,
    now: datetime,
    secret: str,
    tolerance_s: float,
) -> None:
    if timestamp is None:
        raise WebhookRejected("missing_auth")
    timestamp = timestamp.strip()
    if not _DIGITS.fullmatch(timestamp):
        raise WebhookRejected("bad_signature")
    _check_age(int(timestamp), now, tolerance_s)
    given = signature.strip()
    given = given[len("sha256=") :] if given.lower().startswith("sha256=") else given
    expected = sepay_signature(raw_body, secret, timestamp)
    if not _equal(given.lower(), expected):
        raise WebhookRejected("bad_signature")


def sepay_signature(raw_body: bytes, secret: str, timestamp: int | str) -> str:
    """The hex HMAC-SHA256 SePay sends, over `"{timestamp}.{raw body}"`."""
    message = f"{timestamp}.".encode() + raw_body
    return hmac.new(secret.encode("utf-8", "surrogatepass"), message, hashlib.sha256).hexdigest()


def sign_sepay(raw_body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """The headers SePay would send with `raw_body` (tests, the web chat's "bank" button)."""
    return {
        "X-SePay-Signature": "sha256=" + sepay_signature(raw_body, secret, timestamp),
        "X-SePay-Timestamp": str(timestamp),
    }


def verify_casso(
    headers: Mapping[str, str],
    raw_body: bytes,
    now: datetime,
    secret: str | None,
    tolerance_s: float = TOLERANCE_S,
) -> None:
    """Accept a Casso V2 request whose `X-Casso-Signature` holds, else `WebhookRejected`."""
    if not secret:
        raise WebhookRejected("not_configured")
    header = _lower_keys(headers).get("x-casso-signature")
    if header is None:
        raise WebhookRejected("missing_auth")
    match = _CASSO_HEADER.fullmatch(header)
    if match is None:
        raise WebhookRejected("bad_signature")
    t_ms, given = match.groups()
    _check_age(int(t_ms) / 1000, now, tolerance_s)
    if not _equal(given.lower(), casso_signature(_load(raw_body), secret, t_ms)):
        raise WebhookRejected("bad_signature")


def canonical_json(value: Any) -> str:
    """JSON as Casso signs it: nested objects' keys sorted, compact, non-ASCII kept."""
    return json.dumps(_sorted(value), separators=(",", ":"), ensure_ascii=False)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    return value  # Casso's samples leave arrays, and the objects inside them, as they are


def casso_signature(body: Any, secret: str, t_ms: int | str) -> str:
    """The hex HMAC-SHA512 Casso sends for a parsed body at timestamp `t_ms`."""
    message = f"{t_ms}.{canonical_json(body)}".encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode("utf-8", "surrogatepass"), message, hashlib.sha512).hexdigest()


def sign_casso(body: Mapping[str, Any], secret: str, t_ms: int) -> tuple[bytes, dict[str, str]]:
    """A raw body and the headers Casso would send for `body` (tests, the web chat)."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    header = f"t={t_ms},v1={casso_signature(dict(body), secret, t_ms)}"
    return raw, {"X-Casso-Signature": header}


def _js_float(text: str) -> int | float:
    """Numbers as JavaScript holds them: 15000.0 is 15000, so it serialises back the same."""
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise WebhookRejected("malformed")
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _reject_constant(_: str) -> Any:
    raise WebhookRejected("malformed")  # NaN and Infinity are not JSON


def _load(raw_body: bytes) -> Any:
    """Parse a body, any failure (bad UTF-8, bad JSON, absurd nesting) as "malformed"."""
    if not isinstance(raw_body, bytes) or len(raw_body) > MAX_BODY:
        raise WebhookRejected("malformed")
    try:
        return json.loads(raw_body, parse_float=_js_float, parse_constant=_reject_constant)
    except WebhookRejected:
        raise
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        raise WebhookRejected("malformed") from None


def parse_sepay(raw_body: bytes) -> BankTransfer:
    """The transaction in a SePay webhook body."""
    data = _object(_load(raw_body))
    direction = data.get("transferType")
    if direction not in ("in", "out"):
        raise WebhookRejected("malformed")
    content = _optional_text(data, "content")
    return BankTransfer(
        provider="sepay",
        transaction_id=_id(data, "id"),
        amount=_amount(data, "transferAmount", signed=False),
        description=content or _optional_text(data, "description") or "",
        account=_text(data, "accountNumber"),
        occurred_at=_local_time(data, "transactionDate"),
        incoming=direction == "in",
        reference=_optional_text(data, "referenceCode"),
    )


def parse_casso(raw_body: bytes) -> BankTransfer:
    """The transaction in a Casso webhook V2 body; negative amounts are money going out."""
    body = _object(_load(raw_body))
    error = body.get("error")
    if type(error) is not int or error != 0:
        raise WebhookRejected("malformed")
    data = _object(body.get("data"))  # V1 sent a list here: refused, V2 only
    amount = _amount(data, "amount", signed=True)
    return BankTransfer(
        provider="casso",
        transaction_id=_id(data, "id"),
        amount=abs(amount),
        description=_optional_text(data, "description") or "",
        account=_text(data, "accountNumber"),
        occurred_at=_local_time(data, "transactionDateTime"),
        incoming=amount > 0,
        reference=_optional_text(data, "reference"),
    )


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WebhookRejected("malformed")
    return value


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _text(data, key)


def _text(data: Mapping[str, Any], key: str) -> str:
    """A string field; NUL and lone surrogates refused, as no database would store them."""
    value = data.get(key)
    if not isinstance(value, str) or "\x00" in value:
        raise WebhookRejected("malformed")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise WebhookRejected("malformed") from None
    return value


def _id(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if type(value) is int and value >= 0:
        return str(value)
    if isinstance(value, str) and 0 < len(value) <= 64 and value.isprintable():
        return value
    raise WebhookRejected("malformed")


def _amount(data: Mapping[str, Any], key: str, signed: bool) -> int:
    value = data.get(key)
    # type() rather than isinstance(): True is an int to Python, not an amount of money.
    if type(value) is not int or value == 0 or (value < 0 and not signed) or abs(value) > 10**15:
        raise WebhookRejected("malformed")
    return value


def _local_time(data: Mapping[str, Any], key: str) -> datetime:
    """A "YYYY-MM-DD HH:MM:SS" field, Vietnamese local time."""
    value = data.get(key)
    if not isinstance(value, str) or not _LOCAL_TIME.fullmatch(value):
        raise WebhookRejected("malformed")
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=VIETNAM)
    except ValueError:
        raise WebhookRejected("malformed") from None
