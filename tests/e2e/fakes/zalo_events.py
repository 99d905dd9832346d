"""Zalo OA webhook events (FACTS §7.1) and their X-ZEvent-Signature header (FACTS §7.2)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "X-ZEvent-Signature"


def signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret: str) -> str:
    """`mac=` + SHA-256 hex of app_id + raw body + timestamp + OA secret: plain, not an HMAC."""
    digest = hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + oa_secret.encode())
    return f"mac={digest.hexdigest()}"


def user_id_by_app(user_id: str) -> str:
    """The user's id as seen by the app (a different number from the OA-scoped id)."""
    return str(int(hashlib.sha256(user_id.encode()).hexdigest()[:15], 16))


@dataclass(frozen=True)
class EventSource:
    """Who the events come from and go to."""

    app_id: str
    oa_id: str


def message_event(
    source: EventSource,
    event_name: str,
    user_id: str,
    timestamp_ms: int,
    message: dict[str, Any],
) -> dict[str, Any]:
    """A user→OA message event: sender is the user, recipient the OA."""
    return {
        "app_id": source.app_id,
        "user_id_by_app": user_id_by_app(user_id),
        "event_name": event_name,
        "timestamp": str(timestamp_ms),
        "sender": {"id": user_id},
        "recipient": {"id": source.oa_id},
        "message": message,
    }


def follow_event(
    source: EventSource, event_name: str, user_id: str, timestamp_ms: int
) -> dict[str, Any]:
    """follow / unfollow: the user is in `follower.id`."""
    return {
        "app_id": source.app_id,
        "oa_id": source.oa_id,
        "user_id_by_app": user_id_by_app(user_id),
        "event_name": event_name,
        "timestamp": str(timestamp_ms),
        "source": "oa_profile",
        "follower": {"id": user_id},
    }


def attachment(kind: str, url: str, **payload: Any) -> dict[str, Any]:
    """One entry of message.attachments."""
    return {"type": kind, "payload": {"url": url, **payload}}


@dataclass
class SignedEvent:
    """An event ready to POST: the exact bytes and the headers that go with them."""

    event: dict[str, Any]
    raw_body: bytes
    headers: dict[str, str]


def sign_event(
    event: dict[str, Any], oa_secret: str, *, forge: bool = False, app_id: str | None = None
) -> SignedEvent:
    """Serialise once and sign those bytes; `forge` signs with a wrong secret."""
    raw = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    secret = oa_secret + "-forged" if forge else oa_secret
    mac = signature(app_id or event["app_id"], raw, event["timestamp"], secret)
    return SignedEvent(event, raw, {"Content-Type": "application/json", SIGNATURE_HEADER: mac})
