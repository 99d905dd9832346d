"""Local fake servers that speak the Telegram Bot API and the Zalo OA API, for e2e tests."""

from tests.e2e.fakes.local_server import LocalServer, free_port
from tests.e2e.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram
from tests.e2e.fakes.telegram_channel import Secret
from tests.e2e.fakes.telegram_delivery import SECRET_HEADER, Delivery
from tests.e2e.fakes.telegram_state import SentMessage
from tests.e2e.fakes.zalo_api import FakeZalo
from tests.e2e.fakes.zalo_events import SIGNATURE_HEADER, signature
from tests.e2e.fakes.zalo_messages import ERR_PARAMS, ERR_TOKEN, ERR_WINDOW, ZaloSent
from tests.e2e.fakes.zalo_users import ZaloDelivery

__all__ = [
    "DEFAULT_TOKEN",
    "ERR_PARAMS",
    "ERR_TOKEN",
    "ERR_WINDOW",
    "SECRET_HEADER",
    "SIGNATURE_HEADER",
    "Delivery",
    "FakeTelegram",
    "FakeZalo",
    "LocalServer",
    "Secret",
    "SentMessage",
    "ZaloDelivery",
    "ZaloSent",
    "free_port",
    "signature",
]
