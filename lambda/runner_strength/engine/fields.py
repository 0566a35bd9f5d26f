"""Stored fields declared once: the schema version each field came in and how it merges.

A stored dataclass (the runner's `UserRecord` and everything it holds) declares, on each field:

- its default (the dataclass default): what a record written before the field existed means;
- `since`: the schema version that added it (1 for the first fields);
- on the record itself, `merge`: how two versions of the field combine after an optimistic-lock
  conflict (two devices, or two quick turns, writing at once).

    reminder_offer: Offer = field(default=Offer.NOT_OFFERED, metadata=stored(since=3, merge=...))

`engine/serialize.py` derives encoding, decoding, defaults and the schema version from these
declarations; `merge_fields` derives the record merge. Nothing else lists the fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

FIELD_KEY = "runner_strength.stored"
"""The key of a field's `Stored` in its dataclass field metadata."""

V = TypeVar("V")
K = TypeVar("K", bound=Hashable)

Merge = Callable[[Any, Any, Any, Any], Any]
"""How a field merges: (our value, their value, our record, their record) -> the merged value."""


@dataclass(frozen=True, slots=True)
class Stored:
    """What a stored field declares besides its type and default."""

    since: int = 1
    merge: Merge | None = None


def stored(*, since: int = 1, merge: Merge | None = None) -> dict[str, Stored]:
    """Field metadata for a stored field: `field(default=..., metadata=stored(since=4, ...))`."""
    if since < 1:
        raise ValueError(f"since must be a schema version (1 or more), got {since}")
    return {FIELD_KEY: Stored(since, merge)}


def declared(field: dataclasses.Field[Any]) -> Stored:
    """What a field declares; a field with no declaration came in version 1 and has no merge."""
    found = field.metadata.get(FIELD_KEY)
    return found if isinstance(found, Stored) else Stored()


# ---------------------------------------------------------------- merge rules


def either(ours: bool, theirs: bool, *_records: object) -> bool:  # noqa: FBT001  # a rule's shape
    """True if either side knew it (a note heard on one device was heard)."""
    return ours or theirs


def union(ours: frozenset[V], theirs: frozenset[V], *_records: object) -> frozenset[V]:
    """Everything either side knew."""
    return ours | theirs


def latest(ours: float | None, theirs: float | None, *_records: object) -> float | None:
    """The later of two moments; None only when neither side has one."""
    known = [t for t in (ours, theirs) if t is not None]
    return max(known) if known else None


class Stamped(Protocol):
    """A record that knows when it was last written."""

    @property
    def updated_at(self) -> float:
        """When the record was last written (epoch seconds)."""


def from_newer_record(ours: V, theirs: V, ours_record: Stamped, theirs_record: Stamped) -> V:
    """The value of the record written last (by `updated_at`): the runner's latest word."""
    return theirs if theirs_record.updated_at > ours_record.updated_at else ours


def furthest(order: Sequence[V]) -> Merge:
    """The answer further along `order` (a later answer is never forgotten)."""

    def rule(ours: V, theirs: V, *_records: object) -> V:
        return max(ours, theirs, key=order.index)

    return rule


def newer_by(stamp: str) -> Callable[[V, V], V]:
    """Of two values, theirs when its `stamp` attribute is strictly later, else ours."""

    def pick(ours: V, theirs: V) -> V:
        return theirs if getattr(theirs, stamp) > getattr(ours, stamp) else ours

    return pick


def per_key(pick: Callable[[Any, Any], Any]) -> Merge:
    """A mapping merged key by key: every key of either side, `pick` where both have one."""

    def rule(ours: Mapping[K, V], theirs: Mapping[K, V], *_records: object) -> dict[K, V]:
        merged = dict(ours)
        for key, value in theirs.items():
            known = merged.get(key)
            merged[key] = value if known is None else pick(known, value)
        return merged

    return rule


def later_value(ours: float, theirs: float) -> float:
    """The larger of two numbers (for per-key moments such as a sore area's end)."""
    return max(ours, theirs)


R = TypeVar("R")


def merge_fields(ours: R, theirs: R) -> R:
    """Both records' knowledge in one, each field by its declared rule (see the record's fields)."""
    cls = type(ours)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]  # R is a dataclass
        rule = declared(field).merge
        if rule is None:
            raise TypeError(f"{cls.__name__}.{field.name} declares no merge rule")
        values[field.name] = rule(
            getattr(ours, field.name), getattr(theirs, field.name), ours, theirs
        )
    return cls(**values)
