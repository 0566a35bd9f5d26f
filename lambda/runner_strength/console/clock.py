"""The console's clock: real time, plus the audio the console showed instantly instead of playing.

A device plays every response in full before the runner answers, and the skill relies on that: a
"pause" 10 s into a two-minute set rolls the set back, one after it keeps it. By default the console
prints a response at once, so it moves its clock on by the response's audio length (`skip`); the
skill, built with this clock, then sees the times a device would give it. With `--realtime` the
console really waits through the audio and nothing is skipped.

The time skipped ahead is kept next to the SQLite file, so a later run never starts before the
last one ended: stored workouts must not appear to come from the future.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

logger = logging.getLogger(__name__)


class ConsoleClock:
    """Epoch seconds: `wall()` plus every second skipped so far."""

    def __init__(self, wall: Callable[[], float], *, ahead: float = 0.0) -> None:
        self._wall = wall
        self.ahead = ahead

    def __call__(self) -> float:
        """The current time as the skill should see it."""
        return self._wall() + self.ahead

    def skip(self, seconds: float) -> None:
        """Let `seconds` pass at once (audio the console did not play in real time)."""
        self.ahead += max(0.0, seconds)

    @classmethod
    def resumed(cls, wall: Callable[[], float], saved: Path | None) -> ConsoleClock:
        """A clock that starts no earlier than the time saved by the last run (`save`)."""
        if saved is None:
            return cls(wall)
        try:
            last = float(json.loads(saved.read_text(encoding="utf-8"))["now"])
        except FileNotFoundError:
            return cls(wall)
        except (OSError, ValueError, KeyError, TypeError) as error:
            # A damaged file only costs the skipped time; the workout itself is in SQLite.
            logger.warning("ignoring the console clock file %s: %s", saved, error)
            return cls(wall)
        return cls(wall, ahead=max(0.0, last - wall()))

    def save(self, path: Path | None) -> None:
        """Remember the current time for the next run (only worth it when time was skipped)."""
        if path is None or self.ahead <= 0:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"now": self()}) + "\n", encoding="utf-8")
        except OSError as error:
            logger.warning("could not save the console clock to %s: %s", path, error)
