"""The words of one response, and the two layers of an explanation, on their own."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from runner_strength.content.model import Dosage, Mode
from runner_strength.narration.explanations import first_layer, first_layer_cues, second_layer
from runner_strength.narration.phrases import PhrasePicker
from runner_strength.narration.ssml import plain_text
from runner_strength.narration.wording import Wording

if TYPE_CHECKING:
    from runner_strength.content.model import Library


def _words(library: Library) -> Wording:
    return Wording(library, PhrasePicker(library.phrases, random.Random(0)))


def test_a_fork_keeps_the_names_said_and_leaves_the_original_alone(library: Library) -> None:
    """Names said while trying a part stay in the fork; going back to the original drops them."""
    words = _words(library)
    assert words.name("plank") == "the plank"
    trial = words.fork()
    trial.name("squat")
    assert trial.named == {"plank", "squat"}
    assert words.named == {"plank"}
    assert words.fresh().named == frozenset()


def test_kit_and_lists_are_said_as_a_coach_says_them(library: Library) -> None:
    """Two items are joined with "and"; kit carries its articles, in a fixed order."""
    words = _words(library)
    assert words.listed(["a", "b", "c"]).startswith("a, b ")
    kit = words.kit({"dumbbells", "bench"})
    assert "bench" in kit
    assert "dumbbells" in kit
    assert kit.index("bench") < kit.index("dumbbells")


def test_a_hold_dose_says_its_seconds_and_a_rep_dose_its_reps(library: Library) -> None:
    """30 s on each side for a per-side hold; 12 for a rep set."""
    words = _words(library)
    hold = Dosage(mode=Mode.HOLD, sets=2, per_side=True, rest_seconds=30, hold_seconds=30)
    reps = Dosage(mode=Mode.REPS, sets=3, per_side=False, rest_seconds=45, reps=12)
    assert "30" in plain_text(words.dosage(hold).build())
    assert "12" in plain_text(words.dosage(reps).build())


def test_the_second_layer_says_the_cues_the_first_left_out(library: Library) -> None:
    """Every cue of every exercise is said in one layer or the other, none in both."""
    for exercise in library.exercises.values():
        words = _words(library)
        first = plain_text(first_layer(words, exercise).build())
        second = plain_text(second_layer(words, exercise).build())
        shown = first_layer_cues(exercise)
        assert 2 <= shown <= 3 or shown == len(exercise.cues)
        for index, cue in enumerate(exercise.cues):
            assert (cue in first) == (index < shown), (exercise.id, cue)
            assert (cue in second) == (index >= shown), (exercise.id, cue)


def test_a_one_shot_explanation_ends_on_the_safety_note(library: Library) -> None:
    """With `safety`, the first layer closes with the exercise's safety lines."""
    exercise = next(e for e in library.exercises.values() if e.safety)
    said = plain_text(first_layer(_words(library), exercise, safety=True).build())
    assert said.rstrip().endswith(exercise.safety[-1])
