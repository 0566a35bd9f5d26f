"""The SQLite state file is private to its owner and does not keep expired runners forever.

A red-team run found the file world-readable (0644, with runners' progress and sore areas in it)
and rows never deleted after their `expires_at`.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from runner_strength.persistence.base import SECONDS_PER_DAY, Snapshot
from runner_strength.persistence.sqlite import SWEEP_INTERVAL_SECONDS, SqliteAdapter
from skilltest import FakeClock, at

if TYPE_CHECKING:
    from pathlib import Path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _snapshot() -> Snapshot:
    return Snapshot(version=0, schema_version=1, record={"x": 1})


def test_a_new_state_file_and_its_journals_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    """Created 0600 (even under a permissive umask), its -wal and -shm files too; directory 0700."""
    previous = os.umask(0o002)
    try:
        path = tmp_path / "state" / "db.sqlite3"
        adapter = SqliteAdapter(path, clock=FakeClock(at(2026, 11, 18)), ttl_days=30)
        adapter.write("runner", _snapshot())
    finally:
        os.umask(previous)
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    journals = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    assert any(j.exists() for j in journals)
    for journal in journals:
        if journal.exists():
            assert _mode(journal) == 0o600, journal.name
    adapter.close()


def test_an_existing_world_readable_file_is_tightened_when_opened(tmp_path: Path) -> None:
    """A state file left 0644 by an earlier release becomes 0600, its data intact."""
    path = tmp_path / "db.sqlite3"
    first = SqliteAdapter(path, clock=FakeClock(at(2026, 11, 18)), ttl_days=30)
    first.write("runner", _snapshot())
    first.close()
    path.chmod(0o644)
    second = SqliteAdapter(path, clock=FakeClock(at(2026, 11, 18)), ttl_days=30)
    assert _mode(path) == 0o600
    assert second.read("runner") is not None
    second.close()


def test_expired_rows_are_deleted_when_the_store_opens(tmp_path: Path) -> None:
    """A runner inactive past the TTL is gone after the next start; an active one stays."""
    path = tmp_path / "db.sqlite3"
    clock = FakeClock(at(2026, 1, 1))
    adapter = SqliteAdapter(path, clock=clock, ttl_days=30)
    adapter.write("inactive", _snapshot())
    clock.advance(20 * SECONDS_PER_DAY)
    adapter.write("active", _snapshot())
    adapter.close()
    clock.advance(15 * SECONDS_PER_DAY)  # inactive: 35 days; active: 15 days
    reopened = SqliteAdapter(path, clock=clock, ttl_days=30)
    assert reopened.read("inactive") is None
    assert reopened.read("active") is not None
    reopened.close()


def test_a_long_running_store_sweeps_expired_rows_on_a_later_write(tmp_path: Path) -> None:
    """Without a restart, expired rows go on the first write an hour after the last sweep."""
    clock = FakeClock(at(2026, 1, 1))
    adapter = SqliteAdapter(tmp_path / "db.sqlite3", clock=clock, ttl_days=1)
    adapter.write("old", _snapshot())
    clock.advance(SECONDS_PER_DAY + 1)  # "old" has expired; the last sweep was at open
    assert adapter.read("old") is not None  # nothing deletes it before a write
    adapter.write("new", _snapshot())
    assert adapter.read("old") is None
    assert adapter.read("new") is not None
    assert SWEEP_INTERVAL_SECONDS == 3600
    adapter.close()
