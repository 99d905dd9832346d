"""The privacy scan: no log of the test run holds a one-time code or an unmasked ID or phone.

Every log record of the run is kept as production would write it (masked), every code an SMS
carried is remembered, and the log files of servers started as subprocesses are listed. At the
end of the run (`pytest_sessionfinish`, whatever order the tests ran in, whichever tests were
selected) all of it is scanned; a leak fails the run with the offending lines printed.
tests/conftest.py registers the hooks; `-p tests.privacy` loads them into any other run.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import pytest

from bot.log_setup import MaskingFilter

# Test-suite-wide records (test support only): every one-time code sent, every log line the
# production masking lets through, and the log files of servers started as subprocesses.
ISSUED_CODES: set[str] = set()
LOG_LINES: list[str] = []
SERVER_LOGS: list[Path] = []
DEV_SMS_BANNER = "[DEV SMS"
_CODE = re.compile(r"\b\d{6}\b")
ID_OR_PHONE = re.compile(
    r"(?<![\d*])(?:\d{12}|0\d{9}|84\d{9})(?![\d*])"  # a whole 12-digit ID or a mobile number
)


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


def server_log_lines() -> list[str]:
    """Log lines of the servers the e2e tests ran (the dev SMS lines are not logging)."""
    lines: list[str] = []
    for path in SERVER_LOGS:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(DEV_SMS_BANNER):
                note_codes(line)  # a code shown on the dev channel must not reach the log
            else:
                lines.append(line)
    return lines


def leaks() -> list[str]:
    """Every log line so far that holds an unmasked ID or phone number, or an issued code."""
    lines = LOG_LINES + server_log_lines()
    codes = {code for code in ISSUED_CODES if code}
    return [
        line
        for line in lines
        if ID_OR_PHONE.search(line) or any(re.search(rf"\b{c}\b", line) for c in codes)
    ]


_collector = Collector()
_root_level: list[int] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    """Collect every log record of the run, masked as in production."""
    root = logging.getLogger()
    _root_level.append(root.level)
    root.addHandler(_collector)
    root.setLevel(logging.INFO)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Scan everything the run logged; a leak fails the run (exit status 1) and is shown."""
    root = logging.getLogger()
    root.removeHandler(_collector)
    if _root_level:
        root.setLevel(_root_level.pop())
    found = leaks()
    if not found:
        return
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    report = [f"privacy scan: {len(found)} log line(s) hold personal data or a one-time code:"]
    report += [f"  {line}" for line in found[:20]]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        print("\n".join(report), file=sys.stderr)
        return
    reporter.ensure_newline()
    reporter.write_sep("=", "PRIVACY SCAN FAILED", red=True, bold=True)
    for line in report:
        reporter.write_line(line)
