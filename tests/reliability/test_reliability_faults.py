"""Store faults during workouts: DynamoDB throttled, timing out and unreachable at random turns.

The store is DynamoDB Local behind a production-built client; `FaultInjector` hooks that client's
`before-send` event, so botocore's own retries and the adapter's error mapping run exactly as in
production. A seeded random script plays whole workouts through the Lambda entry: launch, start,
"ready" with status, help, harder, pauses and session breaks in between. Before each turn the
seed decides whether the store misbehaves for that turn and how: throttled (every attempt gets
ProvisionedThroughputExceededException), timing out (read or connect timeouts), unreachable
(connection refused), or a blip (only the first attempt fails, which the retry absorbs).

Checked: every reply has speech within the platform rules and is never the error line; a turn
whose save failed says so, and only then; a blip never shows; when the last turn of a session
was healthy the stored item equals the record that session ends with; when the finishing turn
itself failed, the next session offers to resume and the workout still finishes; at the end the
history holds every workout, finished, and nothing is left active.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from reliability_kit import (
    ERROR_LINES,
    NOT_SAVED_LINE,
    figures,
    session_dirty,
    session_record,
    stored_record,
)
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from skilltest import Device, FakeClock, Reply

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_dynamodb.client import DynamoDBClient

    from conftest import DynamoDbLocalTable
    from runner_strength.content.model import Library

pytestmark = pytest.mark.dynamodb

SEEDS = (11, 22, 33, 44, 55, 66)
WORKOUTS_PER_SEED = 3
FAULT_PROBABILITY = 0.35
FAULTS = ("throttled", "read-timeout", "connect-timeout", "unreachable", "blip")
DURATIONS = ("PT5M", "PT10M", "PT15M")
TURN_LIMIT = 120
"""Turns one workout may take before the test calls it stuck."""


class _Body:
    """The raw body botocore reads from a stubbed HTTP response."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


class FaultInjector:
    """Makes a real client's calls fail, per turn: while `fault` is set, attempts fail that way."""

    def __init__(self, client: DynamoDBClient) -> None:
        self.fault: str | None = None
        self.attempts_this_turn = 0
        self.injected: Counter[str] = Counter()
        self.passed = 0
        client.meta.events.register("before-send.dynamodb", self._before_send)

    def _before_send(self, request: Any, **_: Any) -> Any:  # AWSResponse | None
        # Returning a response from a before-send handler replaces the HTTP round trip; raising
        # is what botocore sees when the connection fails.
        self.attempts_this_turn += 1
        fault = self.fault
        if fault is None or (fault == "blip" and self.attempts_this_turn > 1):
            self.passed += 1
            return None
        self.injected[fault] += 1
        if fault == "read-timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        if fault == "connect-timeout":
            raise ConnectTimeoutError(endpoint_url=request.url)
        if fault == "unreachable":
            raise EndpointConnectionError(endpoint_url=request.url)
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "Rate of requests exceeds the allowed throughput.",
            }
        ).encode()
        headers = HTTPHeaders()
        headers["x-amzn-requestid"] = "injected-fault"
        return AWSResponse(request.url, 400, headers, _Body(body))

    def turn(self, fault: str | None) -> None:
        """Set the fault for the next turn (None: the store behaves)."""
        self.fault = fault
        self.attempts_this_turn = 0


FaultyStore = tuple[DynamoDbAdapter, FaultInjector, FakeClock]
"""The production adapter, the injector wired into its client, and the clock they share."""


class FaultyWorkouts:
    """One seeded runner doing workouts while the store misbehaves at random turns."""

    def __init__(
        self, seed: int, entry: LambdaEntry, store: FaultyStore, workouts: list[str]
    ) -> None:
        self.rng = random.Random(seed)
        self.adapter, self.injector, self.clock = store
        self.workouts = workouts
        user_id = f"amzn1.ask.account.FAULTS{uuid.uuid4().hex}"
        self.echo = Device(entry, clock=self.clock, user_id=user_id)
        self.turns: Counter[str] = Counter()
        self.last_turn_faulty = False
        self.current = ("", "")
        self.comebacks = 0
        self.restarts = 0

    def turn(self, send: Any, *, healthy: bool = False) -> Reply:  # a Device method
        """One turn, with a fault drawn for it unless `healthy`; checks what the runner hears."""
        fault = None
        if not healthy and self.rng.random() < FAULT_PROBABILITY:
            fault = self.rng.choice(FAULTS)
        self.injector.turn(fault)
        try:
            reply: Reply = send()  # Device.send runs check_response on every reply
        finally:
            self.injector.turn(None)
        self.turns[fault or "healthy"] += 1
        self.clock.advance(self.rng.choice((5, 20, 45)))
        assert reply.ssml, "the runner heard nothing"
        assert not any(line in reply.text for line in ERROR_LINES), reply.text
        dirty = session_dirty(reply.raw)
        assert (NOT_SAVED_LINE in reply.text) == dirty, (fault, reply.text)
        if fault in {None, "blip"}:
            assert not dirty, f"a {fault or 'healthy'} turn left the session behind the store"
        self.last_turn_faulty = fault not in {None, "blip"}
        return reply

    def play(self) -> None:
        """Every workout of this runner, start to finish, through the faults."""
        for workout_id in self.workouts:
            self.current = (workout_id, self.rng.choice(DURATIONS))
            self.turn(self.echo.launch)
            self.turn(self.start)
            for _ in range(TURN_LIMIT):
                reply = self.step() if self.echo.session_id is not None else self.come_back()
                # The last set's reply may offer the cool-down: the workout is over either way.
                if reply.finishes_workout and not self.last_turn_faulty:
                    self.session_closed(reply)
                    if _finished(reply, workout_id):
                        # The runner lets the last set play out: a request in its work would
                        # carry it on (tests/alexa/test_last_set.py), not start the next one.
                        self.clock.advance(reply.seconds)
                        break
            else:
                pytest.fail(f"{workout_id} did not finish in {TURN_LIMIT} turns")

    def come_back(self) -> Reply:
        """A new session after one that ended unsaved: resume, or start again if nothing was kept.

        Nothing is kept only when every turn of the workout failed to save, and the runner heard
        so each time; it is not a lost update.
        """
        self.comebacks += 1
        reply = self.turn(self.echo.launch, healthy=True)
        if "left off" in reply.text:
            return self.turn(lambda: self.echo.say("AMAZON.YesIntent"), healthy=True)
        self.restarts += 1
        return self.turn(self.start, healthy=True)

    def start(self) -> Reply:
        """Start the current workout, shortened to the drawn duration."""
        workout_id, duration = self.current
        return self.echo.say(
            "StartWorkoutIntent",
            workout=(workout_id, workout_id.replace("_", " ")),
            duration=duration,
        )

    def session_closed(self, reply: Reply) -> None:
        """After a healthy last turn of a session, the store holds what the session ended with."""
        record = session_record(reply.raw)
        assert record is not None
        assert stored_record(self.adapter, self.echo.user_id) == record

    def step(self) -> Reply:
        """One move of the script; mostly "ready", sometimes something else or a session break."""
        roll = self.rng.random()
        say = self.echo.say
        if roll < 0.06:
            self.turn(lambda: say("AMAZON.PauseIntent"))
            if self.echo.session_id is not None:
                self.echo.end_session("USER_INITIATED")
            self.clock.advance(self.rng.choice((60, 3_600, 86_400)))
            return self.turn(lambda: say("ResumeWorkoutIntent", new_session=True))
        if roll < 0.10:
            return self.turn(lambda: say("WorkoutStatusIntent"))
        if roll < 0.13:
            return self.turn(lambda: say("AMAZON.HelpIntent"))
        if roll < 0.16:
            return self.turn(lambda: say("HarderIntent"))
        return self.turn(lambda: say("ReadyIntent"))


def _finished(reply: Reply, workout_id: str) -> bool:
    """The record the reply's session ends with has `workout_id` finished in its history."""
    record = session_record(reply.raw)
    return record is not None and any(
        entry.workout_id == workout_id and entry.finished for entry in record.history
    )


@pytest.fixture
def faulty_store(dynamodb_local: DynamoDbLocalTable) -> FaultyStore:
    """The production adapter on DynamoDB Local, its client wired for fault injection."""
    client = dynamodb_local.client()
    injector = FaultInjector(client)
    clock = FakeClock(time.time())  # DynamoDB Local deletes items whose TTL has passed
    adapter = DynamoDbAdapter(client, dynamodb_local.table_name, clock=clock, ttl_days=365)
    return adapter, injector, clock


def test_store_faults_mid_workout_lose_nothing_accepted(
    library: Library,
    faulty_store: FaultyStore,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Throttling, timeouts and outages at random turns: speech always, every workout kept."""
    adapter, injector, clock = faulty_store
    entry = LambdaEntry(build_skill(library=library, adapter=adapter, clock=clock))
    turns: Counter[str] = Counter()
    comebacks = restarts = 0
    began = time.perf_counter()
    for seed in SEEDS:
        workouts = random.Random(seed).sample(sorted(library.workouts), WORKOUTS_PER_SEED)
        runner = FaultyWorkouts(seed, entry, faulty_store, workouts)
        runner.play()
        turns.update(runner.turns)
        comebacks, restarts = comebacks + runner.comebacks, restarts + runner.restarts
        record = stored_record(adapter, runner.echo.user_id)
        assert record is not None
        assert [(e.workout_id, e.finished) for e in record.history] == [
            (w, True) for w in workouts
        ], record.history
        # The last workout's state stays, finished, until the runner's next request on that Echo.
        assert [s.workout_id for s in record.active.values() if not s.finished] == []
    seconds = time.perf_counter() - began
    faulty = sum(n for kind, n in turns.items() if kind not in {"healthy", "blip"})
    figures(
        capsys,
        f"faults: {len(SEEDS) * WORKOUTS_PER_SEED} workouts, {turns.total()} turns, {faulty} with "
        f"the store down ({dict(sorted(turns.items()))}), {injector.injected.total()} failed "
        f"attempts; {comebacks} unsaved finishes resumed ({restarts} restarted), nothing lost; "
        f"{seconds:.1f} s",
    )
    assert set(injector.injected) == set(FAULTS), injector.injected
