"""Explanations in layers, heard through the Lambda entry.

The first layer (what, why, set-up, two or three cues) is about 30 seconds. Outside a workout it
ends with "Want the common mistakes and easier or harder versions?"; mid-workout it ends with the
workout's own question, and "tell me more" gives the second layer there. A one-shot says the
first layer with the safety note and ends.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

import pytest

from skilltest import Device, FakeClock, Reply, event

if TYPE_CHECKING:
    from runner_strength.content.model import Exercise, Library

OFFER_WORDS = "versions?"  # both variants of the second-layer offer end so
WHAT_NEXT_WORDS = "another exercise"  # both variants of "another exercise, or a workout?"


def _question(reply: Reply) -> str:
    attributes: dict[str, Any] = reply.raw.get("sessionAttributes") or {}
    return str(attributes.get("question", {}).get("question"))


def _menu(echo: Device) -> None:
    """A session with nothing pending: the launch's offer answered by hearing every workout."""
    echo.launch()
    heard = echo.say("ListWorkoutsIntent")
    while _question(heard) == "list_more":
        heard = echo.say("AMAZON.YesIntent")
    assert _question(heard) == "none"


def _explain(echo: Device, exercise: Exercise) -> Reply:
    return echo.say("ExplainExerciseIntent", exercise=(exercise.id, exercise.name.lower()))


def _first_layer_said(reply: Reply, exercise: Exercise) -> bool:
    return exercise.setup.split(".")[0] in reply.text and exercise.cues[0] in reply.text


def _second_layer_said(reply: Reply, exercise: Exercise) -> bool:
    return all(mistake in reply.text for mistake in exercise.mistakes) and all(
        line in reply.text for line in exercise.safety
    )


def _into_five_basics(echo: Device, clock: FakeClock) -> Reply:
    """Five basics after its first set, asked about set 2: the runner asks after every set."""
    echo.launch()
    echo.say("EverySetIntent")
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    return done


# --------------------------------------------------------------- outside a workout


def test_an_explanation_outside_a_workout_ends_with_the_offer_of_more(
    echo: Device, library: Library
) -> None:
    """The first layer, about 30 s, then one question: the mistakes and versions."""
    _menu(echo)
    bridge = library.exercises["glute_bridge"]
    reply = _explain(echo, bridge)
    assert _first_layer_said(reply, bridge), reply.text
    assert not any(mistake in reply.text for mistake in bridge.mistakes), reply.text
    assert reply.text.rstrip().endswith(OFFER_WORDS), reply.text
    assert reply.text.count("?") == 1, reply.text
    assert reply.seconds <= 35, reply.seconds  # the short layer is "at most ~30 s"
    assert _question(reply) == "explain_deeper"
    assert not reply.ends_session


def test_yes_to_the_offer_gives_the_second_layer_then_asks_what_next(
    echo: Device, library: Library
) -> None:
    """Yes: mistakes, easier and harder versions, safety; then "another exercise, or a workout?"."""
    _menu(echo)
    bridge = library.exercises["glute_bridge"]
    _explain(echo, bridge)
    reply = echo.say("AMAZON.YesIntent")
    assert _second_layer_said(reply, bridge), reply.text
    assert bridge.easier is not None
    assert bridge.easier.text in reply.text
    assert not _first_layer_said(reply, bridge), "the first layer is not said twice"
    assert WHAT_NEXT_WORDS in reply.text
    assert reply.text.count("?") == 1, reply.text
    assert _question(reply) == "another_exercise"
    # and "yes" to what next asks which exercise
    which = echo.say("AMAZON.YesIntent")
    assert _question(which) == "which_exercise"


def test_no_to_the_offer_asks_what_next(echo: Device, library: Library) -> None:
    """No: no second layer, just what next, in a few seconds."""
    _menu(echo)
    bridge = library.exercises["glute_bridge"]
    _explain(echo, bridge)
    reply = echo.say("AMAZON.NoIntent")
    assert not any(mistake in reply.text for mistake in bridge.mistakes)
    assert WHAT_NEXT_WORDS in reply.text
    assert reply.seconds < 8  # a question, not a talk
    assert _question(reply) == "another_exercise"
    assert not reply.ends_session


@pytest.mark.parametrize("intent", ["ExplainMoreIntent", "DetailedCoachingIntent"])
def test_tell_me_more_at_the_offer_is_a_yes(echo: Device, library: Library, intent: str) -> None:
    """'Tell me more' or "more detail" at the offer gives the second layer, not a coaching mode."""
    _menu(echo)
    plank = library.exercises["plank"]
    _explain(echo, plank)
    reply = echo.say(intent)
    assert _second_layer_said(reply, plank), reply.text
    assert _question(reply) == "another_exercise"


def test_repeat_says_again_the_layer_just_said(echo: Device, library: Library) -> None:
    """Repeat after the first layer says it again with the offer; after the second, that one."""
    _menu(echo)
    plank = library.exercises["plank"]
    _explain(echo, plank)
    first = echo.say("AMAZON.RepeatIntent")
    assert _first_layer_said(first, plank), first.text
    assert first.text.rstrip().endswith(OFFER_WORDS)
    assert _question(first) == "explain_deeper"
    echo.say("AMAZON.YesIntent")
    second = echo.say("AMAZON.RepeatIntent")
    assert _second_layer_said(second, plank), second.text
    assert not _first_layer_said(second, plank)
    assert WHAT_NEXT_WORDS in second.text
    assert _question(second) == "another_exercise"


def test_tell_me_more_about_a_named_exercise(echo: Device, library: Library) -> None:
    """'What are the common mistakes with the side plank' names its exercise: its second layer."""
    _menu(echo)
    side = library.exercises["side_plank"]
    reply = echo.say("ExplainMoreIntent", exercise=(side.id, "side plank"))
    assert _second_layer_said(reply, side), reply.text
    assert _question(reply) == "another_exercise"


def test_a_session_from_before_the_rename_still_reads(echo: Device) -> None:
    """A session that stored the old "explain_more" question reads it as "another exercise?"."""
    _menu(echo)
    echo.attributes["question"] = {"question": "explain_more", "said": "question"}
    reply = echo.say("AMAZON.YesIntent")
    assert _question(reply) == "which_exercise", reply.text


# --------------------------------------------------------------- mid-workout


def test_mid_workout_an_explanation_asks_only_the_workouts_question(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """Between sets: the first layer, then "ready for ...?" alone, never the offer too."""
    _into_five_basics(echo, clock)
    plank = library.exercises["plank"]
    reply = _explain(echo, plank)
    assert _first_layer_said(reply, plank), reply.text
    assert "versions" not in reply.text
    assert reply.text.count("?") == 1, reply.text
    assert _question(reply) == "ready"


@pytest.mark.parametrize("intent", ["ExplainMoreIntent", "DetailedCoachingIntent"])
def test_mid_workout_tell_me_more_gives_the_exercise_in_hand_then_the_question(
    echo: Device, clock: FakeClock, library: Library, intent: str
) -> None:
    """'Tell me more' between sets of walking lunges: their second layer, then "ready?"."""
    _into_five_basics(echo, clock)
    lunge = library.exercises["walking_lunge"]
    echo.send(event("explain_empty"))  # "explain this"
    reply = echo.say(intent)
    assert _second_layer_said(reply, lunge), reply.text
    assert reply.text.count("?") == 1, reply.text
    assert "set 2?" in reply.text[-40:], reply.text
    assert _question(reply) == "ready"
    again = echo.say("AMAZON.RepeatIntent")
    assert _second_layer_said(again, lunge), again.text
    assert _question(again) == "ready"


def test_mid_workout_tell_me_more_with_nothing_explained_is_the_exercise_in_hand(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """Straight after a set, "common mistakes" is about the exercise being done."""
    _into_five_basics(echo, clock)
    reply = echo.say("ExplainMoreIntent")
    assert _second_layer_said(reply, library.exercises["walking_lunge"]), reply.text
    assert _question(reply) == "ready"


def test_mid_workout_tell_me_more_follows_the_exercise_just_explained(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """After "explain the Copenhagen plank" between lunges, "more details" is the plank's."""
    _into_five_basics(echo, clock)
    copenhagen = library.exercises["copenhagen_plank"]
    _explain(echo, copenhagen)
    reply = echo.say("ExplainMoreIntent")
    assert _second_layer_said(reply, copenhagen), reply.text
    assert _question(reply) == "ready"


def test_more_detail_twice_is_then_the_coaching_mode(echo: Device, clock: FakeClock) -> None:
    """'More detail' after a second layer (not a first) switches to full coaching, as before."""
    _into_five_basics(echo, clock)
    echo.send(event("explain_empty"))
    echo.say("DetailedCoachingIntent")  # the second layer
    reply = echo.say("DetailedCoachingIntent")
    assert "Watch out" not in reply.text
    assert "Common mistakes" not in reply.text
    assert "from now on" in reply.text, reply.text  # both "full coaching" answers say so


# --------------------------------------------------------------- one-shot


def test_a_one_shot_explanation_says_the_safety_note_and_ends(
    echo: Device, library: Library
) -> None:
    """'Ask runner strength to explain X', for every exercise: one layer, its safety note, the end.

    Within about 35 s: the safety note is never cut, cues give way to it.
    """
    seconds = []
    for exercise in library.exercises.values():
        envelope = event("explain_oneshot")
        slot = envelope["request"]["intent"]["slots"]["exercise"]
        slot["value"] = exercise.name.lower()
        slot.pop("slotValue", None)
        slot["resolutions"]["resolutionsPerAuthority"][0]["values"] = [
            {"value": {"name": exercise.name.lower(), "id": exercise.id}}
        ]
        reply = echo.send(envelope)
        assert reply.ends_session, (exercise.id, reply.text)
        assert _first_layer_said(reply, exercise), (exercise.id, reply.text)
        assert all(line in reply.text for line in exercise.safety), (exercise.id, reply.text)
        assert "?" not in reply.text, (exercise.id, reply.text)
        seconds.append(reply.seconds)
    assert statistics.median(seconds) <= 33, statistics.median(seconds)
    assert max(seconds) <= 40, max(seconds)  # a long set-up and two notes
