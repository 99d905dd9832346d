"""/thongke (/stats) for admins: dossiers per submission day by status, and the on-time rate.

One image message: the chart (media reference `stats:<days>:<YYYYMMDDHHMM>`, drawn by the bot
layer from the same figures) with a compact table as its text. Statuses are grouped as the
national flow reads them: new (1), in progress (2, 4, 5, 6, 7), finished (9, 10), refused or
stopped (3, 8). A finished dossier is on time when processing ended on or before its due date
(FACTS §1.3: "overdue" is a flag, not a status). When citizens have rated the service, a
second message gives the ratings per agency (conversations.rating_report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from conversations.flow import Context, Turn
from conversations.flows import home
from conversations.messages import Day, Lines, Outgoing, OutgoingKind, Text, say
from conversations.rating_report import ratings_message
from conversations.status_messages import status_label
from conversations.widgets import number
from services.clock import VIETNAM, vietnam_date
from services.dossier_codes import DossierStatus
from services.dossiers import DayCounts

DEFAULT_DAYS = 14
MAX_DAYS = 90
PREFIX = "stats:"
_STAMP = "%Y%m%d%H%M"
GROUPS: tuple[tuple[str, frozenset[int]], ...] = (
    ("new", frozenset({1})),
    ("open", frozenset({2, 4, 5, 6, 7})),
    ("done", frozenset({9, 10})),
    ("stopped", frozenset({3, 8})),
)
GROUP_LABELS = ("stats.group_new", "stats.group_open", "stats.group_done", "stats.group_stopped")
CELL = 5  # characters per column of the table


@dataclass(frozen=True, slots=True)
class DayRow:
    """One day of the report: dossiers per status group, finished on time and late."""

    day: date
    groups: tuple[int, ...]
    on_time: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        """Dossiers submitted that day."""
        return sum(self.groups)


@dataclass(frozen=True, slots=True)
class Report:
    """Every day from `since` to `until` (days without dossiers too) and the totals."""

    since: date
    until: date
    rows: tuple[DayRow, ...]
    by_status: Mapping[int, int]

    @property
    def total(self) -> int:
        """Dossiers submitted in the period."""
        return sum(row.total for row in self.rows)

    @property
    def on_time(self) -> int:
        """Finished on or before the due date."""
        return sum(row.on_time for row in self.rows)

    @property
    def late(self) -> int:
        """Finished after the due date."""
        return sum(row.late for row in self.rows)

    @property
    def rate(self) -> int | None:
        """On-time share of the finished dossiers, in whole percent (None: none finished)."""
        finished = self.on_time + self.late
        return round(100 * self.on_time / finished) if finished else None


def report(counts: Sequence[DayCounts], since: date, until: date) -> Report:
    """The report of a period from the repository's daily counts."""
    found = {c.day: c for c in counts if since <= c.day <= until}
    rows: list[DayRow] = []
    by_status: dict[int, int] = {}
    for offset in range((until - since).days + 1):
        day = since + timedelta(days=offset)
        counted = found.get(day)
        if counted is None:
            rows.append(DayRow(day, tuple(0 for _ in GROUPS)))
            continue
        for status, count in counted.by_status.items():
            by_status[status] = by_status.get(status, 0) + count
        groups = tuple(
            sum(n for s, n in counted.by_status.items() if s in codes) for _, codes in GROUPS
        )
        rows.append(DayRow(day, groups, counted.on_time, counted.late))
    return Report(since, until, tuple(rows), by_status)


def media_ref(days: int, now: datetime) -> str:
    """The chart's reference: the period's length and the moment it was asked (its end day,
    and a fresh reference each minute so that no cached image is shown)."""
    return f"{PREFIX}{days}:{now.astimezone(VIETNAM).strftime(_STAMP)}"


def parse_ref(ref: str) -> tuple[date, date] | None:
    """The period (since, until) a chart reference names; None when it names none."""
    days, _, stamp = ref.removeprefix(PREFIX).partition(":")
    count = number(days, 1, MAX_DAYS)
    if not ref.startswith(PREFIX) or count is None:
        return None
    try:
        until = datetime.strptime(stamp, _STAMP).date()
    except ValueError:
        return None
    return until - timedelta(days=count - 1), until


def chart_texts(rep: Report) -> tuple[Text, Text, tuple[Text, ...]]:
    """The chart's title, its line of totals and the names of the status groups."""
    title = Text("stats.chart_title", {"since": Day(rep.since), "until": Day(rep.until)})
    if rep.rate is None:
        subtitle = Text("stats.chart_rate_none", {"total": rep.total})
    else:
        finished = rep.on_time + rep.late
        subtitle = Text(
            "stats.chart_rate",
            {"percent": rep.rate, "on_time": rep.on_time, "finished": finished, "total": rep.total},
        )
    return title, subtitle, tuple(Text(key) for key in GROUP_LABELS)


def _cells(*values: int) -> str:
    return "".join(f"{v:>{CELL}}" for v in values)


def table(rep: Report) -> Lines:
    """One monospace line per day with dossiers: dd/mm, total, groups, on time, late."""
    rows = [
        Text(
            "raw",
            {"text": f"{row.day:%d/%m}" + _cells(row.total, *row.groups, row.on_time, row.late)},
        )
        for row in rep.rows
        if row.total
    ]
    return Lines(tuple(rows) or (Text("stats.no_rows"),))


def _statuses(rep: Report) -> Lines:
    return Lines(
        tuple(
            Text("stats.status_line", {"status": status_label(DossierStatus(code)), "code": code,
                                       "count": count})
            for code, count in sorted(rep.by_status.items())
        )
    )  # fmt: skip


def message(rep: Report, days: int, ref: str) -> Outgoing:
    """The chart with the table as its text."""
    rate = rep.rate
    text = Text(
        "stats.report",
        {
            "days": days,
            "since": Day(rep.since),
            "until": Day(rep.until),
            "total": rep.total,
            "rate": Text("stats.rate", {"percent": rate, "on_time": rep.on_time,
                                        "finished": rep.on_time + rep.late})
            if rate is not None
            else Text("stats.rate_none"),
            "late": rep.late,
            "statuses": _statuses(rep) if rep.by_status else Text("stats.no_rows"),
            "head": Text("stats.table_head"),
            "table": table(rep),
            "legend": Text("stats.legend"),
        },
    )  # fmt: skip
    return Outgoing(text, kind=OutgoingKind.IMAGE, media_ref=ref, media_name=f"thong-ke-{days}.png")


async def show(ctx: Context, argument: str) -> Turn:
    """/thongke [days]: the last 14 days by default, at most 90."""
    typed = argument.strip()
    days = number(typed, 1, MAX_DAYS) if typed else DEFAULT_DAYS
    if days is None:
        return home.show(say("stats.bad_days", max=MAX_DAYS, default=DEFAULT_DAYS))
    now = ctx.clock.now()
    until = vietnam_date(now)
    since = until - timedelta(days=days - 1)
    counts = await ctx.repos.dossiers.daily_counts(since)
    shown = [message(report(counts, since, until), days, media_ref(days, now))]
    rated = ratings_message(ctx.catalog, await ctx.repos.ratings.summary())
    return home.show(*shown, *((rated,) if rated else ()))
