"""The workout's last set: a request in its work finds it there to carry on, as in any set.

Its response also finishes the workout (the summary, the cool-down offer).

Played through the Lambda entry on Five basics, with the clock moved to a second of the last
response, as a runner who says "Alexa, ..." while it plays.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING

import pytest

from reliability_kit import stored_record
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.engine.state import Part
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, Reply

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from runner_strength.engine.record import UserRecord

USER = "amzn1.ask.account.LASTSET"


def _echo(library: Library) -> tuple[Device, FakeClock, MemoryAdapter]:
    clock = FakeClock(1_795_000_000.0)
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    skill = build_skill(library=library, adapter=adapter, clock=clock, rng_for=random.Random)
    return Device(LambdaEntry(skill), clock=clock, user_id=USER), clock, adapter


def _record(adapter: MemoryAdapter) -> UserRecord:
    record = stored_record(adapter, USER)
    assert record is not None
    return record


def _to_the_last_response(echo: Device, clock: FakeClock) -> Reply:
    """Five basics with no warm-up, "ready" after every response until the one that finishes."""
    echo.say("StartWorkoutIntent", new_session=True, workout=("five_basics", "Five basics"))
    reply = echo.say("AMAZON.NoIntent")
    for _ in range(20):
        clock.advance(reply.seconds + 2)
        clock.now = float(math.floor(clock.now))
        reply = echo.say("ReadyIntent")
        if reply.finishes_workout:
            return reply
    raise AssertionError("Five basics did not finish")


def _into_the_work(adapter: MemoryAdapter, echo: Device, seconds: float) -> float:
    """Seconds from the last response's start to `seconds` into its set's work."""
    state = _record(adapter).active[echo.device_id]
    assert state.finished, "kept, finished, while its last response plays"
    assert state.last_set is not None
    work = next(m.at for m in state.last_set.marks if m.part is Part.WORK)
    return math.floor(work) + seconds


def test_status_in_the_last_sets_work_carries_it_on_and_the_workout_finishes_once(
    library: Library,
) -> None:
    """Status 12 s into the last set: that set, carried on; then one history entry."""
    echo, clock, adapter = _echo(library)
    last = _to_the_last_response(echo, clock)
    assert "Would you like" in last.text or "cool-down" in last.text
    clock.advance(_into_the_work(adapter, echo, 12))
    status = echo.say("WorkoutStatusIntent")
    assert "set 2 of 2" in status.text, status.text
    assert "carry on from rep" in status.text, "the set's question, not the cool-down's"
    record = _record(adapter)
    (state,) = record.active.values()
    assert not state.finished
    assert state.carry_on is not None
    assert [e for e in record.history if e.id == state.id] == [], "the entry is taken back"
    clock.advance(status.seconds + 2)
    carried = echo.say("ReadyIntent")
    rep = state.carry_on.rep
    assert carried.text.split("(beep)")[1].startswith(f" {rep} ["), carried.text[:200]
    assert carried.finishes_workout
    finished = [e for e in _record(adapter).history if e.id == state.id]
    assert [e.finished for e in finished] == [True]


def test_pause_in_the_last_set_keeps_the_workout_to_resume(library: Library) -> None:
    """Pause in the last set's work: the workout waits, unfinished, at that set."""
    echo, clock, adapter = _echo(library)
    _to_the_last_response(echo, clock)
    clock.advance(_into_the_work(adapter, echo, 8))
    paused = echo.say("AMAZON.PauseIntent")
    assert "set 2 of 2" in paused.text, paused.text
    record = _record(adapter)
    (state,) = record.active.values()
    assert state.paused
    assert not state.finished
    assert all(e.id != state.id for e in record.history)


@pytest.mark.parametrize(
    ("when", "intent", "new_session"),
    [
        ("after the set", "AMAZON.NoIntent", False),
        ("after the set", "WorkoutStatusIntent", False),
        ("in the set", "ReadyIntent", False),  # the runner's word that the set is done
        ("in the set", "WorkoutStatusIntent", True),  # a one-shot: that conversation is over
    ],
)
def test_these_requests_leave_the_workout_finished(
    library: Library, when: str, intent: str, *, new_session: bool
) -> None:
    """After the last set, "ready" in it, or a new session: the workout stays in the history."""
    echo, clock, adapter = _echo(library)
    last = _to_the_last_response(echo, clock)
    if when == "after the set":
        clock.advance(last.seconds + 2)
    else:
        clock.advance(_into_the_work(adapter, echo, 8))
    echo.say(intent, new_session=new_session)
    record = _record(adapter)
    assert echo.device_id not in record.active
    assert [e.finished for e in record.history if e.workout_id == "five_basics"] == [True]
