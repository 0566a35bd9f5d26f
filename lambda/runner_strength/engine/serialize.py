"""The ONE place workout states and user records become plain, JSON-safe dicts and back.

Nothing here lists a field: one codec walks the stored dataclasses (`UserRecord` and everything it
holds) and derives each field's encoding and decoding from its type, and what a record written
before the field existed means from its default and the schema version it declares (`since`, see
`engine/fields.py`).

Output holds only `str`, `int`, `float`, `bool`, `None`, `list` and `dict` with string keys.
Sets and mappings are written sorted, so equal records give equal dicts. Types map like this:

- `str`, `int`, `float`, `bool`, a `StrEnum` (its value), `X | None` (null);
- `frozenset[X]` a sorted list, `tuple[X, ...]` a list, `tuple[tuple[str, X], ...]` an object in
  order, `Mapping[str, X]` an object sorted by key, a dataclass an object of its fields.

A record dict carries `schema_version`, the highest `since` of any stored field (or one past the
last migration, whichever is higher). Reading one:

- a field the record's version predates takes its default; any other missing field is an error;
- an older version is first upgraded step by step through `MIGRATIONS` (version n -> n + 1): only
  for changes that are not a new defaulted field (a rename, a change of meaning or shape);
- a newer version (written by a later release) or an unknown one raises `SchemaError`, as does
  any malformed field, naming the field. Nothing here raises anything else for bad input.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import math
import types
import typing
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, TypeAlias

from runner_strength.content import model as content_model
from runner_strength.engine import progress, record, reminder, state
from runner_strength.engine.fields import declared
from runner_strength.engine.record import UserRecord
from runner_strength.engine.state import WorkoutState

Migration: TypeAlias = Callable[[dict[str, Any]], dict[str, Any]]

# Version n -> a function upgrading a version-n record dict to version n + 1. Versions 2 and 3
# only added defaulted fields, which their `since` declarations cover.
MIGRATIONS: Mapping[int, Migration] = {}


class SchemaError(ValueError):
    """A stored dict this code cannot read: an unknown or newer version, or a malformed field."""


Encode: TypeAlias = Callable[[Any], Any]
Decode: TypeAlias = Callable[[object, str, int], Any]
"""(stored value, its path for messages, the record's schema version as stored) -> value."""

# The names the stored dataclasses' annotations use (they are strings under `from __future__
# import annotations`, some imported only for type checking).
_NAMESPACE: dict[str, Any] = {
    **vars(collections.abc),
    **vars(content_model),
    **vars(progress),
    **vars(reminder),
    **vars(state),
    **vars(record),
}


def _fail(path: str, expected: str, value: object) -> SchemaError:
    return SchemaError(f"{path or 'record'}: expected {expected}, got {value!r}")


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ---------------------------------------------------------------- scalars


def _text(value: object, path: str, _version: int) -> str:
    if not isinstance(value, str):
        raise _fail(path, "a string", value)
    return value


def _flag(value: object, path: str, _version: int) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "true or false", value)
    return value


def _integer(value: object, path: str, _version: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "an integer", value)
    return value


def _number(value: object, path: str, _version: int) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, "a number", value)
    if not math.isfinite(value):
        raise _fail(path, "a finite number", value)
    return float(value)  # a JSON whole number reads back as the float it was


def _same(value: Any) -> Any:
    return value


def _choice(enum: type[StrEnum]) -> Decode:
    members = {member.value: member for member in enum}
    expected = f"one of {', '.join(members)}"

    def decode(value: object, path: str, _version: int) -> StrEnum:
        member = members.get(value) if isinstance(value, str) else None
        if member is None:
            raise _fail(path, expected if isinstance(value, str) else "a string", value)
        return member

    return decode


_SCALARS: dict[object, tuple[Encode, Decode, str]] = {
    str: (_same, _text, "strings"),
    bool: (_same, _flag, "true or false values"),
    int: (_same, _integer, "integers"),
    float: (_same, _number, "numbers"),
}


# ---------------------------------------------------------------- containers


def _optional(encode: Encode, decode: Decode) -> tuple[Encode, Decode]:
    def decode_optional(value: object, path: str, version: int) -> Any:
        return None if value is None else decode(value, path, version)

    if encode is _same:
        return _same, decode_optional

    def encode_optional(value: Any) -> Any:
        return None if value is None else encode(value)

    return encode_optional, decode_optional


def _items(item: object, *, ordered: bool) -> tuple[Encode, Decode]:
    """A `tuple[X, ...]` (ordered) or `frozenset[X]` (sorted) as a JSON list."""
    encode_item, decode_item = _codec(item)
    plural = _SCALARS[item][2] if item in _SCALARS else None
    expected = f"a list of {plural}" if plural else "a list"

    def encode(values: Any) -> list[Any]:
        return [encode_item(v) for v in (values if ordered else sorted(values))]

    def decode(value: object, path: str, version: int) -> Any:
        if not isinstance(value, list):
            raise _fail(path, expected, value)
        if plural:
            try:
                items = [decode_item(v, path, version) for v in value]
            except SchemaError:
                raise _fail(path, expected, value) from None
        else:
            items = [decode_item(v, f"{path}[{i}]", version) for i, v in enumerate(value)]
        return tuple(items) if ordered else frozenset(items)

    return encode, decode


def _object(value_type: object, *, pairs: bool) -> tuple[Encode, Decode]:
    """A `Mapping[str, X]` (sorted by key) or `tuple[tuple[str, X], ...]` (in order), an object."""
    encode_value, decode_value = _codec(value_type)

    def encode(values: Any) -> dict[str, Any]:
        entries = values if pairs else sorted(values.items())
        return {key: encode_value(v) for key, v in entries}

    def decode(value: object, path: str, version: int) -> Any:
        if not isinstance(value, dict):
            raise _fail(path, "an object", value)
        decoded = {k: decode_value(v, _at(path, k), version) for k, v in value.items()}
        return tuple(decoded.items()) if pairs else decoded

    return encode, decode


def _dataclass(cls: type[Any]) -> tuple[Encode, Decode]:
    """A dataclass as an object of its fields, each by its own type."""
    hints = typing.get_type_hints(cls, localns=_NAMESPACE)
    fields = []
    for field in dataclasses.fields(cls):
        encode, decode = _codec(hints[field.name])
        has_default = (
            field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING
        )
        since = declared(field).since
        if since > 1 and not has_default:
            raise TypeError(f"{cls.__name__}.{field.name}: a field added later needs a default")
        fields.append((field.name, encode, decode, since))

    # Most fields are written as they are; only the others pay for a call.
    writers = tuple((name, None if encode is _same else encode) for name, encode, _, _ in fields)

    def encode_fields(value: Any) -> dict[str, Any]:
        return {
            name: getattr(value, name) if encode is None else encode(getattr(value, name))
            for name, encode in writers
        }

    def decode_fields(value: object, path: str, version: int) -> Any:
        if not isinstance(value, dict):
            raise _fail(path, "an object", value)
        values = {}
        for name, _, decode, since in fields:
            if name in value:
                values[name] = decode(value[name], _at(path, name), version)
            elif since <= version:
                raise SchemaError(f"{_at(path, name)}: missing")
            # else: written before the field existed; the dataclass default is what it meant
        try:
            return cls(**values)
        except ValueError as error:  # the dataclass's own checks (a reminder's days and time)
            raise SchemaError(f"{path or 'record'}: {error}") from None

    return encode_fields, decode_fields


_CODECS: dict[object, tuple[Encode, Decode]] = {}


def _codec(annotation: object) -> tuple[Encode, Decode]:
    """The encoder and decoder for one annotated type, built once."""
    known = _CODECS.get(annotation)
    if known is None:
        known = _CODECS[annotation] = _build(annotation)
    return known


def _build(annotation: object) -> tuple[Encode, Decode]:  # noqa: PLR0911  # one return per shape
    if annotation in _SCALARS:
        encode, decode, _ = _SCALARS[annotation]
        return encode, decode
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return (lambda member: member.value), _choice(annotation)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _dataclass(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        return _optional(*_codec(next(a for a in args if a is not type(None))))
    if origin is frozenset:
        return _items(args[0], ordered=False)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        if typing.get_origin(item) is tuple and typing.get_args(item)[0] is str:
            return _object(typing.get_args(item)[1], pairs=True)
        return _items(item, ordered=True)
    if origin is collections.abc.Mapping and args[0] is str:
        return _object(args[1], pairs=False)
    raise TypeError(f"no stored form for {annotation!r}")


# ---------------------------------------------------------------- records and states


def schema_version(cls: type[Any], migrations: Mapping[int, Migration] = MIGRATIONS) -> int:
    """The schema version a record type is written at: its newest field, or the last migration."""
    seen: set[type[Any]] = set()
    newest = 1

    def walk(annotation: object) -> None:
        nonlocal newest
        if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
            if annotation in seen:
                return
            seen.add(annotation)
            hints = typing.get_type_hints(annotation, localns=_NAMESPACE)
            for field in dataclasses.fields(annotation):
                newest = max(newest, declared(field).since)
                walk(hints[field.name])
        for arg in typing.get_args(annotation):
            walk(arg)

    walk(cls)
    return max([newest, *(version + 1 for version in migrations)])


class RecordCodec:
    """Encodes and decodes one stored record type, stamped with its schema version."""

    def __init__(self, cls: type[Any], migrations: Mapping[int, Migration] = MIGRATIONS) -> None:
        self.cls = cls
        self.migrations = migrations
        self.version = schema_version(cls, migrations)
        self._encode, self._decode = _codec(cls)

    def to_dict(self, value: Any) -> dict[str, Any]:
        """A record as a JSON-safe dict, stamped with the schema version."""
        return {"schema_version": self.version, **self._encode(value)}

    def from_dict(self, data: object, migrations: Mapping[int, Migration] | None = None) -> Any:
        """A record from `to_dict`'s output of this or an older schema version."""
        if not isinstance(data, dict):
            raise _fail("", "an object", data)
        stored = data.get("schema_version")
        version = _integer(stored, "schema_version", 0)
        if version > self.version:
            raise SchemaError(
                f"schema_version {version} is newer than this code reads "
                f"({self.version}); deploy the newer release"
            )
        if version < 1:
            raise SchemaError(f"schema_version {version} is unknown: no migration to {version + 1}")
        steps = self.migrations if migrations is None else migrations
        upgraded: dict[str, Any] = data
        for step in range(version, self.version):
            migration = steps.get(step)
            if migration is not None:
                upgraded = migration(dict(upgraded))
        # Fields are defaulted by the version the record was written at, migrated or not.
        return self._decode(upgraded, "", version)


RECORDS = RecordCodec(UserRecord)
SCHEMA_VERSION = RECORDS.version
_encode_state, _decode_state = _codec(WorkoutState)


def record_to_dict(value: UserRecord) -> dict[str, Any]:
    """A user record as a JSON-safe dict, stamped with `SCHEMA_VERSION`."""
    return RECORDS.to_dict(value)


def record_from_dict(data: object, migrations: Mapping[int, Migration] | None = None) -> UserRecord:
    """A user record from `record_to_dict`'s output of this or an older schema version.

    Raises `SchemaError` for a newer or unknown version, or a bad field.
    """
    found: UserRecord = RECORDS.from_dict(data, migrations)
    return found


def state_to_dict(value: WorkoutState) -> dict[str, Any]:
    """A workout state as a JSON-safe dict."""
    encoded: dict[str, Any] = _encode_state(value)
    return encoded


def state_from_dict(data: object) -> WorkoutState:
    """A workout state from `state_to_dict`'s output (SchemaError when malformed)."""
    found: WorkoutState = _decode_state(data, "state", SCHEMA_VERSION)
    return found
