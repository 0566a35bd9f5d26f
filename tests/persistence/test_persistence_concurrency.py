"""Optimistic locking under real concurrency: threads on every store, processes on SQLite."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
import uuid
from typing import TYPE_CHECKING

import pytest

from runner_strength.persistence.base import Snapshot, VersionConflict, VersionedAdapter
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from runner_strength.persistence.memory import MemoryAdapter
from runner_strength.persistence.sqlite import SqliteAdapter

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import DynamoDbLocalTable

UPDATES_PER_WRITER = 100


# DynamoDB Local really deletes items whose TTL has passed, so test clocks start at the real
# time (read once); a fixed date in the past would let items vanish in the middle of a test.
START = time.time()


def clock() -> float:
    return START


def append(adapter: VersionedAdapter, key: str, item: str, first: Snapshot | None) -> int:
    """Read-merge-conditional-write until accepted; the number of conflicts on the way."""
    conflicts = 0
    current = first
    while True:
        version = 0 if current is None else current.version
        items = [] if current is None else list(current.record["items"])
        try:
            adapter.write(key, Snapshot(version, 1, {"items": [*items, item]}))
        except VersionConflict as conflict:
            conflicts += 1
            current = conflict.current
        else:
            return conflicts


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("dynamodb", marks=[pytest.mark.dynamodb, pytest.mark.slow]),
    ]
)
def adapter(request: pytest.FixtureRequest, tmp_path: Path) -> VersionedAdapter:
    if request.param == "memory":
        return MemoryAdapter(clock=clock, ttl_days=1)
    if request.param == "sqlite":
        return SqliteAdapter(tmp_path / "state.sqlite3", clock=clock, ttl_days=1)
    local: DynamoDbLocalTable = request.getfixturevalue("dynamodb_local")
    return DynamoDbAdapter(local.client(), local.table_name, clock=clock, ttl_days=1)


def test_two_writers_200_conflicting_updates_lose_nothing(adapter: VersionedAdapter) -> None:
    """Two threads append 200 items in lockstep on the same item: every one is kept, once."""
    key = uuid.uuid4().hex
    barrier = threading.Barrier(2, timeout=60)
    conflicts = {"a": 0, "b": 0}

    def writer(name: str) -> None:
        for i in range(UPDATES_PER_WRITER):
            first = adapter.read(key)
            # Both writers hold the same version here, so at most one of the two writes below
            # can be accepted: every round produces at least one conflict.
            barrier.wait()
            conflicts[name] += append(adapter, key, f"{name}-{i}", first)

    threads = [threading.Thread(target=writer, args=(name,)) for name in conflicts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = adapter.read(key)
    assert final is not None
    expected = {f"{name}-{i}" for name in conflicts for i in range(UPDATES_PER_WRITER)}
    assert sorted(final.record["items"]) == sorted(expected)  # all there, none twice
    assert final.version == 2 * UPDATES_PER_WRITER  # one accepted write per update
    assert sum(conflicts.values()) >= UPDATES_PER_WRITER
    print(
        f"\n{type(adapter).__name__}: 200 updates, {sum(conflicts.values())} conflicts {conflicts}"
    )


WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from runner_strength.persistence.base import Snapshot, VersionConflict
    from runner_strength.persistence.sqlite import SqliteAdapter

    path, key, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    adapter = SqliteAdapter(Path(path), clock=lambda: 0.0, ttl_days=1)
    print("ready", flush=True)
    sys.stdin.readline()  # start together with the other process
    conflicts = 0
    for i in range(count):
        current = adapter.read(key)
        while True:
            version = 0 if current is None else current.version
            items = [] if current is None else current.record["items"]
            try:
                adapter.write(key, Snapshot(version, 1, {"items": [*items, f"{name}-{i}"]}))
                break
            except VersionConflict as conflict:
                conflicts += 1
                current = conflict.current
    print(conflicts)
    """
)


@pytest.mark.slow
def test_sqlite_two_processes_lose_no_update(tmp_path: Path) -> None:
    """Two processes appending to one SQLite item through the adapter keep all 2 x 100 items."""
    path = tmp_path / "shared.sqlite3"
    SqliteAdapter(path, clock=clock, ttl_days=1)  # create the file and table before the race
    key = uuid.uuid4().hex
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), key, name, str(UPDATES_PER_WRITER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("p1", "p2")
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline() == "ready\n"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.close()
    outputs = []
    for worker in workers:
        assert worker.stdout is not None
        outputs.append(worker.stdout.read())
        worker.stdout.close()
        worker.wait(timeout=120)
    assert [worker.returncode for worker in workers] == [0, 0]
    # The workers' clock says 1970: the final reader's must too, or it sweeps their expired item.
    final = SqliteAdapter(path, clock=lambda: 0.0, ttl_days=1).read(key)
    assert final is not None
    expected = {f"{name}-{i}" for name in ("p1", "p2") for i in range(UPDATES_PER_WRITER)}
    assert sorted(final.record["items"]) == sorted(expected)
    assert final.version == 2 * UPDATES_PER_WRITER
    print(f"\nsqlite, two processes: conflicts {[int(o) for o in outputs]}")
