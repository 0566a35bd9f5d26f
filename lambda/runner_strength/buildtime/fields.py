"""The one reader of authored YAML fields, for content (`loader.py`) and the model's utterances.

A `FieldReader` wraps one parsed mapping and reads typed fields out of it, collecting a `Problem`
(file, field path, message) for each field of the wrong shape instead of raising, so an author sees
every problem at once. Field lists come from the content dataclasses (`field_names`), not copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from enum import StrEnum

E = TypeVar("E", bound="StrEnum")

MAX_TEXT = 200
MAX_SPOKEN_ENTRIES = 99
_UNSPEAKABLE = re.compile(r"[&/%#<>\\{}\[\]]")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
"""A `{field}` a phrase fills in before it is spoken."""
PLURAL = re.compile(r"\{([a-z_]+):([^{}|:]*)\|([^{}|:]*)\}")
"""A `{field:one|many}` a phrase says as `one` when the number `field` is 1, else as `many`."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with authored data, located by file and field."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


def field_names(
    cls: type, *, leave_out: Iterable[str] = ("file",), renamed: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """The YAML fields of a content dataclass: its own fields, minus computed ones, as authored."""
    renamed = renamed or {}
    skip = set(leave_out)
    return tuple(
        renamed.get(f.name, f.name)
        for f in fields(cls)
        if f.name not in skip and not f.name.startswith("_")
    )


class FieldReader:
    """Reads typed fields out of one raw mapping, collecting problems instead of raising.

    `spoken` text (content read aloud) is also checked for length and for characters a speech
    engine stumbles over; with `placeholders`, `{field}` is allowed. Text that is not spoken (the
    interaction model's samples and listing) is only required to be non-empty, and trimmed.
    """

    def __init__(  # noqa: PLR0913  # two keyword-only options after the four positions
        self,
        file: str,
        data: object,
        problems: list[Problem],
        prefix: str = "",
        *,
        placeholders: bool = False,
        spoken: bool = True,
    ) -> None:
        self.file = file
        self.placeholders = placeholders
        self.spoken = spoken
        self.problems = problems
        self.prefix = prefix
        if not isinstance(data, dict):
            self.fail("", f"must be a mapping, got {type(data).__name__}")
            data = {}
        self.data: dict[str, Any] = data

    def path(self, name: str) -> str:
        """Where `name` sits in the file, for messages ("exercises[2].reps")."""
        return f"{self.prefix}{name}" if name else self.prefix.rstrip(".") or "(file)"

    def fail(self, name: str, message: str) -> None:
        """Record a problem with the field `name`."""
        self.problems.append(Problem(self.file, self.path(name), message))

    def unknown(self, allowed: Iterable[str]) -> None:
        """A problem for each field not in `allowed` (a typo is not silently ignored)."""
        for name in sorted(set(self.data) - set(allowed)):
            self.fail(str(name), "unknown field")

    def get(self, name: str, kind: type | tuple[type, ...], *, required: bool) -> Any:  # noqa: ANN401  # callers narrow by kind
        """The raw value of `name` if it has type `kind`, else None (with its problem)."""
        if name not in self.data or self.data[name] is None:
            if required:
                self.fail(name, "is required")
            return None
        value = self.data[name]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self.fail(name, "must be a number, got a boolean")
            return None
        if not isinstance(value, kind):
            self.fail(name, f"must be {_kind_name(kind)}, got {_got(value)}")
            return None
        return value

    def text(self, name: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
        """Non-empty text (checked for speech when `spoken`); "" when absent or wrong."""
        value = self.get(name, str, required=required)
        if value is None:
            return ""
        return self._checked_text(name, value, limit)

    def _checked_text(self, name: str, value: str, limit: int) -> str:
        if not value.strip():
            self.fail(name, "must not be empty")
        if not self.spoken:
            return value.strip()
        if len(value) > limit:
            self.fail(name, f"is {len(value)} characters; at most {limit}")
        # Phrase files fill `{field}` placeholders (and `{field:one|many}` forms) before speaking;
        # anywhere else braces are spoken.
        spoken = PLURAL.sub("", PLACEHOLDER.sub("", value)) if self.placeholders else value
        if bad := _UNSPEAKABLE.findall(spoken):
            self.fail(name, f"has characters a speech engine stumbles over: {''.join(set(bad))}")
        return value

    def texts(
        self, name: str, *, low: int = 0, high: int | None = None, required: bool = True
    ) -> tuple[str, ...]:
        """A list of text entries, `low` to `high` of them (spoken lists: 99 at most by default)."""
        value = self.get(name, list, required=required)
        if value is None:
            return ()
        if high is None:
            high = MAX_SPOKEN_ENTRIES if self.spoken else len(value)
        if not low <= len(value) <= high:
            self.fail(name, f"must have {low} to {high} entries, has {len(value)}")
        out: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{name}[{index}]", f"must be text, got {_got(item)}")
                continue
            out.append(self._checked_text(f"{name}[{index}]", item, MAX_TEXT))
        return tuple(out)

    def integer(self, name: str, low: int, high: int, *, required: bool = True) -> int | None:
        """A whole number between `low` and `high`."""
        value = self.get(name, int, required=required)
        if value is not None and not low <= value <= high:
            self.fail(name, f"must be between {low} and {high}, got {value}")
        return int(value) if value is not None else None

    def number(self, name: str, low: float, high: float, *, required: bool = True) -> float | None:
        """A number between `low` and `high`."""
        value = self.get(name, (int, float), required=required)
        if value is not None and not low <= value <= high:
            self.fail(name, f"must be between {low} and {high}, got {value}")
        return float(value) if value is not None else None

    def flag(self, name: str, *, default: bool = False) -> bool:
        """True or false, `default` when absent."""
        value = self.get(name, bool, required=False)
        return default if value is None else bool(value)

    def choice(self, name: str, enum: type[E], *, required: bool = True) -> E | None:
        """One of an enum's values."""
        value = self.get(name, str, required=required)
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self.fail(name, f"must be one of {allowed}; got {value!r}")
            return None

    def words(self, name: str, vocabulary: frozenset[str] | None = None) -> tuple[str, ...]:
        """A list of non-empty words, each from `vocabulary` when one is given."""
        value = self.get(name, list, required=True)
        if value is None:
            return ()
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item:
                self.fail(f"{name}[{index}]", "must be a non-empty word")
            elif vocabulary is not None and item not in vocabulary:
                self.fail(
                    f"{name}[{index}]", f"{item!r} is not one of {', '.join(sorted(vocabulary))}"
                )
            else:
                out.append(item)
        return tuple(out)

    def pair(self, name: str, *, required: bool) -> tuple[int, int] | None:
        """Two whole numbers [low, high] with 0 < low <= high."""
        value = self.get(name, list, required=required)
        if value is None:
            return None
        if len(value) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            self.fail(name, "must be two whole numbers [low, high]")
            return None
        low, high = int(value[0]), int(value[1])
        if not 0 < low <= high:
            self.fail(name, f"must satisfy 0 < low <= high, got [{low}, {high}]")
        return (low, high)

    def text_lists(self, name: str) -> tuple[tuple[str, ...], ...]:
        """A list of lists of text (optional): `name[i][j]` in messages."""
        value = self.get(name, list, required=False) or []
        rows = self._reader({f"{name}[{i}]": row for i, row in enumerate(value)}, self.prefix)
        return tuple(rows.texts(f"{name}[{i}]") for i in range(len(value)))

    def _reader(self, data: object, prefix: str) -> FieldReader:
        return FieldReader(
            self.file,
            data,
            self.problems,
            prefix,
            placeholders=self.placeholders,
            spoken=self.spoken,
        )

    def child(self, name: str, *, required: bool = False) -> FieldReader | None:
        """The mapping under `name` (None when it is absent: a problem only if `required`)."""
        if name not in self.data or self.data[name] is None:
            if required:
                self.fail(name, "is required")
            return None
        return self._reader(self.data[name], f"{self.prefix}{name}.")

    def mapping(self, name: str, *, required: bool = True) -> FieldReader:
        """The mapping under `name`, empty when absent or of the wrong shape (with its problem)."""
        return self.child(name, required=required) or self._reader({}, f"{self.prefix}{name}.")

    def items(self, name: str, *, required: bool = True) -> list[FieldReader]:
        """A reader for each mapping in the list under `name`."""
        value = self.get(name, list, required=required) or []
        return [self._reader(item, f"{self.prefix}{name}[{i}].") for i, item in enumerate(value)]


def _got(value: object) -> str:
    # YAML reads an unquoted yes, no, on or off as a boolean; say so, it is the usual cause.
    if isinstance(value, bool):
        return f"{value!r} (quote yes, no, on and off)"
    return type(value).__name__


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        bool: "true or false",
        list: "a list",
        dict: "a mapping",
    }
    if isinstance(kind, tuple):
        return "a number"
    return names.get(kind, kind.__name__)
