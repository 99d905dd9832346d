"""`dvc-bot search` skips validating settings only when validation could refuse nothing.

bot/settings_names.py knows our settings' names without pydantic; these tests keep it in step
with bot/settings.py, check that what it lets through is accepted by `Settings`, and that the
command still refuses a bad setting in the same words.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.settings import Environment, Settings
from bot.settings_names import ANY_VALUE, NAMES, nothing_to_refuse

REPO = Path(__file__).resolve().parents[2]
ODD = ["", " ", "::::", "postgresql://u:secret@h/db", "CHANGE-ME-0000", "Đăng ký", "x" * 3000]


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env file and no setting from the environment reach these tests."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)


def test_the_names_are_the_settings_fields() -> None:
    assert {name.upper() for name in Settings.model_fields} == NAMES
    assert ANY_VALUE <= NAMES


@pytest.mark.parametrize("name", sorted(ANY_VALUE))
@pytest.mark.parametrize("value", ODD)
def test_what_passes_unchecked_is_what_settings_accept(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    ours = {name: value, "ENVIRONMENT": "development"}
    assert nothing_to_refuse({**ours, "PATH": "/usr/bin"})
    for key, set_to in ours.items():
        monkeypatch.setenv(key, set_to)
    assert Settings().environment is Environment.DEVELOPMENT  # accepted, not refused


@given(
    name=st.sampled_from(sorted(NAMES - ANY_VALUE - {"ENVIRONMENT"})),
    value=st.text(max_size=20),
    lower=st.booleans(),
)
def test_any_other_setting_is_validated(name: str, value: str, lower: bool) -> None:
    assert not nothing_to_refuse({(name.lower() if lower else name): value})


def test_production_a_dot_env_file_or_undecodable_text_are_validated(tmp_path: Path) -> None:
    assert not nothing_to_refuse({"ENVIRONMENT": "production"})
    assert not nothing_to_refuse({"environment": "Development"})
    assert not nothing_to_refuse({"DATABASE_URL": "sqlite:///\udcff"})
    (tmp_path / ".env").write_text("")
    assert not nothing_to_refuse({}, tmp_path / ".env")
    assert nothing_to_refuse({"HOME": "/root"}, tmp_path / "absent.env")


def _search(tmp_path: Path, settings: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`dvc-bot search` in a fresh interpreter; prints the hits and whether pydantic loaded."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in NAMES}
    env.update(settings, PYTHONPATH=str(REPO))
    code = (
        "import json, sys\nfrom bot.cli import main\ncode = main(['search', '--json', 'tam tru'])\n"
        "print(json.dumps(['pydantic' in sys.modules, code]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


def test_search_with_plain_settings_answers_without_pydantic(tmp_path: Path) -> None:
    done = _search(tmp_path, {"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": "sqlite://"})
    *hits, verdict = done.stdout.splitlines()
    assert json.loads(verdict) == [False, 0], done.stderr
    assert "tạm trú" in json.loads("\n".join(hits))[0]["name"].lower()


def test_search_still_refuses_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    done = _search(tmp_path, {"DATA_DIR": str(tmp_path / "data"), "PORT": "eighty"})
    assert json.loads(done.stdout.splitlines()[-1]) == [True, 2]
    assert done.stderr.startswith("dvc-bot: settings: PORT: "), done.stderr
    assert len(done.stderr.splitlines()) == 1
