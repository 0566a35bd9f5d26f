import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.console import durations
from runner_strength.console.clock import ConsoleClock
from runner_strength.console.durations import duration_seconds, iso_duration
from runner_strength.console.resolver import Resolver
from runner_strength.console.session import CONSOLE_DEVICE, CONSOLE_USER, Device, Reply
from runner_strength.content.model import Library
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import FakeClock, check_response
from skilltest import Reply as DeviceReply


class Recorder:
    """The real Lambda entry, keeping every envelope it was sent and every answer it gave."""

    def __init__(self, entry: LambdaEntry) -> None:
        self.entry = entry
        self.events: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: object, /) -> dict[str, Any]:
        """Answer through the entry, keeping both sides."""
        # A JSON round trip proves the envelope is plain data, as it arrives at Lambda.
        self.events.append(json.loads(json.dumps(event)))
        answer = self.entry(event, context)
        self.answers.append(answer)
        return answer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def recorder(library: Library, clock: FakeClock) -> Recorder:
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    return Recorder(
        LambdaEntry(
            build_skill(library=library, adapter=adapter, clock=clock, rng_for=random.Random)
        )
    )


@pytest.fixture
def device(recorder: Recorder, clock: FakeClock) -> Device:
    counter = itertools.count(1)
    return Device(recorder, clock, new_id=lambda kind: f"{kind}-{next(counter)}")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.load()


def _say(device: Device, resolver: Resolver, text: str) -> Reply:
    heard = resolver.hear(text)
    assert heard is not None
    assert heard.match is not None
    declared = list(resolver.intent_slots.get(heard.match.intent, {}))
    return device.intent(heard.match, declared=declared, new_session=heard.invoked)


def test_launch_envelope_has_the_shape_alexa_sends(
    device: Device, recorder: Recorder, clock: FakeClock
) -> None:
    """A launch is a full envelope: new session, console user and device, id, time, locale."""
    device.launch()
    event = recorder.events[0]
    assert event["version"] == "1.0"
    assert event["session"]["new"] is True
    assert event["session"]["sessionId"] == "session-1"
    assert event["session"]["attributes"] == {}
    assert event["session"]["user"]["userId"] == CONSOLE_USER
    system = event["context"]["System"]
    assert system["user"]["userId"] == CONSOLE_USER
    assert system["device"]["deviceId"] == CONSOLE_DEVICE
    assert system["application"] == event["session"]["application"]
    request = event["request"]
    assert request["type"] == "LaunchRequest"
    assert request["requestId"] == "request-2"
    assert request["locale"] == "en-US"
    assert request["timestamp"] == "2026-11-18T11:06:40Z"
    assert clock() == 1_795_000_000.0, "the timestamp is the clock's own time"


def test_session_attributes_are_carried_into_the_next_request(
    device: Device, recorder: Recorder, resolver: Resolver
) -> None:
    """The next request of a session carries the attributes the last response set."""
    device.launch()
    _say(device, resolver, "start the five basics")
    first, second = recorder.events
    assert second["session"]["new"] is False
    assert second["session"]["sessionId"] == first["session"]["sessionId"]
    assert second["session"]["attributes"] == recorder.answers[0]["sessionAttributes"]
    assert second["session"]["attributes"], "the skill keeps its record in the session"


def test_a_response_that_ends_the_session_starts_a_new_one(
    device: Device, recorder: Recorder, resolver: Resolver
) -> None:
    """After shouldEndSession true the next request opens a new session with no attributes."""
    device.launch()
    _say(device, resolver, "start the five basics")
    paused = _say(device, resolver, "pause")
    assert paused.ends_session
    assert not device.in_session
    device.launch()
    last = recorder.events[-1]
    assert last["session"]["new"] is True
    assert last["session"]["sessionId"] != recorder.events[0]["session"]["sessionId"]
    assert last["session"]["attributes"] == {}


def test_matched_slot_carries_er_success_match_with_the_content_id(
    device: Device, recorder: Recorder, resolver: Resolver
) -> None:
    """A known exercise goes out with the words heard and an ER_SUCCESS_MATCH to its id."""
    _say(device, resolver, "explain copenhagens")
    slot = recorder.events[0]["request"]["intent"]["slots"]["exercise"]
    assert slot["value"] == "copenhagens"
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["authority"].endswith(".EXERCISE")
    assert authority["values"] == [
        {"value": {"name": "Copenhagen plank", "id": "copenhagen_plank"}}
    ]
    assert slot["slotValue"]["resolutions"] == slot["resolutions"]


def test_unknown_slot_value_carries_er_success_no_match(
    device: Device, recorder: Recorder, resolver: Resolver
) -> None:
    """An unknown exercise goes out as heard, with ER_SUCCESS_NO_MATCH and no values."""
    reply = _say(device, resolver, "explain the hula hoop")
    slot = recorder.events[0]["request"]["intent"]["slots"]["exercise"]
    authority = slot["resolutions"]["resolutionsPerAuthority"][0]
    assert (slot["value"], authority["status"]["code"]) == ("hula hoop", "ER_SUCCESS_NO_MATCH")
    assert "values" not in authority
    assert "hula hoop" in reply.text


def test_duration_slot_is_iso_and_unfilled_slots_are_sent_empty(
    device: Device, recorder: Recorder, resolver: Resolver
) -> None:
    """A duration goes out as ISO-8601 with no resolutions; the unfilled workout slot is empty."""
    _say(device, resolver, "give me a twenty minute workout")
    slots = recorder.events[0]["request"]["intent"]["slots"]
    assert slots["duration"]["value"] == "PT20M"
    assert "resolutions" not in slots["duration"]
    assert slots["workout"] == {"name": "workout", "confirmationStatus": "NONE"}


def test_one_shot_opens_a_new_session_mid_session(
    device: Device, recorder: Recorder, resolver: Resolver
) -> None:
    """Naming the skill mid-session starts a new session, as saying the wake word again does."""
    device.launch()
    _say(device, resolver, "ask runner strength to explain the side plank")
    assert recorder.events[1]["session"]["new"] is True
    assert recorder.events[1]["session"]["sessionId"] != recorder.events[0]["session"]["sessionId"]


def test_every_answer_through_the_lambda_entry_keeps_alexas_rules(
    device: Device, resolver: Resolver, clock: FakeClock
) -> None:
    """A conversation in console envelopes gets answers that keep every platform rule."""
    replies = [device.launch()]
    for text in [
        "start the five basics",
        "ready",
        "explain the copenhagen plank",
        "how much is left",
        "harder",
        "ready",
        "pause",
    ]:
        replies.append(_say(device, resolver, text))
        clock.advance(replies[-1].seconds)
    for reply in replies:
        check_response(DeviceReply(reply.raw))
    assert "Copenhagen plank" in replies[3].text
    assert replies[-1].ends_session


def test_session_ended_request_only_when_a_session_is_open(
    device: Device, recorder: Recorder
) -> None:
    """Ending a session sends SessionEndedRequest once; with none open it sends nothing."""
    assert device.end_session() is None
    device.launch()
    device.end_session("EXCEEDED_MAX_REPROMPTS")
    assert recorder.events[-1]["request"]["type"] == "SessionEndedRequest"
    assert recorder.events[-1]["request"]["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert not device.in_session
    assert device.end_session() is None
    assert len(recorder.events) == 2


def test_reply_reads_text_timers_reprompt_and_length(device: Device, resolver: Resolver) -> None:
    """A reply reads as text with timers, keeps its reprompt and knows its audio length."""
    device.launch()
    _say(device, resolver, "start the five basics")
    reply = _say(device, resolver, "ready")
    assert "[5 s]" in reply.text
    assert "<" not in reply.text
    assert reply.reprompt
    assert reply.seconds > 60
    assert device.last is reply


def test_skill_id_goes_into_the_envelope(library: Library, clock: FakeClock) -> None:
    """When the skill checks its id, the console's envelopes carry that id and are answered."""
    skill_id = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    entry = LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=clock, skill_id=skill_id)
    )
    answered = Device(entry, clock, skill_id=skill_id).launch()
    assert "welcome" in answered.text.lower()
    foreign = Device(entry, clock).launch()
    assert "could not read that request" in foreign.text


# ---------------------------------------------------------------- the console's clock


def test_clock_is_the_wall_clock_plus_skipped_audio() -> None:
    """Skipping moves the clock on at once; real time still passes underneath."""
    wall = FakeClock(1000.0)
    clock = ConsoleClock(wall)
    clock.skip(90.5)
    wall.advance(2)
    assert clock() == 1092.5
    clock.skip(-5)
    assert clock() == 1092.5, "time never runs backwards"


def test_clock_resumes_no_earlier_than_the_last_run(tmp_path: Path) -> None:
    """A new run starts at the time the last one saved, so stored times never lie ahead."""
    saved = tmp_path / "state.sqlite3.console-clock"
    wall = FakeClock(1000.0)
    first = ConsoleClock.resumed(wall, saved)
    first.skip(600)
    first.save(saved)
    wall.advance(60)
    second = ConsoleClock.resumed(wall, saved)
    assert second() == 1600.0
    wall.advance(3600)
    assert ConsoleClock.resumed(wall, saved)() == wall(), "once real time catches up, no skip"


def test_damaged_or_missing_clock_file_is_ignored(tmp_path: Path) -> None:
    """A missing or damaged clock file starts the clock at the wall clock."""
    wall = FakeClock(1000.0)
    assert ConsoleClock.resumed(wall, tmp_path / "none")() == 1000.0
    broken = tmp_path / "broken"
    broken.write_text("{not json", encoding="utf-8")
    assert ConsoleClock.resumed(wall, broken)() == 1000.0
    assert ConsoleClock.resumed(wall, None)() == 1000.0


def test_clock_is_saved_only_when_time_was_skipped(tmp_path: Path) -> None:
    """With nothing skipped there is nothing to remember, and no file is written."""
    saved = tmp_path / "clock"
    ConsoleClock(FakeClock(1000.0)).save(saved)
    assert not saved.exists()


def test_superscript_digits_are_not_read_as_a_duration() -> None:
    """Typed text like "² minutes" is not a duration, and the number reader never crashes on it."""
    assert durations._number(["²", "minutes"]) is None
    assert duration_seconds("² minutes") is None
    assert iso_duration("² minutes") is None
    assert duration_seconds("20 minutes") == 1200
