"""The time one turn may still spend on outside calls, so every answer leaves inside Alexa's 8 s.

Alexa waits 8 s for an answer and Lambda stops the function at 7 s (infra/template.yaml). The
entry points (the Lambda entry, the web app) open a turn with `turn()`; calls to Alexa's APIs
then ask `remaining()` and take no longer than it says, whatever each call's own deadline. Outside
a turn (a unit test calling a client directly) there is no turn limit, only each call's own.
"""

from __future__ import annotations

import contextlib
import time
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

API_SECONDS = 4.0
"""Alexa API calls of a turn end within this many seconds of the turn's start: with DynamoDB's
bounded read before them and write after (persistence/dynamodb.py), the answer leaves in time."""

_deadline: ContextVar[tuple[float, Callable[[], float]] | None] = ContextVar(
    "runner_strength_turn_deadline", default=None
)


@contextlib.contextmanager
def turn(
    seconds: float = API_SECONDS, clock: Callable[[], float] = time.monotonic
) -> Iterator[None]:
    """Within this block, outside calls may take `seconds` in all (from now, on `clock`)."""
    token = _deadline.set((clock() + seconds, clock))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left in the current turn (0 when spent), or None outside a turn."""
    current = _deadline.get()
    if current is None:
        return None
    until, clock = current
    return max(0.0, until - clock())
