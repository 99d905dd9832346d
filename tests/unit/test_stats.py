"""/thongke: figures from a known set of dossiers, as the admin reads them and as a chart."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from bot.media_resolver import MediaResolver
from bot.stats_chart import BOTTOM, COLOURS, LEFT, RIGHT, TOP, font_files
from conversations.flows import stats
from conversations.messages import OutgoingKind
from conversations.router import Filing, Identity, Router
from services.catalog_index import Catalog
from services.dossier_codes import DossierStatus, format_code
from services.dossiers import DayCounts, Dossier, HistoryEntry, Phase, StatusChange
from services.places import Places
from tests.chat import ChatDriver
from tests.fake_files import MemoryFileStore
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory
from tests.unit.test_admin_flow import admin_router, started

AGENCY, AGENCY_CODE = "ca-01273", "000.01.51.H04"


@pytest.fixture
def router(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> Router:
    """The router of a deployment whose settings name the admin chats."""
    return admin_router(uow_factory, catalog, places, clock, identity, filing)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (status, submitted at UTC, due date, first change to 9/10 at UTC or None, overdue flag)
SAMPLES: tuple[tuple[int, str, str, str | None, bool], ...] = (
    (10, "2026-11-20 02:00", "2026-11-25", "2026-11-24 09:00", False),  # on time
    (9, "2026-11-20 03:00", "2026-11-24", "2026-11-24 17:30", False),  # 25/11 in Vietnam: late
    (4, "2026-11-20 04:00", "2026-11-25", None, False),
    (1, "2026-11-24 02:00", "2026-11-27", None, False),
    (3, "2026-11-24 03:00", "2026-11-27", None, False),
    (9, "2026-11-24 04:00", "2026-11-26", None, True),  # no finish logged: its flag decides
    (5, "2026-11-25 01:00", "2026-11-28", None, False),
    (1, "2026-11-24 17:30", "2026-11-28", None, False),  # 00:30 on 25/11 in Vietnam
    (9, "2026-11-01 02:00", "2026-11-05", "2026-11-04 02:00", False),  # outside 14 days
)


def sample_dossiers() -> list[tuple[Dossier, StatusChange | None]]:
    """The known dossiers, and the logged change that finished each (if any)."""
    made: list[tuple[Dossier, StatusChange | None]] = []
    for number, (status, at, due, finished, overdue) in enumerate(SAMPLES, 1):
        submitted_at = utc(at)
        day = date(2026, 11, 25) if number == 8 else submitted_at.date()
        dossier = Dossier(
            id=f"stat{number:02d}",
            code=format_code(AGENCY_CODE, day, number),
            procedure_id="dang_ky_tam_tru",
            agency_id=AGENCY,
            owner=f"web:owner{number}",
            citizen_id=None,
            answers={},
            attachments=(),
            fee=0,
            created_at=submitted_at,
            phase=Phase.SUBMITTED,
            status=DossierStatus(status),
            submitted_at=submitted_at,
            due_date=date.fromisoformat(due),
            history=(HistoryEntry(1, submitted_at, "citizen"),),
            overdue=overdue,
        )
        change = StatusChange(0, dossier.id, 9, utc(finished), "admin:web:a") if finished else None
        made.append((dossier, change))
    pending = Dossier(
        id="stat-unpaid", code=format_code(AGENCY_CODE, date(2026, 11, 25), 99),
        procedure_id="dang_ky_tam_tru", agency_id=AGENCY, owner="web:x", citizen_id=None,
        answers={}, attachments=(), fee=7000, created_at=utc("2026-11-25 02:00"),
        phase=Phase.AWAITING_PAYMENT,
    )  # fmt: skip
    made.append((pending, None))
    return made


async def seed(uow_factory: Any) -> None:
    """Store the samples through the repository, as the officer tools do."""
    async with uow_factory() as uow:
        for dossier, change in sample_dossiers():
            await uow.dossiers.add(dossier)
            if change is not None:
                await uow.dossiers.record_change(change)
        await uow.commit()


EXPECTED = [
    DayCounts(date(2026, 11, 20), {4: 1, 9: 1, 10: 1}, on_time=1, late=1),
    DayCounts(date(2026, 11, 24), {1: 1, 3: 1, 9: 1}, on_time=0, late=1),
    DayCounts(date(2026, 11, 25), {1: 1, 5: 1}, on_time=0, late=0),
]


async def test_daily_counts_of_the_memory_repository(uow_factory: MemoryUnitOfWorkFactory) -> None:
    await seed(uow_factory)
    async with uow_factory() as uow:
        assert list(await uow.dossiers.daily_counts(date(2026, 11, 12))) == EXPECTED
        assert list(await uow.dossiers.daily_counts(date(2026, 11, 21), ["other"])) == []


def test_the_report_fills_every_day_and_groups_statuses() -> None:
    rep = stats.report(EXPECTED, date(2026, 11, 19), date(2026, 11, 25))
    assert len(rep.rows) == 7 and rep.rows[0].total == 0
    assert (rep.total, rep.on_time, rep.late, rep.rate) == (8, 1, 2, 33)
    assert rep.rows[1].groups == (0, 1, 2, 0)  # 20/11: new, open, done, stopped
    assert rep.by_status == {1: 2, 3: 1, 4: 1, 5: 1, 9: 2, 10: 1}
    assert stats.report([], date(2026, 11, 19), date(2026, 11, 25)).rate is None


async def test_stats_text_for_the_last_14_days(
    router: Router, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await seed(uow_factory)
    officer = await started(router, "admin")
    await officer.send("/thongke")
    assert officer.keys == ["stats.report", "menu.main"]
    report = officer.replies[0]
    assert report.kind is OutgoingKind.IMAGE and report.media_ref == "stats:14:202611251000"
    text = officer.text(report)
    assert "Thống kê hồ sơ 14 ngày (12/11/2026 – 25/11/2026)" in text
    assert "Tổng số hồ sơ: 8" in text
    assert "Đúng hạn: 33% (1/3 hồ sơ đã xong) · Trễ hạn: 2" in text
    assert "• 9. Đã xử lý xong: 2" in text and "• 3. Không được tiếp nhận: 1" in text
    lines = text.splitlines()
    head = lines.index("Ngày  Tổng  Mới Đang Xong Dừng Đúng  Trễ")
    assert lines[head + 1 : head + 4] == [
        "20/11    3    0    1    2    0    1    1",
        "24/11    3    1    0    1    1    0    1",
        "25/11    2    1    1    0    0    0    0",
    ]


async def test_stats_for_a_chosen_period_and_in_english(
    router: Router, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    await seed(uow_factory)
    officer = await started(router, "admin")
    await officer.send("/stats 30")
    assert "Tổng số hồ sơ: 9" in officer.text(officer.replies[0])
    assert "50% (2/4" in officer.text(officer.replies[0])
    for wrong in ("/stats 0", "/stats 91", "/stats abc"):
        await officer.send(wrong)
        assert officer.keys == ["stats.bad_days", "menu.main"], wrong
    await officer.send("/lang")
    await officer.press("English")
    await officer.send("/stats")
    text = officer.text(officer.replies[0])
    assert "Total dossiers: 8" in text and "On time: 33% (1/3 finished dossiers) · Late: 2" in text
    assert "Day    All  New Open Done Stop   Ok Late" in text


async def test_the_chart_is_a_sane_png_in_both_languages(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    await seed(uow_factory)
    resolver = MediaResolver(uow_factory, catalog, MemoryFileStore())
    pictures = []
    for lang in ("vi", "en"):
        media = await resolver.resolve("stats:14:202611251000", lang)
        assert media is not None and media.mime == "image/png"
        assert media.content.startswith(b"\x89PNG\r\n\x1a\n") and len(media.content) < 200_000
        image = Image.open(io.BytesIO(media.content))
        assert image.size == (960, 560)
        assert set(bar_colours(image)) == set(COLOURS)  # every status group has a bar
        pictures.append(media.content)
    assert pictures[0] != pictures[1]  # the words differ
    for ref in ("stats:0:202611251000", "stats:14:notadate", "stats:x"):
        assert await resolver.resolve(ref, "vi") is None


async def test_an_empty_period_draws_no_bars(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog
) -> None:
    resolver = MediaResolver(uow_factory, catalog, MemoryFileStore())
    media = await resolver.resolve("stats:7:202611251000", "vi")
    assert media is not None
    assert bar_colours(Image.open(io.BytesIO(media.content))) == {}


def bar_colours(image: Image.Image) -> dict[tuple[int, int, int], int]:
    """How many pixels of each status group's colour the plot area (below the legend) has."""
    plot = image.convert("RGB").crop((LEFT, TOP, RIGHT, BOTTOM))
    counted = plot.getcolors(plot.width * plot.height) or []
    return {colour: n for n, colour in counted if colour in COLOURS}


def test_the_chart_font_draws_vietnamese_letters() -> None:
    files = font_files()
    assert files is not None
    font = ImageFont.truetype(files[0], 24)

    def glyph(text: str) -> bytes:
        canvas = Image.new("L", (48, 48))
        ImageDraw.Draw(canvas).text((8, 4), text, font=font, fill=255)
        return canvas.tobytes()

    missing = glyph("\U000f0000")  # a private code point: the font's "no glyph" box
    for letter in "ữệĐằẫỹ":
        drawn = glyph(letter)
        assert any(drawn) and drawn != missing, letter


@pytest.mark.parametrize("days", [1, 14, 90])
def test_chart_references_name_the_period(days: int) -> None:
    ref = stats.media_ref(days, utc("2026-11-24 17:30"))
    assert ref == f"stats:{days}:202611250030"
    since, until = stats.parse_ref(ref) or (None, None)
    assert until == date(2026, 11, 25) and since is not None and (until - since).days == days - 1


async def test_a_driver_for_the_stats_of_an_empty_database(router: Router) -> None:
    officer: ChatDriver = await started(router, "admin")
    await officer.send("/stats")
    text = officer.text(officer.replies[0])
    assert "Tổng số hồ sơ: 0" in text and "chưa có hồ sơ nào xử lý xong" in text
    assert "(không có hồ sơ)" in text
