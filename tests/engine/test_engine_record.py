"""The user record, its conflict merge, and its serialisation to plain dicts and back."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runner_strength.engine import transitions as t
from runner_strength.engine.events import WorkoutFinished
from runner_strength.engine.record import (
    HISTORY_LIMIT,
    HistoryEntry,
    Preferences,
    UserRecord,
    end_workout,
    history_entry,
    merge,
    with_state,
)
from runner_strength.engine.serialize import (
    SCHEMA_VERSION,
    SchemaError,
    record_from_dict,
    record_to_dict,
    state_from_dict,
    state_to_dict,
)
from runner_strength.engine.state import Adjustment, LastSet, WorkoutState

if TYPE_CHECKING:
    from runner_strength.content.model import Library

T0 = 1_700_000_000.0

# ---------------------------------------------------------------- strategies

ids = st.text("abcdefgh_", min_size=1, max_size=8)
times = st.floats(0, 4e9, allow_nan=False, allow_infinity=False)
id_sets = st.frozensets(ids, max_size=4)


@st.composite
def states(draw: st.DrawFn) -> WorkoutState:
    """Any workout state, valid against a library or not: serialisation must not care."""
    started_at = draw(times)
    paused = draw(st.booleans())
    last = draw(
        st.none()
        | st.builds(
            LastSet,
            slot=st.integers(0, 200),
            exercise_id=ids,
            started_at=times,
            work_ends=st.floats(0, 240),
            audio_ends=st.floats(0, 240),
        )
    )
    return WorkoutState(
        id=draw(ids),
        workout_id=draw(ids),
        started_at=started_at,
        updated_at=started_at + draw(st.floats(0, 1e6)),
        position=draw(st.integers(0, 200)),
        quick=draw(st.booleans()),
        target_seconds=draw(st.none() | st.integers(1, 10_000)),
        adjustments=draw(
            st.dictionaries(ids, st.builds(Adjustment, ids, st.integers(1, 120)), max_size=3)
        ),
        skipped=draw(id_sets),
        done=draw(id_sets),
        introduced=draw(id_sets),
        heard_before=draw(id_sets),
        last_set=last,
        paused=paused,
        paused_at=draw(times) if paused else None,
        rolled_back=paused and draw(st.booleans()),
        finished=draw(st.booleans()),
    )


history_entries = st.builds(
    HistoryEntry,
    id=ids,
    workout_id=ids,
    started_at=times,
    ended_at=times,
    finished=st.booleans(),
    exercises_done=st.lists(ids, max_size=4).map(tuple),
    skipped=st.lists(ids, max_size=3).map(tuple),
)


@st.composite
def records(draw: st.DrawFn) -> UserRecord:
    """Any user record."""
    history = draw(st.lists(history_entries, max_size=60, unique_by=lambda e: e.id))
    history.sort(key=lambda e: (e.ended_at, e.started_at, e.id))
    return UserRecord(
        active=draw(st.dictionaries(ids, states(), max_size=3)),
        health_note_heard=draw(st.booleans()),
        intros_heard=draw(id_sets),
        preferences=Preferences(
            quick=draw(st.booleans()), target_minutes=draw(st.none() | st.integers(1, 90))
        ),
        history=tuple(history[-HISTORY_LIMIT:]),
        updated_at=draw(times),
    )


def _json_safe(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_safe(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def state(state_id: str, updated_at: float, position: int = 0) -> WorkoutState:
    """A simple workout state."""
    return WorkoutState(
        id=state_id,
        workout_id="five_basics",
        started_at=T0,
        updated_at=updated_at,
        position=position,
    )


# ---------------------------------------------------------------- serialisation


@settings(max_examples=200, deadline=None)
@given(record=records())
def test_records_round_trip_through_json(record: UserRecord) -> None:
    """Any record survives record_to_dict, JSON text and record_from_dict unchanged."""
    data = record_to_dict(record)
    assert _json_safe(data)
    assert data["schema_version"] == SCHEMA_VERSION
    assert record_from_dict(json.loads(json.dumps(data))) == record


@settings(max_examples=200, deadline=None)
@given(workout_state=states())
def test_states_round_trip_through_json(workout_state: WorkoutState) -> None:
    """Any workout state survives state_to_dict, JSON text and state_from_dict unchanged."""
    data = state_to_dict(workout_state)
    assert _json_safe(data)
    assert state_from_dict(json.loads(json.dumps(data))) == workout_state


def test_a_newer_schema_version_is_refused_clearly() -> None:
    """A record written by a newer release raises SchemaError naming the versions."""
    data = record_to_dict(UserRecord()) | {"schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(SchemaError, match="newer"):
        record_from_dict(data)


def test_an_unknown_old_version_is_refused_clearly() -> None:
    """A version with no migration path raises SchemaError."""
    data = record_to_dict(UserRecord()) | {"schema_version": 0}
    with pytest.raises(SchemaError, match="no migration"):
        record_from_dict(data)


def test_an_older_version_is_upgraded_by_the_migration_table() -> None:
    """An older record is loaded through the migrations, one version at a time."""
    current = record_to_dict(UserRecord(health_note_heard=True, updated_at=5.0))
    old = {k: v for k, v in current.items() if k != "health_note_heard"}
    old["schema_version"] = SCHEMA_VERSION - 1
    old["heard_health_note"] = True

    def rename(data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["health_note_heard"] = data.pop("heard_health_note")
        return data

    loaded = record_from_dict(old, migrations={SCHEMA_VERSION - 1: rename})
    assert loaded == UserRecord(health_note_heard=True, updated_at=5.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schema_version": "1"}, "schema_version: expected an integer"),
        ({"history": {}}, "history: expected a list"),
        ({"intros_heard": [1]}, "intros_heard: expected a list of strings"),
        ({"updated_at": float("inf")}, "updated_at: expected a finite number"),
        ({"preferences": {"quick": 1, "target_minutes": None}}, "preferences.quick"),
        ({"active": {"d": {"id": "x"}}}, "active.d.workout_id: missing"),
    ],
)
def test_malformed_records_raise_schema_error_naming_the_field(
    change: dict[str, Any], message: str
) -> None:
    """A bad field raises SchemaError with the field's path, never KeyError or TypeError."""
    with pytest.raises(SchemaError, match=message.replace(".", r"\.")):
        record_from_dict(record_to_dict(UserRecord()) | change)


@pytest.mark.parametrize("data", [None, [], "record", 1])
def test_a_record_that_is_not_an_object_raises_schema_error(data: object) -> None:
    """Anything but a dict raises SchemaError."""
    with pytest.raises(SchemaError):
        record_from_dict(data)


# ---------------------------------------------------------------- the record


def test_a_new_device_resumes_the_most_recent_workout() -> None:
    """A device with no workout of its own gets the most recently updated one."""
    record = UserRecord(active={"kitchen": state("a", T0 + 10), "car": state("b", T0 + 20)})
    assert record.active_for("kitchen") == state("a", T0 + 10)
    assert record.active_for("phone") == state("b", T0 + 20)
    assert UserRecord().active_for("phone") is None


def test_a_workout_moved_to_another_device_leaves_the_first() -> None:
    """Saving a workout on a new device removes it from the old one and records its intros."""
    moved = replace(state("a", T0 + 30), introduced=frozenset({"squat"}))
    record = with_state(UserRecord(active={"kitchen": state("a", T0)}), "phone", moved, T0 + 30)
    assert record.active == {"phone": moved}
    assert record.intros_heard == frozenset({"squat"})
    assert with_state(record, "phone", None, T0 + 40).active == {}


def test_a_finished_workout_goes_into_the_capped_history(library: Library) -> None:
    """Ending a workout removes it from the devices and appends its entry, keeping the last 50."""
    outcome = t.finish(t.start(library, "five_basics", T0).state, library, T0 + 600)
    finished = outcome.state
    assert finished is not None
    event = outcome.events[-1]
    assert isinstance(event, WorkoutFinished)
    entry = history_entry(finished, event.summary, T0 + 600)
    old = tuple(
        HistoryEntry(f"old{n}", "five_basics", n, n + 1, finished=True)
        for n in range(HISTORY_LIMIT)
    )
    record = UserRecord(active={"kitchen": finished}, history=old)
    ended = end_workout(record, "kitchen", entry)
    assert ended.active == {}
    assert len(ended.history) == HISTORY_LIMIT
    assert ended.history[-1] == entry
    assert ended.history[0].id == "old1"
    assert ended.recent_workouts()[-1] == "five_basics"


def test_merge_keeps_the_newer_state_per_device_and_unions_the_rest() -> None:
    """A conflict merge keeps the newer state per device, all history, all intros."""
    ours = UserRecord(
        active={"kitchen": state("a", T0 + 50, position=3), "car": state("b", T0 + 5)},
        intros_heard=frozenset({"squat"}),
        preferences=Preferences(quick=True),
        history=(HistoryEntry("h1", "w", 1, 2, finished=True),),
        updated_at=T0 + 50,
    )
    theirs = UserRecord(
        active={"kitchen": state("a", T0 + 40, position=2), "phone": state("c", T0 + 45)},
        health_note_heard=True,
        intros_heard=frozenset({"plank"}),
        history=(HistoryEntry("h2", "w", 3, 4, finished=False),),
        updated_at=T0 + 45,
    )
    merged = merge(ours, theirs)
    assert merged.active == {
        "kitchen": state("a", T0 + 50, position=3),
        "car": state("b", T0 + 5),
        "phone": state("c", T0 + 45),
    }
    assert merged.intros_heard == frozenset({"squat", "plank"})
    assert merged.health_note_heard
    assert merged.preferences == Preferences(quick=True)
    assert [e.id for e in merged.history] == ["h1", "h2"]
    assert merged.updated_at == T0 + 50


def test_merge_drops_a_workout_the_other_side_already_ended() -> None:
    """A workout ended into history on one side is not brought back as active by the other."""
    ended = UserRecord(
        history=(HistoryEntry("a", "w", T0, T0 + 60, finished=True),), updated_at=T0 + 60
    )
    still_active = UserRecord(active={"kitchen": state("a", T0 + 30)}, updated_at=T0 + 30)
    assert merge(still_active, ended).active == {}
    assert merge(ended, still_active).active == {}


def test_merge_keeps_one_copy_of_a_workout_on_two_devices() -> None:
    """A workout that moved devices on one side stays only where it was updated last."""
    ours = UserRecord(active={"phone": state("a", T0 + 30)})
    theirs = UserRecord(active={"kitchen": state("a", T0 + 10)})
    assert merge(ours, theirs).active == {"phone": state("a", T0 + 30)}


@settings(max_examples=200, deadline=None)
@given(ours=records(), theirs=records())
def test_merge_loses_nothing(ours: UserRecord, theirs: UserRecord) -> None:
    """Merged history holds the newest entries of both, intros and flags are unions."""
    merged = merge(ours, theirs)
    assert len(merged.history) <= HISTORY_LIMIT
    assert len({e.id for e in merged.history}) == len(merged.history)
    both = {e.id for e in (*ours.history, *theirs.history)}
    assert {e.id for e in merged.history} <= both
    if len(both) <= HISTORY_LIMIT:
        assert {e.id for e in merged.history} == both
    assert merged.intros_heard == ours.intros_heard | theirs.intros_heard
    assert merged.health_note_heard == (ours.health_note_heard or theirs.health_note_heard)
    assert merged.updated_at == max(ours.updated_at, theirs.updated_at)
    assert len({s.id for s in merged.active.values()}) == len(merged.active)
    for device, kept in merged.active.items():
        candidates = [r.active[device] for r in (ours, theirs) if device in r.active]
        assert kept.updated_at == max(c.updated_at for c in candidates)
    assert record_from_dict(record_to_dict(merged)) == merged
