"""Everything stored for one runner: active workouts per device, what they heard, history.

A `UserRecord` is frozen; the functions here return new records. `merge` reconciles two versions
of a record after an optimistic-lock conflict (two devices, or two quick turns, writing at once)
without losing anything either side knew.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from runner_strength.engine.events import Summary
    from runner_strength.engine.state import WorkoutState

# History is capped so the stored item stays small (a DynamoDB item is at most 400 KB).
HISTORY_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the runner asked for once and wants remembered."""

    quick: bool = False  # start workouts in their quick version
    target_minutes: int | None = None  # a usual duration


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One finished or abandoned workout."""

    id: str  # the WorkoutState id it came from
    workout_id: str
    started_at: float
    ended_at: float
    finished: bool  # every slot was reached; False when ended early
    exercises_done: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UserRecord:
    """One runner's stored record. Holds a `Mapping`, so compare with `==`, never hash."""

    active: Mapping[str, WorkoutState] = field(default_factory=dict)  # by device id
    health_note_heard: bool = False
    intros_heard: frozenset[str] = frozenset()  # exercise ids
    preferences: Preferences = field(default_factory=Preferences)
    history: tuple[HistoryEntry, ...] = ()  # oldest first, at most HISTORY_LIMIT
    updated_at: float = 0.0

    def active_for(self, device_id: str) -> WorkoutState | None:
        """The device's own workout, else the most recently updated one on any device."""
        own = self.active.get(device_id)
        if own is not None:
            return own
        others = sorted(self.active.values(), key=lambda s: (s.updated_at, s.id))
        return others[-1] if others else None

    def recent_workouts(self) -> tuple[str, ...]:
        """Workout ids of the history, oldest first (for `choose.choose_workout`)."""
        return tuple(entry.workout_id for entry in self.history)


def _capped(entries: Iterable[HistoryEntry]) -> tuple[HistoryEntry, ...]:
    """History entries deduplicated by id (the later ending wins), ordered, capped."""
    by_id: dict[str, HistoryEntry] = {}
    for entry in entries:
        known = by_id.get(entry.id)
        if known is None or (entry.ended_at, entry.finished) > (known.ended_at, known.finished):
            by_id[entry.id] = entry
    ordered = sorted(by_id.values(), key=lambda e: (e.ended_at, e.started_at, e.id))
    return tuple(ordered[-HISTORY_LIMIT:])


def history_entry(state: WorkoutState, summary: Summary, ended_at: float) -> HistoryEntry:
    """The history entry for a workout that ended with `summary`."""
    return HistoryEntry(
        id=state.id,
        workout_id=state.workout_id,
        started_at=state.started_at,
        ended_at=ended_at,
        finished=summary.completed,
        exercises_done=summary.exercises_done,
        skipped=summary.skipped,
    )


def with_state(record: UserRecord, device_id: str, state: WorkoutState | None,
               now: float) -> UserRecord:
    """The record with `state` as the device's active workout (None clears it).

    A state moved here from another device (the same state id) leaves that device, and the
    exercises it introduced count as heard.
    """
    active = {device: s for device, s in record.active.items()
              if device != device_id and (state is None or s.id != state.id)}
    intros = record.intros_heard
    if state is not None:
        active[device_id] = state
        intros = intros | state.introduced
    return replace(record, active=active, intros_heard=intros,
                   updated_at=max(record.updated_at, now))


def end_workout(record: UserRecord, device_id: str, entry: HistoryEntry,
                introduced: frozenset[str] = frozenset()) -> UserRecord:
    """The record with the device's workout (and every copy of it) ended into the history."""
    active = {device: s for device, s in record.active.items()
              if device != device_id and s.id != entry.id}
    return replace(
        record,
        active=active,
        intros_heard=record.intros_heard | introduced,
        history=_capped((*record.history, entry)),
        updated_at=max(record.updated_at, entry.ended_at),
    )


def merge(ours: UserRecord, theirs: UserRecord) -> UserRecord:
    """Both records' knowledge in one, after an optimistic-lock conflict. Nothing is lost.

    Per device the newer workout state wins (by `updated_at`); a workout that ended in the
    merged history (and was not touched after) is no longer active; one workout on two devices
    stays only on the newer. History is the union by entry id (capped), intros the union, the
    health note heard if either heard it, preferences from the newer record.
    """
    history = _capped((*ours.history, *theirs.history))
    ended = {entry.id: entry.ended_at for entry in history}
    devices: dict[str, WorkoutState] = {}
    for device in sorted(set(ours.active) | set(theirs.active)):
        candidates = [r.active[device] for r in (ours, theirs) if device in r.active]
        newest = max(candidates, key=lambda s: (s.updated_at, s.id))
        if newest.updated_at > ended.get(newest.id, float("-inf")):
            devices[device] = newest
    newest_copy: dict[str, tuple[float, str]] = {}
    for device, state in devices.items():
        best = newest_copy.get(state.id)
        if best is None or (state.updated_at, device) > best:
            newest_copy[state.id] = (state.updated_at, device)
    active = {device: s for device, s in devices.items() if newest_copy[s.id][1] == device}
    newer = theirs if theirs.updated_at > ours.updated_at else ours
    return UserRecord(
        active=active,
        health_note_heard=ours.health_note_heard or theirs.health_note_heard,
        intros_heard=ours.intros_heard | theirs.intros_heard,
        preferences=newer.preferences,
        history=history,
        updated_at=max(ours.updated_at, theirs.updated_at),
    )
