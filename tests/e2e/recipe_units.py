"""The pieces the deployment recipe test runs: a unit's command as a subprocess, a TCP relay
to PostgreSQL that can be cut, a database made with `createdb`, and patient polling."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from tests.contract.conftest import POSTGRES_URL
from tests.e2e.conftest import free_port
from tests.privacy import SERVER_LOGS

PG = make_url(POSTGRES_URL)
PG_ARGS = [  # where the documented commands (createdb, pg_dump, pg_restore, psql) connect
    f"--host={PG.host or '127.0.0.1'}",
    f"--port={PG.port or 5432}",
    f"--username={PG.username or 'postgres'}",
]
DEADLINE = 180.0  # seconds one wait may take on a loaded machine before the test fails


class Service:
    """One unit's ExecStart command as a subprocess, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], root: Path) -> None:
        self.name, self.args, self.env, self.root = name, args, env, root
        self.log = root / f"{name}.log"
        SERVER_LOGS.append(self.log)  # scanned for personal data at the end of the suite
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *self.args],
                cwd=self.root, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        return self

    def said(self, text: str) -> bool:
        return text in self.log.read_text(errors="replace")

    async def wait_said(self, text: str) -> None:
        await until(lambda: self.said(text), f"{self.name} to log {text!r}", self)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(sig)
            try:
                await asyncio.to_thread(self.process.wait, 30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                await asyncio.to_thread(self.process.wait, 10)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-25:])


async def until(check: Any, what: str, service: Service | None = None) -> None:
    """Poll `check` (sync or async) until true; fail after DEADLINE seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while loop.time() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if service is not None and not service.alive():
            raise AssertionError(f"{service.name} exited:\n{service.tail()}")
        await asyncio.sleep(0.1)
    raise AssertionError(f"waited in vain for {what}\n{service.tail() if service else ''}")


async def answers(url: str, status: int = 200, **kwargs: Any) -> bool:
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            return (await http.get(url, **kwargs)).status_code == status
    except httpx.HTTPError:
        return False


async def command(*args: str) -> str:
    """A documented shell command (pg_dump, createdb, tar…); fails the test when it fails."""
    done = await asyncio.to_thread(subprocess.run, list(args), capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stderr}"
    return done.stdout


class Relay:
    """A TCP relay to PostgreSQL that the test cuts, like a network outage, and restores."""

    def __init__(self) -> None:
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

    async def cut(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._open):
            writer.transport.abort()
        await self._server.wait_closed()
        self._server = None

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream = await asyncio.open_connection(PG.host, PG.port or 5432)
        self._open.update((writer, upstream))

        async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except OSError:
                pass
            finally:
                sink.transport.abort()
                self._open.discard(sink)

        await asyncio.gather(copy(reader, upstream), copy(upstream_reader, writer))


@asynccontextmanager
async def database(name: str) -> AsyncIterator[str]:
    """`createdb`, dropped (with its connections) at the end."""
    await command("createdb", *PG_ARGS, name)
    try:
        yield PG.set(database=name).render_as_string(hide_password=False)
    finally:
        await command("psql", *PG_ARGS, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def heartbeat(url: str) -> int:
    """The scheduler's last heartbeat (Unix time), read from job_cursor."""
    connection = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        value = await connection.fetchval(
            "SELECT position FROM job_cursor WHERE name = 'scheduler:heartbeat'"
        )
    finally:
        await connection.close()
    return int(value or 0)
