"""The runner's record declares each stored field once; the codec and the merge follow."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from runner_strength.content.model import Level
from runner_strength.engine.fields import declared, from_newer_record, merge_fields, stored
from runner_strength.engine.progress import Dose, ExerciseProgress, Feeling
from runner_strength.engine.record import (
    HistoryEntry,
    Preferences,
    RoutineChoice,
    UserRecord,
    Verbosity,
    ZoneCheck,
    merge,
)
from runner_strength.engine.reminder import Offer, Reminder
from runner_strength.engine.serialize import (
    RECORDS,
    SCHEMA_VERSION,
    RecordCodec,
    SchemaError,
    record_from_dict,
    record_to_dict,
)
from runner_strength.engine.state import (
    Adjustment,
    CarryOn,
    LastSet,
    Mark,
    Part,
    Side,
    WorkoutState,
)

# A record with every stored dataclass present at least once, no field at its default.
FULL = UserRecord(
    active={
        "kitchen": WorkoutState(
            id="s",
            workout_id="five_basics",
            started_at=1.0,
            updated_at=2.0,
            position=3,
            quick=True,
            target_seconds=600,
            adjustments={"squat": Adjustment("split_squat", 8)},
            skipped=frozenset({"plank"}),
            set_counts={"squat": 2},
            omitted=frozenset({"band_walk"}),
            light=True,
            done=frozenset({"squat"}),
            introduced=frozenset({"squat"}),
            heard_before=frozenset({"bridge"}),
            last_set=LastSet(
                2,
                "split_squat",
                1.5,
                30.0,
                60.0,
                marks=(Mark(12.5, 2, Side.LEFT, Part.WORK, first=2, beat=2.5),),
            ),
            paused=True,
            paused_at=1.8,
            rolled_back=True,
            finished=True,
            undo_skip=1,
            return_to=2,
            pain_reports=1,
            carry_on=CarryOn(Side.RIGHT, 6),
            preview="squat",
            preview_ends=1_700_000_090.0,
            every_set=True,
        )
    },
    health_note_heard=True,
    intros_heard=frozenset({"squat"}),
    preferences=Preferences(
        quick=True,
        target_minutes=20,
        level=Level.ADVANCED,
        missing_equipment=frozenset({"band"}),
        verbosity=Verbosity.DETAILED,
        time_zone="Europe/Berlin",
        tones=False,
        warm_up=RoutineChoice.ALWAYS,
        cool_down=RoutineChoice.NEVER,
        every_set=True,
    ),
    history=(
        HistoryEntry(
            "h", "core", 0.0, 0.5, True, ("plank",), ("bridge",), (("plank", Feeling.TOO_HARD),)
        ),
    ),
    updated_at=2.0,
    progress={
        "plank": ExerciseProgress(
            Dose("plank", 30, -1), 0.5, Dose("plank", 35, 1), Feeling.TOO_EASY, 0.6, 1.0
        )
    },
    pain_note_heard=True,
    light_until=9.0,
    sore_until={"knee": 9.0},
    zone_checks={"kitchen": ZoneCheck(1.0, found=True)},
    reminder=Reminder((1, 4), 18, 30, "alert"),
    reminder_offer=Offer.DECLINED,
    safety_stop_at=11.0,
)

Path = tuple[str | int, ...]


def _stored_fields(value: object, path: Path = ()) -> Iterator[tuple[Path, dataclasses.Field[Any]]]:
    """Every field of every stored dataclass inside `value`, with the path to its owner."""
    assert dataclasses.is_dataclass(value)
    for f in dataclasses.fields(value):
        yield path, f
        child = getattr(value, f.name)
        if isinstance(child, Mapping):
            inner: list[tuple[Path, object]] = [((k,), v) for k, v in child.items()]
        elif isinstance(child, tuple):
            inner = [((i,), v) for i, v in enumerate(child)]
        else:
            inner = [((), child)]
        for key, item in inner:
            if dataclasses.is_dataclass(item):
                yield from _stored_fields(item, (*path, f.name, *key))


def _owner(data: Any, path: Path) -> Any:
    """What `path` names in an encoded record (dicts and lists) or in a record (attributes)."""
    for step in path:
        if isinstance(step, str) and dataclasses.is_dataclass(data):
            data = getattr(data, step)
        else:
            data = data[step]
    return data


def _default(f: dataclasses.Field[Any]) -> object:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def test_every_record_field_declares_a_merge_rule_a_version_and_a_default() -> None:
    """Each field of UserRecord says how it merges, which version added it, and its default."""
    for f in dataclasses.fields(UserRecord):
        assert declared(f).merge is not None, f.name
        assert 1 <= declared(f).since <= SCHEMA_VERSION, f.name
        assert _default(f) is not dataclasses.MISSING, f.name


def test_the_full_sample_leaves_no_field_at_its_default() -> None:
    """The sample record below sets every stored field, so the walks below see each one."""
    at_default = [
        (path, f.name)
        for path, f in _stored_fields(FULL)
        if getattr(_owner(FULL, path), f.name) == _default(f)
    ]
    assert at_default == []


def test_a_field_a_record_predates_reads_as_its_default_and_is_required_after() -> None:
    """Each stored field: older data without it reads the default; from its version it is needed."""
    walked = 0
    for path, f in _stored_fields(FULL):
        since = declared(f).since
        data = json.loads(json.dumps(record_to_dict(FULL)))
        del _owner(data, path)[f.name]
        if since > 1:
            data["schema_version"] = since - 1
            loaded = record_from_dict(data)
            assert getattr(_owner(loaded, path), f.name) == _default(f), (path, f.name)
            walked += 1
        data["schema_version"] = max(since, 1)
        with pytest.raises(SchemaError, match=f"{f.name}: missing"):
            record_from_dict(data)
    assert walked >= 18  # the fields versions 2 and 3 added


def test_the_schema_version_is_the_newest_declared_field() -> None:
    """Nothing to bump by hand: the version is the highest `since` of any stored field."""
    newest = max(declared(f).since for _, f in _stored_fields(FULL))
    assert SCHEMA_VERSION == RECORDS.version == newest


def test_merging_a_record_with_itself_changes_nothing() -> None:
    """Every field's rule keeps what both sides agree on."""
    assert merge(FULL, FULL) == FULL
    assert merge(UserRecord(), UserRecord()) == UserRecord()


# ---------------------------------------------------------------- adding a field: one line


@dataclass(frozen=True, slots=True)
class GrownRecord(UserRecord):
    """Today's record plus one defaulted field: the whole change a new field needs."""

    weekly_goal: int = field(
        default=2, metadata=stored(since=SCHEMA_VERSION + 1, merge=from_newer_record)
    )


GROWN = RecordCodec(GrownRecord)


def test_a_new_defaulted_field_is_one_declaration() -> None:
    """One declared field bumps the version, reads old data, round-trips, merges, is kept safe.

    Today's reader refuses data written with the field instead of dropping it.
    """
    assert GROWN.version == SCHEMA_VERSION + 1
    written_today = json.loads(json.dumps(record_to_dict(FULL)))
    grown = GROWN.from_dict(written_today)
    assert grown.weekly_goal == 2
    assert grown.history == FULL.history
    assert grown.active == FULL.active
    changed = dataclasses.replace(grown, weekly_goal=3)
    data = json.loads(json.dumps(GROWN.to_dict(changed)))
    assert data["weekly_goal"] == 3
    assert GROWN.from_dict(data) == changed
    newer = dataclasses.replace(grown, weekly_goal=4, updated_at=grown.updated_at + 1)
    assert merge_fields(changed, newer).weekly_goal == 4
    with pytest.raises(SchemaError, match="newer"):
        record_from_dict(data)


def test_a_field_added_later_without_a_default_is_refused_at_import() -> None:
    """A field newer than version 1 must say what older records meant: the codec insists."""

    @dataclass(frozen=True)
    class Careless:
        note: str = field(metadata=stored(since=2, merge=from_newer_record))
        updated_at: float = field(default=0.0, metadata=stored())

    with pytest.raises(TypeError, match="needs a default"):
        RecordCodec(Careless)
