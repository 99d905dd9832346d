"""Failures a test can ask for: the next calls fail, a user blocked the bot, flood limits."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tests.e2e.fakes.telegram_state import ApiError

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def too_many_requests(retry_after: int) -> ApiError:
    """Flood control: 429 with parameters.retry_after, which PTB and aiogram both read."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


@dataclass
class _Planned:
    error: ApiError
    times: int


class Faults:
    """Planned failures, blocked chats and the optional rate limiter."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._planned: dict[str, deque[_Planned]] = {}
        self.blocked: set[int] = set()
        self._global_per_s: float | None = None
        self._per_chat_per_s: float | None = None
        self._sent: deque[float] = deque()
        self._last_in_chat: dict[int, float] = {}

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` fail with `status`."""
        if status == 429:
            error = too_many_requests(retry_after)
        else:
            reason = _REASONS.get(status, "Error")
            error = ApiError(status, description or reason)
        self._planned.setdefault(method.lower(), deque()).append(_Planned(error, times))

    def planned(self, method: str) -> ApiError | None:
        """The failure planned for this call, if any (it is used up)."""
        queue = self._planned.get(method)
        if not queue:
            return None
        head = queue[0]
        head.times -= 1
        if head.times <= 0:
            queue.popleft()
        return head.error

    def enforce_rate(self, global_per_s: float = 30, per_chat_per_s: float = 1) -> None:
        """Answer 429 when the bot exceeds these send rates (a one-second sliding window)."""
        self._global_per_s = global_per_s
        self._per_chat_per_s = per_chat_per_s
        self._sent.clear()
        self._last_in_chat.clear()

    def stop_rate(self) -> None:
        """Back to unlimited sending."""
        self._global_per_s = self._per_chat_per_s = None

    def check_rate(self, chat_id: int) -> ApiError | None:
        """Count one send to `chat_id`, or refuse it with the whole seconds left to wait.

        Global: at most `global_per_s` sends in any one-second window. Per chat: at least
        1/`per_chat_per_s` seconds between two sends.
        """
        if self._global_per_s is None or self._per_chat_per_s is None:
            return None
        now = self._clock()
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()
        if len(self._sent) >= self._global_per_s:
            return too_many_requests(_whole_seconds(1.0 - (now - self._sent[0])))
        interval = 1.0 / self._per_chat_per_s
        last = self._last_in_chat.get(chat_id)
        if last is not None and now - last < interval:
            return too_many_requests(_whole_seconds(interval - (now - last)))
        self._sent.append(now)
        self._last_in_chat[chat_id] = now
        return None


def _whole_seconds(wait: float) -> int:
    """retry_after is an integer number of seconds, at least 1."""
    return max(1, math.ceil(wait))
