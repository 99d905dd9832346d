"""Every third-party package the code imports is declared in pyproject.toml.

An import that works only because some other dependency happens to pull its distribution in
(tqdm, starlette under fastapi, pillow under qrcode[pil]) breaks the day that dependency
changes; the application's packages must name theirs in `dependencies`, and the tests and
benchmarks theirs in `dependencies` or the `dev` extra.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OURS = {"bot", "services", "storage", "conversations", "tests", "bench"}
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def canonical(name: str) -> str:
    """A distribution name as package indexes compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements: list[str]) -> set[str]:
    found = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
    return {canonical(m.group(1)) for r in requirements if (m := found.match(r))}


RUNTIME = declared(PROJECT["dependencies"])
DEV = RUNTIME | declared(PROJECT["optional-dependencies"]["dev"])


def imported_modules(folders: list[str]) -> dict[str, str]:
    """Top-level third-party modules imported anywhere under the folders: module → a file."""
    modules: dict[str, str] = {}
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*.py")):
            if ".venv" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top not in OURS and top not in sys.stdlib_module_names:
                        modules.setdefault(top, str(path.relative_to(REPO)))
    return modules


def undeclared(folders: list[str], allowed: set[str]) -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    problems = []
    for module, where in sorted(imported_modules(folders).items()):
        names = {canonical(d) for d in distributions.get(module, [])}
        if not names:
            problems.append(f"{module} (imported in {where}) is not installed at all")
        elif not names & allowed:
            problems.append(f"{module} (imported in {where}) comes from {sorted(names)}")
    return problems


@pytest.mark.parametrize(
    ("folders", "allowed", "where"),
    [
        (["bot", "services", "storage", "conversations"], RUNTIME, "dependencies"),
        (["tests", "bench"], DEV, "dependencies or the dev extra"),
    ],
    ids=["application", "tests-and-benchmarks"],
)
def test_every_imported_distribution_is_declared(
    folders: list[str], allowed: set[str], where: str
) -> None:
    problems = undeclared(folders, allowed)
    assert not problems, f"declare in pyproject.toml ({where}):\n" + "\n".join(problems)
