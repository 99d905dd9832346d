"""Service ratings: after the result (or a refusal) the citizen rates the agency once.

The levels are the national portal's satisfaction scale ("Đánh giá mức độ hài lòng"), scored
4 (very satisfied) down to 1 (not satisfied) so that an average can be reported per agency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Protocol

MAX_COMMENT = 500


class RatingLevel(IntEnum):
    """A satisfaction level and its score."""

    VERY_SATISFIED = 4  # Rất hài lòng
    SATISFIED = 3  # Hài lòng
    ACCEPTABLE = 2  # Chấp nhận được
    NOT_SATISFIED = 1  # Không hài lòng

    def label(self, lang: str = "vi") -> str:
        """The level's name in Vietnamese ("vi", the default) or English ("en")."""
        vi, en = LEVEL_LABELS[self]
        return en if lang == "en" else vi


LEVEL_LABELS: Mapping[RatingLevel, tuple[str, str]] = {
    RatingLevel.VERY_SATISFIED: ("Rất hài lòng", "Very satisfied"),
    RatingLevel.SATISFIED: ("Hài lòng", "Satisfied"),
    RatingLevel.ACCEPTABLE: ("Chấp nhận được", "Acceptable"),
    RatingLevel.NOT_SATISFIED: ("Không hài lòng", "Not satisfied"),
}


@dataclass(frozen=True, slots=True)
class Rating:
    """One dossier's rating; `comment` is the citizen's own words ("" for none)."""

    dossier_id: str
    agency_id: str
    level: RatingLevel
    at: datetime
    comment: str = ""


@dataclass(frozen=True, slots=True)
class AgencyRatings:
    """An agency's ratings: how many at each level (score → count) and how many commented."""

    agency_id: str
    counts: Mapping[int, int] = field(default_factory=dict)
    comments: int = 0

    @property
    def total(self) -> int:
        """Every rating of the agency."""
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        """The mean score (4 = very satisfied … 1 = not satisfied), None without ratings."""
        if not self.total:
            return None
        return sum(level * n for level, n in self.counts.items()) / self.total


class RatingRepository(Protocol):
    """Ratings, at most one per dossier."""

    async def add(self, rating: Rating) -> bool:
        """Store a rating; False (and nothing written) when the dossier is already rated."""
        ...

    async def get(self, dossier_id: str) -> Rating | None:
        """The dossier's rating, if any."""
        ...

    async def add_comment(self, dossier_id: str, comment: str) -> bool:
        """Attach a comment to a rating that has none; False otherwise."""
        ...

    async def summary(self, agency_ids: Sequence[str] | None = None) -> Sequence[AgencyRatings]:
        """Per agency (of these, all when None) with at least one rating, by agency id."""
        ...
