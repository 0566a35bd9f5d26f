"""Regression tests for the bugs the reliability suite found, each pinned in its smallest form."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

import pytest

from reliability_kit import ERROR_LINES, stored_record
from runner_strength.alexa.requests import MAX_HEARD_CHARACTERS, spoken_text
from runner_strength.alexa.skill import REJECTED, LambdaEntry, build_skill
from runner_strength.engine.record import HistoryEntry, UserRecord, merge
from runner_strength.persistence.base import hash_user_id
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, Reply, check_response, event

if TYPE_CHECKING:
    from runner_strength.content.model import Library

T0 = 1_795_000_000.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def adapter(clock: FakeClock) -> MemoryAdapter:
    return MemoryAdapter(clock=clock, ttl_days=365)


@pytest.fixture
def entry(library: Library, adapter: MemoryAdapter, clock: FakeClock) -> LambdaEntry:
    return LambdaEntry(build_skill(library=library, adapter=adapter, clock=clock))


# ---------------------------------------------------------------- out-of-session requests


def test_intent_without_a_session_is_answered_not_caught(
    entry: LambdaEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """An IntentRequest without `session` gets a real answer, not the catch-all's apology."""
    # Bug: dialog.py asked the SDK for session attributes, which raises outside a session.
    envelope = event("ready")
    del envelope["session"]
    with caplog.at_level(logging.ERROR, logger="runner_strength"):
        reply = Reply(entry(envelope, None))
    check_response(reply)
    assert not any(line in reply.text for line in ERROR_LINES), reply.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# ---------------------------------------------------------------- text that is not speech


def test_user_id_that_is_not_valid_unicode_does_not_escape_the_entry(entry: LambdaEntry) -> None:
    r"""A userId with lone surrogates (a "\udcff" JSON escape) is answered, not raised."""
    # Bug: hashing it to a storage key raised UnicodeEncodeError, which escaped even the catch-all.
    envelope = event("launch")
    envelope["context"]["System"]["user"]["userId"] = "amzn1.ask.account.\udcff\ud800"
    envelope["session"]["user"]["userId"] = "amzn1.ask.account.\udcff\ud800"
    raw = entry(envelope, None)
    assert raw != REJECTED
    check_response(Reply(raw))


@pytest.mark.parametrize("uid", ["amzn1.ask.account.ABC", "amzn1.ask.account.ÄÖ€𝄞", ""])
def test_hashing_valid_user_ids_is_unchanged(uid: str) -> None:
    """The surrogate-tolerant hash gives every valid userId the key it always had."""
    assert hash_user_id(uid) == hashlib.sha256(uid.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "heard",
    ["x" * 1_000_000, "yoga " * 12_000, "yoga \udcff\ud800 flow", "yoga\x00\x1b flow\n"],
    ids=["1MB", "60KB", "surrogates", "control-characters"],
)
@pytest.mark.parametrize("fixture", ["explain_no_match", "start_workout_no_match"])
def test_unmatched_slot_text_is_repeated_only_as_speech_fits(
    entry: LambdaEntry, heard: str, fixture: str
) -> None:
    """An unmatched slot value is echoed short and printable; the response keeps every limit."""
    # Bug: the skill repeated what it heard verbatim: a 60 KB value made a 60 KB response (Alexa's
    # limit is 24 KB) and lone surrogates made SSML that cannot be encoded.
    envelope = event(fixture)
    slot = next(iter(envelope["request"]["intent"]["slots"].values()))
    slot["value"] = heard
    reply = Reply(entry(envelope, None))
    check_response(reply)
    assert not any(line in reply.text for line in ERROR_LINES), reply.text


def test_spoken_text_keeps_words_and_drops_the_rest() -> None:
    """Printable words survive, whitespace collapses, anything else goes, length is capped."""
    assert spoken_text("  yoga \t flow\n") == "yoga flow"
    assert spoken_text("a\udcffb\x00c") == "a b c"
    assert spoken_text("\u200b") == ""
    assert len(spoken_text("word " * 1000)) <= MAX_HEARD_CHARACTERS


# ---------------------------------------------------------------- a finished workout stays so


def test_merge_keeps_a_finish_over_a_later_early_end_of_the_same_workout() -> None:
    """Merging a finished entry with a later "ended early" copy of it keeps it finished."""
    finished = HistoryEntry("w1", "five_basics", T0, T0 + 60, finished=True)
    ended_early = HistoryEntry("w1", "five_basics", T0, T0 + 90, finished=False)
    for ours, theirs in ((finished, ended_early), (ended_early, finished)):
        merged = merge(UserRecord(history=(ours,)), UserRecord(history=(theirs,)))
        assert merged.history == (finished,)


def test_finish_on_one_echo_survives_a_new_start_on_the_other(
    entry: LambdaEntry, adapter: MemoryAdapter, clock: FakeClock
) -> None:
    """Kitchen starts a workout, bedroom picks it up and finishes it, kitchen starts another."""
    # Bug: the kitchen session still held its copy of the first workout; starting anew ended that
    # copy early, and the merge let the later, unfinished entry overwrite the finish.
    kitchen = Device(entry, clock=clock, device_id="amzn1.ask.device.KITCHEN")
    bedroom = Device(entry, clock=clock, device_id="amzn1.ask.device.BEDROOM")
    kitchen.launch()
    kitchen.say("StartWorkoutIntent", workout=("five_basics", "five basics"), duration="PT8M")
    clock.advance(5)
    assert "left off" in bedroom.launch().text
    reply = bedroom.say("AMAZON.YesIntent")
    while not reply.ends_session:
        clock.advance(5)
        reply = bedroom.say("ReadyIntent")
    clock.advance(5)
    kitchen.say("StartWorkoutIntent", workout=("core_and_stability", "core"), duration="PT8M")
    record = stored_record(adapter, kitchen.user_id)
    assert record is not None
    assert [(e.workout_id, e.finished) for e in record.history] == [("five_basics", True)]


# ---------------------------------------------------------------- digits int() cannot read


@pytest.mark.parametrize("heard", ["²", "x³", "①", "٣ minutes", "3 sets"])
def test_unknown_workout_with_unusual_digits_is_answered(entry: LambdaEntry, heard: str) -> None:
    """A heard workout name with superscript or circled digits gets the list of workouts."""
    # Bug: the speech-time estimate took "²" for a number (str.isdigit) and int() raised.
    reply = Device(entry).say("StartWorkoutIntent", workout=heard)
    check_response(reply)
    assert not any(line in reply.text for line in ERROR_LINES), reply.text
