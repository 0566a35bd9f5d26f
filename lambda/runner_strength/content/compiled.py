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
from collections.abc import Mapping
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


@cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's fields with their annotations resolved (once per class)."""
    # The model imports Mapping for type checking only; resolve it here.
    namespace = {"Mapping": Mapping, **vars(sys.modules[cls.__module__])}
    hints = typing.get_type_hints(cls, namespace)
    return tuple((f.name, hints[f.name]) for f in fields(cls))


def decode(kind: Any, value: Any) -> Any:  # noqa: ANN401, PLR0911  # a type-directed walk over JSON
    """`value` (plain JSON) as an instance of the annotation `kind`."""
    origin = typing.get_origin(kind)
    if origin is UnionType or origin is typing.Union:
        options = [k for k in typing.get_args(kind) if k is not NoneType]
        if value is None:
            return None
        if len(options) != 1:
            raise TypeError(f"cannot decode the union {kind}")
        return decode(options[0], value)
    if is_dataclass(kind) and isinstance(kind, type):
        return kind(**{name: decode(hint, value[name])
                       for name, hint in _field_types(kind) if name in value})
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], item) for item in value)
        return tuple(decode(arg, item) for arg, item in zip(args, value, strict=True))
    if origin is frozenset:
        (item_kind,) = typing.get_args(kind)
        return frozenset(decode(item_kind, item) for item in value)
    if isinstance(origin, type) and issubclass(origin, Mapping):
        key_kind, item_kind = typing.get_args(kind)
        return {decode(key_kind, k): decode(item_kind, v) for k, v in value.items()}
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if kind is float:
        return float(value)
    if kind in (str, int, bool):
        if not isinstance(value, kind):
            raise TypeError(f"expected {kind.__name__}, got {value!r}")
        return value
    raise TypeError(f"cannot decode {kind}")
