"""What the privacy scan needs to know: codes issued during the suite, and server log files."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bot.log_setup import MaskingFilter

# Test-suite-wide records (test support only): every one-time code sent, every log line the
# production masking lets through, and the log files of servers started as subprocesses.
ISSUED_CODES: set[str] = set()
LOG_LINES: list[str] = []
SERVER_LOGS: list[Path] = []
DEV_SMS_BANNER = "[DEV SMS"
_CODE = re.compile(r"\b\d{6}\b")


class Collector(logging.Handler):
    """Keeps every record as production would write it (masked), with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(MaskingFilter())
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        LOG_LINES.append(self.format(record))


def note_codes(text: str) -> None:
    """Remember the codes an SMS carried."""
    ISSUED_CODES.update(_CODE.findall(text))
