"""A catalogue text in Vietnamese and English (kept apart so that rule modules can share it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LocalText:
    """A text in Vietnamese and English; Vietnamese is the reference wording."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in `lang`, falling back to Vietnamese."""
        return self.en if lang == "en" and self.en else self.vi
