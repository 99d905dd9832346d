"""Upload staging, real (a private folder) and fake (memory): one staged copy per upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.file_store import LocalFileStore
from storage.staging import LocalStaging
from tests.fakes import MemoryStaging

PDF = b"%PDF-1.7\n" + b"x" * 500


@pytest.fixture(params=["local", "memory"])
def staging(request: pytest.FixtureRequest, tmp_path: Path) -> LocalStaging | MemoryStaging:
    if request.param == "memory":
        return MemoryStaging()
    return LocalStaging(tmp_path / "incoming", LocalFileStore(tmp_path / "files"))


def test_the_same_file_from_two_chats_at_once_is_two_uploads(
    staging: LocalStaging | MemoryStaging,
) -> None:
    first, second = staging.stage(PDF), staging.stage(PDF)
    assert first != second
    stored = staging.accept(first)  # one chat's documents step takes its copy…
    assert staging.head(second, 4) == b"%PDF"  # …the other chat's copy is still there
    staging.reject(second)
    assert staging.head(second) == b"" and staging.head(first) == b""
    assert stored.startswith("sha256:")
