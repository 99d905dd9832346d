"""Operations endpoints: `/readyz` (the database answers, its schema is current and DATA_DIR
has DATA_MIN_FREE_MB free) and
`/metrics` (Prometheus text format; a bearer token when METRICS_TOKEN is set), and the small
app from which the scheduler role serves them on METRICS_PORT.

Neither shows a stack trace, a connection string or any personal data: /readyz names the
check that failed, /metrics carries only closed-set labels (see bot.metrics).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Iterator

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client.core import Metric
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import Application
from bot.metrics import database_families, disk_families
from bot.scheduler import HEARTBEAT
from storage.database import READ_ONLY
from storage.migrate import is_current

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 5.0  # seconds; an unreachable database must not hang a probe


async def readiness(engine: AsyncEngine) -> dict[str, str]:
    """Each check's result: database ok / unreachable, migrations current / behind / unknown."""
    checks = {"database": "unreachable", "migrations": "unknown"}
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            async with engine.connect() as connection:
                await connection.execution_options(**{READ_ONLY: True})
                await connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
            checks["migrations"] = "current" if await is_current(engine) else "behind"
    except Exception as error:  # noqa: BLE001 - a probe answers; the type alone is logged
        log.warning("readiness: %s check failed (%s)", _failed(checks), type(error).__name__)
    return checks


def _failed(checks: dict[str, str]) -> str:
    if checks["database"] != "ok":
        return "database"
    return "migrations" if checks["migrations"] != "current" else "disk"


READY = {"database": "ok", "migrations": "current", "disk": "ok"}


def _authorised(request: Request, token: str) -> bool:
    if not token:
        return True
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.encode(), token.encode())


def ops_router(app: Application, *, database_gauges: bool = True) -> APIRouter:
    """GET /readyz and GET /metrics. `database_gauges`: add the gauges read from the database
    (the web app's /metrics has them; the scheduler's leaves them out so no sum counts them
    twice)."""
    router = APIRouter()
    secret = app.settings.metrics_token
    token = secret.get_secret_value() if secret is not None else ""

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = await readiness(app.engine)
        disk = await asyncio.to_thread(app.disk.state) if app.disk is not None else None
        checks["disk"] = "low" if disk is not None and disk.low else "ok"
        if checks == READY:
            return JSONResponse({"status": "ready", "checks": checks})
        return JSONResponse({"status": "unready", "failed": _failed(checks), "checks": checks}, 503)

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not _authorised(request, token):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        extra: list[Metric] = []
        if app.disk is not None:
            extra += disk_families(await asyncio.to_thread(app.disk.state))
        if database_gauges:
            try:
                async with asyncio.timeout(CHECK_TIMEOUT):
                    extra += await database_families(
                        app.engine, HEARTBEAT, app.clock.now().timestamp()
                    )
            except Exception as error:  # noqa: BLE001 - the process's counters still answer
                log.warning("metrics: database gauges left out (%s)", type(error).__name__)
        body, content_type = await asyncio.to_thread(
            app.metrics.exposition, extra, request.headers.get("accept", "")
        )
        return Response(body, headers={"Content-Type": content_type})

    return router


def ops_app(app: Application) -> FastAPI:
    """The scheduler role's own small HTTP app: /healthz, /readyz and its /metrics."""
    http = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @http.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    http.include_router(ops_router(app, database_gauges=False))
    return http


class _Server(uvicorn.Server):
    """uvicorn, leaving SIGINT/SIGTERM to the process that embeds it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serving_ops(app: Application) -> AsyncIterator[None]:
    """Serve `ops_app` on HOST:METRICS_PORT while the block runs (nothing when it is 0)."""
    port = app.settings.metrics_port
    if not port:
        yield
        return
    config = uvicorn.Config(
        ops_app(app), host=app.settings.host, port=port, log_config=None, access_log=False
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no event
        await asyncio.sleep(0.05)
    if task.done():
        await task  # it could not listen: uvicorn said why in the log
        raise RuntimeError(f"the metrics endpoint could not listen on port {port}")
    try:
        yield
    finally:
        server.should_exit = True
        await task
