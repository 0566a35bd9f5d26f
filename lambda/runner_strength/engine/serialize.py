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
from typing import Any, TypeAlias

from runner_strength.engine.record import HistoryEntry, Preferences, UserRecord
from runner_strength.engine.state import Adjustment, LastSet, WorkoutState

SCHEMA_VERSION = 1

Migration: TypeAlias = Callable[[dict[str, Any]], dict[str, Any]]

# Version n -> a function upgrading a version-n record dict to version n + 1. Version 1 is the
# first released layout, so nothing needs upgrading yet; add an entry when the layout changes.
MIGRATIONS: Mapping[int, Migration] = {}


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
        "done": sorted(state.done),
        "introduced": sorted(state.introduced),
        "heard_before": sorted(state.heard_before),
        "last_set": None if last is None else {
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
    }


def record_to_dict(record: UserRecord) -> dict[str, Any]:
    """A user record as a JSON-safe dict, stamped with `SCHEMA_VERSION`."""
    return {
        "schema_version": SCHEMA_VERSION,
        "active": {device: state_to_dict(s) for device, s in sorted(record.active.items())},
        "health_note_heard": record.health_note_heard,
        "intros_heard": sorted(record.intros_heard),
        "preferences": {
            "quick": record.preferences.quick,
            "target_minutes": record.preferences.target_minutes,
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
            }
            for e in record.history
        ],
        "updated_at": record.updated_at,
    }


# ---------------------------------------------------------------- from dicts


class _Reader:
    """Typed access to one dict, failing with a `SchemaError` that names the field."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise SchemaError(f"{where or 'record'}: expected an object, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.where = where

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str) -> object:
        if key not in self.data:
            raise SchemaError(f"{self._path(key)}: missing")
        return self.data[key]

    def _fail(self, key: str, expected: str, value: object) -> SchemaError:
        return SchemaError(f"{self._path(key)}: expected {expected}, got {value!r}")

    def text(self, key: str) -> str:
        value = self._get(key)
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
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, "a number", value)
        if not math.isfinite(value):
            raise self._fail(key, "a finite number", value)
        return float(value)  # a JSON whole number reads back as the float it was

    def optional_integer(self, key: str) -> int | None:
        return None if self._get(key) is None else self.integer(key)

    def optional_number(self, key: str) -> float | None:
        return None if self._get(key) is None else self.number(key)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, "a list of strings", value)
        return tuple(value)

    def child(self, key: str) -> _Reader:
        return _Reader(self._get(key), self._path(key))

    def children(self, key: str) -> list[_Reader]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._fail(key, "a list", value)
        return [_Reader(v, f"{self._path(key)}[{i}]") for i, v in enumerate(value)]

    def entries(self, key: str) -> list[tuple[str, _Reader]]:
        reader = self.child(key)
        return [(k, reader.child(k)) for k in reader.data]


def _state(r: _Reader) -> WorkoutState:
    last = None
    if r.data.get("last_set") is not None:
        s = r.child("last_set")
        last = LastSet(slot=s.integer("slot"), exercise_id=s.text("exercise_id"),
                       started_at=s.number("started_at"),
                       work_ends=s.number("work_ends"), audio_ends=s.number("audio_ends"))
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
        done=frozenset(r.texts("done")),
        introduced=frozenset(r.texts("introduced")),
        heard_before=frozenset(r.texts("heard_before")),
        last_set=last,
        paused=r.flag("paused"),
        paused_at=r.optional_number("paused_at"),
        rolled_back=r.flag("rolled_back"),
        finished=r.flag("finished"),
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
        raise SchemaError(f"schema_version {version} is newer than this code reads "
                          f"({SCHEMA_VERSION}); deploy the newer release")
    upgraded: dict[str, Any] = dict(top.data)
    while version < SCHEMA_VERSION:
        migration = migrations.get(version)
        if migration is None:
            raise SchemaError(f"schema_version {version} is unknown: no migration to "
                              f"{version + 1}")
        upgraded = migration(upgraded)
        version += 1
        upgraded["schema_version"] = version
    r = _Reader(upgraded, "")
    preferences = r.child("preferences")
    return UserRecord(
        active={device: _state(s) for device, s in r.entries("active")},
        health_note_heard=r.flag("health_note_heard"),
        intros_heard=frozenset(r.texts("intros_heard")),
        preferences=Preferences(quick=preferences.flag("quick"),
                                target_minutes=preferences.optional_integer("target_minutes")),
        history=tuple(_history(h) for h in r.children("history")),
        updated_at=r.number("updated_at"),
    )
