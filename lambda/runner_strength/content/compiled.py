"""Read the compiled content artefact `data/library.json`: the only content code Lambda runs.

The artefact is written by `runner-strength build-content` (runner_strength.buildtime.loader) only
after the YAML under content/ validated, and a test fails when it drifts from content/. It holds
the validated `Library` field by field, so loading it is one JSON parse plus building the frozen
dataclasses from their own annotations: no YAML, no validator and no per-field schema here.
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
"""3: the validated Library, field by field (2 held the raw YAML and was validated on load)."""
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
