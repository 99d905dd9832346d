"""The citizens' ratings per agency, as /stats shows them under the dossier figures."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.cards import both
from conversations.course_cards import level_text
from conversations.messages import Lines, Outgoing, Text, say
from services.catalog_index import Catalog
from services.ratings import AgencyRatings, RatingLevel


def _line(catalog: Catalog, agency: AgencyRatings) -> Text:
    known = catalog.agencies.get(agency.agency_id)
    name = (
        Text("raw_both", {"text": both(known.name)})
        if known
        else Text("raw", {"text": agency.agency_id})
    )
    levels = Lines(
        tuple(
            Text("course.stats_level_count", {"level": level_text(level),
                                              "count": agency.counts.get(int(level), 0)})
            for level in RatingLevel
        ),
        separator=", ",
    )  # fmt: skip
    average = agency.average
    return Text(
        "course.stats_rating_line",
        {
            "agency": name,
            "total": agency.total,
            "average": f"{average:.2f}" if average is not None else "—",
            "levels": levels,
            "comments": agency.comments,
        },
    )


def ratings_message(catalog: Catalog, ratings: Sequence[AgencyRatings]) -> Outgoing | None:
    """One message with a line per agency rated; None when no agency has ratings."""
    if not ratings:
        return None
    return say("course.stats_ratings", lines=Lines(tuple(_line(catalog, a) for a in ratings)))
