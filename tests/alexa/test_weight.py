"""'What weight should I use?' answers for the exercise in hand, from content."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from skilltest import Device


def test_a_named_loaded_exercise_gets_its_own_guidance(echo: Device, library: Library) -> None:
    """The RDL's guidance is said: start light, a weight with a few more reps in reserve."""
    echo.launch()
    reply = echo.say("WeightIntent", exercise=("negative_dumbbell_rdl", "negative dumbbell rdl"))
    assert library.exercise("negative_dumbbell_rdl").weight in reply.text
    assert "Start light" in reply.text
    assert not reply.ends_session


def test_mid_workout_how_heavy_answers_for_the_exercise_in_hand(echo: Device) -> None:
    """In the strength workout, 'how heavy' is about the kettlebell get-up, then the question."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("strength_with_equipment", "strength with equipment"))
    reply = echo.say("WeightIntent")
    assert "light bell you can hold steady at your shoulder" in reply.text
    assert reply.text.rstrip().endswith("?")


def test_body_weight_work_says_so(echo: Device) -> None:
    """The plank needs no weight: the coach says so rather than inventing a load."""
    echo.launch()
    reply = echo.say("WeightIntent", exercise=("plank", "plank"))
    assert "just your body weight" in reply.text


def test_with_no_exercise_the_general_rule_is_said(echo: Device) -> None:
    """Outside a workout, with nothing named: a weight with reps in reserve, and start light."""
    echo.launch()
    reply = echo.say("WeightIntent")
    assert "a few more times with good form" in reply.text
    assert "start light" in reply.text


def test_every_loaded_exercise_has_guidance(library: Library) -> None:
    """Every exercise whose kit is a load (dumbbells, kettlebell, cable machine) says how heavy."""
    loaded = {"dumbbells", "kettlebell", "cable_machine"}
    for exercise in library.exercises.values():
        if exercise.equipment & loaded:
            assert exercise.weight, exercise.id
