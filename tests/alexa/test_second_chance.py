"""A second chance for names Alexa heard but could not resolve, through the Lambda entry.

Each request carries the slot as Alexa sends an unresolved one: the words heard and the status
ER_SUCCESS_NO_MATCH (tests/skilltest.py's `Device.say` with a plain string). The coach asks
before it acts; yes does what was asked, no does nothing, and a workout keeps its place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from skilltest import event

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from skilltest import Device, FakeClock, Reply

DID_YOU_MEAN = "did_you_mean"


def _attributes(reply: Reply) -> dict[str, object]:
    question = (reply.raw.get("sessionAttributes") or {}).get("question")
    assert isinstance(question, dict)
    return question


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("copenhagan plank", "copenhagen_plank"),  # a typo of the transcription
        ("coping hagen plank", "copenhagen_plank"),  # sound-alikes
        ("bulgerian split squad", "bulgarian_split_squat"),
        ("romanian dead lift", "negative_dumbbell_rdl"),
        ("the copenhagen", "copenhagen_plank"),  # partial names
        ("turkish get op", "kettlebell_get_up"),
        ("kettle bell get upp", "kettlebell_get_up"),
    ],
)
def test_an_unresolved_name_is_asked_about_and_yes_explains_it(
    echo: Device, library: Library, heard: str, meant: str
) -> None:
    """Explain a misheard name: the coach asks about the nearest name, explains on yes."""
    echo.launch()
    asked = echo.say("ExplainExerciseIntent", exercise=heard)
    exercise = library.exercises[meant]
    assert asked.asked == DID_YOU_MEAN
    assert asked.text.endswith(f"{exercise.called}?")
    assert exercise.setup[:20] not in asked.text  # nothing explained before the answer
    assert not asked.ends_session
    explained = echo.say("AMAZON.YesIntent")
    assert exercise.setup[:20] in explained.text
    assert explained.asked == "explain_deeper"
    assert _attributes(explained)["exercise_id"] == meant


def test_no_does_nothing_and_asks_which_exercise(echo: Device, library: Library) -> None:
    """No to "did you mean the Copenhagen plank?": nothing explained, "which one, then?"."""
    echo.launch()
    echo.say("ExplainExerciseIntent", exercise="copenhagan plank")
    reply = echo.say("AMAZON.NoIntent")
    assert library.exercises["copenhagen_plank"].setup[:20] not in reply.text
    assert reply.asked == "which_exercise"
    assert not reply.ends_session


def test_garbage_is_not_in_the_library_and_asks_nothing_of_it(echo: Device) -> None:
    """Explain banana: not in the library, examples named, no "did you mean"."""
    echo.launch()
    reply = echo.say("ExplainExerciseIntent", exercise="banana")
    assert "banana" in reply.text
    assert "Did you mean" not in reply.text
    assert "plank" in reply.text.lower()  # the usual examples: nothing shares a word with it
    assert reply.asked == "start_offer"  # the launch's offer still waits


def test_words_sharing_a_name_word_name_the_nearest_exercises(echo: Device) -> None:
    """Explain the calf stretch: not ours, and the calf raises are named as the nearest."""
    echo.launch()
    reply = echo.say("ExplainExerciseIntent", exercise="calf stretch")
    assert "calf stretch" in reply.text
    assert "the calf raise" in reply.text
    assert reply.asked == "start_offer"


def test_two_equally_near_names_are_offered_and_naming_one_explains_it(
    echo: Device, library: Library
) -> None:
    """Hamstring alone: both hamstring moves offered; yes asks which; naming one explains it."""
    echo.launch()
    offered = echo.say("ExplainExerciseIntent", exercise="hamstring")
    lift = library.exercises["half_kneeling_hamstring_lift"]
    curl = library.exercises["single_leg_roller_hamstring_curl"]
    assert lift.called in offered.text
    assert curl.called in offered.text
    which = echo.say("AMAZON.YesIntent")
    assert which.asked == DID_YOU_MEAN
    assert lift.setup[:20] not in which.text
    assert curl.setup[:20] not in which.text
    # The runner answers with part of a name ("the curl one"): Alexa resolves nothing.
    explained = echo.say("ExplainExerciseIntent", exercise="the curl one")
    assert curl.setup[:20] in explained.text


def test_an_answer_heard_in_the_workout_slot_still_picks_one_of_the_two(
    echo: Device, library: Library
) -> None:
    """Alexa may hear "the curl one" as a workout's name: it still picks the hamstring curl."""
    echo.launch()
    echo.say("ExplainExerciseIntent", exercise="hamstring")
    reply = echo.say("StartWorkoutIntent", workout="the curl one")
    assert library.exercises["single_leg_roller_hamstring_curl"].setup[:20] in reply.text


def test_naming_another_exercise_explains_that_one(echo: Device, library: Library) -> None:
    """At "did you mean the Copenhagen plank?", "explain the side plank" is a request of its own."""
    echo.launch()
    echo.say("ExplainExerciseIntent", exercise="copenhagan plank")
    reply = echo.say("ExplainExerciseIntent", exercise=("side_plank", "side plank"))
    assert library.exercises["side_plank"].setup[:20] in reply.text


def test_a_misheard_workout_is_asked_about_and_yes_starts_it(echo: Device) -> None:
    """Start rich hills top sicks: did you mean Top six? Yes starts it (the warm-up offered)."""
    echo.launch()
    asked = echo.say("StartWorkoutIntent", workout="rich hills top sicks")
    assert asked.asked == DID_YOU_MEAN
    assert "Top six" in asked.text
    started = echo.say("AMAZON.YesIntent")
    assert "Top six" in started.text
    assert started.asked == "warm_up_offer"


def test_credits_and_weight_are_what_yes_gives(echo: Device, library: Library) -> None:
    """Yes does what was asked: where a misheard exercise is from; how heavy to go for another."""
    echo.launch()
    echo.say("CreditsIntent", exercise="tibby alice raise")
    credited = echo.say("AMAZON.YesIntent")
    assert "Tibialis raise" in credited.text
    assert "Coach Rich Hill" in credited.text
    echo.say("WeightIntent", exercise="romanian dead lift")
    weighed = echo.say("AMAZON.YesIntent")
    assert library.exercises["negative_dumbbell_rdl"].weight[:30] in weighed.text


def test_mid_workout_the_place_survives_yes_no_and_asides(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """Mid-workout: asked, helped, yes explains, no declines; then "ready" starts the squat."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.NoIntent")  # no warm-up
    first_set = echo.say("ReadyIntent")
    clock.advance(first_set.seconds + 5)
    asked = echo.say("ExplainExerciseIntent", exercise="coping hagen plank")
    assert asked.asked == DID_YOU_MEAN
    helped = echo.say("AMAZON.HelpIntent")  # an aside: the same question again
    assert helped.asked == DID_YOU_MEAN
    assert helped.text.endswith("the Copenhagen plank?")
    explained = echo.say("AMAZON.YesIntent")
    assert library.exercises["copenhagen_plank"].setup[:20] in explained.text
    assert explained.text.endswith("the squat?"), "the lunge's sets are done: the squat is next"
    assert explained.asked == "ready"
    echo.say("ExplainExerciseIntent", exercise="bulgerian split squad")
    declined = echo.say("AMAZON.NoIntent")
    assert declined.text.endswith("the squat?")
    assert declined.asked == "ready"
    squat = echo.say("ReadyIntent")
    assert squat.text.lower().startswith(("set 1 of 3", "now, set 1 of 3")), squat.text[:80]


def test_moving_on_in_a_workout_leaves_the_question(echo: Device, clock: FakeClock) -> None:
    """Ready at "did you mean ...?" mid-workout plays the next set; the question is dropped."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.NoIntent")
    clock.advance(echo.say("ReadyIntent").seconds + 5)
    echo.say("ExplainExerciseIntent", exercise="copenhagan plank")
    moved = echo.say("ReadyIntent")
    assert "Did you mean" not in moved.text
    assert moved.asked == "ready"


def test_a_one_shot_with_a_misheard_name_asks_in_the_new_session(
    echo: Device, library: Library
) -> None:
    """A one-shot explain with an unresolved name: the same question, session open."""
    envelope = event("explain_no_match")
    envelope["request"]["intent"]["slots"]["exercise"]["value"] = "copenhagan plank"
    reply = echo.send(envelope)
    assert reply.asked == DID_YOU_MEAN
    assert not reply.ends_session
    explained = echo.say("AMAZON.YesIntent")
    assert library.exercises["copenhagen_plank"].setup[:20] in explained.text


def test_an_unresolved_body_area_is_read_as_the_one_it_clearly_means(
    echo: Device, clock: FakeClock
) -> None:
    """'My calfs hurt' mid-workout: the calf is spared at once, no question while it hurts."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.NoIntent")
    clock.advance(echo.say("ReadyIntent").seconds + 5)
    reply = echo.say("PainIntent", body_area="calfs")
    assert "your calf hurts" in reply.text.lower() or "that calf" in reply.text.lower()
    assert reply.asked != DID_YOU_MEAN
    vague = echo.say("PainIntent", body_area="banana")  # nothing near: the general wording
    assert "banana" not in vague.text


def test_unresolved_kit_is_read_as_the_one_piece_it_clearly_means(echo: Device) -> None:
    """'I don't have dumb bells': dumbbells are remembered as missing; nonsense changes nothing."""
    echo.launch()
    reply = echo.say("MissingEquipmentIntent", equipment="dumb bells")
    assert "dumbbells" in reply.text.lower()
    unknown = echo.say("MissingEquipmentIntent", equipment="a trampoline")
    assert "dumbbells" not in unknown.text.lower()


def test_why_a_named_exercise_says_why_that_one_mid_workout(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """'Why lunges?' at the squat's question says why the lunge, then asks about the squat."""
    lunge, squat = library.exercise("walking_lunge"), library.exercise("squat")
    echo.say("StartWorkoutIntent", new_session=True, workout=("five_basics", "five basics"))
    clock.advance(echo.say("AMAZON.NoIntent").seconds + 2)  # no warm-up
    clock.advance(echo.say("ReadyIntent").seconds + 2)  # the lunge's sets; the squat comes next
    reply = echo.say("WhyExerciseIntent", exercise=("walking_lunge", "lunges"))
    assert lunge.why in reply.text
    assert squat.why not in reply.text
    assert reply.text.rstrip().endswith("squat?"), reply.text[-60:]


def test_why_a_name_not_known_is_asked_about_and_yes_says_why(
    echo: Device, library: Library
) -> None:
    """'Why the copenhagan plank?' (unresolved) asks first; yes says why the Copenhagen plank."""
    echo.launch()
    asked = echo.say("WhyExerciseIntent", exercise="copenhagan plank")
    assert asked.asked == DID_YOU_MEAN
    assert _attributes(asked).get("wanted") == "WhyExerciseIntent"
    said = echo.say("AMAZON.YesIntent")
    assert library.exercise("copenhagen_plank").why in said.text
