"""Choosing a workout when the runner names none: a deterministic rotation over the catalogue.

The rotation is a fixed order of workout ids: sorted, then, when a seed is given, shuffled by a
`random.Random(seed)` so one runner's order can differ from another's while staying the same for
that runner on every request. The next workout is the one after the last workout in the history
(most recent last); with no usable history it is the first in the order.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from runner_strength.content.model import Library, Workout


def rotation(library: Library, seed: int | None = None) -> tuple[str, ...]:
    """The catalogue's workout ids in rotation order for `seed` (sorted when None)."""
    order = sorted(library.workouts)
    if seed is not None:
        # Not for security: a stable, per-runner order.
        random.Random(seed).shuffle(order)  # noqa: S311
    return tuple(order)


def choose_workout(
    library: Library,
    history: Sequence[str],
    *,
    seed: int | None = None,
    allowed: Callable[[Workout], bool] | None = None,
) -> Workout:
    """The next workout in the rotation after the most recent one in `history` (workout ids).

    `allowed` filters the catalogue (equipment, level ...); when it allows nothing the whole
    catalogue is used, so there is always an answer.
    """
    order = rotation(library, seed)
    usable = [w for w in order if allowed is None or allowed(library.workout(w))] or list(order)
    for last in reversed(history):
        if last in order:
            # Walk on from the last one's place in the full order, so a filter keeps the rhythm.
            start = order.index(last) + 1
            for offset in range(len(order)):
                candidate = order[(start + offset) % len(order)]
                if candidate in usable:
                    return library.workout(candidate)
    return library.workout(usable[0])
