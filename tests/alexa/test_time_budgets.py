"""A time budget ("I only have 15 minutes") holds the warm-up; one that cannot be met says so.

Each test plays the request through the Lambda entry and reads what the runner hears; a played
length is every response's audio plus 3 s for each answer, as in tests/narration/test_lengths.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from runner_strength.engine.pace import ANSWER_SECONDS
from runner_strength.engine.plan import workout_seconds
from runner_strength.narration.lengths import TOLERANCE

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from skilltest import Device, FakeClock, Reply

_MINUTES = re.compile(r"(\d+) minutes?\b")


def _start(echo: Device, minutes: int, workout_id: str | None = None) -> Reply:
    slots: dict[str, str | tuple[str, str] | None] = {"duration": f"PT{minutes}M"}
    if workout_id is not None:
        slots["workout"] = (workout_id, workout_id.replace("_", " "))
    return echo.say("StartWorkoutIntent", new_session=True, **slots)


def _played(replies: list[Reply]) -> float:
    """Seconds a conversation plays: the audio, and an answer after each open response."""
    return sum(r.seconds for r in replies) + ANSWER_SECONDS * (len(replies) - 1)


def _heard(library: Library, key: str, text: str) -> bool:
    """Whether one of a phrase's variants was said: its longest stretch between fields is heard."""
    return any(
        max((part.strip() for part in re.split(r"\{[^}]*\}", variant)), key=len) in text
        for variant in library.phrases.variants(key)
    )


def test_a_time_said_at_the_resume_offer_fits_a_new_session_to_it(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """At "pick up where you left off?", "start a ten minute workout" plays a new one in 10 minutes.

    The paused workout, under way at its own length, would not fit the time asked for.
    """
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    clock.advance(echo.say("ReadyIntent").seconds + 5)
    echo.say("AMAZON.PauseIntent")
    clock.advance(20 * 3600)
    offer = echo.launch()
    assert "Five basics" in offer.text
    start = echo.say("StartWorkoutIntent", duration="PT10M")
    assert "Five basics" not in start.text
    assert _heard(library, "budget_with_warm_up", start.text), start.text
    replies = [start, *echo.ready_until_done()]
    assert _played(replies) <= 10 * 60 * (1 + TOLERANCE), _played(replies)


def test_asked_after_every_set_a_workout_announces_what_it_plays(
    echo: Device, clock: FakeClock
) -> None:
    """'Ask me after every set', then Janne's eight: announced as long as it plays, answers and all.

    Its 24 sets are 24 questions and answers, not the 8 of sets that flow on: the announcement
    counts them (it would say a minute less otherwise).
    """
    echo.launch()
    echo.say("EverySetIntent")
    start = echo.say("StartWorkoutIntent", workout=("janne_eight", "janne's eight"))
    clock.advance(start.seconds + 2)
    first = echo.say("AMAZON.NoIntent")  # no warm-up: the first exercise is introduced
    clock.advance(first.seconds + 2)
    replies = [start, first, *echo.ready_until_done()]
    assert len(replies) - 2 == 24, "one set a response"
    announced = int(_MINUTES.findall(start.text)[0]) * 60  # the workout's; then the warm-up's
    # Within the half minute the announcement rounds to, and 15 s of the wording's variety.
    assert abs(announced - _played(replies)) <= 45, (announced, _played(replies))


@pytest.mark.parametrize("minutes", [15, 20])
def test_a_short_budget_plays_its_warm_up_inside_it(
    echo: Device, library: Library, minutes: int
) -> None:
    """15 or 20 minutes: the warm-up (at least 3 minutes) is announced, played and counted.

    Everything played, warm-up, sets and answers, fits the budget (within the 5% of the timing).
    """
    echo.launch()
    start = _start(echo, minutes, "five_basics")
    assert _heard(library, "budget_with_warm_up", start.text), start.text
    assert any(v.split("{")[0] in start.text for v in library.phrases.variants("warm_up_start"))
    warm_up = start.seconds - 30  # the opening is well under 30 s of it
    assert warm_up >= 150, "a warm-up of about three minutes"
    replies = [start, *echo.ready_until_done()]
    assert _played(replies) <= minutes * 60 * (1 + TOLERANCE), _played(replies)
    assert _played(replies) >= minutes * 60 * 0.6, "the budget is used, not thrown away"
    said = [int(m) for m in _MINUTES.findall(start.text)]
    assert max(said) <= minutes, start.text


def test_two_minutes_offers_the_shortest_sensible_session(echo: Device, library: Library) -> None:
    """Two minutes is no workout: the coach says so and offers the shortest session it would do.

    A yes starts that, warm-up included: never "1 exercises", nor a warm-up longer than the workout.
    """
    echo.launch()
    offer = _start(echo, 2, "five_basics")
    assert _heard(library, "budget_too_short", offer.text), offer.text
    assert "Five basics" in offer.text
    shortest = max(int(m) for m in _MINUTES.findall(offer.text))
    assert 6 <= shortest <= 10, offer.text
    assert offer.text.rstrip().endswith("?")
    started = echo.say("AMAZON.YesIntent")
    assert "1 exercises" not in started.text
    assert "1 sets" not in started.text
    replies = [started, *echo.ready_until_done()]
    warm_up = started.seconds - 30  # the opening is well under 30 s of it
    assert _played(replies[1:]) >= warm_up, "the workout is no shorter than its warm-up"
    assert _played(replies) <= shortest * 60 * (1 + TOLERANCE)


def test_asking_for_the_shortest_sessions_own_length_starts_it(
    echo: Device, library: Library
) -> None:
    """Asked for the minutes the shortest session is said to take, the coach starts it, no offer."""
    echo.launch()
    offer = _start(echo, 2, "five_basics")
    shortest = max(int(m) for m in _MINUTES.findall(offer.text))
    echo.say("AMAZON.NoIntent")
    started = _start(echo, shortest, "five_basics")
    assert not _heard(library, "budget_too_short", started.text), started.text
    assert _heard(library, "budget_with_warm_up", started.text), started.text


def test_a_budget_longer_than_the_longest_workout_says_so(echo: Device, library: Library) -> None:
    """An hour, with no workout named: the longest one, and how long the longest is."""
    echo.launch()
    start = _start(echo, 60)
    assert _heard(library, "budget_too_long", start.text), start.text
    longest = max(library.workouts.values(), key=lambda w: workout_seconds(library, w.id))
    assert longest.name in start.text
    said = int(_MINUTES.findall(start.text)[0])
    assert said * 60 >= workout_seconds(library, longest.id), "the longest, warm-up included"
    assert said <= 60


def test_one_minute_is_said_in_the_singular(echo: Device) -> None:
    """A one-minute request is answered "1 minute is too short", never "1 minutes"."""
    echo.launch()
    offer = _start(echo, 1, "five_basics")
    assert "1 minute" in offer.text
    assert "1 minutes" not in offer.text


def test_a_runner_who_never_warms_up_gets_the_whole_budget(echo: Device) -> None:
    """With the warm-up set to never, the budget is the workout's alone and nothing is played."""
    echo.launch()
    echo.say("NeverRoutineIntent", routine=("warm_up", "warm up"))
    start = _start(echo, 15, "five_basics")
    assert "warm" not in start.text.lower()
    replies = [start, *echo.ready_until_done()]
    assert 0.7 * 15 * 60 <= _played(replies) <= 15 * 60 * (1 + TOLERANCE)
