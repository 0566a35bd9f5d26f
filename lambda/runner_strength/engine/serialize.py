"""The ONE place workout states and user records become plain, JSON-safe dicts and back.

Output holds only `str`, `int`, `float`, `bool`, `None`, `list` and `dict` with string keys.
Sets are written as sorted lists, so equal records give equal dicts.

A record dict carries `schema_version`. Reading one:

- the current version loads directly;
- an older version is upgraded step by step through `MIGRATIONS` (version n -> n + 1) first;
- a newer version (written by a later release) or an unknown one raises `SchemaError`, as does
  any malformed field, naming the field. Nothing here raises anything else for bad input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, TypeAlias, TypeVar

from runner_strength.content.model import Level
from runner_strength.engine.progress import Dose, ExerciseProgress, Feeling
from runner_strength.engine.record import (
    HistoryEntry,
    Preferences,
    RoutineChoice,
    UserRecord,
    Verbosity,
    ZoneCheck,
)
from runner_strength.engine.reminder import Offer, Reminder
from runner_strength.engine.state import Adjustment, LastSet, WorkoutState

SCHEMA_VERSION = 3

Migration: TypeAlias = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade a version 1 record: everything version 2 adds starts empty.

    Version 2 adds what the coach learns about a runner: level, equipment, verbosity and time
    zone preferences; per-exercise progress; how each exercise felt in the history; the pain
    note, light days and sore areas; and how each active workout was fitted to the runner.

    Empty is what a version 1 record meant. Fields of the wrong shape are left for the reader
    to report.
    """
    upgraded = dict(data)
    preferences = upgraded.get("preferences")
    if isinstance(preferences, dict):
        upgraded["preferences"] = {
            "level": None,
            "missing_equipment": [],
            "verbosity": Verbosity.STANDARD.value,
            "time_zone": None,
            **preferences,
        }
    history = upgraded.get("history")
    if isinstance(history, list):
        upgraded["history"] = [{"feelings": {}, **e} if isinstance(e, dict) else e for e in history]
    active = upgraded.get("active")
    if isinstance(active, dict):
        upgraded["active"] = {
            device: {"set_counts": {}, "omitted": [], "light": False, **s}
            if isinstance(s, dict)
            else s
            for device, s in active.items()
        }
    return {
        "progress": {},
        "pain_note_heard": False,
        "light_until": None,
        "sore_until": {},
        **upgraded,
    }


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade a version 2 record: each version 3 field starts at what version 2 meant.

    Fields of the wrong shape are left for the reader to report.
    """
    upgraded = dict(data)
    preferences = upgraded.get("preferences")
    if isinstance(preferences, dict):
        # timer tones, on unless the runner said "no beeps"
        # the warm-up and cool-down preferences; a version 2 runner was never asked
        upgraded["preferences"] = {
            "tones": True,
            "warm_up": RoutineChoice.ASK.value,
            "cool_down": RoutineChoice.ASK.value,
            **preferences,
        }
    # active workouts learn where "go back" returns to, and count pain reports.
    active = upgraded.get("active")
    if isinstance(active, dict):
        upgraded["active"] = {
            device: {"undo_skip": None, "return_to": None, "pain_reports": 0, **s}
            if isinstance(s, dict)
            else s
            for device, s in active.items()
        }
    # Settings API time zone checks per device, the weekly reminder, its offer
    return {
        "zone_checks": {},
        "reminder": None,
        "reminder_offer": Offer.NOT_OFFERED.value,
        **upgraded,
    }


# Version n -> a function upgrading a version-n record dict to version n + 1.
MIGRATIONS: Mapping[int, Migration] = {1: _v1_to_v2, 2: _v2_to_v3}


E = TypeVar("E", bound=StrEnum)


class SchemaError(ValueError):
    """A stored dict this code cannot read: an unknown or newer version, or a malformed field."""


# ---------------------------------------------------------------- to dicts


def state_to_dict(state: WorkoutState) -> dict[str, Any]:
    """A workout state as a JSON-safe dict."""
    last = state.last_set
    return {
        "id": state.id,
        "workout_id": state.workout_id,
        "started_at": state.started_at,
        "updated_at": state.updated_at,
        "position": state.position,
        "quick": state.quick,
        "target_seconds": state.target_seconds,
        "adjustments": {
            exercise_id: {"exercise_id": a.exercise_id, "amount": a.amount}
            for exercise_id, a in sorted(state.adjustments.items())
        },
        "skipped": sorted(state.skipped),
        "set_counts": dict(sorted(state.set_counts.items())),
        "omitted": sorted(state.omitted),
        "light": state.light,
        "done": sorted(state.done),
        "introduced": sorted(state.introduced),
        "heard_before": sorted(state.heard_before),
        "last_set": None
        if last is None
        else {
            "slot": last.slot,
            "exercise_id": last.exercise_id,
            "started_at": last.started_at,
            "work_ends": last.work_ends,
            "audio_ends": last.audio_ends,
        },
        "paused": state.paused,
        "paused_at": state.paused_at,
        "rolled_back": state.rolled_back,
        "finished": state.finished,
        "undo_skip": state.undo_skip,
        "return_to": state.return_to,
        "pain_reports": state.pain_reports,
    }


def _dose_to_dict(dose: Dose | None) -> dict[str, Any] | None:
    if dose is None:
        return None
    return {"exercise_id": dose.exercise_id, "amount": dose.amount, "extra_sets": dose.extra_sets}


def _progress_to_dict(progress: ExerciseProgress) -> dict[str, Any]:
    return {
        "last": _dose_to_dict(progress.last),
        "last_at": progress.last_at,
        "next": _dose_to_dict(progress.next),
        "feeling": None if progress.feeling is None else progress.feeling.value,
        "feeling_at": progress.feeling_at,
        "updated_at": progress.updated_at,
    }


def record_to_dict(record: UserRecord) -> dict[str, Any]:
    """A user record as a JSON-safe dict, stamped with `SCHEMA_VERSION`."""
    preferences = record.preferences
    return {
        "schema_version": SCHEMA_VERSION,
        "active": {device: state_to_dict(s) for device, s in sorted(record.active.items())},
        "health_note_heard": record.health_note_heard,
        "intros_heard": sorted(record.intros_heard),
        "preferences": {
            "quick": preferences.quick,
            "target_minutes": preferences.target_minutes,
            "level": None if preferences.level is None else preferences.level.value,
            "missing_equipment": sorted(preferences.missing_equipment),
            "verbosity": preferences.verbosity.value,
            "time_zone": preferences.time_zone,
            "tones": preferences.tones,
            "warm_up": preferences.warm_up.value,
            "cool_down": preferences.cool_down.value,
        },
        "history": [
            {
                "id": e.id,
                "workout_id": e.workout_id,
                "started_at": e.started_at,
                "ended_at": e.ended_at,
                "finished": e.finished,
                "exercises_done": list(e.exercises_done),
                "skipped": list(e.skipped),
                "feelings": {exercise_id: feeling.value for exercise_id, feeling in e.feelings},
            }
            for e in record.history
        ],
        "updated_at": record.updated_at,
        "progress": {k: _progress_to_dict(p) for k, p in sorted(record.progress.items())},
        "pain_note_heard": record.pain_note_heard,
        "light_until": record.light_until,
        "sore_until": dict(sorted(record.sore_until.items())),
        "zone_checks": {
            device: {"at": c.at, "found": c.found}
            for device, c in sorted(record.zone_checks.items())
        },
        "reminder": _reminder_to_dict(record.reminder),
        "reminder_offer": record.reminder_offer.value,
    }


def _reminder_to_dict(reminder: Reminder | None) -> dict[str, Any] | None:
    if reminder is None:
        return None
    return {
        "days": list(reminder.days),
        "hour": reminder.hour,
        "minute": reminder.minute,
        "alert_id": reminder.alert_id,
    }


# ---------------------------------------------------------------- from dicts


_MISSING = object()


class _Reader:
    """Typed access to one dict, failing with a `SchemaError` that names the field.

    Every record is read on every turn, so the common case (a value of exactly the expected JSON
    type) is checked first; anything else takes the general checks and their messages.
    """

    __slots__ = ("data", "where")

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise SchemaError(f"{where or 'record'}: expected an object, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.where = where

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str) -> object:
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            raise SchemaError(f"{self._path(key)}: missing")
        return value

    def _fail(self, key: str, expected: str, value: object) -> SchemaError:
        return SchemaError(f"{self._path(key)}: expected {expected}, got {value!r}")

    def text(self, key: str) -> str:
        value = self._get(key)
        if type(value) is str:
            return value
        if not isinstance(value, str):
            raise self._fail(key, "a string", value)
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._fail(key, "true or false", value)
        return value

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer", value)
        return value

    def number(self, key: str) -> float:
        value = self._get(key)
        if type(value) is float and math.isfinite(value):
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, "a number", value)
        if not math.isfinite(value):
            raise self._fail(key, "a finite number", value)
        return float(value)  # a JSON whole number reads back as the float it was

    def optional_integer(self, key: str) -> int | None:
        return None if self._get(key) is None else self.integer(key)

    def optional_number(self, key: str) -> float | None:
        return None if self._get(key) is None else self.number(key)

    def optional_text(self, key: str) -> str | None:
        return None if self._get(key) is None else self.text(key)

    def choice(self, key: str, enum: type[E]) -> E:
        value = self.text(key)
        member = _members(enum).get(value)
        if isinstance(member, enum):
            return member
        try:
            return enum(value)
        except ValueError:
            raise self._fail(key, f"one of {', '.join(e.value for e in enum)}", value) from None

    def optional_choice(self, key: str, enum: type[E]) -> E | None:
        return None if self._get(key) is None else self.choice(key, enum)

    def choices(self, key: str, enum: type[E]) -> dict[str, E]:
        reader = self.child(key)
        return {k: reader.choice(k, enum) for k in reader.data}

    def optional_child(self, key: str) -> _Reader | None:
        return None if self._get(key) is None else self.child(key)

    def integers(self, key: str) -> dict[str, int]:
        reader = self.child(key)
        return {k: reader.integer(k) for k in reader.data}

    def numbers(self, key: str) -> dict[str, float]:
        reader = self.child(key)
        return {k: reader.number(k) for k in reader.data}

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._fail(key, "a list of strings", value)
        for item in value:
            if not isinstance(item, str):
                raise self._fail(key, "a list of strings", value)
        return tuple(value)

    def child(self, key: str) -> _Reader:
        return _Reader(self._get(key), self._path(key))

    def children(self, key: str) -> list[_Reader]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._fail(key, "a list", value)
        path = self._path(key)
        return [_Reader(v, f"{path}[{i}]") for i, v in enumerate(value)]

    def entries(self, key: str) -> list[tuple[str, _Reader]]:
        reader = self.child(key)
        return [(k, reader.child(k)) for k in reader.data]


_MEMBERS: dict[type[StrEnum], dict[str, StrEnum]] = {}


def _members(enum: type[StrEnum]) -> dict[str, StrEnum]:
    """An enum's members by value: what `enum(value)` finds for a value it knows."""
    members = _MEMBERS.get(enum)
    if members is None:
        members = _MEMBERS[enum] = {member.value: member for member in enum}
    return members


def _state(r: _Reader) -> WorkoutState:
    last = None
    if r.data.get("last_set") is not None:
        s = r.child("last_set")
        last = LastSet(
            slot=s.integer("slot"),
            exercise_id=s.text("exercise_id"),
            started_at=s.number("started_at"),
            work_ends=s.number("work_ends"),
            audio_ends=s.number("audio_ends"),
        )
    return WorkoutState(
        id=r.text("id"),
        workout_id=r.text("workout_id"),
        started_at=r.number("started_at"),
        updated_at=r.number("updated_at"),
        position=r.integer("position"),
        quick=r.flag("quick"),
        target_seconds=r.optional_integer("target_seconds"),
        adjustments={
            exercise_id: Adjustment(a.text("exercise_id"), a.integer("amount"))
            for exercise_id, a in r.entries("adjustments")
        },
        skipped=frozenset(r.texts("skipped")),
        set_counts=r.integers("set_counts"),
        omitted=frozenset(r.texts("omitted")),
        light=r.flag("light"),
        done=frozenset(r.texts("done")),
        introduced=frozenset(r.texts("introduced")),
        heard_before=frozenset(r.texts("heard_before")),
        last_set=last,
        paused=r.flag("paused"),
        paused_at=r.optional_number("paused_at"),
        rolled_back=r.flag("rolled_back"),
        finished=r.flag("finished"),
        undo_skip=r.optional_integer("undo_skip"),
        return_to=r.optional_integer("return_to"),
        pain_reports=r.integer("pain_reports"),
    )


def state_from_dict(data: object) -> WorkoutState:
    """A workout state from `state_to_dict`'s output (SchemaError when malformed)."""
    return _state(_Reader(data, "state"))


def _history(r: _Reader) -> HistoryEntry:
    return HistoryEntry(
        id=r.text("id"),
        workout_id=r.text("workout_id"),
        started_at=r.number("started_at"),
        ended_at=r.number("ended_at"),
        finished=r.flag("finished"),
        exercises_done=r.texts("exercises_done"),
        skipped=r.texts("skipped"),
        feelings=tuple(r.choices("feelings", Feeling).items()),
    )


def _dose(r: _Reader, key: str) -> Dose | None:
    d = r.optional_child(key)
    if d is None:
        return None
    return Dose(d.text("exercise_id"), d.integer("amount"), d.integer("extra_sets"))


def _progress(r: _Reader) -> ExerciseProgress:
    return ExerciseProgress(
        last=_dose(r, "last"),
        last_at=r.optional_number("last_at"),
        next=_dose(r, "next"),
        feeling=r.optional_choice("feeling", Feeling),
        feeling_at=r.optional_number("feeling_at"),
        updated_at=r.number("updated_at"),
    )


def record_from_dict(
    data: object,
    migrations: Mapping[int, Migration] = MIGRATIONS,
) -> UserRecord:
    """A user record from `record_to_dict`'s output of this or an older schema version.

    Raises `SchemaError` for a newer or unknown version, a missing migration, or a bad field.
    """
    top = _Reader(data, "")
    version = top.integer("schema_version")
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"schema_version {version} is newer than this code reads "
            f"({SCHEMA_VERSION}); deploy the newer release"
        )
    upgraded: dict[str, Any] = dict(top.data)
    while version < SCHEMA_VERSION:
        migration = migrations.get(version)
        if migration is None:
            raise SchemaError(f"schema_version {version} is unknown: no migration to {version + 1}")
        upgraded = migration(upgraded)
        version += 1
        upgraded["schema_version"] = version
    r = _Reader(upgraded, "")
    preferences = r.child("preferences")
    return UserRecord(
        active={device: _state(s) for device, s in r.entries("active")},
        health_note_heard=r.flag("health_note_heard"),
        intros_heard=frozenset(r.texts("intros_heard")),
        preferences=Preferences(
            quick=preferences.flag("quick"),
            target_minutes=preferences.optional_integer("target_minutes"),
            level=preferences.optional_choice("level", Level),
            missing_equipment=frozenset(preferences.texts("missing_equipment")),
            verbosity=preferences.choice("verbosity", Verbosity),
            time_zone=preferences.optional_text("time_zone"),
            tones=preferences.flag("tones"),
            warm_up=preferences.choice("warm_up", RoutineChoice),
            cool_down=preferences.choice("cool_down", RoutineChoice),
        ),
        history=tuple(_history(h) for h in r.children("history")),
        updated_at=r.number("updated_at"),
        progress={exercise_id: _progress(p) for exercise_id, p in r.entries("progress")},
        pain_note_heard=r.flag("pain_note_heard"),
        light_until=r.optional_number("light_until"),
        sore_until=r.numbers("sore_until"),
        zone_checks={
            device: ZoneCheck(c.number("at"), c.flag("found"))
            for device, c in r.entries("zone_checks")
        },
        reminder=_reminder(r.optional_child("reminder")),
        reminder_offer=r.choice("reminder_offer", Offer),
    )


def _reminder(r: _Reader | None) -> Reminder | None:
    if r is None:
        return None
    days = r.data.get("days")
    if (
        not isinstance(days, list)
        or not days
        or not all(type(d) is int and 0 <= d <= 6 for d in days)
    ):  # weekday numbers
        raise SchemaError(f"{r.where}.days: expected a list of weekday numbers 0..6, got {days!r}")
    hour, minute = r.integer("hour"), r.integer("minute")
    if not 0 <= hour <= 23 or not 0 <= minute <= 59:  # clock values
        raise SchemaError(f"{r.where}: {hour}:{minute} is not a time of day")
    return Reminder(tuple(days), hour, minute, r.optional_text("alert_id"))
