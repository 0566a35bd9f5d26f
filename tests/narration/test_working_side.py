"""One-sided exercises say, in words, what the left side means before the first side starts."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from runner_strength.narration.rehearsal import rehearsal

if TYPE_CHECKING:
    from runner_strength.content.model import Library


def test_every_one_sided_exercise_names_its_working_side_before_it_starts(
    library: Library,
) -> None:
    """In every workout, each per-side exercise's first set says its first side before go."""
    checked = 0
    for workout in library.workouts.values():
        heard = " ".join(
            speech.display for _, speech in rehearsal(library, workout.id, random.Random(0))
        )
        for item in workout.items:
            exercise = library.exercise(item.exercise_id)
            if not item.dosage.per_side:
                continue
            at = heard.find(exercise.first_side)
            assert at >= 0, (workout.id, exercise.id)
            assert heard.find("go", at) > at, (workout.id, exercise.id)
            checked += 1
    assert checked >= 18


def test_the_side_plank_says_which_side_is_down(library: Library) -> None:
    """'Left side first' in a side plank means lying on the left side, left elbow down."""
    side = library.exercise("side_plank").first_side
    assert "lie on your left side" in side
    assert "left elbow" in side
