"""Memoising pure engine functions whose arguments include content objects.

The library and its workouts are built once per process and never change, but they hold dicts and
so cannot be hashed. `Same` stands for one object by identity in a cache key; the cache holds the
key, so the object stays alive and its id cannot be reused while the entry exists.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Same(Generic[T]):
    """A hashable cache key equal only to another key for the very same object."""

    __slots__ = ("_hash", "value")

    def __init__(self, value: T) -> None:
        self.value = value
        self._hash = id(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value
