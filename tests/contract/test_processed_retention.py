"""Processed updates are pruned by the scheduler once no redelivery can need them (SQLite and
PostgreSQL): a redelivery inside the window is answered from the record and queues nothing;
a chat with an update still pending in the inbox keeps its records however old; a web chat
keeps its history while its session lives; /metrics shows what was pruned and kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.bootstrap import Application, build
from bot.retention import prune_processed, retention_policy
from bot.scheduler import Jobs
from bot.settings import Settings
from bot.web.app import create_http_app
from conversations.messages import ChatAddress, Incoming, Platform
from conversations.router import Update
from services.processed_retention import FLOOR, RetentionPolicy
from storage.tables import OutboxRow, ProcessedUpdateRow
from tests.contract.test_operations import database_url, seeded_postgres, seeded_sqlite  # noqa: F401
from tests.contract.test_web_sessions import Browser, said
from tests.fakes import FakeClock

TOKEN = "metrics-token-for-the-retention-tests"
WINDOW = timedelta(hours=25)
HOA = ChatAddress(Platform.TELEGRAM, "7001")


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[Application]:  # noqa: F811
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        metrics_token=TOKEN,
        processed_update_retention_hours=25,
        session_idle_minutes=24 * 60,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=False, clock=FakeClock())
    yield application
    await application.close()


@pytest.fixture
async def http(app: Application) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        yield client


def clock(app: Application) -> FakeClock:
    assert isinstance(app.clock, FakeClock)
    return app.clock


async def rows(app: Application, table: type) -> int:
    async with app.engine.connect() as connection:
        query = select(func.count()).select_from(table)
        return int((await connection.execute(query)).scalar_one())


async def deliver(app: Application, update_id: str, text: str = "/start") -> tuple[bool, list[str]]:
    """The channel's call for one Telegram update: (was it a redelivery, the reply's keys)."""
    reply = await app.router.handle(Update(HOA, update_id, Incoming.from_text(text), deliver=True))
    return reply.duplicate, [m.text.key for m in reply.messages if m.text is not None]


async def test_a_redelivery_inside_the_window_is_answered_from_its_record_and_queues_nothing(
    app: Application,
) -> None:
    jobs = Jobs(app)
    duplicate, first = await deliver(app, "501")
    queued = await rows(app, OutboxRow)
    assert not duplicate and first and queued > 0

    clock(app).advance(hours=24, minutes=59)  # Telegram may still deliver it again
    await jobs.processed_retention()
    assert await rows(app, ProcessedUpdateRow) == 1
    assert await deliver(app, "501") == (True, first)
    assert await rows(app, OutboxRow) == queued  # nothing queued twice

    # Past the window no platform delivers it again (Telegram drops it after 24 h, the inbox
    # refuses a second delivery for 7 days): the record goes, and an update under that id —
    # which only a replay by hand could bring — would be a new one.
    clock(app).advance(minutes=2)
    await jobs.processed_retention()
    assert await rows(app, ProcessedUpdateRow) == 0
    duplicate, again = await deliver(app, "501")
    assert not duplicate and again == first  # applied as new, recorded again
    assert await rows(app, ProcessedUpdateRow) == 1
    # While the reply's outbox row is kept, its (recipient, event) key still refuses a second.
    assert await rows(app, OutboxRow) == queued


async def test_a_chat_with_an_update_pending_in_the_inbox_keeps_its_records(
    app: Application,
) -> None:
    jobs = Jobs(app)
    _, first = await deliver(app, "601")
    await deliver(app, "602", "/help")
    async with app.uow_factory() as uow:  # applied, then the applier died before marking it
        await uow.inbox.record("telegram", "602", HOA.key, {"update_id": 602}, clock(app).now())
        await uow.commit()
    other = ChatAddress(Platform.TELEGRAM, "7002")
    await app.router.handle(Update(other, "603", Incoming.from_text("/start"), deliver=True))

    clock(app).advance(days=10)  # the app was down, or the applier stuck, for days
    await jobs.processed_retention()
    assert await rows(app, ProcessedUpdateRow) == 2  # the other chat's record went
    queued = await rows(app, OutboxRow)
    assert (await deliver(app, "601"))[1] == first
    assert (await deliver(app, "602", "/help"))[0] is True  # the applier's retry: once only
    assert await rows(app, OutboxRow) == queued

    async with app.uow_factory() as uow:
        (pending,) = await uow.inbox.pending("telegram")
        await uow.inbox.applied(pending.id, clock(app).now())
        await uow.commit()
    await jobs.processed_retention()
    assert await rows(app, ProcessedUpdateRow) == 0


async def test_a_web_chat_keeps_its_history_while_its_session_lives(
    app: Application, http: httpx.AsyncClient
) -> None:
    jobs = Jobs(app)
    hoa = Browser(http)
    for text in ("xin chào", "khai sinh", "tạm trú"):  # one message a day, for three days
        await hoa.post(text=text)
        clock(app).advance(hours=20)
        await jobs.processed_retention()
    # The first message is 60 hours old, past the 25-hour window: the live session keeps it.
    history = await hoa.history()
    assert said(history) == ["xin chào", "khai sinh", "tạm trú"]
    assert await rows(app, ProcessedUpdateRow) == 3

    clock(app).advance(hours=24, minutes=1)  # unused for SESSION_IDLE_MINUTES: it has ended
    await jobs.processed_retention()
    assert await rows(app, ProcessedUpdateRow) == 0
    history = await hoa.history()  # the old cookie opens a new, empty chat
    assert said(history) == []


async def test_the_scheduler_job_prunes_in_batches_and_metrics_show_it(
    app: Application, http: httpx.AsyncClient
) -> None:
    async def scrape() -> dict[str, float]:
        response = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200, response.text
        return {
            name: float(value)
            for line in response.text.splitlines()
            if line.startswith("dvcbot_processed_updates")
            for name, value in [line.split(" ")]
        }

    assert await scrape() == {}  # nothing before the first pruning
    for n in range(7):
        await deliver(app, f"70{n}")
        clock(app).advance(hours=1)
    clock(app).advance(hours=21)  # the first three are now older than the window
    await Jobs(app).processed_retention()
    figures = await scrape()
    assert figures["dvcbot_processed_updates_pruned_total"] == 3
    assert figures["dvcbot_processed_updates_rows"] == 4
    assert figures["dvcbot_processed_updates_held"] == 0
    assert 24 * 3600 <= figures["dvcbot_processed_updates_oldest_age_seconds"] <= 25 * 3600

    clock(app).advance(hours=2)
    result = await prune_processed(app, retention_policy(app), batch=1)  # one row a batch
    assert result.pruned == 2 and result.stats.rows == 2
    figures = await scrape()
    assert figures["dvcbot_processed_updates_pruned_total"] == 5
    assert figures["dvcbot_processed_updates_rows"] == 2


def test_the_window_cannot_be_set_shorter_than_telegrams_redelivery() -> None:
    with pytest.raises(ValueError, match="at least"):
        RetentionPolicy(window=FLOOR - timedelta(minutes=1))
    with pytest.raises(ValueError, match="greater than or equal to 25"):
        Settings(processed_update_retention_hours=24, _env_file=None)  # type: ignore[call-arg]
    assert Settings(_env_file=None).processed_update_retention_hours == 72  # type: ignore[call-arg]
