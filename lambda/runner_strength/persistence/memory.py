"""In-process store for unit tests and benchmarks: same contract as the real stores, no I/O."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runner_strength.persistence.base import (
    Snapshot,
    VersionConflict,
    VersionedAdapter,
    dump_record,
    load_record,
    log_key,
)

if TYPE_CHECKING:
    from runner_strength.persistence.base import Clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Item:
    version: int
    schema_version: int
    expires_at: int
    record: str
    """Kept as the JSON string a real store keeps, so callers cannot mutate stored state."""


class MemoryAdapter(VersionedAdapter):
    """A dict behind a lock; thread-safe, lost when the process ends."""

    def __init__(self, *, clock: Clock, ttl_days: int) -> None:
        super().__init__(clock=clock, ttl_days=ttl_days)
        self._items: dict[str, _Item] = {}
        self._lock = threading.Lock()

    def read(self, key: str) -> Snapshot | None:
        """The stored snapshot for a key, or None."""
        with self._lock:
            item = self._items.get(key)
        return None if item is None else _snapshot(item)

    def write(self, key: str, snapshot: Snapshot) -> int:
        """Conditional write, atomic under the lock."""
        text = dump_record(snapshot.record)
        with self._lock:
            item = self._items.get(key)
            found = 0 if item is None else item.version
            if found != snapshot.version:
                logger.info("version conflict for %s (expected %d)", log_key(key), snapshot.version)
                raise VersionConflict(
                    key, snapshot.version, None if item is None else _snapshot(item)
                )
            new_version = found + 1
            self._items[key] = _Item(new_version, snapshot.schema_version, self.expires_at(), text)
        return new_version

    def delete(self, key: str) -> None:
        """Remove a key's item if there is one."""
        with self._lock:
            self._items.pop(key, None)


def _snapshot(item: _Item) -> Snapshot:
    return Snapshot(
        version=item.version, schema_version=item.schema_version, record=load_record(item.record)
    )
