"""Metrics and logs a skill owner watches: EMF lines derived in one place from each turn."""

from __future__ import annotations

import io
import json
import logging
import random
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from reliability_kit import stored_record
from runner_strength.alexa import observe
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.engine import transitions
from runner_strength.engine.events import SetPerformed
from runner_strength.engine.state import Side
from skilltest import USER, Device, FakeClock

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from runner_strength.persistence.memory import MemoryAdapter

SERVICE = "runner-strength-test-stack"


def _emf(stdout: str) -> Counter[tuple[str, tuple[tuple[str, str], ...]]]:
    """Sum every EMF metric printed, by name and its dimensions other than `service`."""
    totals: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        blob = json.loads(line)
        meta = blob.get("_aws")
        if meta is None:
            continue
        (directive,) = meta["CloudWatchMetrics"]
        assert directive["Namespace"] == observe.NAMESPACE
        assert blob["service"] == SERVICE
        (dimension_names,) = directive["Dimensions"]
        extra = tuple((n, blob[n]) for n in dimension_names if n != "service")
        for metric in directive["Metrics"]:
            assert metric["Unit"] == "Count"
            value = blob[metric["Name"]]
            totals[metric["Name"], extra] += int(sum(value) if isinstance(value, list) else value)
    return totals


@pytest.fixture
def observed(library: Library, adapter: MemoryAdapter, clock: FakeClock) -> observe.ObservedEntry:
    """The Lambda entry over the real skill, observed, its log lines kept apart from stdout."""
    skill = build_skill(library=library, adapter=adapter, clock=clock, rng_for=random.Random)
    observer = observe.Observer(SERVICE, stream=io.StringIO())
    return observe.ObservedEntry(LambdaEntry(skill), observer)


def test_a_whole_workout_emits_started_finished_and_every_set(
    observed: observe.ObservedEntry,
    clock: FakeClock,
    adapter: MemoryAdapter,
    library: Library,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A ten-minute workout to its end through the Lambda entry: one start, one finish, N sets."""
    echo = Device(observed, clock=clock)
    echo.say(
        "StartWorkoutIntent",
        workout=("five_basics", "five basics"),
        duration="PT10M",
        new_session=True,
    )
    record = stored_record(adapter, USER)
    assert record is not None
    (state,) = record.active.values()
    sets = sum(1 for slot in transitions.plan_of(library, state).slots if slot.completes_set)
    for _ in range(80):
        reply = echo.say("ReadyIntent")
        clock.advance(reply.seconds + 2)
        if reply.ends_session or "remind" in reply.text:
            break
    finished = stored_record(adapter, USER)
    assert finished is not None
    assert not finished.active
    assert finished.history[-1].finished
    metrics = _emf(capsys.readouterr().out)
    assert metrics["WorkoutsStarted", ()] == 1
    assert metrics["WorkoutsFinished", ()] == 1
    assert metrics["SetsDone", ()] == sets > 0
    assert metrics["HandledErrors", ()] == 0
    assert not [name for name, _ in metrics if name in {"Fallbacks", "AlexaApiFailures"}]


def test_fallbacks_are_counted_by_the_question_pending_and_unheard_slots_by_type(
    observed: observe.ObservedEntry, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fallback while the menu offers a workout, and an exercise name that resolved to nothing."""
    echo = Device(observed, clock=clock)
    echo.launch()
    asked = echo.replies[-1].asked
    capsys.readouterr()
    echo.say("AMAZON.FallbackIntent")
    echo.say("ExplainExerciseIntent", exercise="moon walk")
    metrics = _emf(capsys.readouterr().out)
    assert metrics["Fallbacks", (("Question", asked or "none"),)] == 1
    assert metrics["UnresolvedSlotValues", (("SlotType", "EXERCISE"),)] == 1


def test_a_handled_error_is_a_metric_and_the_runner_still_hears_an_apology(
    observed: observe.ObservedEntry,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An exception inside a turn becomes HandledErrors = 1 and a spoken answer, not a crash."""
    from runner_strength.alexa import asides  # noqa: PLC0415  # the module whose function breaks

    def broken(*_: object) -> None:
        raise RuntimeError("a bug in the turn")

    monkeypatch.setattr(asides, "help_", broken)
    echo = Device(observed, clock=clock)
    echo.launch()
    capsys.readouterr()
    with caplog_off():
        reply = echo.say("AMAZON.HelpIntent")
    assert reply.text
    assert _emf(capsys.readouterr().out)["HandledErrors", ()] == 1


class caplog_off:  # noqa: N801  # used like a function
    """Silence the error log the catch-all writes (its traceback is expected here)."""

    def __enter__(self) -> None:
        logging.disable(logging.CRITICAL)

    def __exit__(self, *_: object) -> None:
        logging.disable(logging.NOTSET)


def test_turn_metrics_count_left_halves_of_split_sets_once_and_api_failures_by_status() -> None:
    """A split set counts when its right side is done; Alexa API failures carry their status."""

    def performed(sides: tuple[Side, ...]) -> SetPerformed:
        fields: dict[str, Any] = dict.fromkeys(SetPerformed.__slots__)
        fields["sides"] = sides
        return SetPerformed(**fields)

    log = observe.TurnLog(
        events=[performed((Side.LEFT,)), performed((Side.RIGHT,)), performed((Side.BOTH,))],
        api_failures=["403", "timeout", "403"],
    )
    metrics = observe.turn_metrics({"request": {"type": "IntentRequest"}}, log)
    assert observe.Metric("SetsDone", None, 2) in metrics
    assert observe.Metric("AlexaApiFailures", ("Status", "403"), 2) in metrics
    assert observe.Metric("AlexaApiFailures", ("Status", "timeout"), 1) in metrics


@pytest.mark.parametrize("intent", ["RedFlagIntent", "BreatherIntent"])
def test_red_flags_and_breathers_count_once_per_turn(intent: str) -> None:
    """The intent and a note from its flow together are one red flag (or breather), not two."""
    metric = {"RedFlagIntent": "RedFlags", "BreatherIntent": "Breathers"}[intent]
    event = {"request": {"type": "IntentRequest", "intent": {"name": intent}}}
    alone = observe.turn_metrics(event, observe.TurnLog())
    noted = observe.turn_metrics(event, observe.TurnLog(noted=[metric]))
    assert alone == noted == [observe.Metric(metric, None, 1)]


def test_log_lines_carry_the_request_id_and_the_hashed_user() -> None:
    """Every JSON log line of a turn has the Alexa request id and a hash, never the user id."""
    stream = io.StringIO()
    # Powertools keeps one logger per service name; a name of its own gets this stream.
    observer = observe.Observer(f"{SERVICE}-logs", stream=stream)
    envelope = {
        "context": {"System": {"user": {"userId": USER}}},
        "request": {"type": "LaunchRequest", "requestId": "amzn1.echo-api.request.r1"},
    }

    def entry(event: object, context: object) -> dict[str, Any]:
        observer.logger.info("answered")
        return {"version": "1.0", "response": {}}

    observe.ObservedEntry(entry, observer)(envelope, None)
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["correlation_id"] == "amzn1.echo-api.request.r1"
    assert line["user"] == observe.hashed_user(envelope)
    assert USER not in stream.getvalue()
    assert line["cold_start"] is True
