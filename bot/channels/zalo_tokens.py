"""The OA access token and its single-use refresh token (FACTS §7.5), shared by every worker.

Both tokens live sealed in the one `zalo_token` row of the app. A refresh burns the refresh
token, so exactly one worker may refresh at a time: inside a process an asyncio lock, across
processes a claim written in a short locked transaction (`SELECT … FOR UPDATE` on PostgreSQL,
`BEGIN IMMEDIATE` on SQLite). The claimant calls Zalo with no transaction open, then stores
the new pair — before using it — and clears the claim; the others wait for the new pair and
read it. A claim left by a crashed worker expires. The row is bootstrapped from
ZALO_REFRESH_TOKEN, and re-seeded when that setting changes (the OA was authorised again).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update

from bot.channels.zalo_db import ZaloDb
from services.clock import Clock
from storage.crypto import DecryptionError, JsonCipher
from storage.tables import ZaloTokenRow, table_of

log = logging.getLogger(__name__)
TOKENS = table_of(ZaloTokenRow)
COLUMN = "zalo_token.tokens"
REFRESH_MARGIN = timedelta(hours=1)
CLAIM_SECONDS = 60.0
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Tokens:
    """An access token, the refresh token that replaces it, and when the access token ends."""

    access: str
    refresh: str
    expires_at: datetime


class TokenUnavailable(RuntimeError):
    """No usable access token: Zalo refused the refresh token, or another worker's refresh
    did not finish in time."""


Refresh = Callable[[str], Awaitable[tuple[str, str, int]]]  # refresh token → (access, refresh, s)


@dataclass(frozen=True, slots=True)
class _Claimed:
    tokens: Tokens


class TokenStore:
    """The `zalo_token` row of one app."""

    def __init__(self, db: ZaloDb, cipher: JsonCipher, app_id: str, seed: str) -> None:
        self._db = db
        self._cipher = cipher
        self._app_id = app_id
        self._seed = seed
        self._seed_mark = hashlib.sha256(f"zalo-seed:{seed}".encode()).hexdigest()[:24]

    def _value(self, tokens: Tokens, claim: dict[str, Any] | None, mark: str) -> dict[str, Any]:
        secret = self._cipher.seal({"access": tokens.access, "refresh": tokens.refresh}, COLUMN)
        return {"seed": mark, "secret": secret, "claim": claim}

    def _locked_row(self, connection: Connection) -> Any:
        query = select(TOKENS).where(TOKENS.c.app_id == self._app_id)
        if self._db.is_postgres:
            query = query.with_for_update()
        return connection.execute(query).first()

    def _seeded_row(self, connection: Connection, now: datetime) -> tuple[Any, Tokens, str]:
        """The locked row, its tokens and seed mark; created from the setting when missing,
        re-seeded when a different refresh token is configured (the OA was authorised again;
        a worker configured with none keeps what is stored)."""
        row = self._locked_row(connection)
        if row is None:
            seeded = Tokens("", self._seed, NEVER)
            value = self._value(seeded, None, self._seed_mark)
            insert = self._db.dialect.insert(TOKENS).values(
                app_id=self._app_id, tokens=value, expires_at=NEVER, updated_at=now
            )
            connection.execute(insert.on_conflict_do_nothing(index_elements=["app_id"]))
            row = self._locked_row(connection)
        stored = row.tokens if isinstance(row.tokens, dict) else {}
        if self._seed and stored.get("seed") != self._seed_mark:
            log.info("zalo tokens: seeded from ZALO_REFRESH_TOKEN")
            seeded = Tokens("", self._seed, NEVER)
            self._write(connection, seeded, None, now, self._seed_mark)
            return row, seeded, self._seed_mark
        try:
            secret = self._cipher.open(stored.get("secret"), COLUMN)
            tokens = Tokens(str(secret["access"]), str(secret["refresh"]), row.expires_at)
        except (DecryptionError, KeyError, TypeError) as error:
            raise TokenUnavailable("the stored Zalo tokens cannot be read") from error
        return row, tokens, str(stored.get("seed", ""))

    def _write(
        self,
        connection: Connection,
        tokens: Tokens,
        claim: dict[str, Any] | None,
        now: datetime,
        mark: str,
    ) -> None:
        value = self._value(tokens, claim, mark)
        connection.execute(
            update(TOKENS)
            .where(TOKENS.c.app_id == self._app_id)
            .values(tokens=value, expires_at=tokens.expires_at, updated_at=now)
        )

    async def claim(self, worker: str, rejected: str, now: datetime) -> Tokens | _Claimed | None:
        """Usable tokens; or the right to refresh (the claim is taken); or None: another
        worker is refreshing, ask again shortly."""

        def work(connection: Connection) -> Tokens | _Claimed | None:
            row, tokens, mark = self._seeded_row(connection, now)
            if tokens.access and tokens.access != rejected and usable(tokens, now):
                return tokens
            claim = row.tokens.get("claim") if isinstance(row.tokens, dict) else None
            wall = time.time()
            if (
                isinstance(claim, dict)
                and claim.get("by") != worker
                and float(claim.get("until", 0)) > wall
            ):
                return None  # another worker is refreshing
            claim = {"by": worker, "until": wall + CLAIM_SECONDS}
            self._write(connection, tokens, claim, now, mark)
            return _Claimed(tokens)

        return await self._db.run(work)

    async def store(self, tokens: Tokens, now: datetime) -> None:
        """Keep a fresh pair and clear the claim."""

        def work(connection: Connection) -> None:
            row = self._locked_row(connection)
            stored = row.tokens if row is not None and isinstance(row.tokens, dict) else {}
            self._write(connection, tokens, None, now, str(stored.get("seed", self._seed_mark)))

        await self._db.run(work)

    async def release(self, worker: str, now: datetime) -> None:
        """Give the claim up (the refresh failed), leaving the tokens as they were."""

        def work(connection: Connection) -> None:
            row, tokens, mark = self._seeded_row(connection, now)
            claim = row.tokens.get("claim") if isinstance(row.tokens, dict) else None
            if isinstance(claim, dict) and claim.get("by") == worker:
                self._write(connection, tokens, None, now, mark)

        await self._db.run(work)


def usable(tokens: Tokens, now: datetime) -> bool:
    """Whether the access token has more than the refresh margin left."""
    return tokens.expires_at - now > REFRESH_MARGIN


class TokenManager:
    """Hands out the access token, refreshing it once when it nears its end or is refused."""

    def __init__(self, store: TokenStore, refresh: Refresh, clock: Clock) -> None:
        self._store = store
        self._refresh = refresh
        self._clock = clock
        self._lock = asyncio.Lock()
        self._cached: Tokens | None = None
        self.worker = uuid.uuid4().hex

    async def access_token(self) -> str:
        """A token with more than an hour left."""
        cached = self._cached
        if cached is not None and usable(cached, self._clock.now()):
            return cached.access
        return await self.renew(rejected="")

    async def renew(self, rejected: str) -> str:
        """A token other than `rejected` (the one Zalo just refused), refreshing if nobody
        has done so meanwhile."""
        async with self._lock:
            cached, now = self._cached, self._clock.now()
            if cached is not None and cached.access != rejected and usable(cached, now):
                return cached.access
            tokens = await self._obtain(rejected)
            self._cached = tokens
            return tokens.access

    async def _obtain(self, rejected: str) -> Tokens:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            got = await self._store.claim(self.worker, rejected, self._clock.now())
            if isinstance(got, Tokens):
                return got
            if isinstance(got, _Claimed):
                return await self._refresh_claimed(got.tokens)
            if time.monotonic() > deadline:
                raise TokenUnavailable("another worker's Zalo token refresh did not finish")
            await asyncio.sleep(POLL_SECONDS)

    async def _refresh_claimed(self, old: Tokens) -> Tokens:
        try:
            access, refresh, expires_in = await self._refresh(old.refresh)
        except BaseException:
            await self._store.release(self.worker, self._clock.now())
            raise
        now = self._clock.now()
        tokens = Tokens(access, refresh, now + timedelta(seconds=expires_in))
        try:
            await self._store.store(tokens, now)  # before any use: the old one is burnt now
        except Exception:
            log.critical("zalo tokens: refreshed but NOT saved; the OA may need authorising again")
            raise
        log.info("zalo tokens: refreshed, access token valid for %d s", expires_in)
        return tokens
