"""Message catalogues: per language, the core module (vi.py, en.py) and one module per
feature (status_vi.py, admin_vi.py, …), merged here. A message id defined twice is an error."""

from __future__ import annotations

from collections.abc import Mapping

from conversations.locales import (
    admin_en,
    admin_vi,
    drafts_en,
    drafts_vi,
    en,
    status_en,
    status_vi,
    vi,
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
    "vi": _merge(vi.MESSAGES, status_vi.MESSAGES, admin_vi.MESSAGES, drafts_vi.MESSAGES),
    "en": _merge(en.MESSAGES, status_en.MESSAGES, admin_en.MESSAGES, drafts_en.MESSAGES),
}
