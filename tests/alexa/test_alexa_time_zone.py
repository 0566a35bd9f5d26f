"""The runner's time zone from the Alexa Settings API, through the Lambda entry and a real server.

A loopback HTTP server stands in for the request's `apiEndpoint`; the skill reaches it through
its own short-timeout API client, exactly as it reaches Alexa in production.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest

from alexa_api_stub import AlexaApiStub, ApiEntry
from runner_strength.alexa.services import ShortTimeoutApiClient
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, Reply, at

if TYPE_CHECKING:
    from collections.abc import Iterator

    from runner_strength.content.model import Library

DAY = 24 * 3600
TIMEOUT = 0.4  # the client's timeout in these tests; a stalled route waits longer


@pytest.fixture
def stub() -> Iterator[AlexaApiStub]:
    """Alexa's API on a loopback port."""
    server = AlexaApiStub().start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FakeClock:
    """Wednesday 18 November 2026, noon UTC."""
    return FakeClock(at(2026, 11, 18))


@pytest.fixture
def api_entry(library: Library, clock: FakeClock, stub: AlexaApiStub) -> ApiEntry:
    """The Lambda entry over the real skill with an API client, requests aimed at the stub."""
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    skill = build_skill(
        library=library,
        adapter=adapter,
        clock=clock,
        rng_for=random.Random,
        api_client=ShortTimeoutApiClient(TIMEOUT, local=True),
    )
    return ApiEntry(LambdaEntry(skill), stub)


def progress(echo: Device) -> Reply:
    """Ask "how am I doing" in a new session."""
    return echo.say("ProgressIntent", new_session=True)


def test_the_zone_is_fetched_once_then_kept_for_thirty_days(
    api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """The first progress answer fetches the zone and names it; later turns reuse the record."""
    echo = Device(api_entry, clock=clock)
    first = progress(echo)
    assert "counting Monday to Sunday in Berlin time" in first.text
    assert len(stub.calls("zone")) == 1
    zone_call = stub.calls("zone")[0]
    assert zone_call.path == f"/v2/devices/{echo.device_id}/settings/System.timeZone"
    assert zone_call.headers["Authorization"].startswith("Bearer ")
    for _ in range(3):
        clock.advance(DAY)
        assert "Berlin time" in progress(echo).text
    assert len(stub.calls("zone")) == 1
    stub.time_zone = "America/New_York"
    clock.advance(28 * DAY)  # 31 days after the first fetch
    assert "New York time" in progress(echo).text
    assert len(stub.calls("zone")) == 2


def test_each_device_is_asked_once(
    api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """A second Echo of the same runner gets its own fetch, once."""
    kitchen = Device(api_entry, clock=clock)
    bedroom = Device(api_entry, clock=clock, device_id="amzn1.ask.device.SECONDECHOTEST")
    for echo in (kitchen, bedroom, kitchen, bedroom):
        progress(echo)
    assert sorted(c.path.split("/")[3] for c in stub.calls("zone")) == sorted(
        [kitchen.device_id, bedroom.device_id]
    )


def test_turns_that_need_no_zone_make_no_call(
    api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """Launching and listing workouts never wait on the Settings API."""
    echo = Device(api_entry, clock=clock)
    echo.launch()
    echo.say("ListWorkoutsIntent")
    assert stub.calls("zone") == []


@pytest.mark.parametrize(
    ("fail", "stall"),
    [
        ({"zone": 401}, {}),
        ({"zone": 403}, {}),
        ({"zone": 429}, {}),
        ({"zone": 500}, {}),
        ({"zone": 503}, {}),
        ({}, {"zone": TIMEOUT + 0.6}),
    ],
)
def test_a_failed_fetch_speaks_without_a_zone_and_retries_a_day_later(
    api_entry: ApiEntry,
    stub: AlexaApiStub,
    clock: FakeClock,
    fail: dict[str, int],
    stall: dict[str, float],
) -> None:
    """Any failure (an error status or a timeout) still answers, naming no zone and no UTC."""
    stub.fail.update(fail)
    stub.stall.update(stall)
    echo = Device(api_entry, clock=clock)
    reply = progress(echo)
    assert "counting Monday to Sunday," in reply.text
    assert "UTC" not in reply.text
    assert " time," not in reply.text
    assert not reply.ends_session
    clock.advance(3600)
    progress(echo)
    assert len(stub.calls("zone")) == 1  # not retried within the day
    stub.fail.clear()
    stub.stall.clear()
    clock.advance(DAY)
    assert "Berlin time" in progress(echo).text
    assert len(stub.calls("zone")) == 2


def test_an_unknown_zone_name_is_not_kept(
    api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """A zone name this runtime does not know is treated as no answer."""
    stub.time_zone = "Mars/Olympus_Mons"
    reply = progress(Device(api_entry, clock=clock))
    assert "Mars" not in reply.text
    assert "Olympus" not in reply.text
    assert "UTC" not in reply.text


def test_week_edges_follow_the_fetched_zone(
    api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """A Sunday evening workout in Auckland is last week there on Monday morning, not this week.

    In UTC both moments fall on the same Sunday, so counting in UTC would say one session.
    """
    stub.time_zone = "Pacific/Auckland"  # UTC+13 in November
    echo = Device(api_entry, clock=clock)
    clock.now = at(2026, 11, 22, 6, 30)  # Sunday 19:30 in Auckland
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"), duration="PT5M")
    for _ in range(60):
        reply = echo.say("ReadyIntent")
        clock.advance(reply.seconds + 2)
        if "remind" in reply.text.lower() or reply.ends_session:
            break
    echo.session_id = None
    assert clock.now < at(2026, 11, 22, 11)  # still Sunday in Auckland
    clock.now = at(2026, 11, 22, 20)  # Monday 09:00 in Auckland, still Sunday in UTC
    monday = progress(echo)
    assert "Auckland time" in monday.text
    assert "one strength session" not in monday.text
    assert "yesterday" in monday.text.lower()
    clock.now = at(2026, 11, 22, 10)  # back to Sunday 23:00 in Auckland: the same week
    sunday = progress(echo)
    assert "one strength session" in sunday.text
