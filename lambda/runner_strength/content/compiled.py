"""The compiled content artefact `data/library.json`: its encoding, and the reader Lambda runs.

`runner-strength build-content` (runner_strength.buildtime.loader) validates the YAML under
content/ and writes the `Library` with `encode`; a test fails when the artefact drifts from
content/. It holds the validated `Library` field by field, so loading it is one JSON parse plus
`decode` building the frozen dataclasses from their own annotations: no YAML, no validator and no
per-field schema here. `encode` and `decode` are each other's inverse.
"""

from __future__ import annotations

import json
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import Any

from runner_strength.content.model import Library

COMPILED_FORMAT = 3
"""The artefact's format: 3, the validated Library field by field (2 held the parsed YAML)."""
COMPILED_PATH = Path(__file__).resolve().parent.parent / "data" / "library.json"


class CompiledContentError(Exception):
    """The artefact is missing, unreadable or of another format; rebuild it with build-content."""


def load_compiled(path: Path = COMPILED_PATH) -> Library:
    """Load the compiled artefact the skill ships with (one JSON parse, no validation)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CompiledContentError(f"{path}: cannot be read: {error}") from error
    found = raw.get("format") if isinstance(raw, dict) else None
    if found != COMPILED_FORMAT:
        raise CompiledContentError(
            f"{path}: format is {found!r}; this code reads {COMPILED_FORMAT}. "
            "Run `runner-strength build-content`."
        )
    try:
        library = decode(Library, raw["library"])
    except (KeyError, TypeError, ValueError) as error:
        message = f"{path}: does not match the content model: {error!r}"
        raise CompiledContentError(message) from error
    if not isinstance(library, Library):  # pragma: no cover - decode(Library, ...) builds one
        raise CompiledContentError(f"{path}: did not decode into a Library")
    return library


Converter = Callable[[Any], Any]


def encode(value: object) -> object:
    """A content object (a `Library` and all it holds) as plain JSON data, for `decode`."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set):
        return sorted((encode(item) for item in value), key=str)
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): encode(item) for key, item in value.items()}
    return value


def decode(kind: Any, value: Any) -> Any:  # noqa: ANN401  # a type-directed walk over JSON
    """`value` (plain JSON) as an instance of the annotation `kind`."""
    return _converter(kind)(value)


def _identity(value: Any) -> Any:  # noqa: ANN401  # JSON scalars pass through
    return value


@cache
def _converter(kind: Any) -> Converter:  # noqa: ANN401, PLR0911  # one branch per kind of annotation
    """A function turning JSON into `kind`, built once per annotation (decoding runs it often)."""
    origin = typing.get_origin(kind)
    if origin is UnionType or origin is typing.Union:
        options = [k for k in typing.get_args(kind) if k is not NoneType]
        if len(options) != 1:
            raise TypeError(f"cannot decode the union {kind}")
        inner = _converter(options[0])
        return lambda value: None if value is None else inner(value)
    if is_dataclass(kind) and isinstance(kind, type):
        return _dataclass_converter(kind)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return lambda value: tuple(map(item, value))
        items = [_converter(arg) for arg in args]
        return lambda value: tuple(c(v) for c, v in zip(items, value, strict=True))
    if origin is frozenset:
        item = _converter(typing.get_args(kind)[0])
        return lambda value: frozenset(map(item, value))
    if isinstance(origin, type) and issubclass(origin, Mapping):
        key, item = (_converter(arg) for arg in typing.get_args(kind))
        return lambda value: {key(k): item(v) for k, v in value.items()}
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if kind is float:
        return float
    if kind in (str, int, bool):
        return _identity
    raise TypeError(f"cannot decode {kind}")


def _dataclass_converter(cls: type) -> Converter:
    # The model imports Mapping for type checking only; resolve it here.
    namespace = {"Mapping": Mapping, **vars(sys.modules[cls.__module__])}
    hints = typing.get_type_hints(cls, namespace)
    converters = [(f.name, _converter(hints[f.name])) for f in fields(cls)]

    def convert(value: Any) -> Any:  # noqa: ANN401  # an instance of cls
        return cls(**{name: c(value[name]) for name, c in converters if name in value})

    return convert
