"""N citizens press /start at the same instant, with Telegram's limits enforced.

For each library (python-telegram-bot, aiogram) and mode (polling, webhook), `dvc-bot run`
runs in a process of its own (SQLite file, scheduler inside: the default deployment) against
the fake Bot API of the e2e tests, which runs in this process, time-stamps every message it
accepts and answers 429 with retry_after beyond 30 messages/s per bot and 1 message/s per
chat. First one lone citizen sends /start with the limits off: what it gets is what every
citizen should get. Then, limits on, N other citizens send /start at once (polling: N updates
queued together; webhook: POSTed concurrently, at most max_connections at a time, as Telegram
does). Reported per combination: replies lost (messages a lone citizen gets that never
arrived before the end of the window: 3× the floor + 30 s, capped), doubled, chats out of
order, other messages, first-reply latency p50/p95 (from the /start to the reply's first
message at the Bot API), the time until every reply was delivered, the floor (messages ÷
30/s) and time-to-all ÷ floor. The same scenario runs against a baseline commit (the code
before issue 11) checked out with `git worktree`, its app process from that tree; the fake
Bot API and this harness always come from this checkout.

    python bench/reply_burst.py                                 # N=50 and 500, 4 combinations
    python bench/reply_burst.py --sizes 50 --combos ptb:polling aiogram:webhook
    python bench/reply_burst.py --trees current                 # skip the baseline
    python bench/reply_burst.py --trees current replies=i11-replies  # any branch or commit
    python bench/reply_burst.py --baseline 50e5367 --cap 150 --out /tmp/burst.md
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

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
from bench.load_replies import Arrival, Inbox
from tests.e2e.fakes import FakeTelegram, free_port

BASELINE = "50e5367"  # main before issue 11
GLOBAL_PER_S, PER_CHAT_PER_S = 30, 1
LONE_CHAT, FIRST_CHAT = 900_000_001, 910_000_001
COMBOS = ("ptb:polling", "ptb:webhook", "aiogram:polling", "aiogram:webhook")
Signature = tuple[str, str, tuple[str, ...]]


def signature(arrival: Arrival, chat_id: int) -> Signature:
    """What a message is, whichever chat it went to (the user's name made neutral)."""
    name = f"User{chat_id}"
    body = arrival.body.replace(name, "{name}")
    return arrival.sent.method.lower(), body, tuple(arrival.sent.callback_data)


@dataclass
class Burst:
    """One combination's measured burst."""

    tree: str
    framework: str
    mode: str
    citizens: int
    per_reply: int  # messages a lone citizen gets
    window: float  # seconds waited for the replies
    lost: int = 0
    doubled: int = 0
    out_of_order: int = 0  # chats whose messages came in another order
    unexpected: int = 0  # messages a lone citizen does not get (an error notice…)
    silent: int = 0  # citizens who got nothing at all
    first_reply: list[float] = field(default_factory=list)  # seconds, one per answered citizen
    all_delivered: float | None = None  # seconds until the last expected message, if all came
    webhook_failed: int = 0  # updates Telegram could not deliver (non-2xx after its retries)
    errors: list[str] = field(default_factory=list)  # error lines the app logged

    @property
    def messages(self) -> int:
        """Messages the citizens should get."""
        return self.citizens * self.per_reply

    @property
    def floor(self) -> float:
        """The fastest Telegram allows: the messages at 30/s (and a chat's at 1/s)."""
        return max(self.messages / GLOBAL_PER_S, (self.per_reply - 1) / PER_CHAT_PER_S)

    def row(self) -> str:
        """A markdown table row."""
        p50 = f"{percentile(self.first_reply, 50):.1f}" if self.first_reply else "—"
        p95 = f"{percentile(self.first_reply, 95):.1f}" if self.first_reply else "—"
        if self.all_delivered is None:
            done, ratio = f"not all within {self.window:.0f} s", "—"
        else:
            done, ratio = f"{self.all_delivered:.1f}", f"{self.all_delivered / self.floor:.2f}"
        return (
            f"| {self.tree} | {self.framework} | {self.mode} | {self.citizens} "
            f"| {self.per_reply} | {self.lost} | {self.silent} | {self.doubled} "
            f"| {self.out_of_order} | {self.unexpected} | {p50} | {p95} | {done} "
            f"| {self.floor:.1f} | {ratio} |"
        )


HEADER = (
    "| tree | library | mode | citizens | msgs/reply | lost | got nothing | doubled "
    "| out of order | other msgs | first reply p50 s | p95 s | all delivered s | floor s "
    "| ÷ floor |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def judge(
    burst: Burst, inbox: Inbox, expected: list[Signature], chats: list[int], t0: float
) -> None:
    """Fill `burst` from what each chat received."""
    last_expected = 0.0
    complete = True
    for chat in chats:
        arrivals = inbox.by_chat.get(chat, [])
        got = [signature(a, chat) for a in arrivals]
        if arrivals:
            burst.first_reply.append(arrivals[0].at - t0)
        else:
            burst.silent += 1
        want, have = Counter(expected), Counter(got)
        for sig in set(want) | set(have):
            missing = want[sig] - have[sig]
            if missing > 0:
                burst.lost += missing
                complete = False
            elif sig in want:
                burst.doubled += -missing
            else:
                burst.unexpected += have[sig]
        firsts: list[Signature] = []
        for sig in got:
            if sig in want and sig not in firsts:
                firsts.append(sig)
        if firsts != [s for s in dict.fromkeys(expected) if s in firsts]:
            burst.out_of_order += 1
        for arrival, sig in zip(arrivals, got, strict=True):
            if sig in want:
                last_expected = max(last_expected, arrival.at - t0)
    burst.all_delivered = last_expected if complete else None


def delivered(inbox: Inbox, chats: list[int], per_reply: int) -> bool:
    """Whether every chat has at least a reply's worth of messages."""
    return all(len(inbox.by_chat.get(chat, ())) >= per_reply for chat in chats)


async def lone_reply(
    tg: FakeTelegram, inbox: Inbox, processes: list[AppProcess]
) -> list[Signature]:
    """What one citizen gets for /start with nobody else around and no limits: the messages
    until 3 s pass without another (at most 60 s)."""
    await tg.user_text(LONE_CHAT, "/start")
    await wait_for(lambda: inbox.by_chat.get(LONE_CHAT), processes, 60, "the lone reply")
    while time.perf_counter() - inbox.by_chat[LONE_CHAT][-1].at < 3:  # noqa: ASYNC110 - quiet
        await asyncio.sleep(0.1)
    return [signature(a, LONE_CHAT) for a in inbox.by_chat[LONE_CHAT]]


async def measure(
    tree: Path, label: str, framework: str, mode: str, citizens: int, cap: float, folder: Path
) -> Burst:
    """Start the tree's app against a fresh fake Bot API and play one burst."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    webhook = mode == "webhook"
    database = f"sqlite+aiosqlite:///{folder / 'db.sqlite3'}"
    async with FakeTelegram(webhook_retries=2, retry_delay=1.0) as tg:
        inbox = Inbox(tg)
        settings = telegram_settings(tg.url, tg.token, free_port(), webhook, framework)
        settings.update(DATABASE_URL=database, DATA_DIR=str(folder))
        app = AppProcess(tree, environment(tree, settings), folder, "run").start()
        try:
            ready = (
                (lambda: tg.updates.webhook.config is not None)
                if webhook
                else (lambda: bool(tg.calls("getUpdates")))
            )
            await wait_for(ready, [app], 120, "the bot to reach Telegram")
            await wait_for_scheduler(database, [app])
            expected = await lone_reply(tg, inbox, [app])
            burst = Burst(label, framework, mode, citizens, len(expected), 0.0)
            burst.window = min(cap, 3 * burst.floor + 30)
            tg.enforce_rate(GLOBAL_PER_S, PER_CHAT_PER_S)
            chats = list(range(FIRST_CHAT, FIRST_CHAT + citizens))
            updates = [await tg.user_text(chat, "/start", deliver=False) for chat in chats]
            t0 = time.perf_counter()
            if webhook:
                posting = asyncio.ensure_future(tg.deliver_many(updates))
            else:
                for update in updates:
                    tg.queue.push(update)
            end = t0 + burst.window
            while time.perf_counter() < end and not delivered(inbox, chats, len(expected)):
                app.check_alive()
                await asyncio.sleep(0.1)
            if time.perf_counter() < end:  # all came: a moment more to see any doubles
                await asyncio.sleep(min(3.0, end - time.perf_counter()))
            judge(burst, inbox, expected, chats, t0)
            if webhook:
                if not posting.done():
                    posting.cancel()
                burst.webhook_failed = sum(1 for d in tg.deliveries if not d.delivered)
            burst.errors = app.errors_logged()
            return burst
        finally:
            await asyncio.to_thread(app.stop)


async def run(args: argparse.Namespace) -> list[Burst]:
    results: list[Burst] = []
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="reply-burst-") as tmp:
        for name, commit in named_trees(args.trees, args.baseline):
            with source_tree(commit) as tree:
                label = f"{name} `{head_commit(tree)}`"
                for citizens in args.sizes:
                    for combo in args.combos:
                        framework, mode = combo.split(":")
                        folder = Path(tmp) / f"{name}-{framework}-{mode}-{citizens}"
                        burst = await measure(
                            tree, label, framework, mode, citizens, args.cap, folder
                        )
                        results.append(burst)
                        print(burst.row(), flush=True)
                        for line in burst.errors:
                            print(f"    app logged: {line}", flush=True)
                        if burst.webhook_failed:
                            print(f"    webhook: {burst.webhook_failed} updates not delivered")
    return results


def report(args: argparse.Namespace, results: list[Burst]) -> str:
    """The markdown section: how it was measured, and the table."""
    command = "python bench/reply_burst.py " + " ".join(
        [f"--sizes {' '.join(map(str, args.sizes))}", f"--baseline {args.baseline}",
         f"--cap {args.cap:.0f}"]
    )  # fmt: skip
    return (
        "### /start from N citizens at once, Telegram's limits enforced\n\n"
        f"_Measured on {machine()}._\n\n`{command}` — `dvc-bot run` (SQLite, scheduler inside) "
        "per combination, against the fake Bot API enforcing 30 msg/s per bot and 1 msg/s "
        "per chat (429 + retry_after). *lost*: messages a lone citizen gets that had not "
        "arrived when the window closed (3× the floor + 30 s, at most "
        f"{args.cap:.0f} s); *first reply*: from the /start to the first message of its "
        "reply at the Bot API; *floor*: the messages ÷ 30/s.\n\n"
        + HEADER
        + "\n"
        + "\n".join(r.row() for r in results)
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", type=int, default=[50, 500])
    parser.add_argument("--combos", nargs="+", choices=COMBOS, default=list(COMBOS))
    parser.add_argument(
        "--trees", nargs="+", type=tree_name, default=["baseline", "current"],
        help="baseline, current, or NAME=COMMIT (any commit or branch)",
    )  # fmt: skip
    parser.add_argument("--baseline", default=BASELINE, help=f"commit (default {BASELINE})")
    parser.add_argument("--cap", type=float, default=180.0, help="longest window, seconds")
    parser.add_argument("--out", type=Path, help="also write the markdown section here")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    section = report(args, results)
    print("\n" + section)
    if args.out:
        args.out.write_text(section, encoding="utf-8")


if __name__ == "__main__":
    main()
