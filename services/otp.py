"""One-time codes for login: issued, rate limited, verified and locked out by explicit rules.

The rules (NIST SP 800-63B §5.1.3 and OWASP ASVS V2.7 in spirit):
- a 6-digit code from `secrets`, valid `ttl` (5 minutes, never more than 10), single use;
- a new code kills the previous one; 5 wrong tries kill the code;
- failures back off: from the 3rd failure in a row the account waits 30 s, doubling up to
  1 hour; a success resets it;
- a new code no sooner than 60 s after the last one, at most 3 per 10 minutes and 10 per day
  per phone, and caps per chat and per source;
- only a keyed hash (HMAC) of the code is stored;
- an ID number and phone that do not match a citizen are handled exactly like a match (a
  challenge is stored, the same answer is given, every check runs) except that no SMS is
  sent and no code can ever verify: the answer never tells whether a citizen exists.

Why knowing a phone number is not enough to lock its owner out:
- Every counter is keyed by what the requester typed, never by what the registry says. The
  "per phone" quota is kept per account (the keyed hash of ID number + phone): only a pair
  that matches a citizen ever reaches a phone, so for the owner it is their phone's quota,
  while a stranger who types the owner's phone with any other ID number is charged to that
  (dead) pair, to their chat and to their source, never to the owner. Counting the same way
  for matched and unmatched pairs is also what keeps the two indistinguishable.
- A source is a stable origin the channel can name (the web client's address; on platforms,
  the platform and chat); without one the chat stands for it. Sources are capped too
  (`per_source_*`), since a web page can open a new chat per tab. Only a keyed hash of the
  source is stored.
- The back-off after wrong codes is kept per (account, chat): a stranger who even knows the
  owner's ID number and phone only ever locks their own chat, never the owner's, so no one
  can keep the owner locked out. Guessing from many chats gains nothing: every code needs a
  request, and the account's quota (10 a day, 5 tries each) bounds the guesses.
- What a stranger with both the ID number and the phone can still do is use up that day's
  codes of the account (the cap that protects the owner's phone from an SMS flood).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from services.citizens import CitizenRegistry, Person
from services.clock import Clock
from services.ids import IdGenerator
from services.keyed_hash import KeyedHasher
from services.otp_ports import Challenge, Lockout, OtpStore, SmsSender

__all__ = [
    "Challenge", "Lockout", "OtpPolicy", "OtpService", "OtpStore", "RequestResult",
    "RequestStatus", "SmsSender", "VerifyResult", "VerifyStatus",
]  # fmt: skip

MAX_TTL = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class OtpPolicy:
    """The numbers behind the rules; settings may tighten them, never loosen past the caps."""

    ttl: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    resend_after: timedelta = timedelta(seconds=60)
    per_phone_window: timedelta = timedelta(minutes=10)
    per_phone_in_window: int = 3
    per_phone_per_day: int = 10
    per_chat_per_day: int = 15
    per_source_in_window: int = 10
    per_source_per_day: int = 50
    free_failures: int = 2
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if not timedelta(seconds=30) <= self.ttl <= MAX_TTL:
            raise ValueError("OTP lifetime must be between 30 seconds and 10 minutes")

    def lock_for(self, failures: int) -> timedelta:
        """How long an account waits after `failures` failures in a row."""
        if failures <= self.free_failures:
            return timedelta(0)
        steps = failures - self.free_failures - 1
        return min(self.backoff_base * (1 << min(steps, 20)), self.backoff_max)


class RequestStatus(StrEnum):
    """What happened to a request for a code."""

    SENT = "sent"
    WAIT = "wait"  # too soon after the last code
    LIMIT = "limit"  # too many codes for this phone or chat
    LOCKED = "locked"  # the account is backing off after failures


@dataclass(frozen=True, slots=True)
class RequestResult:
    """The outcome of a request; `wait` in whole seconds when the user must wait."""

    status: RequestStatus
    wait: int = 0
    valid_minutes: int = 0


class VerifyStatus(StrEnum):
    """What happened to a typed code."""

    OK = "ok"
    WRONG = "wrong"  # wrong code (or an ID/phone pair that matches nobody)
    EXPIRED = "expired"  # no live code: expired, used, superseded or never issued
    EXHAUSTED = "exhausted"  # this try used up the attempts: the code is dead
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of a verification; `person` on success."""

    status: VerifyStatus
    wait: int = 0
    attempts_left: int = 0
    person: Person | None = None


def _seconds(delta: timedelta) -> int:
    return max(1, int(-(-delta.total_seconds() // 1)))


class OtpService:
    """Issues and verifies codes for one unit of work."""

    def __init__(
        self,
        store: OtpStore,
        registry: CitizenRegistry,
        sms: SmsSender,
        hasher: KeyedHasher,
        clock: Clock,
        ids: IdGenerator,
        policy: OtpPolicy,
        template: str,
    ) -> None:
        self._store, self._registry, self._sms = store, registry, sms
        self._hasher, self._clock, self._ids = hasher, clock, ids
        self._policy, self._template = policy, template

    def _account(self, id_number: str, phone: str) -> str:
        return self._hasher.digest("account", f"{id_number}:{phone}")

    def _lock_key(self, account: str, chat_key: str) -> str:
        return self._hasher.digest("lockout", f"{account}:{chat_key}")

    async def _locked(self, account: str, now: datetime) -> int:
        lockout = await self._store.lockout(account)
        if lockout and lockout.locked_until and lockout.locked_until > now:
            return _seconds(lockout.locked_until - now)
        return 0

    async def request(
        self, chat_key: str, id_number: str, phone: str, source: str | None = None
    ) -> RequestResult:
        """Issue a code for the ID number and phone, if the rules allow one now.

        `source` is a stable origin the channel can name (see the module's notes); the chat
        stands for it when the channel gives none.
        """
        now, policy = self._clock.now(), self._policy
        account = self._account(id_number, phone)
        phone_hash = self._hasher.digest("phone", phone)
        origin = self._hasher.digest("source", source or chat_key)
        if wait := await self._locked(self._lock_key(account, chat_key), now):
            return RequestResult(RequestStatus.LOCKED, wait)
        blocked = await self._rate_limited(account, chat_key, origin, now)
        if blocked is not None:
            return blocked
        person = await self._registry.lookup(id_number)
        matched = person is not None and person.phone == phone
        code = f"{secrets.randbelow(10**6):06d}"
        challenge_id = self._ids.new_id()
        # Without a match the stored hash is of a random secret: no code can ever verify.
        secret = code if matched else secrets.token_hex(16)
        previous = await self._store.open_challenge(chat_key)
        if previous is not None:
            await self._store.save_challenge(replace(previous, closed=True))
        await self._store.save_challenge(
            Challenge(
                id=challenge_id,
                chat_key=chat_key,
                account=account,
                phone_hash=phone_hash,
                code_hash=self._hasher.digest("otp", f"{challenge_id}:{secret}"),
                created_at=now,
                expires_at=now + policy.ttl,
                matched=matched,
            )
        )
        await self._store.record_send(account, chat_key, origin, now)
        if matched:
            minutes = int(policy.ttl.total_seconds() // 60)
            await self._sms.send(phone, self._template.format(code=code, minutes=minutes), chat_key)
        return RequestResult(
            RequestStatus.SENT, valid_minutes=int(policy.ttl.total_seconds() // 60)
        )

    async def _rate_limited(
        self, account: str, chat_key: str, origin: str, now: datetime
    ) -> RequestResult | None:
        policy, day = self._policy, timedelta(days=1)
        store, day_ago = self._store, now - day
        by_account = sorted(await store.sends(day_ago, account=account))
        by_chat = sorted(await store.sends(day_ago, chat_key=chat_key))
        by_source = sorted(await store.sends(day_ago, source=origin))
        last = max(by_account[-1:] + by_chat[-1:], default=None)
        if last is not None and now - last < policy.resend_after:
            return RequestResult(RequestStatus.WAIT, _seconds(last + policy.resend_after - now))
        caps = (
            (by_account, policy.per_phone_window, policy.per_phone_in_window),
            (by_account, day, policy.per_phone_per_day),
            (by_chat, day, policy.per_chat_per_day),
            (by_source, policy.per_phone_window, policy.per_source_in_window),
            (by_source, day, policy.per_source_per_day),
        )
        for times, span, cap in caps:
            recent = [t for t in times if now - t < span]
            if len(recent) >= cap:  # wait until the oldest send that keeps it full leaves
                return RequestResult(RequestStatus.LIMIT, _seconds(recent[-cap] + span - now))
        return None

    async def pending(self, chat_key: str, id_number: str, phone: str) -> bool:
        """Whether the chat holds a live code requested for this very ID number and phone."""
        challenge = await self._store.open_challenge(chat_key)
        return (
            challenge is not None
            and challenge.account == self._account(id_number, phone)
            and self._clock.now() < challenge.expires_at
        )

    async def verify(self, chat_key: str, id_number: str, phone: str, code: str) -> VerifyResult:
        """Check a typed code against the chat's live challenge for this ID and phone."""
        now = self._clock.now()
        account = self._account(id_number, phone)
        lock_key = self._lock_key(account, chat_key)
        if wait := await self._locked(lock_key, now):
            return VerifyResult(VerifyStatus.LOCKED, wait)
        challenge = await self._store.open_challenge(chat_key)
        if challenge is None or challenge.account != account:
            return VerifyResult(VerifyStatus.EXPIRED)
        if now >= challenge.expires_at:
            await self._store.save_challenge(replace(challenge, closed=True))
            return VerifyResult(VerifyStatus.EXPIRED)
        good = self._hasher.matches("otp", f"{challenge.id}:{code.strip()}", challenge.code_hash)
        if good and challenge.matched:
            await self._store.save_challenge(replace(challenge, closed=True))
            await self._store.save_lockout(Lockout(lock_key, 0, None))
            person = await self._registry.lookup(id_number)
            if person is None:  # the registry changed since the code was sent
                return VerifyResult(VerifyStatus.EXPIRED)
            return VerifyResult(VerifyStatus.OK, person=person)
        return await self._failed(challenge, lock_key, now)

    async def _failed(self, challenge: Challenge, lock_key: str, now: datetime) -> VerifyResult:
        policy = self._policy
        attempts = challenge.attempts + 1
        exhausted = attempts >= policy.max_attempts
        await self._store.save_challenge(replace(challenge, attempts=attempts, closed=exhausted))
        previous = await self._store.lockout(lock_key)
        failures = (previous.failures if previous else 0) + 1
        pause = policy.lock_for(failures)
        await self._store.save_lockout(Lockout(lock_key, failures, now + pause if pause else None))
        if exhausted:
            return VerifyResult(VerifyStatus.EXHAUSTED)
        return VerifyResult(
            VerifyStatus.WRONG,
            wait=_seconds(pause) if pause else 0,
            attempts_left=policy.max_attempts - attempts,
        )
