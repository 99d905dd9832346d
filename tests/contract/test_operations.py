"""Operations endpoints on SQLite and PostgreSQL: /readyz names the check that failed (and
nothing else), /metrics counts updates, sends and webhook refusals and reads the outbox from
the database, behind its bearer token, with no personal data in any label or value; the
scheduler role serves its own counters on METRICS_PORT; `dvc-bot web` gets a fresh directory
for its workers' metric files."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.script import ScriptDirectory
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import Application, build, prepare_database
from bot.channels.telegram_runtime import build_telegram, webhook_secret
from bot.channels.telegram_webhook import PATH as TELEGRAM_PATH
from bot.channels.telegram_webhook import SECRET_HEADER
from bot.metrics import MULTIPROC_ENV, worker_metrics
from bot.scheduler import Jobs, Scheduler
from bot.settings import Settings
from bot.web.app import create_http_app
from bot.web.ops import serving_ops
from conversations.messages import Outgoing, Text
from conversations.router import Reply, Router, Update
from services.codec import to_json
from services.outbox import OutboxItem
from services.sending import Delivery, Outcome
from storage.database import create_engine
from storage.migrate import alembic_config
from tests.contract.conftest import run_blocking
from tests.e2e.conftest import free_port
from tests.fakes import FakeClock
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE

TOKEN = "metrics-token-for-the-contract-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WEB_CHAT = "opschat0912345678"  # a chat id that contains a phone-like run on purpose
TG_CHATS = ("telegram:5550001", "telegram:5550002", "telegram:5550003")
ZALO = {"zalo_app_id": "4242424242", "zalo_oa_secret_key": "oa-secret", "zalo_app_secret": "s"}
PERSONAL = (HOA_ID, HOA_PHONE, "84" + HOA_PHONE[1:], WEB_CHAT, "5550001", "5550002", "5550003")
CLOSED_LABELS = {
    "platform": {"web", "telegram", "zalo"},
    "outcome": {"handled", "duplicate", "error", *(o.value for o in Outcome)},
    "status": {"pending", "sending", "sent", "failed", "undeliverable", "unknown", "cancelled"},
    "source": {"telegram", "zalo", "payments"},
}


@pytest.fixture(scope="session")
def seeded_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the catalogue (seeding parses YAML: done once)."""
    path = tmp_path_factory.mktemp("ops") / "seeded.sqlite3"
    shutil.copyfile(sqlite_template, path)
    run_blocking(_seed(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def seeded_postgres(postgres_url: str) -> str:
    """The session's PostgreSQL database with the catalogue (its tables are never emptied)."""
    run_blocking(_seed(postgres_url))
    return postgres_url


async def _seed(url: str) -> None:
    engine = await prepare_database(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each kind, with the catalogue."""
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"
        shutil.copyfile(request.getfixturevalue("seeded_sqlite"), path)
        return f"sqlite+aiosqlite:///{path}"
    request.getfixturevalue("postgres_engine")  # empties the tables
    return str(request.getfixturevalue("seeded_postgres"))


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[Application]:
    """The real application, with Telegram (by webhook) and Zalo configured so that their
    webhook routes exist."""
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        metrics_token=TOKEN,
        telegram_bot_token="123456:" + "A" * 35,
        telegram_webhook_url="https://bot.example.vn/telegram/webhook",
        telegram_api_base_url="http://127.0.0.1:9",
        zalo_api_base_url="http://127.0.0.1:9",
        zalo_oauth_base_url="http://127.0.0.1:9",
        **ZALO,
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=False, clock=FakeClock())
    yield application
    await application.close()


@dataclass
class Client:
    """The ASGI app in process, with the web chat's message call."""

    http: httpx.AsyncClient
    seq: int = 0

    async def say(self, text: str = "", payload: str = "", seq: int | None = None) -> Any:
        if seq is None:
            self.seq += 1
            seq = self.seq
        body = {"seq": seq, "text": text or None, "payload": payload or None}
        return await self.http.post("/chat/api/message", json=body)

    async def scrape(self) -> str:
        response = await self.http.get("/metrics", headers=AUTH)
        assert response.status_code == 200, response.text
        return response.text


@pytest.fixture
async def client(app: Application) -> AsyncIterator[Client]:
    http = create_http_app(app)
    telegram = build_telegram(app)
    assert telegram is not None
    http.include_router(telegram.webhook_router())
    transport = httpx.ASGITransport(app=http)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as session:
        yield Client(session)


def samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample by (name, labels)."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(exposition)
        for s in family.samples
    }


def value(exposition: str, name: str, **labels: str) -> float:
    return samples(exposition).get((name, frozenset(labels.items())), 0.0)


def assert_no_personal_data(exposition: str) -> None:
    for secret in PERSONAL:
        assert secret not in exposition
    for (_name, labels), _value in samples(exposition).items():
        for label, content in labels:
            if label in CLOSED_LABELS:
                assert content in CLOSED_LABELS[label], (label, content)
            else:  # reason, le: short words or numbers, never a run of digits like an id
                assert re.fullmatch(r"[a-z_]{1,32}|[0-9.e+]+|\+Inf", content), (label, content)
                assert not re.search(r"\d{6,}", content)


# -- /readyz ---------------------------------------------------------------------------------


async def test_ready_when_the_database_answers_and_the_schema_is_current(client: Client) -> None:
    response = await client.http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert (await client.http.get("/healthz")).json() == {"status": "ok"}


async def test_unready_when_migrations_are_behind(app: Application, client: Client) -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    head = scripts.get_current_head()
    assert head is not None
    previous = scripts.get_revision(head).down_revision
    await _set_revision(app.engine, str(previous))
    try:
        response = await client.http.get("/readyz")
    finally:
        await _set_revision(app.engine, head)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unready",
        "failed": "migrations",
        "checks": {"database": "ok", "migrations": "behind", "disk": "ok"},
    }
    assert (await client.http.get("/readyz")).status_code == 200


async def _set_revision(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
        )


async def test_unready_while_the_database_is_unreachable(
    app: Application, client: Client, tmp_path: Path
) -> None:
    if app.engine.dialect.name == "sqlite":
        (tmp_path / "not-a-database").mkdir()
        url = f"sqlite+aiosqlite:///{tmp_path / 'not-a-database'}"
    else:
        url = f"postgresql+asyncpg://postgres:hunter2@127.0.0.1:{free_port()}/dvcbot"
    real, app.engine = app.engine, create_engine(url)
    try:
        response = await client.http.get("/readyz")
        alive = await client.http.get("/healthz")
        scraped = await client.http.get("/metrics", headers=AUTH)
    finally:
        await app.engine.dispose()
        app.engine = real
    assert response.status_code == 503
    assert response.json() == {
        "status": "unready",
        "failed": "database",
        "checks": {"database": "unreachable", "migrations": "unknown", "disk": "ok"},
    }
    for leak in ("Traceback", "hunter2", "postgres", "127.0.0.1", "sqlite", str(tmp_path)):
        assert leak not in response.text
    assert alive.status_code == 200  # the process is alive: only readiness fails
    assert scraped.status_code == 200 and "dvcbot_outbox_depth" not in scraped.text
    assert (await client.http.get("/readyz")).status_code == 200


# -- /metrics --------------------------------------------------------------------------------


async def test_metrics_need_the_bearer_token(client: Client) -> None:
    assert (await client.http.get("/metrics")).status_code == 401
    wrong = await client.http.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    basic = await client.http.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    response = await client.http.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")


async def test_updates_are_counted_and_timed_without_personal_data(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await client.say("/start")
    assert first.status_code == 200
    replies = (await client.say("/login")).json()["messages"]
    assert replies[-1]["key"] == "consent.notice"
    await client.say(payload=replies[-1]["buttons"][0][0]["payload"])  # Tôi đồng ý
    await client.say(HOA_ID)
    sent = (await client.say(HOA_PHONE)).json()["messages"]
    assert [m["key"] for m in sent] == ["login.code_sent", "login.ask_code"]
    assert (await client.say("/start", seq=1)).status_code == 200  # a retry: applied once
    handled = client.seq

    async def broken(self: Router, update: Update) -> Reply:
        raise RuntimeError(f"database is down for {update.address.key}")

    monkeypatch.setattr(Router, "handle", broken)
    assert (await client.say("/help")).status_code == 503
    monkeypatch.undo()

    scraped = await client.scrape()
    assert value(scraped, "dvcbot_updates_total", platform="web", outcome="handled") == handled
    assert value(scraped, "dvcbot_updates_total", platform="web", outcome="duplicate") == 1
    assert value(scraped, "dvcbot_updates_total", platform="web", outcome="error") == 1
    assert value(scraped, "dvcbot_step_seconds_count", platform="web") == handled + 2
    assert value(scraped, "dvcbot_step_seconds_sum", platform="web") > 0
    assert_no_personal_data(scraped)


async def test_webhook_refusals_are_counted_by_source_and_reason(
    app: Application, client: Client
) -> None:
    personal = json.dumps({"phone": HOA_PHONE, "id": HOA_ID, "chat": WEB_CHAT}).encode()
    secret = webhook_secret(app.settings)
    refusals = [
        ("/payments/webhook", {}, personal, 401),  # missing_auth
        ("/payments/webhook", {"X-Casso-Signature": "t=1,v1=00"}, personal, 401),
        ("/payments/webhook", {}, b"x" * (64 * 1024 + 1), 413),
        ("/zalo/webhook", {}, personal, 401),  # unsigned
        ("/zalo/webhook", {"X-ZEvent-Signature": "mac=00"}, personal, 400),  # no timestamp
        ("/zalo/webhook", {"X-ZEvent-Signature": "mac=00"}, b"{" * 300_000, 413),
        (TELEGRAM_PATH, {SECRET_HEADER: "wrong"}, personal, 401),
        (TELEGRAM_PATH, {SECRET_HEADER: secret}, personal, 400),  # no update_id
    ]
    for path, headers, body, status in refusals:
        response = await client.http.post(path, content=body, headers=headers)
        assert response.status_code == status, (path, response.text)
    scraped = await client.scrape()
    expected = {
        ("payments", "missing_auth"): 1,
        ("payments", "not_configured"): 1,
        ("payments", "too_large"): 1,
        ("zalo", "unsigned"): 1,
        ("zalo", "malformed"): 1,
        ("zalo", "too_large"): 1,
        ("telegram", "bad_secret"): 1,
        ("telegram", "malformed"): 1,
    }
    counted = {
        (dict(labels)["source"], dict(labels)["reason"]): v
        for (name, labels), v in samples(scraped).items()
        if name == "dvcbot_webhook_rejections_total"
    }
    assert counted == expected
    assert_no_personal_data(scraped)


class ScriptedTransport:
    """A platform that answers each chat as scripted (or raises)."""

    platform = "telegram"

    def __init__(self, answers: dict[str, Delivery | Exception]) -> None:
        self.answers = answers

    async def deliver(self, item: OutboxItem) -> Delivery:
        answer = self.answers[item.recipient]
        if isinstance(answer, Exception):
            raise answer
        return answer


async def test_sends_and_the_outbox_are_counted(app: Application, client: Client) -> None:
    message = to_json(Outgoing(Text("raw", {"text": f"Gửi {HOA_PHONE}"})))
    async with app.uow_factory() as uow:
        for chat in TG_CHATS:
            await uow.outbox.enqueue(chat, f"status:{chat}", message, app.clock.now())
        await uow.commit()
    before = await client.scrape()
    assert value(before, "dvcbot_outbox_depth", platform="telegram") == 3
    assert value(before, "dvcbot_outbox_depth", platform="zalo") == 0

    answers: dict[str, Delivery | Exception] = {
        TG_CHATS[0]: Delivery(Outcome.SENT),
        TG_CHATS[1]: Delivery(Outcome.BLOCKED, error="Forbidden: bot was blocked by the user"),
        TG_CHATS[2]: RuntimeError("cannot render this message"),
    }
    scheduler = Scheduler(app, [ScriptedTransport(answers)])
    assert await scheduler.senders[0].run_once() == 3
    await Jobs(app).heartbeat()

    after = await client.scrape()
    for outcome in ("sent", "blocked", "error"):
        assert value(after, "dvcbot_sends_total", platform="telegram", outcome=outcome) == 1
    rows = {"sent": 1, "undeliverable": 1, "pending": 1, "failed": 0, "unknown": 0}
    for status, count in rows.items():
        assert value(after, "dvcbot_outbox_rows", platform="telegram", status=status) == count
    assert value(after, "dvcbot_outbox_depth", platform="telegram") == 1  # retried later
    beat = value(after, "dvcbot_scheduler_heartbeat_timestamp_seconds")
    assert beat == int(app.clock.now().timestamp())
    assert_no_personal_data(after)


# -- the scheduler role's endpoint, and the web workers' directory ---------------------------


async def test_the_scheduler_serves_its_own_counters_on_metrics_port(
    seeded_sqlite: Path, tmp_path: Path
) -> None:
    shutil.copyfile(seeded_sqlite, tmp_path / "db.sqlite3")
    port = free_port()
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}",
        data_dir=tmp_path,
        metrics_port=port,
        metrics_token=TOKEN,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await build(settings, prepare=False)
    try:
        app.metrics.delivered("telegram", "sent")
        async with (
            serving_ops(app),
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http,
        ):
            assert (await http.get("/healthz")).status_code == 200
            assert (await http.get("/readyz")).json()["status"] == "ready"
            assert (await http.get("/metrics")).status_code == 401
            scraped = (await http.get("/metrics", headers=AUTH)).text
    finally:
        await app.close()
    assert value(scraped, "dvcbot_sends_total", platform="telegram", outcome="sent") == 1
    assert "dvcbot_outbox_depth" not in scraped  # the web's /metrics reads the database


def test_web_workers_get_a_fresh_metrics_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    root = tmp_path / "metrics"
    stale, live = root / "web-4194999", root / f"web-{os.getppid()}"
    for folder in (stale, live, root / f"web-{os.getpid()}"):
        folder.mkdir(parents=True)
        (folder / "counter_1.db").write_bytes(b"old")
    with worker_metrics(tmp_path, 1) as single:
        assert single is None and MULTIPROC_ENV not in os.environ
    with worker_metrics(tmp_path, 2) as path:
        assert path == root / f"web-{os.getpid()}"
        assert os.environ[MULTIPROC_ENV] == str(path)
        assert list(path.iterdir()) == []  # fresh: nothing of an earlier run counts
        assert not stale.exists()  # its process is gone
        assert (live / "counter_1.db").exists()  # another running `dvc-bot web`'s
    assert MULTIPROC_ENV not in os.environ and not path.exists()
