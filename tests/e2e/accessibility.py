"""axe-core in the browser tests: installed from the npm registry, injected into the page.

`axe_script()` installs tests/e2e/axe (package.json + package-lock.json) with `npm ci` when
its node_modules is missing, so a clean clone needs nothing by hand but Node.js and npm.
`review()` checks one state of the page on a phone and on a desktop screen and writes a
screenshot of each for review (to SCREENSHOT_DIR, tests/e2e/screenshots by default).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Page

AXE_DIR = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).parent / "screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
BLOCKING = ("serious", "critical")
_RUN_AXE = """async () => {
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
}"""


def axe_script() -> str:
    """The text of axe.min.js, installing the pinned axe-core first if it is not there."""
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "the accessibility check needs npm to install axe-core "
                "(apt-get install -y nodejs npm), then: cd tests/e2e/axe && npm ci"
            )
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=AXE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not AXE_SCRIPT.exists():
            raise RuntimeError(
                f"`npm ci` in {AXE_DIR} could not install axe-core "
                f"(exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def violations(page: Page, script: str) -> list[dict[str, object]]:
    """axe-core's serious and critical violations on the page as it is now.

    The script is evaluated through the browser's debugging protocol, so a Content-Security-
    Policy of the page does not stand in its way.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(script)
    found: list[dict[str, object]] = page.evaluate(_RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def review(page: Page, script: str, name: str) -> None:
    """Check the page with axe on a phone and on a desktop screen, writing a screenshot of
    each (`<name>-phone.png`, `<name>-desktop.png`); fails on a serious or critical issue."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    problems: dict[str, list[dict[str, object]]] = {}
    try:
        for screen, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            page.mouse.move(0, 0)  # no hover effect on the last button pressed
            page.wait_for_timeout(300)  # the layout and scrolling settle, the hover fades
            page.screenshot(path=SCREENSHOTS / f"{name}-{screen}.png", animations="disabled")
            found = violations(page, script)
            if found:
                problems[screen] = found
    finally:
        if size is not None:
            page.set_viewport_size(size)
    assert not problems, f"axe-core on {name!r}: {problems}"
