"""Everything stored for one runner: workouts, what they heard, history, preferences, progress.

Active workouts are kept per device; progress per exercise.

A `UserRecord` is frozen; the functions here return new records. `merge` reconciles two versions
of a record after an optimistic-lock conflict (two devices, or two quick turns, writing at once)
without losing anything either side knew.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from runner_strength.engine.fields import (
    either,
    from_newer_record,
    furthest,
    later_value,
    latest,
    merge_fields,
    newer_by,
    per_key,
    stored,
    union,
)
from runner_strength.engine.progress import Dose, ExerciseProgress
from runner_strength.engine.reminder import OFFER_ORDER, Offer, Reminder

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from runner_strength.content.model import Level
    from runner_strength.engine.events import Summary
    from runner_strength.engine.plan import Plan
    from runner_strength.engine.progress import Feeling
    from runner_strength.engine.state import WorkoutState

# History is capped so the stored item stays small (a DynamoDB item is at most 400 KB).
HISTORY_LIMIT = 50
SAFETY_STOP_KEPT_SECONDS = 3 * 86400
"""How long the fact of a safety stop is kept: the next launch within it asks how the runner is."""


class Verbosity(StrEnum):
    """How much the coach says about each exercise."""

    SHORT = "short"  # the name, one cue and the dose, even the first time
    STANDARD = "standard"  # full coaching the first time, short once the runner has heard it
    DETAILED = "detailed"  # full coaching every time


class RoutineChoice(StrEnum):
    """Whether the coach offers a warm-up (or cool-down), always does one, or never does."""

    ASK = "ask"  # offer it each time; yes or no
    ALWAYS = "always"  # do it without asking
    NEVER = "never"  # never mention it


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the runner asked for once and wants remembered."""

    quick: bool = False  # start workouts in their quick version
    target_minutes: int | None = None  # a usual duration
    # None: never said; workouts as written, every workout
    level: Level | None = field(default=None, metadata=stored(since=2))
    # kit the runner said they do not have
    missing_equipment: frozenset[str] = field(default=frozenset(), metadata=stored(since=2))
    verbosity: Verbosity = field(default=Verbosity.STANDARD, metadata=stored(since=2))
    # IANA name, from the device when a request carried it
    time_zone: str | None = field(default=None, metadata=stored(since=2))
    # timer tones at go, a side switch and the end of a hold or rest
    tones: bool = field(default=True, metadata=stored(since=3))
    warm_up: RoutineChoice = field(default=RoutineChoice.ASK, metadata=stored(since=3))
    cool_down: RoutineChoice = field(default=RoutineChoice.ASK, metadata=stored(since=3))
    # "ask me after every set": one set a response, each ending with "ready?"; by default an
    # exercise's sets (a circuit round's stations) flow on in one response
    every_set: bool = field(default=False, metadata=stored(since=7))


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
    # (workout exercise id, how it felt)
    feelings: tuple[tuple[str, Feeling], ...] = field(default=(), metadata=stored(since=2))


@dataclass(frozen=True, slots=True)
class ZoneCheck:
    """When a device's time zone was last asked of the Alexa Settings API, and if it answered."""

    at: float
    found: bool


def _merge_history(
    ours: tuple[HistoryEntry, ...], theirs: tuple[HistoryEntry, ...], *_records: object
) -> tuple[HistoryEntry, ...]:
    """The union by entry id, capped (see `_capped`)."""
    return _capped((*ours, *theirs))


def _merge_active(
    ours: Mapping[str, WorkoutState],
    theirs: Mapping[str, WorkoutState],
    ours_record: UserRecord,
    theirs_record: UserRecord,
) -> dict[str, WorkoutState]:
    """Per device the newer state (by `updated_at`), minus workouts that ended in the history.

    A workout that ended in the merged history (and was not touched after) is no longer active;
    one workout on two devices stays only on the newer.
    """
    history = _merge_history(ours_record.history, theirs_record.history)
    ended = {entry.id: entry.ended_at for entry in history}
    devices: dict[str, WorkoutState] = {}
    for device in sorted(set(ours) | set(theirs)):
        candidates = [side[device] for side in (ours, theirs) if device in side]
        newest = max(candidates, key=lambda s: (s.updated_at, s.id))
        if newest.updated_at > ended.get(newest.id, float("-inf")):
            devices[device] = newest
    newest_copy: dict[str, tuple[float, str]] = {}
    for device, state in devices.items():
        best = newest_copy.get(state.id)
        if best is None or (state.updated_at, device) > best:
            newest_copy[state.id] = (state.updated_at, device)
    return {device: s for device, s in devices.items() if newest_copy[s.id][1] == device}


@dataclass(frozen=True, slots=True)
class UserRecord:
    """One runner's stored record. Holds a `Mapping`, so compare with `==`, never hash.

    Each field declares the schema version it came in and how it merges (`engine/fields.py`);
    the codec (`engine/serialize.py`) and `merge` derive everything else from that. To add a
    field, add one line here with a default, `since` the next schema version and a merge rule,
    and a test; no migration is needed for a new defaulted field.
    """

    # By device id.
    active: Mapping[str, WorkoutState] = field(
        default_factory=dict, metadata=stored(merge=_merge_active)
    )
    health_note_heard: bool = field(default=False, metadata=stored(merge=either))
    # Exercise ids.
    intros_heard: frozenset[str] = field(default=frozenset(), metadata=stored(merge=union))
    preferences: Preferences = field(
        default_factory=Preferences, metadata=stored(merge=from_newer_record)
    )
    # Oldest first, at most HISTORY_LIMIT.
    history: tuple[HistoryEntry, ...] = field(default=(), metadata=stored(merge=_merge_history))
    updated_at: float = field(default=0.0, metadata=stored(merge=latest))
    # By the workout's exercise id; at most one entry per exercise in the library.
    progress: Mapping[str, ExerciseProgress] = field(
        default_factory=dict, metadata=stored(since=2, merge=per_key(newer_by("updated_at")))
    )
    # The "see a professional if it persists" reminder was said.
    pain_note_heard: bool = field(default=False, metadata=stored(since=2, merge=either))
    # A light day (long run, race) lasts until this moment.
    light_until: float | None = field(default=None, metadata=stored(since=2, merge=latest))
    # Body area -> spared until.
    sore_until: Mapping[str, float] = field(
        default_factory=dict, metadata=stored(since=2, merge=per_key(later_value))
    )
    # When each device's time zone was last asked of the Settings API.
    zone_checks: Mapping[str, ZoneCheck] = field(
        default_factory=dict, metadata=stored(since=3, merge=per_key(newer_by("at")))
    )
    # The runner's weekly reminder, as Alexa holds it.
    reminder: Reminder | None = field(
        default=None, metadata=stored(since=3, merge=from_newer_record)
    )
    # What the runner said to the reminder offer: the furthest answer wins (a no is never lost).
    reminder_offer: Offer = field(
        default=Offer.NOT_OFFERED, metadata=stored(since=3, merge=furthest(OFFER_ORDER))
    )
    # When a workout last stopped for a red flag (no symptom is kept), until the next launch
    # has asked how the runner is, for at most SAFETY_STOP_KEPT_SECONDS.
    safety_stop_at: float | None = field(default=None, metadata=stored(since=4, merge=latest))

    def is_light_day(self, now: float) -> bool:
        """Whether today's workouts are lighter because the runner asked."""
        return self.light_until is not None and now < self.light_until

    def sore_areas(self, now: float) -> frozenset[str]:
        """Body areas to spare today."""
        return frozenset(area for area, until in self.sore_until.items() if now < until)

    def active_for(self, device_id: str) -> WorkoutState | None:
        """The device's own workout, else the most recently updated one on any device.

        A finished workout kept while its last response plays (see `alexa/timeline.py`) is
        no workout to carry on.
        """
        own = self.active.get(device_id)
        if own is not None and not own.finished:
            return own
        others = sorted(
            (s for s in self.active.values() if not s.finished), key=lambda s: (s.updated_at, s.id)
        )
        return others[-1] if others else None

    def recent_workouts(self) -> tuple[str, ...]:
        """Workout ids of the history, oldest first (for `choose.choose_workout`)."""
        return tuple(entry.workout_id for entry in self.history)


def _capped(entries: Iterable[HistoryEntry]) -> tuple[HistoryEntry, ...]:
    """History entries deduplicated by id (finished wins, then the later ending), ordered, capped.

    A finished workout stays finished: an Echo still holding an old copy of it may end that copy
    "early" later (say, by starting something new), and that must not undo the finish.
    """
    by_id: dict[str, HistoryEntry] = {}
    for entry in entries:
        known = by_id.get(entry.id)
        # Feedback given after a workout adds feelings to its entry: the entry knowing more wins.
        if known is None or (entry.finished, entry.ended_at, len(entry.feelings)) > (
            known.finished,
            known.ended_at,
            len(known.feelings),
        ):
            by_id[entry.id] = entry
    ordered = sorted(by_id.values(), key=lambda e: (e.ended_at, e.started_at, e.id))
    return tuple(ordered[-HISTORY_LIMIT:])


def history_entry(
    state: WorkoutState,
    summary: Summary,
    ended_at: float,
    progress: Mapping[str, ExerciseProgress] | None = None,
) -> HistoryEntry:
    """The history entry for a workout that ended with `summary`, with how its exercises felt.

    A feeling belongs to this workout when it was said after the workout started.
    """
    progress = progress or {}
    feelings = tuple(
        (exercise_id, entry.feeling)
        for exercise_id in (*summary.exercises_done, *summary.skipped)
        if (entry := progress.get(exercise_id)) is not None
        and entry.feeling is not None
        and entry.feeling_at is not None
        and entry.feeling_at >= state.started_at
    )
    return HistoryEntry(
        id=state.id,
        workout_id=state.workout_id,
        started_at=state.started_at,
        ended_at=ended_at,
        finished=summary.completed,
        exercises_done=summary.exercises_done,
        skipped=summary.skipped,
        feelings=feelings,
    )


def dose_done(plan: Plan, state: WorkoutState, exercise_id: str) -> Dose:
    """The dose of one of the workout's exercises as done in this workout (after any switch)."""
    written = next(i for i in plan.full.items if i.exercise_id == exercise_id).dosage.sets
    extra = state.set_counts.get(exercise_id, written) - written
    return Dose(plan.performed[exercise_id], plan.dosages[exercise_id].amount(), extra)


def with_doses_done(
    record: UserRecord, plan: Plan, state: WorkoutState, exercises: Iterable[str], now: float
) -> UserRecord:
    """The record remembering what was done of each exercise, for "last time" next time."""
    progress = dict(record.progress)
    for exercise_id in exercises:
        if exercise_id not in plan.performed:
            continue
        known = progress.get(exercise_id, ExerciseProgress())
        progress[exercise_id] = replace(
            known,
            last=dose_done(plan, state, exercise_id),
            last_at=now,
            updated_at=max(known.updated_at, now),
        )
    return replace(record, progress=progress)


def with_feeling(record: UserRecord, exercise_id: str, progress: ExerciseProgress) -> UserRecord:
    """The record with one exercise's progress after feedback.

    Feedback about a workout that already ended also goes into that workout's history entry.
    """
    updated = replace(record, progress={**record.progress, exercise_id: progress})
    if not record.history or progress.feeling is None:
        return updated
    last = record.history[-1]
    if (
        progress.last_at is None
        or progress.last_at > last.ended_at
        or exercise_id not in (*last.exercises_done, *last.skipped)
    ):
        return updated
    feelings = (
        *((e, f) for e, f in last.feelings if e != exercise_id),
        (exercise_id, progress.feeling),
    )
    return replace(updated, history=(*record.history[:-1], replace(last, feelings=feelings)))


def with_state(
    record: UserRecord, device_id: str, state: WorkoutState | None, now: float
) -> UserRecord:
    """The record with `state` as the device's active workout (None clears it).

    A state moved here from another device (the same state id) leaves that device, and the
    exercises it introduced count as heard.
    """
    active = {
        device: s
        for device, s in record.active.items()
        if device != device_id and (state is None or s.id != state.id)
    }
    intros = record.intros_heard
    if state is not None:
        active[device_id] = state
        intros = intros | state.introduced
    return replace(
        record, active=active, intros_heard=intros, updated_at=max(record.updated_at, now)
    )


def reopened(record: UserRecord, device_id: str, state: WorkoutState, now: float) -> UserRecord:
    """The record with a finished workout active again, its history entry taken back.

    For a request that stopped the response finishing it inside the last set's work: that set
    was not done, so neither was the workout.
    """
    history = tuple(entry for entry in record.history if entry.id != state.id)
    return with_state(replace(record, history=history), device_id, state, now)


def end_workout(
    record: UserRecord,
    device_id: str,
    entry: HistoryEntry,
    introduced: frozenset[str] = frozenset(),
) -> UserRecord:
    """The record with the device's workout (and every copy of it) ended into the history."""
    active = {
        device: s for device, s in record.active.items() if device != device_id and s.id != entry.id
    }
    return replace(
        record,
        active=active,
        intros_heard=record.intros_heard | introduced,
        history=_capped((*record.history, entry)),
        updated_at=max(record.updated_at, entry.ended_at),
    )


def merge(ours: UserRecord, theirs: UserRecord) -> UserRecord:
    """Both records' knowledge in one, after an optimistic-lock conflict. Nothing is lost.

    Each field merges by the rule it declares on `UserRecord`.
    """
    return merge_fields(ours, theirs)
