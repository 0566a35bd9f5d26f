"""Every pending question survives every intent that does not answer it.

Each conversation runs through the Lambda entry with real request envelopes (tests/skilltest.py),
so the session attributes carry the typed last-question context from turn to turn as on a device.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import pytest

from alexa_api_stub import AlexaApiStub, ApiEntry
from runner_strength.alexa.services import ShortTimeoutApiClient
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, Reply, event, play_short_workout

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from runner_strength.content.model import Library

API_TIMEOUT = 0.4  # seconds; the stub answers on loopback at once

# --------------------------------------------------------------- getting to each question


def _pause_five_basics_after_one_set(echo: Device, clock: FakeClock) -> None:
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    echo.say("AMAZON.PauseIntent")
    clock.advance(20 * 3600)


def _resume_offer(echo: Device, clock: FakeClock) -> Reply:
    _pause_five_basics_after_one_set(echo, clock)
    return echo.launch()


def _resume_or_new(echo: Device, clock: FakeClock) -> Reply:
    _pause_five_basics_after_one_set(echo, clock)
    return echo.send(event("start_workout_oneshot"))


def _start_offer(echo: Device, clock: FakeClock) -> Reply:  # same signature as the others
    return echo.launch()


def _which_exercise(echo: Device, clock: FakeClock) -> Reply:  # same signature as the others
    echo.launch()
    return echo.send(event("explain_empty"))


def _explain_deeper(echo: Device, clock: FakeClock) -> Reply:  # same signature as the others
    echo.launch()
    heard = echo.say("ListWorkoutsIntent")  # the start offer is answered
    while _question(heard) == "list_more":
        heard = echo.say("AMAZON.YesIntent")  # until all are heard: nothing else is pending
    return echo.say("ExplainExerciseIntent", exercise=("plank", "plank"))


def _another_exercise(echo: Device, clock: FakeClock) -> Reply:
    _explain_deeper(echo, clock)
    return echo.say("AMAZON.NoIntent")  # no second layer: what next?


def _start_over(echo: Device, clock: FakeClock) -> Reply:
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    return echo.say("AMAZON.StartOverIntent")


def _ready(echo: Device, clock: FakeClock) -> Reply:  # same signature as the others
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    return echo.say("AMAZON.NoIntent")  # no warm-up: "shall we do the walking lunge?"


def _reminder_offer(echo: Device, clock: FakeClock) -> Reply:
    """A short workout to its end: "want me to remind you every Thursday at 7 ...?"."""
    return play_short_workout(echo, clock)


def _warm_up_offer(echo: Device, clock: FakeClock) -> Reply:  # same signature as the others
    echo.launch()
    return echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))


def _cool_down_offer(echo: Device, clock: FakeClock) -> Reply:
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"), duration="PT5M")
    reply = echo.say("AMAZON.NoIntent")  # no warm-up
    for _ in range(80):
        reply = echo.say("ReadyIntent")
        clock.advance(reply.seconds + 2)
        if reply.asked == "cool_down_offer":
            return reply
    raise AssertionError("the workout did not finish")


# question id -> how to get there, and words its question always contains
QUESTIONS: dict[str, tuple[Callable[[Device, FakeClock], Reply], tuple[str, ...]]] = {
    "resume_offer": (_resume_offer, ("left off",)),
    "warm_up_offer": (_warm_up_offer, ("warm",)),
    "cool_down_offer": (_cool_down_offer, ("cool",)),
    "resume_or_new": (_resume_or_new, ("Core and stability now?",)),
    "start_offer": (_start_offer, ("start",)),
    "which_exercise": (_which_exercise, ("explain",)),
    "explain_deeper": (_explain_deeper, ("versions",)),  # "... easier or harder versions?"
    "another_exercise": (_another_exercise, ("exercise",)),
    "start_over": (_start_over, ("Five basics",)),
    "ready": (_ready, ("walking lunge",)),  # "shall we do the walking lunge?"
    "reminder_offer": (_reminder_offer, ("remind",)),  # "remind you ...?", "a reminder ...?"
}
# Questions only asked where Alexa's services are (the reminders API): asked on `api_echo`.
NEEDS_API = {"reminder_offer"}

# intents that do not answer a question: each says its piece and asks the question again
NOT_ANSWERS: dict[str, Callable[[Device], Reply]] = {
    "help": lambda d: d.say("AMAZON.HelpIntent"),
    "status": lambda d: d.say("WorkoutStatusIntent"),
    "repeat": lambda d: d.say("AMAZON.RepeatIntent"),
    "why": lambda d: d.say("WhyExerciseIntent"),
    "explain": lambda d: d.say("ExplainExerciseIntent", exercise=("plank", "plank")),
    "progress": lambda d: d.say("ProgressIntent"),
    "fallback": lambda d: d.say("AMAZON.FallbackIntent"),
    "not_an_exercise": lambda d: d.say("ExplainExerciseIntent", exercise="purple monkey"),
}
# an explanation answers "which exercise?" and "another one?" (at "the mistakes and versions?"
# a new explanation offers that one's: the same question, so it is left in the matrix)
ANSWERS = {
    ("which_exercise", "explain"),
    ("another_exercise", "explain"),
    # "another exercise?" answered with a name we lack: which one, then?
    ("another_exercise", "not_an_exercise"),
}


def _question(reply: Reply) -> str:
    attributes: dict[str, Any] = reply.raw.get("sessionAttributes") or {}
    return str(attributes.get("question", {}).get("question"))


@pytest.fixture
def api_echo(library: Library, clock: FakeClock) -> Iterator[Device]:
    """An Echo whose requests carry Alexa's API endpoint (a loopback stub), permission granted."""
    stub = AlexaApiStub().start()
    skill = build_skill(
        library=library,
        adapter=MemoryAdapter(clock=clock, ttl_days=365),
        clock=clock,
        rng_for=random.Random,
        api_client=ShortTimeoutApiClient(API_TIMEOUT, local=True),
    )
    yield Device(ApiEntry(LambdaEntry(skill), stub, granted=True), clock=clock)
    stub.stop()


def _device(request: pytest.FixtureRequest, question: str, echo: Device) -> Device:
    return request.getfixturevalue("api_echo") if question in NEEDS_API else echo


@pytest.mark.parametrize("question", sorted(QUESTIONS))
@pytest.mark.parametrize("intent", sorted(NOT_ANSWERS))
def test_pending_question_survives_an_intent_that_does_not_answer_it(
    request: pytest.FixtureRequest, echo: Device, clock: FakeClock, question: str, intent: str
) -> None:
    """Help, status, repeat, why, explain, progress and fallback keep the session and re-ask."""
    if (question, intent) in ANSWERS:
        pytest.skip("this intent answers this question")
    echo = _device(request, question, echo)
    setup, words = QUESTIONS[question]
    asked = setup(echo, clock)
    assert not asked.ends_session
    assert _question(asked) == question, asked.text
    reply = NOT_ANSWERS[intent](echo)
    assert not reply.ends_session, f"{intent} at {question} ended the session: {reply.text}"
    assert _question(reply) == question, reply.text
    tail = reply.text[-160:]
    assert all(word.lower() in tail.lower() for word in words), reply.text
    assert tail.rstrip().endswith("?"), reply.text
    # and the question can still be answered: the session is intact for the next turn
    again = NOT_ANSWERS["help"](echo)
    assert _question(again) == question


@pytest.mark.parametrize("question", sorted(QUESTIONS))
@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_end_at_every_question(
    request: pytest.FixtureRequest, echo: Device, clock: FakeClock, question: str, intent: str
) -> None:
    """Stop and Cancel end the session wherever the conversation is."""
    echo = _device(request, question, echo)
    QUESTIONS[question][0](echo, clock)
    reply = echo.say(intent)
    assert reply.ends_session
    assert reply.reprompt is None


# --------------------------------------------------------------- item 2: the paused workout


def test_a_start_in_session_asks_about_the_workout_in_progress(
    echo: Device, clock: FakeClock
) -> None:
    """Start another workout mid-workout: the coach names the one going and asks."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    reply = echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    assert "Five basics, at the squat, set 1 of 3" in reply.text  # the lunge's sets all played
    assert "Core and stability now?" in reply.text
    assert "keep for later" in reply.text
    assert _question(reply) == "resume_or_new"


def test_a_start_at_the_resume_offer_is_the_runners_answer(echo: Device, clock: FakeClock) -> None:
    """Told about the paused workout at launch, "start the core workout" starts it at once."""
    offer = _resume_offer(echo, clock)
    assert "Five basics" in offer.text
    reply = echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    assert "Core and stability" in reply.text
    assert _question(reply) == "warm_up_offer"  # started: the warm-up is offered first


def test_the_paused_workout_named_at_the_resume_offer_carries_on(
    echo: Device, clock: FakeClock
) -> None:
    """Told about the paused Five basics, "start five basics" picks it up where it was paused."""
    _resume_offer(echo, clock)
    reply = echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    assert "the squat" in reply.text.lower()
    assert "set 1 of 3" in reply.text.lower()


def test_a_one_shot_start_asks_about_the_paused_workout(echo: Device, clock: FakeClock) -> None:
    """A one-shot start with a paused workout asks, keeping the session open for the answer."""
    reply = _resume_or_new(echo, clock)
    assert "You have Five basics paused at the squat, set 1 of 3." in reply.text or (
        "Five basics is paused at the squat, set 1 of 3." in reply.text
    )
    assert not reply.ends_session


@pytest.mark.parametrize("answer", ["resume", "no", "AMAZON.ResumeIntent"])
def test_resume_answers_pick_up_the_paused_set(echo: Device, clock: FakeClock, answer: str) -> None:
    """'Resume', "no" (to "start X?") and the built-in resume carry on at the paused set."""
    _resume_or_new(echo, clock)
    intent = {"resume": "ResumeWorkoutIntent", "no": "AMAZON.NoIntent"}.get(answer, answer)
    reply = echo.say(intent)
    assert "the squat" in reply.text.lower()
    assert "set 1 of 3" in reply.text.lower()
    assert "Core and stability" not in reply.text


@pytest.mark.parametrize("answer", ["start_new", "yes", "start_named"])
def test_start_answers_start_the_new_workout(
    echo: Device, clock: FakeClock, library: Library, answer: str
) -> None:
    """'Start something new', "yes" and a named start begin the new one; the old goes to history."""
    asked = _resume_or_new(echo, clock)  # the one-shot asked for the next in the rotation
    assert _question(asked) == "resume_or_new"
    if answer == "yes":
        reply = echo.say("AMAZON.YesIntent")
    elif answer == "start_new":
        reply = echo.say("StartWorkoutIntent")
    else:
        reply = echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    assert "Five basics" not in reply.text
    assert "Core and stability" in reply.text
    assert _question(reply) == "warm_up_offer"  # started: the warm-up is offered first
    first = library.exercise(library.workout("core_and_stability").items[0].exercise_id)
    started = echo.say("ReadyIntent")
    assert first.name.lower() in started.text.lower()
    back = echo.launch()
    assert "Five basics" not in back.text, "the paused workout was ended by the runner's word"


def test_no_to_the_resume_offer_does_not_offer_the_same_workout_again(
    echo: Device, clock: FakeClock
) -> None:
    """Declining to resume Five basics offers some other workout, not Five basics once more."""
    _resume_offer(echo, clock)
    reply = echo.say("AMAZON.NoIntent")
    assert _question(reply) == "start_offer"
    assert "Five basics" not in reply.text


# --------------------------------------------------------------- item 3: "this" and bare names


def test_explain_this_mid_workout_explains_the_current_exercise(
    echo: Device, clock: FakeClock
) -> None:
    """'Explain this' between sets explains the exercise in hand and asks only "ready?"."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    reply = echo.send(event("explain_empty"))
    assert "the squat" in reply.text, "the lunge's sets are done: the squat is in hand"
    assert "Which" not in reply.text
    assert reply.text.count("?") == 1, reply.text
    assert _question(reply) == "ready"


def test_a_bare_exercise_name_answers_which_exercise(echo: Device) -> None:
    """At "which exercise?", the name alone ("glute bridge") is explained."""
    echo.launch()
    asked = echo.send(event("explain_empty"))
    assert _question(asked) == "which_exercise"
    reply = echo.say("ExplainExerciseIntent", exercise=("glute_bridge", "glute bridge"))
    assert "bridge" in reply.text.lower()
    assert _question(reply) == "explain_deeper"  # then: "want the common mistakes ...?"


# --------------------------------------------------------------- item 4: repeat


def test_repeat_after_a_set_says_the_question_not_the_set(echo: Device, clock: FakeClock) -> None:
    """'What did you say' after a 90-second set re-asks the question in a few seconds."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    again = echo.say("AMAZON.RepeatIntent")
    assert again.seconds < 10, again.text
    assert again.text.rstrip().endswith("?")
    assert _question(again) == "ready"


def test_repeat_after_an_explanation_explains_again(echo: Device) -> None:
    """Repeat right after an explanation says the explanation again."""
    echo.launch()
    first = echo.say("ExplainExerciseIntent", exercise=("plank", "plank"))
    again = echo.say("AMAZON.RepeatIntent")
    assert "plank" in again.text.lower()
    assert abs(again.seconds - first.seconds) < 0.3 * first.seconds


def test_repeat_after_status_says_the_status_again(echo: Device, clock: FakeClock) -> None:
    """Repeat after "how much is left" gives how much is left, and performs no set."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    status = echo.say("WorkoutStatusIntent")
    again = echo.say("AMAZON.RepeatIntent")
    assert "the squat, set 1 of 3" in status.text
    assert "the squat, set 1 of 3" in again.text
    assert again.seconds < 20


def test_do_that_set_again_repeats_the_set(echo: Device, clock: FakeClock) -> None:
    """'Do that set again' performs the last set once more, counting and all."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    again = echo.say("RepeatSetIntent")
    assert " 1 " in f" {again.text} "
    assert again.seconds > 30
    assert "walking lunge" in again.text.lower()[:60], "the set just done: the lunge's set 3"


# --------------------------------------------------------------- item 5: navigation


def _into_five_basics(echo: Device, clock: FakeClock, sets: int) -> list[Reply]:
    """Five basics, `sets` sets in, for a runner who asked to be asked after every set.

    The question between two sets of one exercise comes only with that setting (or when a
    response is full), and it is the question these tests are about.
    """
    echo.launch()
    echo.say("EverySetIntent")
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    replies = []
    for _ in range(sets):
        reply = echo.say("ReadyIntent")
        clock.advance(reply.seconds + 5)
        replies.append(reply)
    return replies


def test_next_at_a_set_question_is_that_set_never_a_skip(echo: Device, clock: FakeClock) -> None:
    """Four "next"s do four sets in order: nothing is skipped unasked."""
    _into_five_basics(echo, clock, 1)
    said = []
    for _ in range(4):
        reply = echo.say("AMAZON.NextIntent")
        clock.advance(reply.seconds + 5)
        said.append(reply.text)
    assert "set 2 of 3" in said[0].lower()
    assert "Walking lunge" not in said[2], "the lunges are done after three sets"
    # The squat is introduced in the rest before its first set, which then starts at once.
    assert "the squat" in said[1].lower()
    assert "set 1 of 3" in said[2].lower()
    status = echo.say("WorkoutStatusIntent")
    assert "squat, set 3 of 3" in status.text.lower()


def test_skip_is_explicit_and_go_back_undoes_it(echo: Device, clock: FakeClock) -> None:
    """'Skip this exercise' says how to undo; "go back" returns to the same set, sets kept."""
    _into_five_basics(echo, clock, 1)
    skipped = echo.say("SkipExerciseIntent")
    assert "go back" in skipped.text.lower()
    assert "the squat?" in skipped.text
    back = echo.say("AMAZON.PreviousIntent")
    assert "walking lunge" in back.text.lower()
    assert "set 2" in back.text.lower()
    status = echo.say("WorkoutStatusIntent")
    assert "walking lunge, set 2 of 3" in status.text.lower()
    assert "11 sets" in status.text or "11 sets" in status.text.replace("eleven", "11")


def test_previous_redoes_the_exercise_before_then_returns_to_where_you_were(
    echo: Device, clock: FakeClock
) -> None:
    """'Previous exercise' at squat set 2 redoes the lunges, then carries on at squat set 2."""
    _into_five_basics(echo, clock, 4)  # three lunge sets and squat set 1
    back = echo.say("PreviousExerciseIntent")
    assert "walking lunge" in back.text.lower()
    for _ in range(3):
        reply = echo.say("ReadyIntent")
        clock.advance(reply.seconds + 5)
    status = echo.say("WorkoutStatusIntent")
    assert "squat, set 2 of 3" in status.text.lower()


def test_starting_the_whole_workout_over_asks_first(echo: Device, clock: FakeClock) -> None:
    """'Start the workout over' asks; no keeps the place, yes goes back to the first set."""
    _into_five_basics(echo, clock, 4)
    asked = echo.say("AMAZON.StartOverIntent")
    assert _question(asked) == "start_over"
    kept = echo.say("AMAZON.NoIntent")
    assert "set 2?" in kept.text
    assert _question(kept) == "ready"
    echo.say("AMAZON.StartOverIntent")
    over = echo.say("AMAZON.YesIntent")
    assert "the walking lunge?" in over.text
    status = echo.say("WorkoutStatusIntent")
    assert "walking lunge, set 1 of 3" in status.text.lower()


def test_next_on_the_last_set_finishes_instead_of_looping(echo: Device, clock: FakeClock) -> None:
    """At the last set, "next" does it and the workout ends: no loop back to an earlier one."""
    _into_five_basics(echo, clock, 0)
    said: list[Reply] = []
    for _ in range(40):
        said.append(echo.say("AMAZON.NextIntent"))
        clock.advance(said[-1].seconds + 5)
        if said[-1].ends_session:
            break
    assert said[-1].ends_session
    # The workout's summary is said by the last set (or just before a declined cool-down).
    assert any("minute" in reply.text.lower() for reply in said[-2:])


# --------------------------------------------------------------- item 7: no loops, short lists


def test_no_twice_to_a_start_offer_ends_politely(echo: Device) -> None:
    """No to today's workout offers one other; a second no ends kindly instead of looping."""
    offer = echo.launch()
    other = echo.say("AMAZON.NoIntent")
    assert _question(other) == "start_offer"
    named = [w for w in ("Core and stability", "Five basics") if w in offer.text]
    assert named
    assert named[0] not in other.text, "a different workout is offered"
    bye = echo.say("AMAZON.NoIntent")
    assert bye.ends_session


def test_no_to_ready_is_a_breather_and_never_ends(echo: Device) -> None:
    """No (or "not yet") at "ready for the walking lunge?" is a breather, every time it is said."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.NoIntent")  # no warm-up
    for _ in range(3):
        held = echo.say("AMAZON.NoIntent")
        assert not held.ends_session
        assert held.text.rstrip().endswith("Ready to carry on?"), held.text
        assert held.seconds >= 55, "about a minute of quiet"
    carried = echo.say("AMAZON.YesIntent")
    assert "walking lunge" in carried.text.lower()


def test_go_back_at_a_set_question_redoes_the_set_just_done(echo: Device, clock: FakeClock) -> None:
    """'Go back' at squat set 2 redoes squat set 1, not the three lunge sets before it."""
    _into_five_basics(echo, clock, 4)  # three lunge sets and squat set 1
    back = echo.say("AMAZON.PreviousIntent")
    assert "squat" in back.text.lower()
    assert "walking lunge" not in back.text.lower()
    status = echo.say("WorkoutStatusIntent")
    assert "squat, set 2 of 3" in status.text.lower()


def test_the_workout_list_comes_three_at_a_time(echo: Device, library: Library) -> None:
    """The workouts are read three at a time, each group followed by a question, until all."""
    echo.launch()
    reply = echo.say("ListWorkoutsIntent")
    heard: list[str] = []
    groups = 0
    while True:
        named = [
            w.name
            for w in library.workouts.values()
            if w.name in reply.text and w.name not in heard
        ]
        assert 1 <= len(named) <= 3, reply.text  # a short group
        heard += named
        groups += 1
        if _question(reply) != "list_more":
            break
        assert reply.seconds < 15
        reply = echo.say("AMAZON.YesIntent")
    assert sorted(heard) == sorted(w.name for w in library.workouts.values())
    assert groups == -(-len(library.workouts) // 3)
    assert _question(reply) == "none"


def test_ready_asks_about_the_exercise_with_its_article(echo: Device) -> None:
    """'Ready for the walking lunge?', never "Ready for Walking lunge?"."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    start = echo.say("AMAZON.NoIntent")  # no warm-up
    assert start.text.endswith("the walking lunge?")


def test_ready_at_a_start_offer_starts_the_offered_workout(echo: Device, library: Library) -> None:
    """'Ready' to "shall we start?" starts the workout offered, like yes."""
    offer = echo.launch()
    named = [w for w in library.workouts.values() if w.name in offer.text]
    reply = echo.say("ReadyIntent")
    assert named[0].name in reply.text
    assert _question(reply) == "warm_up_offer"  # started: the warm-up is offered first


def test_explain_it_after_an_explanation_means_that_exercise(echo: Device) -> None:
    """Outside a workout, "explain it" right after the plank's explanation is the plank again."""
    echo.launch()
    echo.say("ExplainExerciseIntent", exercise=("plank", "plank"))
    again = echo.send(event("explain_empty"))
    assert "plank" in again.text.lower()
    assert _question(again) == "start_offer", "the launch's offer is still waiting"


def test_a_one_shot_question_with_a_paused_workout_keeps_the_session(
    echo: Device, clock: FakeClock
) -> None:
    """A one-shot "why this exercise" with a workout paused answers, then offers it back."""
    _pause_five_basics_after_one_set(echo, clock)
    reply = echo.say("WhyExerciseIntent", new_session=True)
    assert not reply.ends_session
    assert _question(reply) == "resume_offer"
    assert "the squat, set 1 of 3" in reply.text


@pytest.mark.parametrize("intent", ["AMAZON.HelpIntent", "WhyExerciseIntent", "ProgressIntent"])
def test_repeat_says_the_last_answer_again(echo: Device, clock: FakeClock, intent: str) -> None:
    """Repeat after help, why or progress says that answer again, and the question after it."""
    _into_five_basics(echo, clock, 1)
    first = echo.say(intent)
    again = echo.say("AMAZON.RepeatIntent")
    assert abs(again.seconds - first.seconds) < 0.4 * first.seconds, (first.text, again.text)
    assert _question(again) == "ready"
    assert again.text.rstrip().endswith("?")


def test_no_to_more_workouts_asks_which_one(echo: Device) -> None:
    """No to "want to hear the other three?" asks which workout, session open."""
    echo.launch()
    echo.say("ListWorkoutsIntent")
    reply = echo.say("AMAZON.NoIntent")
    assert not reply.ends_session
    assert "Which" in reply.text
