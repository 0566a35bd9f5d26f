"""Dialogs through the Lambda entry against real stores.

Every test drives `LambdaEntry(build_skill(...))` with real request envelopes (tests/skilltest.py)
and checks the store behind it: a workout paused on one Echo resumes on another, two Echos of one
user never overwrite each other, the DynamoDB round trips per turn follow the rules, an outage
costs the runner nothing but a sentence, and disabling the skill deletes the runner's item.

DynamoDB tests run against DynamoDB Local (`make test`, or the `dynamodb_local` fixture); some of
the dialogs also run on SQLite, the embedded store. DynamoDB Local deletes items whose TTL has
passed, so every clock here starts at the real time.
"""

from __future__ import annotations

import json
import logging
import math
import random
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.engine.serialize import record_from_dict
from runner_strength.engine.state import Part, Side
from runner_strength.engine.transitions import plan_of
from runner_strength.persistence.base import (
    VersionConflict,
    VersionedAdapter,
    hash_user_id,
    log_key,
)
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from runner_strength.persistence.repository import SESSION_KEY, unpack_record
from runner_strength.persistence.schema import PARTITION_KEY
from runner_strength.persistence.sqlite import SqliteAdapter
from skilltest import Device, FakeClock, Reply, event

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from botocore.awsrequest import AWSPreparedRequest
    from botocore.model import OperationModel
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from conftest import DynamoDbLocalTable
    from runner_strength.content.model import Library
    from runner_strength.engine.record import UserRecord
    from runner_strength.engine.state import WorkoutState
    from runner_strength.persistence.base import Snapshot

DEVICE_A = "amzn1.ask.device.AEXAMPLEKITCHENECHOA7K3LQZP2W6M5XN4VYBR8"
DEVICE_B = "amzn1.ask.device.AEXAMPLEBEDROOMECHOB9Q2TT4K7HH3ZC6MNE1"
TTL_DAYS = 365
NOT_SAVED = "couldn't save"
"""From the `not_saved` phrase (content/phrases/conversation.yaml)."""
SINGLE_LEG = ("single_leg_strength", "single leg strength")
FIVE_BASICS = ("five_basics", "five basics")
CORE = ("core_and_stability", "core workout")
NO_WRITE_KINDS = frozenset({"explain", "help", "repeat", "status", "why", "refused"})
"""Turns that change nothing worth keeping: the store must not be written."""
OUTAGE_SEED = 20_261_121


def new_user() -> str:
    """A userId of its own per test: the DynamoDB Local table is shared by the whole run."""
    return f"amzn1.ask.account.AMAXQ7PERSIST{uuid.uuid4().hex.upper()}"


def session_record(reply: Reply) -> UserRecord:
    """The record a response carries in its session attributes (the repository's envelope)."""
    return record_from_dict(unpack_record(envelope(reply)["record"]))


def envelope(reply: Reply) -> dict[str, Any]:
    """The repository's session envelope in a response."""
    value: dict[str, Any] = reply.raw["sessionAttributes"][SESSION_KEY]
    return value


# ---------------------------------------------------------------- wrappers around the stores


class CountingAdapter(VersionedAdapter):
    """A real adapter underneath, with every read, write, conflict and delete counted."""

    def __init__(self, inner: VersionedAdapter, clock: Callable[[], float]) -> None:
        super().__init__(clock=clock, ttl_days=TTL_DAYS)
        self.inner = inner
        self.reads = 0
        self.writes = 0
        self.conflicts = 0
        self.deletes = 0

    def read(self, key: str) -> Snapshot | None:
        """Count, then read through."""
        self.reads += 1
        return self.inner.read(key)

    def write(self, key: str, snapshot: Snapshot) -> int:
        """Count, then write through; a refused conditional write counts as a conflict."""
        self.writes += 1
        try:
            return self.inner.write(key, snapshot)
        except VersionConflict:
            self.conflicts += 1
            raise

    def delete(self, key: str) -> None:
        """Count, then delete through."""
        self.deletes += 1
        self.inner.delete(key)


class CallLog:
    """Every DynamoDB API call made through one boto3 client, by operation (botocore events)."""

    def __init__(self, client: DynamoDBClient) -> None:
        self.calls: Counter[str] = Counter()
        client.meta.events.register("before-call.dynamodb.*", self._count)

    def _count(self, model: OperationModel, **_: Any) -> None:
        self.calls[model.name] += 1

    def snapshot(self) -> Counter[str]:
        """The counts so far (a copy, to subtract later ones from)."""
        return Counter(self.calls)


FAULTS = ("connection", "throttled", "read-timeout", "lost-response")
"""Refused connection, throttling, no answer in time, and a write that landed but whose answer
was lost (DynamoDB applied it; the session does not know, so its next write conflicts)."""


class Outage:
    """Makes one client's DynamoDB calls fail while `fault` is set, as a sick DynamoDB would.

    Faults are injected at botocore's `before-send` (the request never leaves) or, for a lost
    response, `after-call` (it was applied), so botocore's own error mapping sees them exactly as
    it would see the real failure.
    """

    def __init__(self, client: DynamoDBClient) -> None:
        self.fault: str | None = None
        self.failed: list[str] = []
        """Operations failed since the list was last cleared."""
        self._endpoint = client.meta.endpoint_url
        client.meta.events.register("before-send.dynamodb.*", self._before_send)
        client.meta.events.register("after-call.dynamodb.*", self._after_call)

    # botocore's stubs type every handler as returning None; a before-send handler may return the
    # response that replaces the HTTP round trip, so this one is typed Any.
    def _before_send(self, request: AWSPreparedRequest, event_name: str, **_: Any) -> Any:
        if self.fault is None or self.fault == "lost-response":
            return None  # through to DynamoDB Local
        self.failed.append(event_name.rsplit(".", 1)[-1])
        if self.fault == "connection":
            raise EndpointConnectionError(endpoint_url=request.url)
        if self.fault == "read-timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                "message": "Rate of requests exceeds the allowed throughput.",
            }
        ).encode()
        headers = HTTPHeaders()
        headers["x-amzn-requestid"] = "injected-fault"
        return AWSResponse(request.url, 400, headers, _RawBody(body))

    def _after_call(self, model: OperationModel, **_: Any) -> None:
        if self.fault == "lost-response":
            self.failed.append(model.name)
            raise ReadTimeoutError(endpoint_url=self._endpoint)


class _RawBody:
    """Just enough of urllib3's response for botocore to read a canned body."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


# ---------------------------------------------------------------- the skill over a store


@dataclass
class Store:
    """The skill's Lambda entry over one real store, with the adapter's counts at hand."""

    name: str
    adapter: CountingAdapter
    clock: FakeClock
    entry: LambdaEntry

    def device(self, user: str, device_id: str = DEVICE_A) -> Device:
        """An Echo of `user` talking to this skill."""
        return Device(self.entry, device_id=device_id, user_id=user, clock=self.clock)

    def stored(self, user: str) -> Snapshot | None:
        """The user's item as stored now (read past the counting wrapper)."""
        return self.adapter.inner.read(hash_user_id(user))

    def record(self, user: str) -> UserRecord:
        """The user's stored record; the user must have an item."""
        snapshot = self.stored(user)
        assert snapshot is not None, f"no item for the user in {self.name}"
        return record_from_dict(snapshot.record)


def skill_over(adapter: VersionedAdapter, clock: FakeClock, library: Library) -> LambdaEntry:
    """The Lambda entry exactly as production builds it, over `adapter`."""
    return LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=clock, rng_for=random.Random)
    )


def dynamodb_adapter(
    table: DynamoDbLocalTable, client: DynamoDBClient, clock: FakeClock
) -> DynamoDbAdapter:
    """The production adapter on DynamoDB Local's test table."""
    return DynamoDbAdapter(client, table.table_name, clock=clock, ttl_days=TTL_DAYS)


@pytest.fixture(params=[pytest.param("dynamodb", marks=pytest.mark.dynamodb), "sqlite"])
def store(request: pytest.FixtureRequest, library: Library, tmp_path: Path) -> Iterator[Store]:
    """The skill over DynamoDB Local, or over an SQLite file."""
    clock = FakeClock(start=time.time())
    inner: VersionedAdapter
    if request.param == "dynamodb":
        table: DynamoDbLocalTable = request.getfixturevalue("dynamodb_local")
        inner = dynamodb_adapter(table, table.client(), clock)
    else:
        inner = SqliteAdapter(tmp_path / "state.sqlite3", clock=clock, ttl_days=TTL_DAYS)
    adapter = CountingAdapter(inner, clock)
    yield Store(request.param, adapter, clock, skill_over(adapter, clock, library))
    if isinstance(inner, SqliteAdapter):
        inner.close()


def do_sets(echo: Device, clock: FakeClock, count: int) -> None:
    """Say "ready" `count` times, letting each set's audio play out."""
    for _ in range(count):
        reply = echo.say("ReadyIntent")
        assert not reply.ends_session
        clock.advance(reply.seconds + 2)


def played_after(library: Library, state: WorkoutState, readies: int) -> int:
    """The slot a workout reaches after `readies` answers, each playing a whole response."""
    plan = plan_of(library, state)
    position = 0
    for _ in range(readies):
        position = plan.response_end(position)
    return position


def work_starts(state: WorkoutState, *, slot: int) -> float:
    """Seconds into the response last played when the work of slot `slot` begins."""
    assert state.last_set is not None
    return next(m.at for m in state.last_set.marks if m.slot == slot and m.part is Part.WORK)


def active_state(record: UserRecord, device_id: str) -> WorkoutState:
    """The workout a device has in the record (it must have one)."""
    state = record.active.get(device_id)
    assert state is not None, f"no workout on {device_id[-8:]}: {sorted(record.active)}"
    return state


# ---------------------------------------------------------------- 1. resume on another device


@pytest.mark.parametrize("via", ["resume_intent", "launch_then_yes"])
def test_paused_workout_resumes_on_another_device(store: Store, library: Library, via: str) -> None:
    """A set paused mid-work on Echo A resumes on Echo B at the same exercise, set and side."""
    user = new_user()
    clock = store.clock
    kitchen, bedroom = store.device(user, DEVICE_A), store.device(user, DEVICE_B)
    kitchen.launch()
    kitchen.say("StartWorkoutIntent", workout=SINGLE_LEG)
    do_sets(kitchen, clock, 1)  # the first exercise's two sets
    kitchen.say("ReadyIntent")  # both sets of the second exercise, one after the other ...
    # ... and the runner pauses 3 s into the work of its set 2
    clock.advance(work_starts(active_state(store.record(user), DEVICE_A), slot=3) + 3)
    paused = kitchen.say("AMAZON.PauseIntent")
    assert "set 2 of 2" in paused.text, paused.text
    if not paused.ends_session:
        kitchen.end_session("USER_INITIATED")

    before = active_state(store.record(user), DEVICE_A)
    plan = plan_of(library, before)
    slot = plan.slots[before.position]
    assert (before.paused, before.rolled_back, before.position) == (True, True, 3)
    assert (slot.exercise_id, slot.set_number, slot.sides) == (
        "single_leg_partial_squat_abduction",
        2,
        (Side.LEFT, Side.RIGHT),
    )
    exercise = library.exercise(slot.exercise_id).name.lower()

    clock.advance(2 * 86_400)  # two days later, in the bedroom
    if via == "resume_intent":
        resumed = bedroom.say("ResumeWorkoutIntent", new_session=True)
    else:
        offer = bedroom.launch()
        assert f"{exercise}, set 2 of 2".lower() in offer.text.lower(), offer.text
        assert not offer.ends_session
        resumed = bedroom.say("AMAZON.YesIntent")
    assert f"{exercise}, set 2 of 2" in resumed.text.lower(), resumed.text
    assert "left side" in resumed.text, resumed.text
    assert not resumed.ends_session

    after = store.record(user)
    assert list(after.active) == [DEVICE_B], "the workout moved: one copy, on the bedroom Echo"
    moved = after.active[DEVICE_B]
    assert moved.id == before.id
    assert moved.last_set is not None
    assert moved.last_set.slot == before.position, "the rolled-back set is the one performed"
    assert (moved.position, moved.paused, moved.rolled_back) == (before.position + 1, False, False)

    clock.advance(resumed.seconds + 2)
    finished = bedroom.ready_until_done()[-1]
    assert finished.finishes_workout
    later = kitchen.launch()
    assert "stopped" not in later.text, "the kitchen must not offer the workout a second time"
    assert "left off" not in later.text
    final = store.record(user)
    assert final.active == {}
    assert [(e.id, e.finished) for e in final.history] == [(before.id, True)]


# ---------------------------------------------------------------- 2. two devices at once


def test_two_devices_interleaved_keep_both_workouts(store: Store, library: Library) -> None:
    """Two Echos of one user on different workouts, turn by turn: both keep all their progress."""
    user = new_user()
    clock = store.clock
    kitchen, bedroom = store.device(user, DEVICE_A), store.device(user, DEVICE_B)
    kitchen.launch()
    bedroom.launch()  # both sessions read the item before either starts a workout
    kitchen.say("StartWorkoutIntent", workout=FIVE_BASICS)
    bedroom.say("StartWorkoutIntent", workout=CORE)
    rounds = 3
    for _ in range(rounds):
        longer = max(kitchen.say("ReadyIntent").seconds, bedroom.say("ReadyIntent").seconds)
        clock.advance(longer + 2)
    kitchen_said = kitchen.say("WorkoutStatusIntent")
    bedroom_said = bedroom.say("WorkoutStatusIntent")

    stored = store.record(user)
    counts = (
        f"{store.name}: {store.adapter.writes} writes, {store.adapter.conflicts} conflicts, "
        f"{store.adapter.reads} reads"
    )
    assert set(stored.active) == {DEVICE_A, DEVICE_B}, counts
    kitchen_state, bedroom_state = stored.active[DEVICE_A], stored.active[DEVICE_B]
    assert kitchen_state.workout_id == FIVE_BASICS[0]
    assert bedroom_state.workout_id == CORE[0]
    assert (kitchen_state.position, bedroom_state.position) == (
        played_after(library, kitchen_state, rounds),
        played_after(library, bedroom_state, rounds),
    ), counts
    # Each Echo's session holds the same progress as the item: nothing either did was lost.
    assert session_record(kitchen_said).active[DEVICE_A] == kitchen_state
    assert session_record(bedroom_said).active[DEVICE_B] == bedroom_state
    # From the second start on, every write found the other Echo's write first and merged.
    assert store.adapter.conflicts == 1 + 2 * rounds, counts
    replies = kitchen.replies + bedroom.replies
    assert not [r.text for r in replies if NOT_SAVED in r.text], "every conflict was merged"


# ---------------------------------------------------------------- 3. round trips per turn


@dataclass
class TurnCalls:
    """What one turn cost: DynamoDB calls by operation, and the time it took."""

    session: int
    kind: str
    new_session: bool
    calls: Counter[str]
    seconds: float

    @property
    def reads(self) -> int:
        """GetItem calls."""
        return self.calls["GetItem"]

    @property
    def writes(self) -> int:
        """PutItem calls."""
        return self.calls["PutItem"]

    def line(self) -> str:
        """One line of the report."""
        other = sum(self.calls.values()) - self.reads - self.writes
        return (
            f"  s{self.session} {self.kind:<14} new={self.new_session!s:<5} "
            f"GetItem={self.reads} PutItem={self.writes} other={other}"
        )


@dataclass
class Meter:
    """Sends turns through a device and notes each turn's DynamoDB calls."""

    echo: Device
    log: CallLog
    turns: list[TurnCalls] = field(default_factory=list)

    def turn(self, kind: str, send: Callable[[], Reply]) -> Reply:
        """One turn of `kind`, measured."""
        new_session = self.echo.session_id is None
        before = self.log.snapshot()
        started = time.perf_counter()
        reply = send()
        seconds = time.perf_counter() - started
        calls = self.log.snapshot()
        calls.subtract(before)
        self.turns.append(TurnCalls(self.echo.sessions, kind, new_session, +calls, seconds))
        return reply

    def say(self, kind: str, intent: str, *, exercise: tuple[str, str] | None = None) -> Reply:
        """One intent turn of `kind` in the current session (an exercise slot if given)."""
        if exercise is None:
            return self.turn(kind, lambda: self.echo.say(intent))
        return self.turn(kind, lambda: self.echo.say(intent, exercise=exercise))

    def report(self) -> str:
        """Per session: turns and calls; then every turn, for assertion messages."""
        lines = []
        for number in sorted({t.session for t in self.turns}):
            turns = [t for t in self.turns if t.session == number]
            total: Counter[str] = Counter()
            for t in turns:
                total.update(t.calls)
            calls = dict(sorted(total.items()))
            lines.append(f"session {number}: {len(turns)} turns, calls {calls}")
        lines.extend(t.line() for t in self.turns)
        return "\n".join(lines)


def full_workout_with_lookups(meter: Meter, clock: FakeClock) -> None:
    """Four sessions: start and pause; a one-shot status; resume and finish; a bare launch."""
    # Session 1: launch, start, a few sets with every look-only turn in between, then a pause
    # (which closes the session).
    meter.turn("launch", meter.echo.launch)
    meter.say("start", "AMAZON.YesIntent")
    meter.say("refused", "AMAZON.PreviousIntent")  # nothing before the first exercise
    for _ in range(2):
        clock.advance(meter.say("ready", "ReadyIntent").seconds + 2)
    meter.say("explain", "ExplainExerciseIntent", exercise=("plank", "plank"))
    meter.say("help", "AMAZON.HelpIntent")
    meter.say("why", "WhyExerciseIntent")
    meter.say("status", "WorkoutStatusIntent")
    clock.advance(meter.say("repeat", "AMAZON.RepeatIntent").seconds + 2)
    meter.say("ready", "ReadyIntent")
    clock.advance(4)
    assert meter.say("pause", "AMAZON.PauseIntent").ends_session

    # Session 2: a one-shot "how much is left" while paused; it offers the workout back
    # and the runner lets the microphone time out.
    status = meter.turn("status", lambda: meter.echo.say("WorkoutStatusIntent", new_session=True))
    assert not status.ends_session, "a paused workout is offered back, the session kept open"
    meter.turn("session-ended", meter.echo.end_session)

    # Session 3: resume the next day and finish, looking things up along the way.
    clock.advance(86_400)
    reply = meter.turn("resume", lambda: meter.echo.say("ResumeWorkoutIntent", new_session=True))
    for number in range(200):
        clock.advance(reply.seconds + 2)
        if number % 4 == 1:
            meter.say("status", "WorkoutStatusIntent")
            meter.say("explain", "ExplainExerciseIntent", exercise=("squat", "squat"))
        if number % 5 == 2:
            meter.say("help", "AMAZON.HelpIntent")
        reply = meter.say("ready", "ReadyIntent")
        if reply.asked == "cool_down_offer":
            clock.advance(reply.seconds + 2)  # the answer comes once the last set has played
            reply = meter.say("no cool-down", "AMAZON.NoIntent")
        if reply.ends_session:
            break
    assert reply.ends_session, "the workout did not finish"

    # Session 4: a new session reads exactly once again, even one that changes nothing.
    meter.turn("launch", meter.echo.launch)
    meter.turn("session-ended", meter.echo.end_session)


@pytest.mark.dynamodb
def test_round_trips_per_turn_for_a_full_workout(
    dynamodb_local: DynamoDbLocalTable, library: Library
) -> None:
    """One read per session, none after; at most one write per turn; none for look-only turns."""
    client = dynamodb_local.client()
    log = CallLog(client)
    clock = FakeClock(start=time.time())
    entry = skill_over(dynamodb_adapter(dynamodb_local, client, clock), clock, library)
    echo = Device(entry, user_id=new_user(), clock=clock)
    meter = Meter(echo, log)
    full_workout_with_lookups(meter, clock)

    report = meter.report()
    turns = meter.turns
    moves = {"start", "ready", "pause", "resume"}
    for number, turn in enumerate(turns, 1):
        where = f"turn {number} ({turn.kind})\n{report}"
        assert set(turn.calls) <= {"GetItem", "PutItem"}, where
        assert turn.reads == (1 if turn.new_session else 0), where
        assert turn.writes <= 1, where
        if turn.kind in NO_WRITE_KINDS:
            assert turn.writes == 0, where
        if turn.kind in moves:
            assert turn.writes == 1, where
    assert echo.sessions == 4, report
    new_sessions = [t.kind for t in turns if t.new_session]
    assert new_sessions == ["launch", "status", "resume", "launch"], report
    assert sum(t.reads for t in turns) == echo.sessions, report
    assert {t.kind for t in turns} >= NO_WRITE_KINDS, report
    assert turns[-2].writes == 0, f"a launch with nothing to change writes nothing\n{report}"

    times = [t.seconds * 1000 for t in turns]
    print(
        f"\nDynamoDB Local: {len(turns)} turns in {echo.sessions} sessions, "
        f"{sum(log.calls.values())} calls {dict(sorted(log.calls.items()))}; per turn "
        f"mean {statistics.mean(times):.1f} ms, median {statistics.median(times):.1f} ms, "
        f"max {max(times):.1f} ms"
    )


def test_status_and_refused_moves_write_nothing(store: Store) -> None:
    """A status question or a refused move changes nothing, so the store is not written."""
    echo = store.device(new_user())
    echo.launch()
    echo.say("StartWorkoutIntent", workout=FIVE_BASICS)
    writes = store.adapter.writes
    store.clock.advance(30)
    echo.say("WorkoutStatusIntent")
    echo.say("AMAZON.PreviousIntent")  # there is no exercise before the first
    assert store.adapter.writes == writes
    echo.say("ReadyIntent")
    assert store.adapter.writes == writes + 1


# ---------------------------------------------------------------- 4. outage during a workout


@dataclass
class OutageDialog:
    """One runner's workout while the store fails on chosen turns; every turn is checked."""

    store: Store
    outage: Outage
    echo: Device
    user: str
    lines: list[str] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    failed_calls: Counter[str] = field(default_factory=Counter)
    lost_writes: int = 0

    @property
    def history(self) -> str:
        """Every turn so far, one line each, for assertion messages."""
        return "\n".join(self.lines)

    def turn(self, kind: str, send: Callable[[], Reply], fault: str | None) -> Reply:
        """Send one turn with the store failing as `fault` says, and check the rules."""
        self.outage.fault, self.outage.failed = fault, []
        try:
            reply = send()  # check_response runs inside Device.send
        finally:
            self.outage.fault = None
        failed = list(self.outage.failed)
        noticed = NOT_SAVED in reply.text
        self.lines.append(
            f"turn {len(self.lines) + 1} {kind} fault={fault} failed={failed} "
            f"notice={noticed}: {reply.text[-120:]}"
        )
        history = self.history
        dirty = envelope(reply)["dirty"]
        assert reply.ssml, history
        assert noticed == dirty, f"the notice is said exactly when the store is behind\n{history}"
        if "PutItem" in failed:
            assert noticed, f"a failed write is owned up to\n{history}"
        if fault is None:
            assert not noticed, history
            # A healthy turn catches up: the item holds exactly what the session holds.
            snapshot = self.store.stored(self.user)
            assert snapshot is not None, history
            assert snapshot.record == unpack_record(envelope(reply)["record"]), history
        else:
            self.faults[fault] += 1
            self.failed_calls.update(failed)
            self.lost_writes += fault == "lost-response" and "PutItem" in failed
        return reply


def slots_left(library: Library, reply: Reply | None) -> float:
    """Slots the session's workout has still to perform (infinite before it has started).

    Read from the session, not the store: during an outage the store is behind.
    """
    state = None if reply is None else session_record(reply).active.get(DEVICE_A)
    if state is None:
        return math.inf
    return len(plan_of(library, state).slots) - state.position


@pytest.mark.dynamodb
def test_outage_during_a_workout_costs_only_a_sentence(
    dynamodb_local: DynamoDbLocalTable, library: Library
) -> None:
    """With DynamoDB failing at random turns every turn still answers, and nothing is lost."""
    # One attempt per call: the retry and its backoff are tested in test_persistence_dynamodb.py;
    # here every attempt of a failing turn fails anyway, and backoff sleeps would only slow it.
    client = dynamodb_local.client(attempts=1)
    clock = FakeClock(start=time.time())
    adapter = CountingAdapter(dynamodb_adapter(dynamodb_local, client, clock), clock)
    store = Store("dynamodb", adapter, clock, skill_over(adapter, clock, library))
    user = new_user()
    echo = store.device(user)
    dialog = OutageDialog(store, Outage(client), echo, user)
    rng = random.Random(OUTAGE_SEED)
    healthy_tail = 3  # the last sets run on a healthy store, so the session ends caught up

    def ready() -> Reply:
        return echo.say("ReadyIntent")

    script: list[tuple[str, Callable[[], Reply]]] = [
        ("launch", echo.launch),
        ("start", lambda: echo.say("StartWorkoutIntent", workout=CORE)),
        *[("ready", ready)] * 3,
        ("explain", lambda: echo.say("ExplainExerciseIntent", exercise=("plank", "plank"))),
        ("status", lambda: echo.say("WorkoutStatusIntent")),
    ]
    reply: Reply | None = None
    while reply is None or not reply.ends_session:
        number = len(dialog.lines)
        assert number < 100, "the workout did not finish"
        kind, send = script[number] if number < len(script) else ("ready", ready)
        down = number == 0 or (rng.random() < 0.4 and slots_left(library, reply) > healthy_tail)
        reply = dialog.turn(kind, send, rng.choice(FAULTS) if down else None)
        clock.advance(reply.seconds + 2)

    history = dialog.history
    assert set(dialog.faults) == set(FAULTS), f"the seed must hit every kind of fault\n{history}"
    assert dialog.failed_calls["GetItem"] >= 1, history
    assert dialog.failed_calls["PutItem"] >= 3, history
    assert (adapter.conflicts > 0) == (dialog.lost_writes > 0), (
        f"a write that landed unseen conflicts once on catching up, and merges\n{history}"
    )
    final = store.record(user)
    assert final == session_record(reply), "the item holds everything the session accepted"
    assert final.active == {}
    assert [(e.workout_id, e.finished) for e in final.history] == [(CORE[0], True)], history
    assert final.health_note_heard
    notices = sum(1 for line in dialog.lines if "notice=True" in line)
    print(
        f"\noutage: {len(dialog.lines)} turns, faults {dict(dialog.faults)}, "
        f"failed calls {dict(dialog.failed_calls)}, {notices} not-saved notices, "
        f"{adapter.conflicts} conflicts on catching up"
    )


# ---------------------------------------------------------------- 5. privacy


def test_skill_disabled_deletes_the_users_item(store: Store) -> None:
    """AlexaSkillEvent.SkillDisabled deletes the runner's item; the next launch starts afresh."""
    user = new_user()
    echo = store.device(user)
    echo.launch()
    echo.say("StartWorkoutIntent", workout=FIVE_BASICS)
    echo.say("AMAZON.StopIntent")
    assert store.stored(user) is not None
    other = new_user()
    store.device(other, DEVICE_B).launch()

    reply = echo.send(event("skill_disabled"))
    assert not reply.ssml
    assert store.stored(user) is None
    assert store.stored(other) is not None, "only the runner who disabled the skill is forgotten"
    assert store.adapter.deletes == 1
    assert "not medical advice" in echo.launch().text, "a returning runner starts from nothing"


@pytest.mark.dynamodb
def test_skill_disabled_leaves_nothing_in_dynamodb_local(
    dynamodb_local: DynamoDbLocalTable, library: Library
) -> None:
    """After SkillDisabled a raw GetItem on DynamoDB Local finds no item for the hashed user."""
    client = dynamodb_local.client()
    clock = FakeClock(start=time.time())
    entry = skill_over(dynamodb_adapter(dynamodb_local, client, clock), clock, library)
    user = new_user()
    echo = Device(entry, user_id=user, clock=clock)
    echo.launch()
    echo.say("StartWorkoutIntent", workout=FIVE_BASICS)
    key = {PARTITION_KEY: {"S": hash_user_id(user)}}
    item = client.get_item(TableName=dynamodb_local.table_name, Key=key, ConsistentRead=True)
    assert "Item" in item
    assert user not in json.dumps(item["Item"]), "the raw userId is never stored"

    echo.send(event("skill_disabled"))
    gone = client.get_item(TableName=dynamodb_local.table_name, Key=key, ConsistentRead=True)
    assert "Item" not in gone


@pytest.mark.dynamodb
def test_logs_never_contain_the_raw_user_id(
    dynamodb_local: DynamoDbLocalTable, library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG, a whole conversation with an outage and a skill disable never logs the userId."""
    client = dynamodb_local.client(attempts=1)
    outage = Outage(client)
    clock = FakeClock(start=time.time())
    entry = skill_over(dynamodb_adapter(dynamodb_local, client, clock), clock, library)
    user = new_user()
    kitchen = Device(entry, device_id=DEVICE_A, user_id=user, clock=clock)
    bedroom = Device(entry, device_id=DEVICE_B, user_id=user, clock=clock)
    caplog.set_level(logging.DEBUG)

    kitchen.launch()
    kitchen.say("StartWorkoutIntent", workout=FIVE_BASICS)
    do_sets(kitchen, clock, 2)
    outage.fault = "throttled"
    assert NOT_SAVED in kitchen.say("ReadyIntent").text
    outage.fault = None
    kitchen.say("AMAZON.StopIntent")
    kitchen.launch()  # reads the item ...
    bedroom.launch()
    bedroom.say("AMAZON.YesIntent")  # ... which the bedroom then changes
    kitchen.say("AMAZON.NoIntent")  # so the kitchen's write conflicts and merges
    kitchen.send(event("session_ended_error"))
    kitchen.send(event("skill_disabled"))

    records = caplog.records
    assert records, "the conversation logged nothing at DEBUG"
    leaks = [
        f"{r.name}: {r.getMessage()[:200]}"
        for r in records
        if user in r.getMessage() or user in str(r.args) or user in (r.exc_text or "")
    ]
    assert leaks == []
    assert user not in caplog.text
    short = log_key(hash_user_id(user))
    ours = [r for r in records if r.name.startswith("runner_strength")]
    assert any(short in r.getMessage() for r in ours), "log lines name the user by hash"
    assert any("failed" in r.getMessage() for r in ours), "the injected outage was logged"
