"""Embedded store for local runs (console, `make run`): one SQLite file, same contract as DynamoDB.

Optimistic locking is a conditional statement, exactly like DynamoDB's conditional PutItem: an
UPDATE only matches the row if its `version` is still the one read, an INSERT only succeeds if there
is no row yet. Each statement is atomic in SQLite, so this is safe across threads (one connection
per thread) and processes (SQLite's file locking; WAL so readers never wait for a writer).

The file holds runners' progress and sore areas, so it is created readable by its owner only
(0600, in a 0700 directory when this creates it; SQLite gives its -wal and -shm files the
database's permissions), and an existing file is tightened to 0600 when opened. Rows past their
`expires_at` are deleted when the store opens and then at most once an hour, on a write, as
DynamoDB's TTL deletes inactive runners' items.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from typing import TYPE_CHECKING

from runner_strength.persistence.base import (
    Snapshot,
    StorageUnavailable,
    VersionConflict,
    VersionedAdapter,
    dump_record,
    load_record,
    log_key,
)
from runner_strength.persistence.schema import (
    PARTITION_KEY,
    RECORD_ATTRIBUTE,
    SCHEMA_ATTRIBUTE,
    TTL_ATTRIBUTE,
    VERSION_ATTRIBUTE,
)

if TYPE_CHECKING:
    from pathlib import Path

    from runner_strength.persistence.base import Clock

logger = logging.getLogger(__name__)

TABLE = "items"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
SWEEP_INTERVAL_SECONDS = 3600.0
"""Expired rows are deleted at most this often (and when the store opens)."""
BUSY_TIMEOUT_SECONDS = 2.0
"""How long a statement waits for another process's write lock before the store counts as
unavailable; writes take milliseconds, so this only trips when something is really stuck."""

# Column names are the item attribute names, so a SQLite row and a DynamoDB item read the same.
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    f"{PARTITION_KEY} TEXT PRIMARY KEY, {VERSION_ATTRIBUTE} INTEGER NOT NULL, "
    f"{SCHEMA_ATTRIBUTE} INTEGER NOT NULL, {TTL_ATTRIBUTE} INTEGER NOT NULL, "
    f"{RECORD_ATTRIBUTE} TEXT NOT NULL) WITHOUT ROWID"
)
_SELECT = (
    f"SELECT {VERSION_ATTRIBUTE}, {SCHEMA_ATTRIBUTE}, {RECORD_ATTRIBUTE} "  # noqa: S608 -- constant names
    f"FROM {TABLE} WHERE {PARTITION_KEY} = ?"
)
_INSERT = (
    f"INSERT INTO {TABLE} ({PARTITION_KEY}, {VERSION_ATTRIBUTE}, {SCHEMA_ATTRIBUTE}, "  # noqa: S608 -- constant names
    f"{TTL_ATTRIBUTE}, {RECORD_ATTRIBUTE}) VALUES (?, ?, ?, ?, ?) "
    f"ON CONFLICT ({PARTITION_KEY}) DO NOTHING"
)
_UPDATE = (
    f"UPDATE {TABLE} SET {VERSION_ATTRIBUTE} = ?, {SCHEMA_ATTRIBUTE} = ?, "  # noqa: S608 -- constant names
    f"{TTL_ATTRIBUTE} = ?, {RECORD_ATTRIBUTE} = ? "
    f"WHERE {PARTITION_KEY} = ? AND {VERSION_ATTRIBUTE} = ?"
)
_DELETE = f"DELETE FROM {TABLE} WHERE {PARTITION_KEY} = ?"  # noqa: S608 -- constant names
_SWEEP = f"DELETE FROM {TABLE} WHERE {TTL_ATTRIBUTE} <= ?"  # noqa: S608 -- constant names


class SqliteAdapter(VersionedAdapter):
    """One SQLite file; the table is created on first use (there is no infrastructure to do it)."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Clock,
        ttl_days: int,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(clock=clock, ttl_days=ttl_days)
        self._path = path
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._next_sweep = 0.0
        try:
            path.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
            _private_file(path)
            conn = self._connection()
            # WAL is a property of the file, set once; it lets readers run while a writer commits.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_CREATE)
            self.sweep()
        except (OSError, sqlite3.Error) as exc:
            raise StorageUnavailable(f"cannot open {path}: {exc}", transient=False) from exc

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread (sqlite3 connections must not be shared between threads) and
        # per process: a connection inherited through fork must not be used by the child.
        pid = os.getpid()
        cached: tuple[int, sqlite3.Connection] | None = getattr(self._local, "conn", None)
        if cached is not None and cached[0] == pid:
            return cached[1]
        # isolation_level=None: every statement commits on its own, which is all we need because
        # each operation is a single atomic statement.
        conn = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None)
        # NORMAL is durable against application crashes in WAL mode; only a power cut can lose
        # the last turn, which the session still holds.
        conn.execute("PRAGMA synchronous=NORMAL")
        self._local.conn = (pid, conn)
        return conn

    def close(self) -> None:
        """Close this thread's connection (other threads' connections close when they end)."""
        cached: tuple[int, sqlite3.Connection] | None = getattr(self._local, "conn", None)
        if cached is not None:
            cached[1].close()
            self._local.conn = None

    def sweep(self) -> int:
        """Delete every row whose `expires_at` has passed; the number deleted."""
        now = self._clock()
        self._next_sweep = now + SWEEP_INTERVAL_SECONDS
        try:
            cursor = self._connection().execute(_SWEEP, (int(now),))
        except sqlite3.Error as exc:
            logger.warning("sqlite sweep of expired rows failed: %s", exc)
            return 0
        if cursor.rowcount:
            logger.info("deleted %d expired rows", cursor.rowcount)
        return max(cursor.rowcount, 0)

    def read(self, key: str) -> Snapshot | None:
        """The stored snapshot for a key, or None."""
        try:
            row = self._connection().execute(_SELECT, (key,)).fetchone()
        except sqlite3.Error as exc:
            raise _unavailable(key, "read", exc) from exc
        return None if row is None else Snapshot(int(row[0]), int(row[1]), load_record(str(row[2])))

    def write(self, key: str, snapshot: Snapshot) -> int:
        """Conditional INSERT (new item) or UPDATE (on the version read); the new version."""
        text = dump_record(snapshot.record)
        new_version = snapshot.version + 1
        expires_at = self.expires_at()
        try:
            conn = self._connection()
            if snapshot.version == 0:
                cursor = conn.execute(
                    _INSERT, (key, new_version, snapshot.schema_version, expires_at, text)
                )
            else:
                cursor = conn.execute(
                    _UPDATE,
                    (new_version, snapshot.schema_version, expires_at, text, key, snapshot.version),
                )
            written = cursor.rowcount == 1
        except sqlite3.Error as exc:
            raise _unavailable(key, "write", exc) from exc
        if not written:
            current = self.read(key)
            logger.info("version conflict for %s (expected %d)", log_key(key), snapshot.version)
            raise VersionConflict(key, snapshot.version, current)
        if self._clock() >= self._next_sweep:
            self.sweep()
        return new_version

    def delete(self, key: str) -> None:
        """Remove a key's item if there is one."""
        try:
            self._connection().execute(_DELETE, (key,))
        except sqlite3.Error as exc:
            raise _unavailable(key, "delete", exc) from exc


def _private_file(path: Path) -> None:
    """Create `path` readable and writable by its owner only, or tighten it to that."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
    finally:
        os.close(descriptor)
    for suffix in ("-wal", "-shm"):  # left by an earlier run: tightened like the database
        journal = path.with_name(path.name + suffix)
        if journal.exists():
            journal.chmod(FILE_MODE)


def _unavailable(key: str, operation: str, exc: sqlite3.Error) -> StorageUnavailable:
    # "database is locked" and friends are OperationalError and pass; anything else (a corrupt
    # file, a schema mismatch) will not fix itself.
    transient = isinstance(exc, sqlite3.OperationalError)
    log = logger.warning if transient else logger.error
    log("sqlite %s failed for %s: %s", operation, log_key(key), exc)
    return StorageUnavailable(f"sqlite {operation} failed: {exc}", transient=transient)
