"""Free space in DATA_DIR, the disk that holds the database file, the file store and staging:
below DATA_MIN_FREE_MB uploads are refused and /readyz says not ready, so a full disk is seen
before it takes the chats down."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class DiskState:
    """How much is free where the data lives, and whether that is below the threshold."""

    free: int
    threshold: int

    @property
    def low(self) -> bool:
        """Below the threshold (never, when the threshold is 0)."""
        return self.threshold > 0 and self.free < self.threshold


class DiskGuard:
    """Reads the free space of one folder's file system (each call asks the OS again)."""

    def __init__(self, folder: Path, min_free_mb: int) -> None:
        self._folder = Path(folder)
        self._threshold = min_free_mb * MIB

    def state(self) -> DiskState:
        """The free space now (the nearest existing folder up the path, if it is not made)."""
        folder = self._folder.resolve()
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return DiskState(shutil.disk_usage(folder).free, self._threshold)
