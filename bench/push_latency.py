"""Push latency: from the officer's API call to the status push in each Telegram chat.

`dvc-bot run` in this process (SQLite, the web app under uvicorn, the scheduler and its
Telegram sender) against the fake Bot API with Telegram's limits enforced (30 messages/s,
1 per chat per second). `--dossiers` dossiers, each owned by a Telegram chat and followed by
`--followers` other chats; an officer moves them one after the other (`--gap` seconds
apart) through the REST API. Measured per message: from the moment the API answered (the
change committed) until the fake Bot API received the push. The sweep is set to an hour
(`--sweep` to change it), so every push measured was woken by its commit.

    python bench/push_latency.py                   # 40 dossiers × (owner + 3 followers)
    python bench/push_latency.py --sweep 15        # as deployed by default (same figures)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, percentile
from bot.bootstrap import build, prepare_database
from bot.scheduler import Scheduler
from bot.senders import build_transports
from bot.settings import Settings
from bot.web.app import create_http_app
from tests.e2e.fakes import FakeTelegram
from tests.e2e.test_zalo_channel import Served
from tests.fakes import FakeClock
from tests.unit.test_status_flow import make_dossier

KEY = "bench-officer-key-0123456789abcdef"
OWNER0, FOLLOWER0 = 600_000, 700_000


async def run(dossiers: int, followers: int, gap: float, sweep: int) -> list[float]:
    """The latencies (seconds) of every push."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        async with FakeTelegram() as tg:
            tg.enforce_rate(global_per_s=30, per_chat_per_s=1)
            settings = Settings(
                database_url=f"sqlite+aiosqlite:///{root}/db.sqlite3",
                data_dir=root,
                telegram_bot_token=tg.token,
                telegram_api_base_url=tg.url,
                officer_api_keys={KEY: "*"},
                status_sync_seconds=sweep,
                payment_simulator=False,
                _env_file=None,  # type: ignore[call-arg]
            )
            engine = await prepare_database(settings)
            await engine.dispose()
            app = await build(settings, prepare=False)
            codes: list[str] = []
            async with app.uow_factory() as uow:
                for n in range(dossiers):
                    base = make_dossier(app.catalog, FakeClock(), id=f"b{n}")
                    dossier = make_dossier(
                        app.catalog, FakeClock(), id=f"b{n}", owner=f"telegram:{OWNER0 + n}",
                        code=base.code.replace("-0007", f"-{n + 1:04d}"),
                    )  # fmt: skip
                    await uow.dossiers.add(dossier)
                    codes.append(dossier.code)
                    tg.register_chat(OWNER0 + n)
                    for f in range(followers):
                        chat = FOLLOWER0 + n * followers + f
                        tg.register_chat(chat)
                        await uow.dossiers.follow(dossier.id, f"telegram:{chat}", FakeClock().now())
                await uow.commit()
            served = Served(create_http_app(app))
            await served.start()
            scheduler = Scheduler(app, await build_transports(app))
            await scheduler.start()
            await asyncio.sleep(1)  # the start-up catch-up
            arrived: dict[int, float] = {}
            committed: dict[int, float] = {}
            done = asyncio.Event()
            expected = dossiers * (1 + followers)

            async def watch() -> None:
                seen = 0
                while len(arrived) < expected:
                    await tg.wait_until(lambda n=seen: len(tg.sent()) > n, timeout=60)
                    now = time.perf_counter()
                    sent = tg.sent()
                    for message in sent[seen:]:
                        arrived.setdefault(message.chat_id, now)
                    seen = len(sent)
                done.set()

            watcher = asyncio.create_task(watch())
            try:
                async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
                    for n, code in enumerate(codes):
                        response = await http.post(
                            f"/api/v1/dossiers/{code}/status",
                            headers={"X-API-Key": KEY},
                            json={"status": 2, "note": ""},
                        )
                        response.raise_for_status()
                        at = time.perf_counter()
                        committed[OWNER0 + n] = at
                        for f in range(followers):
                            committed[FOLLOWER0 + n * followers + f] = at
                        await asyncio.sleep(gap)
                await asyncio.wait_for(done.wait(), 120)
            finally:
                watcher.cancel()
                await scheduler.stop()
                await served.stop()
                await app.close()
            return [arrived[chat] - committed[chat] for chat in committed]


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=40)
    parser.add_argument("--followers", type=int, default=3)
    parser.add_argument("--gap", type=float, default=0.25)
    parser.add_argument("--sweep", type=int, default=3600)
    args = parser.parse_args()
    latencies = asyncio.run(run(args.dossiers, args.followers, args.gap, args.sweep))
    print(machine())
    print(
        f"{args.dossiers} changes × {1 + args.followers} chats = {len(latencies)} pushes, "
        f"sweep every {args.sweep} s: push latency p50 {percentile(latencies, 50):.3f} s, "
        f"p95 {percentile(latencies, 95):.3f} s, max {max(latencies):.3f} s"
    )


if __name__ == "__main__":
    main()
