"""Message catalogues: per language, the core module (vi.py, en.py) and one module per
feature (status_vi.py, admin_vi.py, …), merged here. A message id defined twice is an error."""

from __future__ import annotations

from collections.abc import Mapping

from conversations.locales import (
    admin_en,
    admin_vi,
    chats_en,
    chats_vi,
    drafts_en,
    drafts_vi,
    en,
    fees_en,
    fees_vi,
    following_en,
    following_vi,
    handover_en,
    handover_vi,
    identity_en,
    identity_vi,
    ledger_en,
    ledger_vi,
    papers_en,
    papers_vi,
    replies_en,
    replies_vi,
    status_en,
    status_vi,
    validation_en,
    validation_vi,
    vi,
    zalo_en,
    zalo_vi,
)


def _merge(*parts: Mapping[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in parts:
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"message ids defined twice: {sorted(twice)}")
        merged.update(part)
    return merged


CATALOGS: dict[str, dict[str, str]] = {
    "vi": _merge(
        vi.MESSAGES,
        admin_vi.MESSAGES,
        chats_vi.MESSAGES,
        drafts_vi.MESSAGES,
        fees_vi.MESSAGES,
        following_vi.MESSAGES,
        handover_vi.MESSAGES,
        identity_vi.MESSAGES,
        ledger_vi.MESSAGES,
        papers_vi.MESSAGES,
        replies_vi.MESSAGES,
        status_vi.MESSAGES,
        validation_vi.MESSAGES,
        zalo_vi.MESSAGES,
    ),
    "en": _merge(
        en.MESSAGES,
        admin_en.MESSAGES,
        chats_en.MESSAGES,
        drafts_en.MESSAGES,
        fees_en.MESSAGES,
        following_en.MESSAGES,
        handover_en.MESSAGES,
        identity_en.MESSAGES,
        ledger_en.MESSAGES,
        papers_en.MESSAGES,
        replies_en.MESSAGES,
        status_en.MESSAGES,
        validation_en.MESSAGES,
        zalo_en.MESSAGES,
    ),
}
