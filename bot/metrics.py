"""Prometheus metrics: the counters of this process, and gauges read from the database when
scraped (so that they are right however many processes there are).

Every label is a closed set — platform, outcome, outbox status, webhook source and refusal
reason — never a chat id, a phone number or an ID number. With `dvc-bot web --workers N` each
worker writes its counters to files in PROMETHEUS_MULTIPROC_DIR (prometheus_client's
multiprocess mode, chosen when the library is imported) and a scrape, whichever worker answers
it, adds them all up.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.disk_space import DiskState
from bot.retention import CURSORS, HELD, OLDEST, PRUNED, ROWS
from conversations.messages import Platform
from conversations.router import Reply, Router, Update
from services.handover import HandoverStatus
from services.outbox import OutboxItem, OutboxStatus
from services.sending import Delivery, Transport
from storage.tables import HandoverRow, JobCursorRow, OutboxRow, table_of

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PLATFORMS = tuple(p.value for p in Platform if p is not Platform.CONSOLE)
_LABEL = re.compile(r"^[a-z][a-z_]{0,31}$")
OUTBOX = table_of(OutboxRow)
CURSOR = table_of(JobCursorRow)
HANDOVER = table_of(HandoverRow)


def _closed(value: str) -> str:
    """A label value from code (a reason, an outcome); anything else becomes "other"."""
    return value if _LABEL.match(value) else "other"


class Metrics:
    """The counters and the histogram of one process, in a registry of their own."""

    def __init__(self, multiprocess_dir: Path | None = None) -> None:
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry()
        self._children: dict[tuple[Any, ...], Any] = {}  # see _child
        self.updates = Counter(
            "dvcbot_updates",
            "Chat updates applied by the router (handled, duplicate = a redelivery, error).",
            ("platform", "outcome"),
            registry=self.registry,
        )
        self.step_seconds = Histogram(
            "dvcbot_step_seconds",
            "Time the router took to apply one update (chat lock, step and commit).",
            ("platform",),
            registry=self.registry,
        )
        self.sends = Counter(
            "dvcbot_sends",
            "Outbox messages handed to a platform by this process's senders, by result.",
            ("platform", "outcome"),
            registry=self.registry,
        )
        self.webhook_rejections = Counter(
            "dvcbot_webhook_rejections",
            "Webhook requests refused before anything was applied, by source and reason.",
            ("source", "reason"),
            registry=self.registry,
        )
        self.upload_refusals = Counter(
            "dvcbot_upload_refusals",
            "Uploads refused at the HTTP edge before anything was kept, by reason (quota_chat, "
            "quota_address, disk_low, type, mismatch).",
            ("reason",),
            registry=self.registry,
        )

    @classmethod
    def from_environment(cls) -> Metrics:
        """Multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set (as `dvc-bot web` does)."""
        directory = os.environ.get(MULTIPROC_ENV)
        return cls(Path(directory) if directory else None)

    def _child(self, metric: Any, *labels: str) -> Any:
        """The metric's series for these labels, looked up once (prometheus-client validates
        and locks at each `labels` call: three per chat update)."""
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def update_applied(self, platform: str, outcome: str, seconds: float) -> None:
        """Count one update the router applied (or failed to)."""
        self._child(self.updates, _closed(platform), outcome).inc()
        self._child(self.step_seconds, _closed(platform)).observe(seconds)

    def delivered(self, platform: str, outcome: str) -> None:
        """Count one platform call of a sender."""
        self._child(self.sends, _closed(platform), _closed(outcome)).inc()

    def webhook_rejected(self, source: str, reason: str) -> None:
        """Count one refused webhook request (wrong secret or signature, stale, malformed…)."""
        self.webhook_rejections.labels(_closed(source), _closed(reason)).inc()

    def upload_refused(self, reason: str) -> None:
        """Count one upload refused at the edge (over a quota, disk low, a disguised file)."""
        self.upload_refusals.labels(_closed(reason)).inc()

    def exposition(self, extra: Sequence[Metric] = (), accept: str = "") -> tuple[bytes, str]:
        """This process's metrics (every worker's, in multiprocess mode) and `extra` families
        computed for this scrape, in the format the scraper accepts: (body, content type)."""
        registry = CollectorRegistry()
        if self.multiprocess_dir is not None:
            # prometheus_client leaves this constructor unannotated (its own gap, not ours)
            MultiProcessCollector(registry, path=str(self.multiprocess_dir))  # type: ignore[no-untyped-call]
        else:
            registry.register(_Families(self.registry.collect()))
        registry.register(_Families(extra))
        encoder, content_type = choose_encoder(accept)
        return encoder(registry), content_type


class _Families:
    """A collector that yields families collected beforehand."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


class MeteredRouter(Router):
    """The router, counting each update by platform and outcome and timing it."""

    def __init__(self, *args: Any, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._metrics = metrics

    async def handle(self, update: Update) -> Reply:
        """`Router.handle`, measured."""
        started = time.perf_counter()
        outcome = "error"
        try:
            reply = await super().handle(update)
            outcome = "duplicate" if reply.duplicate else "handled"
            return reply
        finally:
            elapsed = time.perf_counter() - started
            self._metrics.update_applied(update.address.platform.value, outcome, elapsed)


class MeteredTransport:
    """A sender's transport, counting each platform call by its outcome."""

    def __init__(self, inner: Transport, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics
        self.platform = inner.platform

    async def deliver(self, item: OutboxItem) -> Delivery:
        """Deliver through the wrapped transport; a raising call counts as "error"."""
        try:
            delivery = await self._inner.deliver(item)
        except Exception:
            self._metrics.delivered(self.platform, "error")
            raise
        self._metrics.delivered(self.platform, delivery.outcome.value)
        return delivery


async def database_families(
    engine: AsyncEngine, heartbeat: str, now: float | None = None
) -> list[Metric]:
    """Gauges read now from the database: the outbox by platform and status (its depth is
    the pending rows), the hand-over queue by status, the time of the scheduler's last
    heartbeat, and the processed updates as the scheduler's last pruning left them (`now`:
    Unix time, for the oldest one's age)."""
    async with engine.connect() as connection:
        retention = dict(
            (
                await connection.execute(
                    select(CURSOR.c.name, CURSOR.c.position).where(CURSOR.c.name.in_(CURSORS))
                )
            ).all()
        )
        counts = (
            await connection.execute(
                select(OUTBOX.c.platform, OUTBOX.c.status, func.count()).group_by(
                    OUTBOX.c.platform, OUTBOX.c.status
                )
            )
        ).all()
        beat = (
            await connection.execute(select(CURSOR.c.position).where(CURSOR.c.name == heartbeat))
        ).scalar_one_or_none()
        handovers = (
            await connection.execute(
                select(HANDOVER.c.status, func.count()).group_by(HANDOVER.c.status)
            )
        ).all()
    by_key = {(str(p), str(s)): int(n) for p, s, n in counts}
    depth = GaugeMetricFamily(
        "dvcbot_outbox_depth", "Outbox rows waiting to be sent (pending).", labels=("platform",)
    )
    rows = GaugeMetricFamily(
        "dvcbot_outbox_rows",
        "Outbox rows by platform and status: sends by result, across all processes.",
        labels=("platform", "status"),
    )
    for platform in PLATFORMS:
        depth.add_metric((platform,), by_key.get((platform, OutboxStatus.PENDING.value), 0))
        for status in OutboxStatus:
            rows.add_metric((platform, status.value), by_key.get((platform, status.value), 0))
    handover = GaugeMetricFamily(
        "dvcbot_handover_events",
        "Hand-overs to the one-stop system by status: pending (the queue's depth), accepted, "
        "dead (dead letters for an admin to re-send).",
        labels=("state",),
    )
    by_status = {str(status): int(n) for status, n in handovers}
    for state in HandoverStatus:
        handover.add_metric((state.value,), by_status.get(state.value, 0))
    families: list[Metric] = [depth, rows, handover]
    if beat is not None:
        families.append(
            GaugeMetricFamily(
                "dvcbot_scheduler_heartbeat_timestamp_seconds",
                "When the active scheduler last wrote its heartbeat (Unix time).",
                value=float(beat),
            )
        )
    return families + retention_families(retention, time.time() if now is None else now)


def retention_families(cursors: dict[str, int], now: float) -> list[Metric]:
    """The processed updates (bot.retention): pruned so far, kept, kept past the window, and
    the oldest one's age. Nothing before the scheduler's first pruning."""
    if ROWS not in cursors:
        return []
    pruned = CounterMetricFamily(
        "dvcbot_processed_updates_pruned",
        "Processed updates (with their recorded replies) pruned by the scheduler.",
        value=cursors.get(PRUNED, 0),
    )
    oldest = cursors.get(OLDEST, 0)
    return [
        pruned,
        GaugeMetricFamily(
            "dvcbot_processed_updates_rows",
            "Processed updates kept, after the scheduler's last pruning.",
            value=cursors[ROWS],
        ),
        GaugeMetricFamily(
            "dvcbot_processed_updates_held",
            "Processed updates past the retention window still kept: an update of their chat "
            "is pending in the inbox, or a live web chat session shows them.",
            value=cursors.get(HELD, 0),
        ),
        GaugeMetricFamily(
            "dvcbot_processed_updates_oldest_age_seconds",
            "Age of the oldest processed update kept (0 when none is).",
            value=max(0.0, now - oldest) if oldest else 0.0,
        ),
    ]


def disk_families(state: DiskState) -> list[Metric]:
    """Gauges of DATA_DIR's free space: the bytes free, the threshold and whether it is low
    (1: uploads are refused and /readyz answers 503 because of it)."""
    return [
        GaugeMetricFamily(
            "dvcbot_data_dir_free_bytes", "Free bytes on DATA_DIR's file system.", value=state.free
        ),
        GaugeMetricFamily(
            "dvcbot_data_dir_min_free_bytes",
            "DATA_MIN_FREE_MB in bytes: below it, uploads are refused (0: no check).",
            value=state.threshold,
        ),
        GaugeMetricFamily(
            "dvcbot_data_dir_low",
            "1 when DATA_DIR's free space is below DATA_MIN_FREE_MB: uploads refused, not ready.",
            value=1 if state.low else 0,
        ),
    ]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def worker_metrics(data_dir: Path, workers: int) -> Iterator[Path | None]:
    """Around the start of several web workers: PROMETHEUS_MULTIPROC_DIR set to a fresh
    directory under DATA_DIR/metrics (the workers inherit it), removed afterwards. Left
    behind by a `dvc-bot web` that was killed, such a directory is removed on the next start."""
    if workers <= 1:
        yield None
        return
    root = Path(data_dir) / "metrics"
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("web-*"):
        pid = old.name.removeprefix("web-")
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    path = root / f"web-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    previous = os.environ.get(MULTIPROC_ENV)
    os.environ[MULTIPROC_ENV] = str(path)
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(MULTIPROC_ENV, None)
        else:
            os.environ[MULTIPROC_ENV] = previous
        shutil.rmtree(path, ignore_errors=True)
