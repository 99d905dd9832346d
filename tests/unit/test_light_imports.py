"""Start-up stays light: geographic libraries are never loaded to answer a chat, and
`dvc-bot search` / `--help` load neither the database layer nor the server.

Each check runs in a fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GEOGRAPHIC = ["numpy", "shapely", "geopy", "vietnamadminunits"]
SERVER = ["sqlalchemy", "sqlmodel", "asyncpg", "telegram", "aiogram", "uvicorn", "fastapi"]


def _loaded(script: str, watched: list[str]) -> tuple[dict[str, object], list[str]]:
    """Run `script` (which sets `answer`) in a new interpreter; what it answered and which
    of `watched` it loaded."""
    code = (
        "import json, sys\n"
        + script
        + f"\nprint(json.dumps([answer, [m for m in {watched!r} if m in sys.modules]]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    answer, loaded = json.loads(done.stdout.splitlines()[-1])
    return answer, loaded


def test_the_server_finds_a_ward_without_loading_geographic_libraries() -> None:
    answer, loaded = _loaded(
        "import bot.bootstrap, bot.runner\n"
        "from services.search import rank_names\n"
        "from storage.address_conversion import OfflineAddressConverter\n"
        "from storage.admin_units import load_places\n"
        "places = load_places()\n"
        "OfflineAddressConverter(places)\n"
        "wards = [(w.code, w.name) for w in places.wards('04')]\n"
        "codes = rank_names('thuc phan', wards)\n"
        "answer = {'provinces': len(places.provinces), 'ward': places.ward(codes[0]).name}\n",
        GEOGRAPHIC,
    )
    assert answer == {"provinces": 34, "ward": "Phường Thục Phán"}
    assert loaded == []


def test_an_old_address_is_still_converted_offline() -> None:
    answer, loaded = _loaded(
        "from storage.address_conversion import OfflineAddressConverter\n"
        "from storage.admin_units import load_places\n"
        "places = load_places()\n"
        "converted = OfflineAddressConverter(places).to_two_level(\n"
        "    'Số 5, Phường Sông Bằng, Thành phố Cao Bằng, Tỉnh Cao Bằng')\n"
        "answer = converted and converted.province\n",
        GEOGRAPHIC,
    )
    assert answer == "Tỉnh Cao Bằng"
    assert "vietnamadminunits" in loaded  # the package's tables, loaded for this only


def test_search_and_help_load_neither_the_database_layer_nor_the_server() -> None:
    for argv in (["search", "--json", "tam tru"], ["--help"]):
        answer, loaded = _loaded(
            "import contextlib, io\n"
            "from bot.cli import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    try:\n"
            f"        main({argv!r})\n"
            "    except SystemExit:\n"
            "        pass\n"
            "answer = out.getvalue()\n",
            SERVER + GEOGRAPHIC,
        )
        assert loaded == [], argv
        assert "1.004194" in str(answer) if argv[0] == "search" else "search" in str(answer)
