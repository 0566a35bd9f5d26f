"""Red flags stop the workout at once, in a workout, outside one, and as a one-shot."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from runner_strength.engine.record import SAFETY_STOP_KEPT_SECONDS

if TYPE_CHECKING:
    from runner_strength.persistence.memory import MemoryAdapter
    from skilltest import Device, FakeClock, Reply

CHEST_OR_BREATHING = "call emergency services"
# Body areas a sore-area swap cannot spare, as Alexa hears them in a pain report.
RED_FLAG_AREAS = ("chest", "heart", "head", "my chest")


def _question(reply: Reply) -> str:
    attributes: dict[str, Any] = reply.raw.get("sessionAttributes") or {}
    return str(attributes.get("question", {}).get("question", "none"))


def _mid_workout(echo: Device, clock: FakeClock) -> None:
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.NoIntent")  # no warm-up
    done = echo.say("ReadyIntent")
    clock.advance(done.seconds + 5)


def _assert_stopped(reply: Reply) -> None:
    assert reply.ends_session
    assert reply.text.startswith("Stop"), reply.text
    assert "sit or lie down" in reply.text
    assert CHEST_OR_BREATHING in reply.text
    assert "?" not in reply.text, "no next set, no question"


def test_a_red_flag_mid_workout_stops_it_and_offers_no_next_set(
    echo: Device, clock: FakeClock
) -> None:
    """'I feel dizzy' between sets: stop, sit down, emergency if chest or breathing; no set."""
    _mid_workout(echo, clock)
    reply = echo.say("RedFlagIntent")
    _assert_stopped(reply)
    assert "stopped the workout" in reply.text or "ended today's workout" in reply.text
    back = echo.launch()
    assert "Five basics is paused" not in back.text, "the workout was stopped, not paused"


def test_a_red_flag_while_the_set_plays_stops_it_too(echo: Device, clock: FakeClock) -> None:
    """Said 8 s into a set (the request's time places it mid-set), it still stops everything."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.NoIntent")
    echo.say("ReadyIntent")
    clock.advance(8)
    _assert_stopped(echo.say("RedFlagIntent"))


@pytest.mark.parametrize("heard", RED_FLAG_AREAS)
def test_pain_in_the_chest_heart_or_head_is_a_red_flag_not_a_swap(
    echo: Device, clock: FakeClock, heard: str
) -> None:
    """'My chest hurts' heard as a pain report is a red flag: no stand-in, no physio talk."""
    _mid_workout(echo, clock)
    reply = echo.say("PainIntent", body_area=heard)
    _assert_stopped(reply)
    assert "physio" not in reply.text


@pytest.mark.parametrize("question", ["start_offer", "nothing"])
def test_a_red_flag_outside_a_workout_and_as_a_one_shot(echo: Device, question: str) -> None:
    """At the start offer, or as "ask runner strength, I feel faint": stop, rest, no offer."""
    if question == "start_offer":
        echo.launch()
        reply = echo.say("RedFlagIntent")
    else:
        reply = echo.say("RedFlagIntent", new_session=True)
    _assert_stopped(reply)
    assert "don't train today" in reply.text


def test_the_next_launch_asks_how_they_are_before_anything_else(
    echo: Device, clock: FakeClock
) -> None:
    """A day later the coach asks first; yes goes on gently to the day's offer, asked once."""
    _mid_workout(echo, clock)
    echo.say("RedFlagIntent")
    clock.advance(86400)
    asked = echo.launch()
    assert "stopped early for safety" in asked.text or "for safety" in asked.text
    assert _question(asked) == "safety_check"
    assert "Shall we start" not in asked.text
    assert "Want to start" not in asked.text
    well = echo.say("AMAZON.YesIntent")
    assert "Start gently" in well.text
    assert _question(well) == "start_offer"
    again = echo.launch()
    assert _question(again) != "safety_check", "asked once"


def test_no_at_the_safety_check_says_rest_and_ends(echo: Device, clock: FakeClock) -> None:
    """Not well: rest today and see a doctor; nothing is offered."""
    _mid_workout(echo, clock)
    echo.say("RedFlagIntent")
    clock.advance(3600)
    echo.launch()
    reply = echo.say("AMAZON.NoIntent")
    assert reply.ends_session
    assert "doctor" in reply.text


def test_only_the_fact_of_a_safety_stop_is_kept_and_only_for_a_few_days(
    echo: Device, clock: FakeClock, adapter: MemoryAdapter
) -> None:
    """The record holds when, never what: and after a few days not even that."""
    _mid_workout(echo, clock)
    echo.say("RedFlagIntent")
    stored = json.dumps([item.record for item in adapter._items.values()])
    for symptom in ("dizzy", "chest", "faint", "sick", "breath", "heart"):
        assert symptom not in stored
    assert "safety_stop_at" in stored
    clock.advance(SAFETY_STOP_KEPT_SECONDS + 60)
    later = echo.launch()
    assert _question(later) != "safety_check"
    stored = json.dumps([item.record for item in adapter._items.values()])
    assert 'safety_stop_at\\":null' in stored
