"""How updates reach the bot: the getUpdates queue, or the webhook once setWebhook is called."""

from __future__ import annotations

import asyncio
import copy
import enum
import itertools
from collections.abc import Awaitable
from typing import Any

from tests.e2e.fakes.request_params import Params
from tests.e2e.fakes.telegram_delivery import (
    Delivery,
    ReplyHandler,
    UpdateQueue,
    WebhookConfig,
    WebhookSender,
    update_type,
)
from tests.e2e.fakes.telegram_state import ApiError, bad_request

_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete it"
)
_SECRET_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class Secret(enum.Enum):
    """Which secret header a webhook delivery carries."""

    CONFIGURED = "configured"  # the secret_token given to setWebhook (none if none was given)


class UpdateChannel:
    """getUpdates, setWebhook, deleteWebhook, getWebhookInfo, and delivery of new updates."""

    def __init__(self, webhook_retries: int, retry_delay: float, on_reply: ReplyHandler) -> None:
        self.queue = UpdateQueue()
        self.webhook = WebhookSender(webhook_retries, retry_delay, on_reply)
        self._update_ids = itertools.count(100_000_001)
        self._tasks: set[asyncio.Task[Any]] = set()

    async def close(self) -> None:
        """End long polls and background deliveries; close the webhook client."""
        self.queue.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.webhook.close()

    def new_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """An Update with the next update_id (a copy: later edits do not change it)."""
        return {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        """getUpdates: refused while a webhook is set (409, as the Bot API does)."""
        if self.webhook.config is not None:
            raise ApiError(409, _WEBHOOK_ACTIVE)
        allowed = params.parsed("allowed_updates")
        return await self.queue.get(
            params.integer("offset"),
            params.integer("limit", 100) or 100,
            min(params.integer("timeout", 0) or 0, 50),
            allowed if isinstance(allowed, list) else None,
        )

    async def set_webhook(self, params: Params) -> bool:
        """setWebhook. Plain http:// URLs are accepted (the real API wants HTTPS)."""
        url = params.text("url") or ""
        if not url:
            return await self.delete_webhook(params)
        secret = params.text("secret_token")
        if secret is not None and not (1 <= len(secret) <= 256 and set(secret) <= _SECRET_CHARS):
            raise bad_request("secret token contains unallowed characters")
        if params.flag("drop_pending_updates"):
            self.queue.drop()
        allowed = params.parsed("allowed_updates")
        self.webhook.config = WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=params.integer("max_connections", 40) or 40,
            allowed_updates=allowed if isinstance(allowed, list) else [],
        )
        if self.queue.pending:
            self._spawn(self._flush_pending())
        return True

    async def _flush_pending(self) -> None:
        """Updates queued before the webhook was set go to it, in order."""
        while self.queue.pending and self.webhook.config is not None:
            await self.webhook.deliver(self.queue.pending.pop(0))

    async def delete_webhook(self, params: Params) -> bool:
        """deleteWebhook: back to getUpdates."""
        self.webhook.config = None
        if params.flag("drop_pending_updates"):
            self.queue.drop()
        return True

    async def webhook_info(self, params: Params) -> dict[str, Any]:
        """getWebhookInfo, with the last delivery error."""
        config = self.webhook.config
        info: dict[str, Any] = {
            "url": config.url if config else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
        }
        if config:
            info["max_connections"] = config.max_connections
            if config.allowed_updates:
                info["allowed_updates"] = config.allowed_updates
        if self.webhook.last_error:
            info["last_error_date"], info["last_error_message"] = self.webhook.last_error
        return info

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def deliver(
        self,
        update: dict[str, Any],
        *,
        secret_token: str | Secret | None = Secret.CONFIGURED,
        retries: int | None = None,
    ) -> Delivery | None:
        """Hand an update to the bot: queue it (polling) or POST it (webhook; awaits retries).

        `secret_token` overrides the header (None: no header) to play a forged request.
        Returns None when queued, or when the webhook's allowed_updates leave the update out.
        """
        config = self.webhook.config
        if config is None:
            self.queue.push(update)
            return None
        if config.allowed_updates and update_type(update) not in config.allowed_updates:
            return None
        if isinstance(secret_token, Secret):
            return await self.webhook.deliver(update, retries=retries)
        return await self.webhook.deliver(
            update, secret_token=secret_token, use_config_secret=False, retries=retries
        )

    async def redeliver(self, update: dict[str, Any]) -> Delivery:
        """POST an update the bot already got, as Telegram does after a timeout (webhook only)."""
        delivery = await self.deliver(update)
        if delivery is None:
            raise RuntimeError("duplicate delivery needs webhook mode; in polling, offsets decide")
        return delivery

    async def deliver_many(self, updates: list[dict[str, Any]]) -> list[Delivery | None]:
        """Deliver concurrently, at most max_connections at a time (webhook mode)."""
        limit = asyncio.Semaphore(self.webhook.config.max_connections if self.webhook.config else 1)

        async def one(update: dict[str, Any]) -> Delivery | None:
            async with limit:
                return await self.deliver(update)

        return list(await asyncio.gather(*(one(u) for u in updates)))

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook delivery, with the status of each attempt."""
        return self.webhook.deliveries
