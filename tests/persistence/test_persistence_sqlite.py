"""The embedded SQLite store's own concerns: its file, WAL, locking and damage."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import TYPE_CHECKING

import pytest

from runner_strength.config import Config
from runner_strength.persistence.base import Snapshot, StorageUnavailable
from runner_strength.persistence.sqlite import SqliteAdapter

if TYPE_CHECKING:
    from pathlib import Path

KEY = "k" * 64


def clock() -> float:
    return 1_700_000_000.0


def test_default_path_is_under_the_users_state_directory(tmp_path: Path) -> None:
    """Without RUNNER_STRENGTH_DB the file goes to $XDG_STATE_HOME/runner-strength, created."""
    config = Config.from_env({"XDG_STATE_HOME": str(tmp_path / "state")})
    adapter = SqliteAdapter(config.db_path, clock=clock, ttl_days=1)
    assert adapter.path == tmp_path / "state" / "runner-strength" / "state.sqlite3"
    assert adapter.path.is_file()


def test_database_uses_wal_so_readers_do_not_wait_for_writers(tmp_path: Path) -> None:
    """The file is in WAL mode: reads go on while another connection holds the write lock."""
    path = tmp_path / "db.sqlite3"
    adapter = SqliteAdapter(path, clock=clock, ttl_days=1)
    adapter.write(KEY, Snapshot(0, 1, {"n": 1}))
    with sqlite3.connect(path, isolation_level=None) as blocker:
        assert blocker.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        blocker.execute("BEGIN IMMEDIATE")
        assert adapter.read(KEY) == Snapshot(1, 1, {"n": 1})
        blocker.execute("ROLLBACK")


def test_write_blocked_by_another_process_lock_is_unavailable(tmp_path: Path) -> None:
    """A write that cannot get the lock within the busy timeout is transient unavailability."""
    path = tmp_path / "db.sqlite3"
    adapter = SqliteAdapter(path, clock=clock, ttl_days=1, busy_timeout=0.1)
    with sqlite3.connect(path, isolation_level=None) as blocker:
        blocker.execute("BEGIN IMMEDIATE")
        began = time.perf_counter()
        with pytest.raises(StorageUnavailable) as caught:
            adapter.write(KEY, Snapshot(0, 1, {}))
        assert caught.value.transient
        assert time.perf_counter() - began < 1.0
        blocker.execute("ROLLBACK")
    assert adapter.write(KEY, Snapshot(0, 1, {})) == 1


def test_damaged_file_is_a_permanent_storage_error(tmp_path: Path) -> None:
    """A file that is not a database is reported as StorageUnavailable, not a crash."""
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageUnavailable) as caught:
        SqliteAdapter(path, clock=clock, ttl_days=1)
    assert caught.value.transient is False


def test_each_thread_gets_its_own_connection(tmp_path: Path) -> None:
    """One adapter shared by threads works (sqlite3 connections themselves must not be shared)."""
    adapter = SqliteAdapter(tmp_path / "db.sqlite3", clock=clock, ttl_days=1)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            adapter.write(f"{n:064d}", Snapshot(0, 1, {"n": n}))
            adapter.close()
        except BaseException as exc:  # noqa: BLE001 -- reported to the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [adapter.read(f"{n:064d}") for n in range(8)] == [
        Snapshot(1, 1, {"n": n}) for n in range(8)
    ]
