"""Logging with personal data masked: ID numbers, phone numbers and tokens never appear whole."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_TOKEN = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")  # Telegram bot tokens
_SECRET_PARAM = re.compile(r"(?i)\b(token|secret|key|otp|code|password)=([^&\s]+)")
# Phone numbers however they were typed (0912 345 678, +84 912.345.678), ID numbers typed in
# groups (004 095 123 456), and any plain run of 9 or more digits (IDs, phones, old ID cards).
_DIGIT_RUNS = (
    re.compile(r"(?<!\d)\d{3}(?:[ .]\d{3}){3}(?!\d)"),
    re.compile(r"(?<![\w+])(?:\+?84[ .\-]?|0)\d{2,3}(?:[ .\-]?\d{3,4}){2}(?!\d)"),
    re.compile(r"(?<!\d)\d{9,}(?!\d)"),
)


def _mask_run(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def mask_text(text: str) -> str:
    """Mask anything that looks like a token, a 12-digit ID or a phone number."""
    text = _TOKEN.sub("[token]", text)
    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=[masked]", text)
    for pattern in _DIGIT_RUNS:
        text = pattern.sub(_mask_run, text)
    return text


class MaskingFilter(logging.Filter):
    """Rewrites each record's message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        body = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            body["exception"] = record.exc_text
        return json.dumps(body, ensure_ascii=False)


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    """Log to stderr, masked, as text or JSON lines."""
    handler = logging.StreamHandler()
    handler.addFilter(MaskingFilter())
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "aiosqlite", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
