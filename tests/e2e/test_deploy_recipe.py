"""docs/deploy.md, followed on this machine: the production environment file is read from the
page, and only what the machine cannot provide is changed (see "What the test changes" there).

A fresh PostgreSQL database; `dvc-bot seed` (the migrate unit); `dvc-bot web --workers 2` and two
`dvc-bot scheduler` (one runs, one stands by) as subprocesses in production mode, with local fakes
of the SMS gateway, the population registry and the Bot API. A citizen logs in and files a
dossier with a document; more chats and a Telegram update arrive on both workers; /metrics adds
both workers up, behind its token, with no personal data; /readyz answers 503 while the web's
database connection is cut and 200 once it is back; the active scheduler is killed and the
standby takes over (heartbeat, and an officer's status change pushed to the citizen). Then the
documented backup (pg_dump + the file store) is restored into a new database and served with
the same SECRET_KEY: the chat, the dossier and its document are all there.

The SQLite default's online backup (`.backup`, `VACUUM INTO`) is exercised in process.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import signal
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
from dotenv import dotenv_values

from bot.bootstrap import build
from bot.settings import Settings
from conversations.messages import ChatAddress, Incoming, Platform
from conversations.router import Update
from storage.admin_units import load_places
from storage.demo_registry import load_people
from tests.contract.fake_http_servers import FakeRegistryServer, FakeSmsGateway
from tests.e2e.conftest import free_port
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.e2e.recipe_units import (
    DEADLINE,
    PG,
    PG_ARGS,
    Relay,
    Service,
    answers,
    command,
    database,
    heartbeat,
    until,
)
from tests.e2e.test_status_journey import WebChat, file_free_dossier
from tests.privacy import note_codes
from tests.unit.test_filing_flow import PDF
from tests.unit.test_login_flow import HOA_ID, HOA_PHONE

RECIPE = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
OFFICER_KEY = "officer-key-of-the-recipe-test-" + secrets.token_hex(8)
METRICS_TOKEN = secrets.token_hex(32)
WEB_CHAT = "recipecitizen0001"
TG_CHAT = 7_700_001
PERSONAL = (HOA_ID, HOA_PHONE, "84" + HOA_PHONE[1:], WEB_CHAT, str(TG_CHAT), "recipeextra")


def recipe_environment() -> dict[str, str]:
    """The environment file of section 3 of docs/deploy.md, as systemd and dotenv read it."""
    found = re.search(r"```sh\n(# /etc/dvc-bot/dvc-bot\.env\n.*?)```", RECIPE.read_text(), re.S)
    assert found is not None, "docs/deploy.md lost its environment file"
    values = dotenv_values(stream=io.StringIO(found.group(1)))
    return {key: value for key, value in values.items() if value is not None}


def local_environment(
    recipe: dict[str, str], database_url: str, data_dir: Path, port: int, fakes: Fakes
) -> dict[str, str]:
    """The recipe's environment with the lines the doc lists as changed, and nothing else."""
    ours = {name.upper() for name in Settings.model_fields} | {"PROMETHEUS_MULTIPROC_DIR"}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update({k: v for k, v in recipe.items() if not k.startswith("ZALO_")})
    env.update(
        DATABASE_URL=database_url,
        DATA_DIR=str(data_dir),
        PORT=str(port),
        SECRET_KEY=secrets.token_hex(32),
        AGENCY_CODE_SUFFIX="H99",
        PAYMENT_ACCOUNT_NUMBER="0071000123456",
        SMS_GATEWAY_URL=f"{fakes.sms.url}/sms",
        SMS_GATEWAY_TOKEN=fakes.sms.token,
        CITIZEN_REGISTRY_URL=f"{fakes.registry.url}/v1",
        CITIZEN_REGISTRY_TOKEN=fakes.registry.token,
        SEPAY_WEBHOOK_SECRET=secrets.token_hex(32),
        CASSO_WEBHOOK_SECRET=secrets.token_hex(32),
        TELEGRAM_BOT_TOKEN=fakes.tg.token,
        TELEGRAM_API_BASE_URL=fakes.tg.url,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=secrets.token_hex(32),
        OFFICER_API_KEYS=json.dumps({OFFICER_KEY: "*"}),
        ADMIN_CHATS=json.dumps([f"telegram:{TG_CHAT + 1}"]),
        METRICS_TOKEN=METRICS_TOKEN,
        FLOOD_BURST="0",  # the scripted citizen answers at machine speed
        PYTHONUNBUFFERED="1",
    )
    assert not [k for k, v in env.items() if "CHANGE-ME" in v], "a placeholder was left"
    return env


class Fakes:
    """The services production talks to, served locally."""

    def __init__(self) -> None:
        self.sms = FakeSmsGateway(token=secrets.token_hex(16))
        self.registry = FakeRegistryServer(load_people(load_places()), token=secrets.token_hex(16))
        self.tg = FakeTelegram()


async def login(web: WebChat, sms: FakeSmsGateway) -> None:
    """Log in as Nông Thị Hoa; the code comes through the (fake) SMS gateway."""
    await web.send("/start")
    await web.send("/login")
    if "consent.notice" in web.keys:
        await web.press("Tôi đồng ý")
    await web.send(HOA_ID)
    before = len(sms.requests)
    await web.send(HOA_PHONE)
    await sms.wait_for(before + 1)
    text = str(sms.requests[-1].body["text"])
    note_codes(text)
    code = re.search(r"\b\d{6}\b", text)
    assert code is not None
    await web.send(code.group(0))
    assert web.keys[0] == "login.success", web.keys


def metric(exposition: str, name: str, **labels: str) -> float:
    """One sample's value (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in exposition.splitlines():
        sample, _, value = line.rpartition(" ")
        if sample == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    return 0.0


async def scrape(url: str) -> str:
    """GET /metrics with the token, on a new connection (any worker may answer)."""
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{url}/metrics", headers=bearer)
    assert response.status_code == 200, response.text
    return response.text


class Deployment:
    """The units of the recipe on one database, and what the test did through them."""

    def __init__(self, root: Path, env: dict[str, str], name: str, fakes: Fakes) -> None:
        self.root, self.env, self.name, self.fakes = root, env, name, fakes
        self.data = Path(env["DATA_DIR"])
        self.url = f"http://127.0.0.1:{env['PORT']}"
        self.relay = Relay()
        self.services: list[Service] = []
        self.metrics_port: dict[str, int] = {}  # scheduler name → METRICS_PORT
        self.web: Service | None = None
        self.active: Service | None = None
        self.standby: Service | None = None
        self.citizen: WebChat | None = None
        self.sent = 0  # web chat updates applied

    def start(self, name: str, args: list[str], **env: str) -> Service:
        service = Service(name, args, {**self.env, **env}, self.root).start()
        self.services.append(service)
        return service

    async def stop_all(self, sig: int = signal.SIGKILL) -> None:
        for service in self.services:
            await service.stop(sig)
        await self.relay.cut()

    async def start_units(self) -> None:
        """dvc-bot seed; then dvc-bot web --workers 2 (its database through the relay) and
        two schedulers, one of which must stand by."""
        seed = self.start("seed", ["seed"])
        await until(lambda: not seed.alive(), "dvc-bot seed")
        assert seed.process is not None and seed.process.returncode == 0, seed.tail()
        await self.relay.start()
        relayed = PG.set(port=self.relay.port, database=self.name)
        self.web = self.start(
            "web", ["web", "--workers", "2"], DATABASE_URL=relayed.render_as_string(False)
        )
        self.metrics_port = {"scheduler-1": free_port(), "scheduler-2": free_port()}
        first, second = (
            self.start(name, ["scheduler"], METRICS_PORT=str(port))
            for name, port in self.metrics_port.items()
        )
        await until(lambda: answers(f"{self.url}/healthz"), "/healthz", self.web)
        running = "scheduler running"
        await until(lambda: first.said(running) or second.said(running), "a scheduler")
        self.active, self.standby = (first, second) if first.said(running) else (second, first)
        await self.standby.wait_said("standing by")
        for port in self.metrics_port.values():
            await until(lambda p=port: answers(f"http://127.0.0.1:{p}/readyz"), "scheduler /readyz")

    async def file_a_dossier(self) -> str:
        """Log in and file a free dossier with a PDF, on one connection (so one worker)."""
        async with httpx.AsyncClient(base_url=self.url, timeout=60) as http:
            self.citizen = WebChat(http, chat_id=WEB_CHAT)
            await login(self.citizen, self.fakes.sms)
            code = await file_free_dossier(self.citizen)
        self.sent += self.citizen.seq
        return code

    async def reach_both_workers(self) -> None:
        """More chats, each on a new connection, until both workers have applied updates
        (each writes its own counter file in the multiprocess directory)."""
        seen: set[str] = set()
        for n in range(200):
            async with httpx.AsyncClient(base_url=self.url, timeout=30) as http:
                body = {"seq": 1, "text": "/start"}  # a new connection, a new session
                assert (await http.post("/chat/api/message", json=body)).status_code == 200
            self.sent += 1
            seen = {f.name.split("_")[1] for f in self.data.glob("metrics/web-*/counter_*.db")}
            if len(seen) == 2 and n >= 3:
                return
        raise AssertionError(f"only workers {seen} took updates")


async def check_metrics(deployment: Deployment) -> None:
    """Both workers' counters add up whichever worker answers; token; no personal data."""
    tg = deployment.fakes.tg
    await tg.user_text(TG_CHAT, "/start")
    await tg.wait_for(TG_CHAT, count=1, timeout=DEADLINE)  # the greeting with its menu
    async with httpx.AsyncClient(base_url=deployment.url, timeout=30) as http:
        assert (await http.post("/payments/webhook", json={"phone": HOA_PHONE})).status_code == 401
        assert (await http.get("/metrics")).status_code == 401
    sent = deployment.sent
    for text in [await scrape(deployment.url) for _ in range(4)]:
        assert metric(text, "dvcbot_updates_total", outcome="handled", platform="web") == sent
        assert metric(text, "dvcbot_updates_total", outcome="handled", platform="telegram") == 1
        assert metric(text, "dvcbot_step_seconds_count", platform="web") == sent
        refused = {"reason": "missing_auth", "source": "payments"}
        assert metric(text, "dvcbot_webhook_rejections_total", **refused) == 1
        assert metric(text, "dvcbot_scheduler_heartbeat_timestamp_seconds") > 0
        assert 'dvcbot_outbox_depth{platform="web"}' in text
        for personal in PERSONAL:
            assert personal not in text


async def check_readiness_during_an_outage(deployment: Deployment) -> None:
    """503 naming the database while the web's connection is cut; 200 once it is back."""
    await deployment.relay.cut()
    async with httpx.AsyncClient(base_url=deployment.url, timeout=30) as http:
        down = await http.get("/readyz")
        assert (await http.get("/healthz")).status_code == 200  # alive, only not ready
    assert down.status_code == 503 and down.json()["failed"] == "database", down.text
    assert "Traceback" not in down.text and "postgres" not in down.text
    await deployment.relay.start()
    await until(lambda: answers(f"{deployment.url}/readyz"), "/readyz back", deployment.web)


async def check_take_over(deployment: Deployment, database_url: str, code: str) -> None:
    """Kill the active scheduler; the standby's heartbeat moves on and it pushes an
    officer's status change to the citizen."""
    assert deployment.active and deployment.standby and deployment.citizen
    beat = await heartbeat(database_url)
    await deployment.active.stop(signal.SIGKILL)
    async with httpx.AsyncClient(base_url=deployment.url, timeout=30) as http:
        change = await officer_sets_received(http, code)
        assert change.status_code == 200, change.text
        await deployment.standby.wait_said("scheduler running")
        await until(lambda: _moved(database_url, beat), "a new heartbeat", deployment.standby)
        http.cookies = deployment.citizen.http.cookies  # her session, on a new connection
        deployment.citizen.http = http
        await until(lambda: _pushed(deployment.citizen), "the status push", deployment.standby)
    port = deployment.metrics_port[deployment.standby.name]
    assert "dvcbot_sends_total" in await scrape(f"http://127.0.0.1:{port}")


async def officer_sets_received(http: httpx.AsyncClient, code: str) -> httpx.Response:
    """The officer's status change, tried again as an officer's client would when a worker
    whose pooled connection died with the cut relay answers 5xx once (or drops the connection)
    and replaces it."""
    for _ in range(3):
        try:
            change = await http.post(
                f"/api/v1/dossiers/{code}/status",
                headers={"X-API-Key": OFFICER_KEY},
                json={"status": 2, "note": "Đã tiếp nhận"},
            )
        except httpx.TransportError:
            continue
        if change.status_code != 500:
            return change
    raise AssertionError("the officer API answered 5xx or dropped the connection three times")


async def _moved(database_url: str, beat: int) -> bool:
    return await heartbeat(database_url) > beat


async def _pushed(citizen: WebChat | None) -> bool:
    """Whether the status push reached her page. A poll answered 5xx by a worker whose pooled
    connection died with the cut relay (it replaces it) is polled again, as the page does."""
    assert citizen is not None
    try:
        events = await citizen.events()
    except json.JSONDecodeError:  # "Internal Server Error": not JSON, not an answer
        return False
    return any(m["key"] == "push.status" for m in events)


async def back_up(deployment: Deployment, backup: Path) -> None:
    """Section 8: pg_dump, then the file store; then the units stop."""
    dump = backup / "dvcbot.dump"
    await command("pg_dump", *PG_ARGS, "--format=custom", f"--file={dump}", deployment.name)
    await command("tar", "-C", str(deployment.data), "-czf", str(backup / "files.tar.gz"), "files")
    assert deployment.web is not None
    for line in deployment.web.log.read_text().splitlines():  # LOG_FORMAT=json
        assert set(json.loads(line)) >= {"time", "level", "logger", "message"}, line
    await deployment.stop_all(signal.SIGTERM)


async def restore(deployment: Deployment, backup: Path, into: str, code: str) -> None:
    """pg_restore into a new database, the files into a new folder, the same SECRET_KEY:
    the citizen's chat, the dossier and its document are back."""
    restored = deployment.root / "restored"
    restored.mkdir()
    dump = str(backup / "dvcbot.dump")
    await command("pg_restore", *PG_ARGS, "--no-owner", "--exit-on-error", f"--dbname={into}", dump)
    await command("tar", "-C", str(restored), "-xzf", str(backup / "files.tar.gz"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    web = deployment.start(
        "web-restored",
        ["web", "--workers", "1"],
        DATABASE_URL=PG.set(database=into).render_as_string(hide_password=False),
        DATA_DIR=str(restored),
        PORT=str(port),
        TELEGRAM_WEBHOOK_URL=f"{url}/telegram/webhook",
    )
    await until(lambda: answers(f"{url}/readyz"), "the restored web", web)
    citizen = deployment.citizen
    assert citizen is not None
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        http.cookies = citizen.http.cookies  # her browser's session, restored with the data
        citizen.http = http
        await citizen.send("/mydossiers")
        assert citizen.keys == ["dossiers.list"]  # still logged in: the chat state is back
        assert code in json.dumps(citizen.replies, ensure_ascii=False)  # in its button
        key = {"X-API-Key": OFFICER_KEY}
        detail = (await http.get(f"/api/v1/dossiers/{code}", headers=key)).json()
        assert detail["status"] == 2 and detail["attachments"], detail
        document = await http.get(detail["attachments"][0]["download_url"], headers=key)
        assert document.status_code == 200 and document.content == PDF


async def test_the_deploy_recipe(tmp_path: Path) -> None:
    recipe = recipe_environment()
    assert recipe["ENVIRONMENT"] == "production" and recipe["LOG_FORMAT"] == "json"
    assert recipe["SCHEDULER"] == "false" and "METRICS_PORT" not in recipe
    name = f"dvcbot_recipe_{secrets.token_hex(4)}"
    (tmp_path / "data").mkdir()
    (tmp_path / "backup").mkdir()
    async with AsyncExitStack() as stack:
        fakes = Fakes()
        for server in (fakes.sms, fakes.registry):
            await server.start()
            stack.push_async_callback(server.stop)
        await stack.enter_async_context(fakes.tg)
        fakes.tg.register_chat(TG_CHAT)
        url = await stack.enter_async_context(database(name))
        env = local_environment(recipe, url, tmp_path / "data", free_port(), fakes)
        deployment = Deployment(tmp_path, env, name, fakes)
        stack.push_async_callback(deployment.stop_all)

        await deployment.start_units()
        code = await deployment.file_a_dossier()
        await deployment.reach_both_workers()
        await check_metrics(deployment)
        await check_readiness_during_an_outage(deployment)
        await check_take_over(deployment, url, code)
        await back_up(deployment, tmp_path / "backup")
        assert not list(deployment.data.glob("metrics/web-*")), "dvc-bot web left its metrics"
        await stack.enter_async_context(database(f"{name}_restored"))
        await restore(deployment, tmp_path / "backup", f"{name}_restored", code)


async def test_the_sqlite_online_backup_restores_the_chat_and_its_files(tmp_path: Path) -> None:
    """The SQLite default (section 8): `.backup` and `VACUUM INTO` while the bot has the
    database open, the files, the development secret.key; each copy restores the chat."""
    live, backup = tmp_path / "live", tmp_path / "backup"
    backup.mkdir()
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{live / 'dvc-bot.sqlite3'}",
        data_dir=live,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await build(settings)
    address = ChatAddress(Platform.WEB, "sqlitebackup0001")
    try:
        first = await app.router.handle(Update(address, "1", Incoming.from_text("/start")))
        ref = app.files.put(PDF)
        database = str(live / "dvc-bot.sqlite3")
        await command("sqlite3", database, f".backup '{backup / 'by-backup.sqlite3'}'")
        await command("sqlite3", database, f"VACUUM INTO '{backup / 'by-vacuum.sqlite3'}'")
        await command("tar", "-C", str(live), "-czf", str(backup / "files.tar.gz"), "files")
    finally:
        await app.close()
    for copy in ("by-backup.sqlite3", "by-vacuum.sqlite3"):
        restored = tmp_path / f"restored-{copy}"
        restored.mkdir()
        shutil.copyfile(backup / copy, restored / "dvc-bot.sqlite3")
        await command("tar", "-C", str(restored), "-xzf", str(backup / "files.tar.gz"))
        shutil.copyfile(live / "secret.key", restored / "secret.key")
        again = await build(
            settings.model_copy(
                update={
                    "database_url": f"sqlite+aiosqlite:///{restored / 'dvc-bot.sqlite3'}",
                    "data_dir": restored,
                }
            ),
            prepare=False,
        )
        try:
            replay = await again.router.handle(Update(address, "1", Incoming.from_text("/start")))
            assert replay.duplicate and replay.messages == first.messages  # sealed, readable
            assert again.files.get(ref) == PDF
        finally:
            await again.close()
