"""The privacy scan: the suite's logs hold no one-time code, no unmasked ID or phone number.

This module runs last (its folder sorts after the others): by then every other test has
logged what it logs, in process (masked by the production filter) and in server processes
started by the end-to-end tests (their real logging set-up).
"""

from __future__ import annotations

import re

from tests.privacy import DEV_SMS_BANNER, ISSUED_CODES, LOG_LINES, SERVER_LOGS, note_codes

ID_OR_PHONE = re.compile(
    r"(?<![\d*])(?:\d{12}|0\d{9}|84\d{9})(?![\d*])"  # a whole 12-digit ID or a mobile number
)


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


def test_the_logs_hold_no_code_and_no_unmasked_id_or_phone() -> None:
    lines = LOG_LINES + server_log_lines()
    leaks = [line for line in lines if ID_OR_PHONE.search(line)]
    assert not leaks, "\n".join(leaks[:10])
    codes = {code for code in ISSUED_CODES if code}
    coded = [line for line in lines if any(re.search(rf"\b{c}\b", line) for c in codes)]
    assert not coded, "\n".join(coded[:10])


def test_the_scan_had_something_to_scan() -> None:
    """Guard against a scan that silently read nothing."""
    assert ISSUED_CODES, "no one-time code was issued during the suite"
