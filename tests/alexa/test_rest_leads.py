"""The rest leads into the next set: what comes is said in the rest, so "ready" starts it.

Played through the Lambda entry on the memory store, each request stamped with the test clock.
Five basics: three sets of the walking lunge, then the squat. The rest after the last lunge set
introduces the squat; whether the runner heard that intro in full decides what "ready" says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from reliability_kit import stored_record
from skilltest import USER

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from runner_strength.persistence.memory import MemoryAdapter
    from skilltest import Device, FakeClock, Reply

# The second the runner answers after a response's audio is over.
ANSWER = 2.0


def _to_the_last_lunge(echo: Device, clock: FakeClock) -> Reply:
    """Five basics started and one "ready": the walking lunge's three sets, in one reply."""
    echo.say("StartWorkoutIntent", new_session=True, workout=("five_basics", "Five basics"))
    reply = echo.say("AMAZON.NoIntent")  # no warm-up
    clock.advance(reply.seconds + ANSWER)
    reply = echo.say("ReadyIntent")
    assert reply.text.count("(beep)") >= 3, "all three sets of the lunge flow on"
    return reply


def _into_the_squats_intro(echo: Device, clock: FakeClock, adapter: MemoryAdapter) -> None:
    """The lunge's sets played, and the clock five seconds before the squat's intro is over."""
    _to_the_last_lunge(echo, clock)
    record = stored_record(adapter, USER)
    assert record is not None
    (state,) = record.active.values()
    assert state.preview == "squat"
    clock.now = state.preview_ends - 5


def test_a_rest_heard_to_its_end_leads_straight_into_the_next_exercise(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """The squat is introduced in the rest; "ready" starts its first set with no intro."""
    squat = library.exercise("squat")
    last_lunge = _to_the_last_lunge(echo, clock)
    assert squat.why in last_lunge.text
    assert squat.setup in last_lunge.text
    assert last_lunge.text.rstrip().endswith("the squat?"), last_lunge.text[-80:]
    clock.advance(last_lunge.seconds + ANSWER)
    first_squat = echo.say("ReadyIntent")
    assert squat.why not in first_squat.text
    assert squat.setup not in first_squat.text
    assert first_squat.text.lower().startswith(("set 1 of 3", "now, set 1 of 3"))


def test_speaking_before_the_intro_is_over_hears_it_again_after_ready(
    echo: Device, clock: FakeClock, library: Library, adapter: MemoryAdapter
) -> None:
    """Status asked while the squat's intro plays: after "ready" the intro is said whole."""
    squat = library.exercise("squat")
    _into_the_squats_intro(echo, clock, adapter)
    echo.say("WorkoutStatusIntent")
    clock.advance(30)
    first_squat = echo.say("ReadyIntent")
    assert squat.why in first_squat.text
    assert squat.setup in first_squat.text


@pytest.mark.parametrize("times", [1, 2])
def test_what_said_over_the_intro_says_it_again_and_ready_then_starts_the_set(
    echo: Device, clock: FakeClock, library: Library, adapter: MemoryAdapter, times: int
) -> None:
    """'What?' over the squat's intro (again over the intro said again): the intro at once.

    The rest left follows it and the question; "ready" after that starts the set.
    """
    squat = library.exercise("squat")
    _into_the_squats_intro(echo, clock, adapter)
    for said in range(times):
        again = echo.say("AMAZON.RepeatIntent")
        assert squat.why in again.text
        assert squat.setup in again.text
        assert again.text.rstrip().endswith("the squat?"), again.text[-80:]
        assert again.text.count("(beep)") == 0, "no set plays: the runner is still resting"
        clock.advance(4 if said < times - 1 else again.seconds + ANSWER)
    first_squat = echo.say("ReadyIntent")
    assert squat.why not in first_squat.text
    assert squat.setup not in first_squat.text


def test_a_runner_back_from_a_pause_hears_the_intro_again(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """The intro heard in a rest does not count after a pause: days later it is said again."""
    squat = library.exercise("squat")
    last_lunge = _to_the_last_lunge(echo, clock)
    clock.advance(last_lunge.seconds + ANSWER)
    echo.say("AMAZON.PauseIntent")
    clock.advance(2 * 24 * 3600)
    resumed = echo.say("ResumeWorkoutIntent", new_session=True)
    if "left off" in resumed.text:
        resumed = echo.say("AMAZON.YesIntent")
    assert squat.why in resumed.text


def test_the_first_set_is_introduced_before_its_question(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """With no warm-up, the walking lunge's intro comes before "ready for the walking lunge?"."""
    lunge = library.exercise("walking_lunge")
    echo.say("StartWorkoutIntent", new_session=True, workout=("five_basics", "Five basics"))
    straight_in = echo.say("AMAZON.NoIntent")
    assert lunge.why in straight_in.text
    assert straight_in.text.rstrip().endswith("the walking lunge?"), straight_in.text[-80:]
    clock.advance(straight_in.seconds + ANSWER)
    first = echo.say("ReadyIntent")
    assert lunge.why not in first.text
    assert first.text.lower().startswith(("set 1 of 3", "now, set 1 of 3"))


def test_ready_said_over_the_first_intro_hears_it_whole(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """Ready said while the first intro still plays: the set comes with its intro after all."""
    lunge = library.exercise("walking_lunge")
    echo.say("StartWorkoutIntent", new_session=True, workout=("five_basics", "Five basics"))
    echo.say("AMAZON.NoIntent")
    clock.advance(10)
    first = echo.say("ReadyIntent")
    assert lunge.why in first.text
