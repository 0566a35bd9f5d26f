"""Time in a turn is the request's own timestamp; the skill's clock only stands in without one."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from runner_strength.alexa.requests import request_time
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, at, play_short_workout

if TYPE_CHECKING:
    from runner_strength.content.model import Library


def _entry(library: Library, skill_clock: FakeClock) -> LambdaEntry:
    adapter = MemoryAdapter(clock=skill_clock, ttl_days=365)
    return LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=skill_clock, rng_for=random.Random)
    )


def test_the_request_timestamp_dates_the_turn_not_the_skill_clock(library: Library) -> None:
    """A workout stamped on one day and a question stamped three days later hear "3 days ago"."""
    skill_clock = FakeClock(at(2026, 1, 1))  # never moves: only the requests' time may count
    spoken = FakeClock(at(2026, 3, 2, 8))
    echo = Device(_entry(library, skill_clock), clock=spoken)
    play_short_workout(echo, spoken)
    spoken.advance(3 * 86400)
    reply = echo.say("ProgressIntent", new_session=True)
    assert "3 days ago" in reply.text, reply.text


def test_without_a_timestamp_the_skill_clock_is_the_time(library: Library) -> None:
    """A request carrying no timestamp is timed by the skill's clock, so nothing is lost."""
    skill_clock = FakeClock(at(2026, 3, 2, 8))
    echo = Device(_entry(library, skill_clock))  # no clock: requests carry no timestamp
    play_short_workout(echo, skill_clock)
    skill_clock.advance(86400)
    reply = echo.say("ProgressIntent", new_session=True)
    assert "yesterday" in reply.text.lower(), reply.text


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2026-03-02T08:00:00Z", at(2026, 3, 2, 8)),
        ("2026-03-02T08:00:00", at(2026, 3, 2, 8)),  # no zone: UTC, as Alexa's are
        (datetime(2026, 3, 2, 8, tzinfo=UTC), at(2026, 3, 2, 8)),
        ("last tuesday", None),
        ("", None),
        (None, None),
    ],
)
def test_a_timestamp_is_read_as_strict_iso_8601(stamp: object, expected: float | None) -> None:
    """Only an ISO 8601 time (or the SDK's datetime) is a request time; nothing is guessed."""
    handler_input = SimpleNamespace(
        request_envelope=SimpleNamespace(request=SimpleNamespace(timestamp=stamp))
    )
    assert request_time(handler_input) == expected  # type: ignore[arg-type]
