"""The privacy scan fails a test run whose logs leak, whatever order its tests ran in.

Each case is a real pytest run in a subprocess with the scan's hooks (`-p tests.privacy`) and
one planted test module; the leaking test runs first, before tests that pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PHONE = "0912345678"
CODE = "482913"

PLANTS = {
    "clean": """
        def test_a_masked_phone_is_fine():
            logging.getLogger("bot.sms").warning("SMS sent to %s", "0912345678")
    """,
    "server-log": """
        def test_a_server_process_logged_a_phone(tmp_path):
            log = tmp_path / "server.log"
            log.write_text("INFO bot.sms: SMS sent to 0912345678\\n", encoding="utf-8")
            SERVER_LOGS.append(log)
    """,
    "code": """
        def test_an_issued_code_reached_the_log():
            note_codes("Ma xac thuc: 482913")
            logging.getLogger("bot.otp").info("checking 482913")
    """,
}
PASSING = """
    def test_later_one_logs_nothing_personal():
        logging.getLogger("bot.web").info("page served in %d ms", 12)
        assert "0912345678" not in "page served in 12 ms"

    def test_later_two_masks_what_it_logs():
        from services.identity import mask_phone
        masked = mask_phone("0912345678")
        logging.getLogger("bot.sms").info("SMS sent to %s", masked)
        assert "0912345678" not in masked
"""


def run_planted(tmp_path: Path, plant: str) -> subprocess.CompletedProcess[str]:
    module = tmp_path / "test_planted.py"
    header = "import logging\nfrom tests.privacy import SERVER_LOGS, note_codes\n"
    module.write_text(
        header + textwrap.dedent(PLANTS[plant]) + textwrap.dedent(PASSING), encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    pytest_args = ["-p", "tests.privacy", "-p", "no:cacheprovider", "-q"]
    pytest_args += ["-c", str(REPO / "pyproject.toml"), "--rootdir", str(tmp_path)]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args, str(module)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_run_whose_logs_are_masked_passes(tmp_path: Path) -> None:
    done = run_planted(tmp_path, "clean")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PRIVACY SCAN FAILED" not in done.stdout


@pytest.mark.parametrize(("plant", "leaked"), [("server-log", PHONE), ("code", CODE)])
def test_a_leak_fails_the_run_even_when_every_test_passed(
    tmp_path: Path, plant: str, leaked: str
) -> None:
    done = run_planted(tmp_path, plant)
    assert "3 passed" in done.stdout, done.stdout + done.stderr  # every test passed...
    assert done.returncode == 1  # ...and the run fails all the same
    assert "PRIVACY SCAN FAILED" in done.stdout
    assert any(leaked in line for line in done.stdout.splitlines() if line.startswith("  "))
