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


CHAT, ADDRESS = "c" * 32, "a" * 32


def test_owners_count_what_they_stage_and_what_is_still_streaming(tmp_path: Path) -> None:
    staging = LocalStaging(tmp_path / "incoming", LocalFileStore(tmp_path / "files"))
    done = staging.open((CHAT, ADDRESS))
    done.write(PDF)
    ref = done.commit()
    streaming = staging.open((ADDRESS,))
    streaming.write(b"%PDF-1.4 half")
    assert staging.used_by(CHAT) == len(PDF)
    assert staging.used_by(ADDRESS) == len(PDF) + len(b"%PDF-1.4 half")
    assert staging.used_by("b" * 32) == 0
    streaming.abort()  # a refused or broken upload leaves nothing, its marker included
    assert staging.used_by(ADDRESS) == len(PDF)
    assert not list((tmp_path / "incoming").glob(".tmp-*"))
    staging.accept(ref)  # claimed: it no longer counts against anyone
    assert staging.used_by(CHAT) == 0 and staging.used_by(ADDRESS) == 0
    with pytest.raises(ValueError):
        staging.open(("../../etc",))  # a tag is a digest, never a path


def test_the_sweep_removes_old_files_partial_ones_and_stale_markers(tmp_path: Path) -> None:
    staging = LocalStaging(tmp_path / "incoming", LocalFileStore(tmp_path / "files"))
    kept = staging.stage(PDF)
    crashed = staging.open((CHAT,))
    crashed.write(PDF)
    assert staging.sweep(max_age=3600) == 0 and staging.head(kept, 4) == b"%PDF"
    assert staging.sweep(max_age=-1) == 2  # everything is older than "a second from now"
    assert staging.head(kept) == b"" and staging.used_by(CHAT) == 0
    left = [p for p in (tmp_path / "incoming").rglob("*") if not p.is_dir() or p.name != ".owners"]
    assert left == []  # no file, no marker, no owner's folder
