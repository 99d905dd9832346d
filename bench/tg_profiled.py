"""`dvc-bot run` with cProfile switched on by SIGUSR1 and its stats written by SIGUSR2.

    python bench/tg_profiled.py STATS_FILE        # same environment as `dvc-bot run`

bench/telegram_throughput.py --profile uses it to profile only the measured load, not the
start-up (imports, migrations, seeding), which would swamp a whole-process profile.
"""

from __future__ import annotations

import asyncio
import cProfile
import signal
import sys
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.runner import run
from bot.settings import Settings


def main(stats: Path) -> None:
    """Serve as `dvc-bot run` does, profiling between the two signals."""
    profile = cProfile.Profile()

    def start(signum: int, frame: FrameType | None) -> None:
        profile.enable()

    def write(signum: int, frame: FrameType | None) -> None:
        profile.disable()
        profile.dump_stats(stats)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, write)
    asyncio.run(run(Settings()))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
