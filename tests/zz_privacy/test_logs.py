"""The privacy scan, visible as tests at the end of a whole-suite run.

The guarantee does not depend on this module: tests/privacy.py scans every run when it ends
(`pytest_sessionfinish`) and fails it on a leak, whatever order the tests ran in. Here, run
last (its folder sorts after the others), the same scan shows up as a named test, and the
whole suite is checked to have issued codes at all (a scan that read nothing proves nothing).
"""

from __future__ import annotations

from tests.privacy import ISSUED_CODES, leaks


def test_the_logs_hold_no_code_and_no_unmasked_id_or_phone() -> None:
    found = leaks()
    assert not found, "\n".join(found[:10])


def test_the_scan_had_something_to_scan() -> None:
    """Guard against a scan that silently read nothing."""
    assert ISSUED_CODES, "no one-time code was issued during the suite"
