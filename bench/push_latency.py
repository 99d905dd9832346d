"""Push latency: from the officer API call's return to the citizen's chat, Telegram's limits on.

A served app with its scheduler — `dvc-bot run` on a SQLite file (one process, the default),
and on PostgreSQL `dvc-bot web --workers 1` plus `dvc-bot scheduler` as two processes — runs
against the fake Bot API of the e2e tests in this process (30 msg/s per bot, 1 msg/s per chat
enforced; every accepted message time-stamped). Before it starts, the tree's own code files
K submitted dossiers (procedure «đăng ký tạm trú», ward police), each owned by a Telegram chat
and followed by another Telegram chat. Then M status changes are made through the officer REST
API (`POST /api/v1/dossiers/{code}/status` with an `X-API-Key`), one at a time with a random
pause of 0.2–1.0 s (so they fall at every phase of a periodic sweep): each dossier goes
1 → 2 (received), then 2 → 4 (processing). A push counts as arrived when the first message in
that chat naming the new status reaches the Bot API; latency is measured from the moment the
API call returned (the change is committed). Reported: p50/p95/max over every owner and
follower push, and pushes that never came within the window. Issue 11's target: p95 ≤ 2 s.
The same runs against a baseline commit (the code before issue 11) in a `git worktree`, the
app's processes from that tree; the fake Bot API and this harness from this checkout.

    python bench/push_latency.py                          # SQLite and PostgreSQL, both trees
    python bench/push_latency.py --databases sqlite --followers 20 --changes 40
    python bench/push_latency.py --trees current --postgres postgresql+asyncpg://…/test
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.app_proc import (
    AppProcess,
    environment,
    head_commit,
    named_trees,
    source_tree,
    telegram_settings,
    tree_name,
    wait_for,
    wait_for_scheduler,
)
from bench.common import machine, percentile
from bench.load_replies import Inbox
from services.dossier_codes import DossierStatus
from tests.e2e.fakes import FakeTelegram, free_port

BASELINE = "50e5367"  # main before issue 11
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
API_KEY = "bench-officer-key-0123456789abcdef"
OWNER_CHAT, FOLLOWER_CHAT = 700_000_001, 800_000_001
STEPS = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)  # each dossier: 1 → 2 → 4
# Files the dossiers with the measured tree's own code (run with PYTHONPATH at that tree).
SEED = """
import asyncio, json, sys
from datetime import UTC, datetime
from bot.bootstrap import build, prepare_database
from bot.settings import Settings
from services.dossier_codes import format_code
from services.dossiers import Dossier, Phase, payment_request, submitted
async def main(count, owner, follower):
    settings = Settings()
    engine = await prepare_database(settings)
    await engine.dispose()
    app = await build(settings, prepare=False)
    now = datetime.now(UTC)
    agency = app.catalog.agencies.get("ca-01273")
    proc = app.catalog.procedure("dang_ky_tam_tru")
    codes = []
    for n in range(count):
        code = format_code(agency.code, now.date(), 9000 + n)
        dossier = Dossier(
            id=f"bench-push-{n:04d}", code=code, procedure_id=proc.id, agency_id=agency.id,
            owner=f"telegram:{owner + n}", citizen_id=None,
            answers={"ho_ten": "Nông Thị Hoa", "so_nha": "12"}, attachments=(), fee=15000,
            created_at=now, phase=Phase.AWAITING_PAYMENT,
            payment=payment_request(code, 15000, now),
        )
        dossier = submitted(dossier, now, now.date(), proc.processing_days, "citizen")
        async with app.uow_factory() as uow:
            await uow.dossiers.add(dossier)
            await uow.dossiers.follow(dossier.id, f"telegram:{follower + n}", now)
            await uow.commit()
        codes.append(code)
    await app.close()
    print("CODES " + json.dumps(codes))
asyncio.run(main(*map(int, sys.argv[1:4])))
"""


@dataclass
class Pushes:
    """One tree's and database's measured run."""

    tree: str
    database: str
    followers: int
    changes: int
    window: float
    latencies: list[float] = field(default_factory=list)  # seconds, one per push that came
    missing: int = 0  # pushes that did not come within the window
    errors: list[str] = field(default_factory=list)

    def row(self) -> str:
        """A markdown table row."""
        if self.latencies:
            p50, p95 = percentile(self.latencies, 50), percentile(self.latencies, 95)
            figures = f"{p50:.2f} | {p95:.2f} | {max(self.latencies):.2f}"
            verdict = "**meets**" if p95 <= 2.0 and not self.missing else "misses"
        else:
            figures, verdict = "— | — | —", "misses"
        return (
            f"| {self.tree} | {self.database} | {self.followers} | {self.changes} "
            f"| {len(self.latencies) + self.missing} | {self.missing} | {figures} | {verdict} |"
        )


HEADER = (
    "| tree | database | dossiers (owner + follower chat) | status changes | pushes expected "
    "| not arrived | p50 s | p95 s | max s | p95 ≤ 2 s |\n|---|---|---|---|---|---|---|---|---|---|"
)


@dataclass
class Change:
    """One officer API call: which dossier, to what, and when it returned."""

    dossier: int
    status: DossierStatus
    returned: float


async def seed(tree: Path, env: dict[str, str], folder: Path, count: int) -> list[str]:
    """File `count` dossiers with the tree's own code; their codes."""
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", SEED, str(count), str(OWNER_CHAT), str(FOLLOWER_CHAT)],
        cwd=folder, env=env, capture_output=True, text=True,
    )  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith("CODES ")), None)
    if done.returncode or line is None:
        raise RuntimeError(f"seeding failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return list(json.loads(line[6:]))


@contextlib.asynccontextmanager
async def database(kind: str, folder: Path, server: str) -> AsyncIterator[str]:
    """A fresh database: a SQLite file in `folder`, or a new PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'db.sqlite3'}"
        return
    from bench.load_stack import fresh_database

    async with fresh_database(server) as url:
        yield url


async def start_app(
    tree: Path, env: dict[str, str], folder: Path, kind: str, tg: FakeTelegram
) -> list[AppProcess]:
    """SQLite: `run` (scheduler inside). PostgreSQL: `web --workers 1`, then `scheduler`."""
    url = env["DATABASE_URL"]
    if kind == "sqlite":
        processes = [AppProcess(tree, env, folder, "run").start()]
    else:
        processes = [AppProcess(tree, env, folder, "web", "--workers", "1").start()]
    await wait_for(lambda: tg.updates.webhook.config is not None, processes, 120, "the webhook")
    if kind != "sqlite":
        processes.append(AppProcess(tree, env, folder, "scheduler").start())
    await wait_for_scheduler(url, processes)
    return processes


async def change_all(
    session: aiohttp.ClientSession, base: str, codes: list[str], changes: int, rng: random.Random
) -> list[Change]:
    """M status changes through the officer API, a random pause between them."""
    made: list[Change] = []
    plan = [
        (step, n) for step in range(len(STEPS)) for n in rng.sample(range(len(codes)), len(codes))
    ]
    for step, n in plan[:changes]:
        await asyncio.sleep(rng.uniform(0.2, 1.0))
        status = STEPS[step]
        url = f"{base}/api/v1/dossiers/{codes[n]}/status"
        body = {"status": int(status), "note": "Ghi chú của bài đo."}
        async with session.post(url, json=body, headers={"X-API-Key": API_KEY}) as response:
            text = await response.text()
            returned = time.perf_counter()
            if response.status != 200:
                raise RuntimeError(f"officer API {response.status}: {text[:300]}")
        made.append(Change(n, status, returned))
    return made


def arrival_after(inbox: Inbox, chat: int, change: Change) -> float | None:
    """When the first message naming the change's new status reached `chat` (after the call
    began: pushes come after the commit, which is before the call returned)."""
    label = change.status.label("vi")
    for arrival in inbox.by_chat.get(chat, ()):
        if label in arrival.body and arrival.at >= change.returned - 5:
            return arrival.at
    return None


async def measure(
    tree: Path, label: str, kind: str, followers: int, changes: int, folder: Path, server: str
) -> Pushes:
    """One tree on one database: seed, serve, change, wait for the pushes."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    changes = min(changes, followers * len(STEPS))
    window = 30.0
    result = Pushes(label, kind, followers, changes, window)
    async with database(kind, folder, server) as url, FakeTelegram() as tg:
        inbox = Inbox(tg)
        port = free_port()
        settings = telegram_settings(tg.url, tg.token, port, True, "ptb")
        settings.update(DATABASE_URL=url, DATA_DIR=str(folder))
        settings["OFFICER_API_KEYS"] = json.dumps({API_KEY: "*"})
        env = environment(tree, settings)
        codes = await seed(tree, env, folder, followers)
        for n in range(followers):
            tg.register_chat(OWNER_CHAT + n)
            tg.register_chat(FOLLOWER_CHAT + n)
        tg.enforce_rate(30, 1)
        processes = await start_app(tree, env, folder, kind, tg)
        try:
            async with aiohttp.ClientSession() as session:
                made = await change_all(
                    session, f"http://127.0.0.1:{port}", codes, changes, random.Random(11)
                )
            end = time.perf_counter() + window
            pending = [(c, chat + c.dossier) for c in made for chat in (OWNER_CHAT, FOLLOWER_CHAT)]
            while time.perf_counter() < end:
                if all(arrival_after(inbox, chat, c) is not None for c, chat in pending):
                    break
                await asyncio.sleep(0.1)
            for change, chat in pending:
                at = arrival_after(inbox, chat, change)
                if at is None:
                    result.missing += 1
                else:
                    result.latencies.append(at - change.returned)
            result.errors = [e for p in processes for e in p.errors_logged()]
        finally:
            for process in reversed(processes):
                await asyncio.to_thread(process.stop)
    return result


async def run(args: argparse.Namespace) -> list[Pushes]:
    results: list[Pushes] = []
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="push-latency-") as tmp:
        for name, commit in named_trees(args.trees, args.baseline):
            with source_tree(commit) as tree:
                label = f"{name} `{head_commit(tree)}`"
                for kind in args.databases:
                    folder = Path(tmp) / f"{name}-{kind}"
                    pushes = await measure(
                        tree, label, kind, args.followers, args.changes, folder, args.postgres
                    )
                    results.append(pushes)
                    print(pushes.row(), flush=True)
                    for line in pushes.errors:
                        print(f"    app logged: {line}", flush=True)
    return results


def report(args: argparse.Namespace, results: list[Pushes]) -> str:
    """The markdown section: how it was measured, and the table."""
    return (
        "### Status pushes: officer API call → citizen's chat\n\n"
        f"_Measured on {machine()}._\n\n`python bench/push_latency.py --followers "
        f"{args.followers} --changes {args.changes} --baseline {args.baseline}` — SQLite: "
        "`dvc-bot run` (scheduler inside); PostgreSQL: `dvc-bot web --workers 1` + `dvc-bot "
        "scheduler`. Each dossier is owned by one Telegram chat and followed by another; "
        "every status change pushes to both. Latency: from the officer API call's return to "
        "the push's arrival at the fake Bot API (30 msg/s, 1 msg/s per chat enforced); "
        "status changes 0.2–1.0 s apart; pushes not arrived 30 s after the last change are "
        "counted apart.\n\n" + HEADER + "\n" + "\n".join(r.row() for r in results) + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--followers", type=int, default=20, help="dossiers (K), default 20")
    parser.add_argument("--changes", type=int, default=40, help="status changes (M ≤ 2K)")
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgres"),
                        default=["sqlite", "postgres"])  # fmt: skip
    parser.add_argument(
        "--trees", nargs="+", type=tree_name, default=["baseline", "current"],
        help="baseline, current, or NAME=COMMIT (any commit or branch)",
    )  # fmt: skip
    parser.add_argument("--baseline", default=BASELINE, help=f"commit (default {BASELINE})")
    parser.add_argument("--postgres", default=POSTGRES, help="server for the fresh databases")
    parser.add_argument("--out", type=Path, help="also write the markdown section here")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    section = report(args, results)
    print("\n" + section)
    if args.out:
        args.out.write_text(section, encoding="utf-8")


if __name__ == "__main__":
    main()
