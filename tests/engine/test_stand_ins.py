"""Stand-ins by rule: never more intense, never a higher level, never new kit, never the sore area.

The walk puts every exercise of every workout through every body area (and every piece of its
kit missing) and counts the stand-ins that come out harder: there must be none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from runner_strength.content.model import BODY_AREAS, Intensity, Level
from runner_strength.engine.personal import (
    fair_stand_in,
    fit_workout,
    gentler,
    harder_versions,
    kit_free,
    loads,
)

if TYPE_CHECKING:
    from runner_strength.content.model import Exercise, Library

_LEVELS = (Level.BEGINNER, Level.INTERMEDIATE, Level.ADVANCED)
_INTENSITIES = (Intensity.LIGHT, Intensity.MODERATE, Intensity.HEAVY)

# Pairs the catalogue produced before the rule: (exercise, sore area, the harder stand-in it got).
HARDER_PAIRS_FOUND = (
    ("double_heel_tap", "hip", "side_plank_rotation"),
    ("bridge_hold_and_pulse", "lower_back", "copenhagen_plank"),
    ("bridge_hold_and_pulse", "glute", "copenhagen_plank"),
    ("plank", "hip", "side_plank_rotation"),
    ("side_plank", "knee", "side_plank_rotation"),
    ("calf_raise", "knee", "single_leg_calf_raise"),
    ("glute_bridge", "knee", "bridge_hold_and_pulse"),
    ("glute_bridge", "lower_back", "frog_walk"),
    ("frog_walk", "ankle", "lateral_band_walk"),
    ("mountain_climber", "ankle", "prone_psoas_march"),
    ("back_extension", "knee", "push_up"),
    ("squat", "knee", "half_kneeling_hamstring_lift"),
    ("stationary_lunge", "shin", "walking_lunge"),
    ("step_up", "hip", "half_kneeling_hamstring_lift"),
    ("ankle_rock_back", "hip", "calf_raise"),
    ("half_kneeling_hamstring_lift", "hamstring", "kettlebell_get_up"),
)
# Kit swaps the catalogue produced before the rule: (exercise, kit missing, the stand-in it got).
KIT_PAIRS_FOUND = (
    ("step_down", "step", "step_up"),
    ("seated_calf_raise", "chair", "calf_raise"),
    ("calf_raise", "step", "seated_calf_raise"),
    ("tibialis_raise", "dumbbells", "calf_raise"),
    ("tibialis_posterior_band", "band", "calf_raise"),
)


def _harder(library: Library, original: Exercise, stand_in: Exercise) -> list[str]:
    """Every way `stand_in` is harder than `original`, in words (empty: a fair stand-in)."""
    why = []
    if _INTENSITIES.index(stand_in.intensity) > _INTENSITIES.index(original.intensity):
        why.append("more intense")
    if _LEVELS.index(stand_in.level) > _LEVELS.index(original.level):
        why.append("a higher level")
    if stand_in.equipment - original.equipment:
        why.append("new kit " + ", ".join(sorted(stand_in.equipment - original.equipment)))
    if stand_in.id in harder_versions(library, original.id):
        why.append("its harder version")
    return why


def _workout_exercises(library: Library) -> list[str]:
    return sorted({i.exercise_id for w in library.workouts.values() for i in w.items})


def test_the_walk_finds_no_harder_stand_in(library: Library) -> None:
    """Every workout exercise x every body area, and x each piece of its kit: 0 harder stand-ins."""
    harder: list[tuple[str, str, str, list[str]]] = []
    walked = replaced = 0
    for exercise_id in _workout_exercises(library):
        original = library.exercise(exercise_id)
        for area in sorted(BODY_AREAS):
            walked += 1
            chosen = gentler(library, exercise_id, area)
            if chosen is None:
                continue
            replaced += 1
            stand_in = library.exercise(chosen)
            assert not loads(stand_in, area), (exercise_id, area, chosen)
            if why := _harder(library, original, stand_in):
                harder.append((exercise_id, area, chosen, why))
        for kit in sorted(original.equipment):
            walked += 1
            chosen = kit_free(library, exercise_id, frozenset({kit}))
            if chosen is None:
                continue
            replaced += 1
            stand_in = library.exercise(chosen)
            assert kit not in stand_in.equipment, (exercise_id, kit, chosen)
            if why := _harder(library, original, stand_in):
                harder.append((exercise_id, f"no {kit}", chosen, why))
    assert harder == []
    assert walked > 500
    assert replaced > 150, "the rule still finds a stand-in for most exercise and area pairs"


@pytest.mark.parametrize("workout_id", ["core_and_stability", "janne_eight", "top_six"])
def test_a_fitted_workout_never_swaps_in_harder_work(library: Library, workout_id: str) -> None:
    """Fitted for each sore area, a workout's swaps are never harder than what they replace."""
    workout = library.workout(workout_id)
    for area in sorted(BODY_AREAS):
        day = fit_workout(library, workout, sore=frozenset({area}))
        for item_id, adjustment in day.adjustments.items():
            original, stand_in = library.exercise(item_id), library.exercise(adjustment.exercise_id)
            if stand_in.id != original.id:
                assert _harder(library, original, stand_in) == [], (workout_id, area, item_id)
                assert not loads(stand_in, area), (workout_id, area, stand_in.id)


@pytest.mark.parametrize(("exercise_id", "area", "was"), HARDER_PAIRS_FOUND)
def test_a_harder_pair_found_before_the_rule_is_gone(
    library: Library, exercise_id: str, area: str, was: str
) -> None:
    """A pain report no longer brings the harder exercise it used to (or any harder one)."""
    chosen = gentler(library, exercise_id, area)
    assert chosen != was
    if chosen is not None:
        assert _harder(library, library.exercise(exercise_id), library.exercise(chosen)) == []


@pytest.mark.parametrize(("exercise_id", "kit", "was"), KIT_PAIRS_FOUND)
def test_missing_kit_never_asks_for_other_kit(
    library: Library, exercise_id: str, kit: str, was: str
) -> None:
    """Without one piece of kit, the stand-in needs nothing the exercise did not already need."""
    chosen = kit_free(library, exercise_id, frozenset({kit}))
    assert chosen != was
    if chosen is not None:
        stand_in = library.exercise(chosen)
        assert stand_in.equipment <= library.exercise(exercise_id).equipment - {kit}


def test_hip_pain_in_the_heel_taps_brings_no_side_plank_with_rotation(library: Library) -> None:
    """The coach's case: 'my hip hurts' mid heel taps never brings the rotating side plank."""
    assert loads(library.exercise("side_plank_rotation"), "hip")
    chosen = gentler(library, "double_heel_tap", "hip")
    assert chosen is None or library.exercise(chosen).intensity is Intensity.LIGHT


def test_a_harder_version_is_never_fair(library: Library) -> None:
    """The side plank's harder link, and anything above it, can never replace it."""
    side_plank = library.exercise("side_plank")
    above = harder_versions(library, "side_plank")
    assert "side_plank_rotation" in above
    assert not fair_stand_in(
        library, side_plank, library.exercise("side_plank_rotation"), frozenset()
    )
    assert "side_plank" not in harder_versions(library, "side_plank_rotation")


def test_nothing_fair_means_the_exercise_is_dropped(library: Library) -> None:
    """With nothing fair left, there is no stand-in: the workout leaves the exercise out."""
    assert gentler(library, "side_plank", "hip", exclude=frozenset(library.exercises)) is None
    day = fit_workout(library, library.workout("five_basics"), sore=frozenset({"shoulder"}))
    assert day.omitted == {"push_up"}
    assert "push_up" in day.refitted
