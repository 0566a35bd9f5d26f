"""The session-aware repository: round trips per turn, conflict merge, degraded mode.

Turns are simulated the way Alexa runs them: each turn gets a fresh ASK AttributesManager with
the adapter, and session attributes travel between turns as JSON.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter, AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.context import Context
from ask_sdk_model.device import Device
from ask_sdk_model.events.skillevents.skill_disabled_request import SkillDisabledRequest
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.system.system_state import SystemState
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_model.session import Session
from ask_sdk_model.user import User

from runner_strength.engine.record import HistoryEntry, Preferences, UserRecord
from runner_strength.engine.serialize import SCHEMA_VERSION, record_to_dict
from runner_strength.persistence import repository
from runner_strength.persistence.base import (
    OWNER_ATTRIBUTE,
    Snapshot,
    StorageUnavailable,
    VersionedAdapter,
    hash_user_id,
)
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from runner_strength.persistence.memory import MemoryAdapter
from runner_strength.persistence.repository import (
    MAX_CONFLICT_RETRIES,
    SESSION_KEY,
    Repository,
    SaveStatus,
    unpack_record,
    user_record_codec,
)

if TYPE_CHECKING:
    from ask_sdk_model.request import Request
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from conftest import DynamoDbLocalTable

# DynamoDB Local really deletes items whose TTL has passed, so test clocks start at the real
# time (read once); a fixed date in the past would let items vanish in the middle of a test.
NOW = time.time()


def clock() -> float:
    return NOW


class CountingAdapter(AbstractPersistenceAdapter):
    """Wraps a store: counts the calls the attributes manager makes; can be switched off."""

    def __init__(self, inner: VersionedAdapter) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        self.down = False

    def _check(self, name: str) -> None:
        self.calls[name] += 1
        if self.down:
            raise StorageUnavailable(f"{name}: injected outage")

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, object]:
        """Count, then read from the wrapped store."""
        self._check("get")
        return self.inner.get_attributes(request_envelope)

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, object]
    ) -> None:
        """Count, then write to the wrapped store."""
        self._check("save")
        self.inner.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Count, then delete from the wrapped store."""
        self._check("delete")
        self.inner.delete_attributes(request_envelope)


class AlwaysConflicting(CountingAdapter):
    """Every write loses the race against another device that keeps adding an intro."""

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, object]
    ) -> None:
        """Let a rival write first, then attempt ours (which conflicts)."""
        self._check("save")
        current = self.inner.get_attributes(request_envelope)
        rival = UserRecord(intros_heard=frozenset({f"rival-{self.calls['save']}"}))
        version = current.get("version", 0)
        assert isinstance(version, int)
        self.inner.save_attributes(
            request_envelope,
            Snapshot(version, SCHEMA_VERSION, record_to_dict(rival)).to_attributes(),
        )
        self.inner.save_attributes(request_envelope, attributes)


class Echo:
    """One Echo device of a household: sessions of turns against a shared store."""

    def __init__(self, adapter: AbstractPersistenceAdapter, uid: str, device_id: str) -> None:
        self.adapter = adapter
        self.uid = uid
        self.device_id = device_id
        self._attributes: dict[str, Any] | None = None
        self._session_id = ""
        self.end_session()

    def end_session(self) -> None:
        """The session ends (the runner stopped talking); the next turn opens a new one."""
        self._attributes = None
        self._session_id = f"session-{uuid.uuid4().hex}"

    def request(self, request: Request | None = None, *, in_session: bool = True) -> HandlerInput:
        """The HandlerInput of the next turn, as the ASK SDK builds it."""
        session = None
        if in_session:
            attributes = (
                None if self._attributes is None else json.loads(json.dumps(self._attributes))
            )
            session = Session(
                new=self._attributes is None,
                session_id=self._session_id,
                user=User(user_id=self.uid),
                attributes=attributes,
            )
        envelope = RequestEnvelope(
            version="1.0",
            session=session,
            context=Context(
                system=SystemState(
                    user=User(user_id=self.uid), device=Device(device_id=self.device_id)
                )
            ),
            request=request or IntentRequest(request_id=uuid.uuid4().hex, locale="en-US"),
        )
        return HandlerInput(envelope, AttributesManager(envelope, persistence_adapter=self.adapter))

    def done(self, handler_input: HandlerInput) -> None:
        """The turn's response went out: Alexa keeps its session attributes for the next turn."""
        self._attributes = handler_input.attributes_manager.session_attributes


@pytest.fixture
def uid() -> str:
    return f"amzn1.ask.account.TEST{uuid.uuid4().hex.upper()}"


@pytest.fixture
def store() -> MemoryAdapter:
    return MemoryAdapter(clock=clock, ttl_days=365)


@pytest.fixture
def counting(store: MemoryAdapter) -> CountingAdapter:
    return CountingAdapter(store)


@pytest.fixture
def repo() -> Repository[UserRecord]:
    return Repository(user_record_codec())


def session_of(handler_input: HandlerInput) -> dict[str, Any]:
    attributes = handler_input.attributes_manager.session_attributes
    assert attributes is not None
    return attributes


def session_of_echo(echo: Echo) -> dict[str, Any]:
    """The envelope the echo will send with its next turn."""
    assert echo._attributes is not None
    envelope: dict[str, Any] = echo._attributes[SESSION_KEY]
    return envelope


def heard(record: UserRecord, *exercise_ids: str) -> UserRecord:
    return replace(record, intros_heard=record.intros_heard | frozenset(exercise_ids))


def stored_record(store: VersionedAdapter, uid: str) -> tuple[int, UserRecord] | None:
    snapshot = store.read(hash_user_id(uid))
    if snapshot is None:
        return None
    return snapshot.version, user_record_codec().from_dict(snapshot.record)


def play_turn(echo: Echo, repo: Repository[UserRecord], *new_intros: str) -> SaveStatus:
    turn = echo.request()
    record = repo.load(turn).record
    status = repo.save(turn, heard(record, *new_intros)).status
    echo.done(turn)
    return status


def test_new_session_reads_once_and_later_turns_read_nothing(
    counting: CountingAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """Five turns of one session make exactly one store read, on the first turn."""
    echo = Echo(counting, uid, "kitchen")
    for _ in range(5):
        turn = echo.request()
        repo.load(turn)
        echo.done(turn)
    assert counting.calls == Counter(get=1)


def test_writes_happen_only_when_the_record_changed(
    counting: CountingAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """Unchanged turns (help, repeat) write nothing; each changing turn writes exactly once."""
    echo = Echo(counting, uid, "kitchen")
    changes = [("squat",), (), ("plank",), (), (), ("squat",), ("lunge", "bridge")]
    statuses = [play_turn(echo, repo, *intros) for intros in changes]
    assert statuses == [
        SaveStatus.SAVED,
        SaveStatus.UNCHANGED,
        SaveStatus.SAVED,
        SaveStatus.UNCHANGED,
        SaveStatus.UNCHANGED,
        SaveStatus.UNCHANGED,  # squat was already heard: no change
        SaveStatus.SAVED,
    ]
    assert counting.calls == Counter(get=1, save=3)


def test_a_turn_unpacks_its_session_record_at_most_once(
    store: MemoryAdapter, repo: Repository[UserRecord], uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load and save both read the envelope; its record is decompressed once per turn."""
    echo = Echo(store, uid, "kitchen")
    unpacked: list[str] = []

    def counted(packed: str) -> dict[str, Any]:
        unpacked.append(packed)
        return unpack_record(packed)

    monkeypatch.setattr(repository, "unpack_record", counted)
    assert play_turn(echo, repo, "squat") is SaveStatus.SAVED  # new session: packed, not unpacked
    assert unpacked == []
    # A fresh repository each turn, as after a cold start: nothing is remembered across turns.
    assert play_turn(echo, Repository(user_record_codec()), "plank") is SaveStatus.SAVED
    assert play_turn(echo, Repository(user_record_codec())) is SaveStatus.UNCHANGED
    assert len(unpacked) == 2


def test_a_warm_process_neither_unpacks_nor_decodes_the_record_it_wrote(
    store: MemoryAdapter, uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Turns of one process reuse the record they saved: no unpacking, decoding or re-encoding."""
    calls: Counter[str] = Counter()
    codec = user_record_codec()

    def from_dict(data: Any) -> UserRecord:
        calls["from_dict"] += 1
        return codec.from_dict(data)

    def to_dict(record: UserRecord) -> dict[str, Any]:
        calls["to_dict"] += 1
        return codec.to_dict(record)

    def counted(packed: str) -> dict[str, Any]:
        calls["unpack"] += 1
        return unpack_record(packed)

    monkeypatch.setattr(repository, "unpack_record", counted)
    warm = Repository(replace(codec, from_dict=from_dict, to_dict=to_dict))
    echo = Echo(store, uid, "kitchen")
    assert play_turn(echo, warm, "squat") is SaveStatus.SAVED
    first = Counter(calls)
    assert play_turn(echo, warm, "plank") is SaveStatus.SAVED
    turn = echo.request()
    assert warm.save(turn, warm.load(turn).record).status is SaveStatus.UNCHANGED
    echo.done(turn)
    later = calls - first
    assert later["unpack"] == 0
    assert later["from_dict"] == 0
    assert later["to_dict"] == 1  # the changed record, once; the one loaded and kept, not at all
    turn = echo.request()
    assert warm.load(turn).record.intros_heard == {"squat", "plank"}


def test_a_warm_process_does_not_decode_a_stored_record_it_has_seen(
    store: MemoryAdapter, uid: str
) -> None:
    """A runner's next session reads the store once but reuses the record decoded last time."""
    decoded: list[object] = []
    codec = user_record_codec()

    def from_dict(data: Any) -> UserRecord:
        decoded.append(data)
        return codec.from_dict(data)

    warm = Repository(replace(codec, from_dict=from_dict))
    echo = Echo(store, uid, "kitchen")
    play_turn(echo, warm, "squat")
    echo.end_session()
    first = echo.request()
    record = warm.load(first).record
    envelope = dict(session_of(first)[SESSION_KEY])
    echo.done(first)
    echo.end_session()
    decoded.clear()
    again = echo.request()
    loaded = warm.load(again)
    assert loaded.store_read
    assert decoded == []
    assert loaded.record is record
    assert session_of(again)[SESSION_KEY] == envelope


def test_resume_on_another_device_sees_the_last_write(
    store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """A record saved on device A, session ended, is what device B's new session loads."""
    kitchen, bedroom = Echo(store, uid, "kitchen"), Echo(store, uid, "bedroom")
    play_turn(kitchen, repo, "squat")
    turn = kitchen.request()
    repo.save(turn, replace(repo.load(turn).record, preferences=Preferences(quick=True)))
    kitchen.done(turn)
    kitchen.end_session()
    turn = bedroom.request()
    loaded = repo.load(turn)
    assert loaded.store_read
    assert loaded.record.intros_heard == {"squat"}
    assert loaded.record.preferences.quick
    assert loaded.version == 2


def test_session_attributes_hold_one_json_envelope(
    store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """The repository owns one JSON-safe envelope holding record and version, and the owner key."""
    echo = Echo(store, uid, "kitchen")
    turn = echo.request()
    session_of(turn)["handler_state"] = "kept"
    repo.save(turn, heard(repo.load(turn).record, "squat"))
    attributes = session_of(turn)
    assert set(attributes) == {SESSION_KEY, OWNER_ATTRIBUTE, "handler_state"}
    assert attributes[OWNER_ATTRIBUTE] == hash_user_id(uid)
    envelope = json.loads(json.dumps(attributes[SESSION_KEY]))
    assert envelope["version"] == 1
    assert envelope["dirty"] is False
    assert unpack_record(envelope["record"])["intros_heard"] == ["squat"]


def test_a_full_history_still_fits_alexas_response_limit(
    store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """A record with 50 history entries travels compressed: a small part of Alexa's 24 KB."""
    rng = random.Random(5)
    moves = [
        "bulgarian_split_squat",
        "copenhagen_plank",
        "single_leg_roller_hamstring_curl",
        "tibialis_posterior_band",
        "calf_raise",
        "squat",
        "plank",
        "step_up",
        "glute_bridge",
    ]
    history = tuple(
        HistoryEntry(
            id=uuid.UUID(int=rng.getrandbits(128)).hex,
            workout_id=rng.choice(["five_basics", "hips_and_hamstrings", "feet_and_ankles"]),
            started_at=NOW - rng.random() * 1e7,
            ended_at=NOW - rng.random() * 1e7,
            finished=rng.random() < 0.8,
            exercises_done=tuple(rng.sample(moves, 8)),
            skipped=tuple(rng.sample(moves, 1)),
        )
        for _ in range(50)
    )
    record = UserRecord(history=history, intros_heard=frozenset(moves))
    echo = Echo(store, uid, "kitchen")
    turn = echo.request()
    repo.load(turn)
    assert repo.save(turn, record).status is SaveStatus.SAVED
    raw_size = len(json.dumps(record_to_dict(record)))
    envelope_size = len(json.dumps(session_of(turn)[SESSION_KEY]))
    print(f"\nrecord JSON {raw_size} bytes, session envelope {envelope_size} bytes")
    assert raw_size > 15_000
    assert envelope_size < 6_000
    echo.done(turn)
    turn = echo.request()
    assert repo.load(turn).record == record


def test_a_damaged_envelope_is_ignored_and_the_store_read(
    counting: CountingAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """Session attributes that are not a valid envelope count as a new session: one read."""
    echo = Echo(counting, uid, "kitchen")
    play_turn(echo, repo, "squat")
    for damaged in (
        "not an envelope",
        {"format": 2, "version": 1},
        {**session_of_echo(echo), "record": "!!"},
    ):
        echo._attributes = {SESSION_KEY: damaged}
        turn = echo.request()
        assert repo.load(turn).record.intros_heard == {"squat"}
        echo.done(turn)
    assert counting.calls == Counter(get=4, save=1)


def test_two_devices_conflict_and_both_changes_survive(
    store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """Devices A and B write on the same version: B's save conflicts, merges, and keeps both."""
    kitchen, bedroom = Echo(store, uid, "kitchen"), Echo(store, uid, "bedroom")
    play_turn(kitchen, repo, "squat")
    a, b = kitchen.request(), bedroom.request()
    record_a, record_b = repo.load(a).record, repo.load(b).record
    assert repo.save(a, heard(record_a, "plank")).status is SaveStatus.SAVED
    saved_b = repo.save(b, heard(record_b, "lunge"))
    assert saved_b.status is SaveStatus.SAVED
    assert saved_b.conflicts == 1
    assert saved_b.record.intros_heard == {"squat", "plank", "lunge"}
    kitchen.done(a)
    # A's session still holds version 2; its next change conflicts too and merges B's work in.
    assert play_turn(kitchen, repo, "bridge") is SaveStatus.SAVED
    assert stored_record(store, uid) == (
        4,
        UserRecord(intros_heard=frozenset({"squat", "plank", "lunge", "bridge"})),
    )


def test_conflict_retries_are_bounded(
    store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """Against a store where every write loses, save gives up after the bound, keeps ours dirty."""
    adapter = AlwaysConflicting(store)
    echo = Echo(adapter, uid, "kitchen")
    turn = echo.request()
    saved = repo.save(turn, heard(repo.load(turn).record, "squat"))
    assert saved.status is SaveStatus.NOT_SAVED
    assert saved.not_saved
    assert saved.conflicts == MAX_CONFLICT_RETRIES + 1
    assert adapter.calls["save"] == MAX_CONFLICT_RETRIES + 1
    assert "squat" in saved.record.intros_heard
    assert session_of(turn)[SESSION_KEY]["dirty"] is True


def test_outage_on_save_keeps_the_turn_and_the_next_turn_catches_up(
    counting: CountingAdapter, store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """A failed save says "not saved", the session keeps the change, the next save writes it."""
    echo = Echo(counting, uid, "kitchen")
    play_turn(echo, repo, "squat")
    counting.down = True
    assert play_turn(echo, repo, "plank") is SaveStatus.NOT_SAVED
    assert play_turn(echo, repo) is SaveStatus.NOT_SAVED  # still dirty, still down
    counting.down = False
    turn = echo.request()
    loaded = repo.load(turn)
    assert loaded.record.intros_heard == {"squat", "plank"}
    assert repo.save(turn, loaded.record).status is SaveStatus.SAVED  # unchanged, but dirty
    assert stored_record(store, uid) == (2, UserRecord(intros_heard=frozenset({"squat", "plank"})))
    assert counting.calls == Counter(get=1, save=4)


def test_outage_on_the_first_read_serves_a_fresh_record_then_merges(
    counting: CountingAdapter, store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """A new session that cannot read still answers; once the store is back, both sides merge."""
    play_turn(Echo(store, uid, "kitchen"), repo, "squat")
    echo = Echo(counting, uid, "bedroom")
    counting.down = True
    turn = echo.request()
    loaded = repo.load(turn)
    assert not loaded.available
    assert loaded.record == UserRecord()
    assert repo.save(turn, heard(loaded.record, "plank")).not_saved
    assert counting.calls == Counter(get=1)  # one failed call per turn, no doomed write after it
    echo.done(turn)
    counting.down = False
    turn = echo.request()
    loaded = repo.load(turn)
    assert loaded.available
    assert loaded.store_read
    assert loaded.record.intros_heard == {"squat", "plank"}
    assert repo.save(turn, loaded.record).status is SaveStatus.SAVED
    assert stored_record(store, uid) == (2, UserRecord(intros_heard=frozenset({"squat", "plank"})))


def test_unreadable_stored_record_is_never_overwritten(
    store: MemoryAdapter, repo: Repository[UserRecord], uid: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A record from a newer schema (a rollback) degrades the turn but is left as it is."""
    newer = {"schema_version": SCHEMA_VERSION + 1, "shiny": True}
    store.write(hash_user_id(uid), Snapshot(0, SCHEMA_VERSION + 1, newer))
    echo = Echo(store, uid, "kitchen")
    turn = echo.request()
    loaded = repo.load(turn)
    assert not loaded.available
    assert repo.save(turn, heard(loaded.record, "squat")).not_saved
    echo.done(turn)
    assert play_turn(echo, repo, "plank") is SaveStatus.NOT_SAVED
    assert store.read(hash_user_id(uid)) == Snapshot(1, SCHEMA_VERSION + 1, newer)
    assert "unreadable stored record" in caplog.text
    assert uid not in caplog.text


def test_save_without_load_merges_with_what_is_stored(
    store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """A handler that saves without loading first still loses nothing already stored."""
    play_turn(Echo(store, uid, "kitchen"), repo, "squat")
    turn = Echo(store, uid, "bedroom").request()
    saved = repo.save(turn, UserRecord(intros_heard=frozenset({"plank"})))
    assert saved.status is SaveStatus.SAVED
    assert saved.conflicts == 1
    assert stored_record(store, uid) == (2, UserRecord(intros_heard=frozenset({"squat", "plank"})))


def test_out_of_session_request_loads_and_saves_without_conflict(
    counting: CountingAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """Events without a session (no session attributes) still save on the version they read."""
    echo = Echo(counting, uid, "kitchen")
    play_turn(echo, repo, "squat")
    turn = echo.request(in_session=False)
    saved = repo.save(turn, heard(repo.load(turn).record, "plank"))
    assert saved.status is SaveStatus.SAVED
    assert saved.conflicts == 0
    assert counting.calls == Counter(get=2, save=2)


def test_forget_deletes_the_item(
    counting: CountingAdapter, store: MemoryAdapter, repo: Repository[UserRecord], uid: str
) -> None:
    """SkillDisabled (no session) deletes the runner's item; an outage reports False instead."""
    echo = Echo(counting, uid, "kitchen")
    play_turn(echo, repo, "squat")
    disabled = echo.request(SkillDisabledRequest(request_id="r", locale="en-US"), in_session=False)
    counting.down = True
    assert repo.forget(disabled) is False
    counting.down = False
    assert repo.forget(disabled) is True
    assert store.read(hash_user_id(uid)) is None


def test_logs_never_contain_the_raw_user_id(
    counting: CountingAdapter,
    repo: Repository[UserRecord],
    uid: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Outages and conflicts are logged by hashed key only."""
    # On the package logger: an earlier test may have set its level (LOG_LEVEL) above INFO.
    caplog.set_level(logging.DEBUG, logger="runner_strength")
    kitchen, bedroom = Echo(counting, uid, "kitchen"), Echo(counting, uid, "bedroom")
    play_turn(kitchen, repo, "squat")
    play_turn(bedroom, repo, "plank")
    play_turn(kitchen, repo, "lunge")  # conflicts with bedroom's write
    counting.down = True
    play_turn(kitchen, repo, "bridge")
    counting.down = False
    echo = Echo(AlwaysConflicting(counting.inner), uid, "hall")
    play_turn(echo, repo, "tibialis_raise")
    assert "version conflict" in caplog.text
    assert uid not in caplog.text


# ---------------------------------------------------------------- against DynamoDB Local


def count_api_calls(client: DynamoDBClient) -> Counter[str]:
    """A counter of the DynamoDB requests a client sends over the wire, by operation."""
    calls: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    client.meta.events.register("before-send.dynamodb", count)
    return calls


@pytest.fixture
def dynamo(dynamodb_local: DynamoDbLocalTable) -> tuple[DynamoDbAdapter, Counter[str]]:
    client = dynamodb_local.client()
    return (
        DynamoDbAdapter(client, dynamodb_local.table_name, clock=clock, ttl_days=365),
        count_api_calls(client),
    )


@pytest.mark.dynamodb
def test_dynamodb_calls_per_turn_over_two_sessions(
    dynamo: tuple[DynamoDbAdapter, Counter[str]], repo: Repository[UserRecord], uid: str
) -> None:
    """Against DynamoDB Local: one GetItem per session, one PutItem per changing turn, no more."""
    adapter, calls = dynamo
    echo = Echo(adapter, uid, "kitchen")
    per_turn: list[dict[str, int]] = []
    changes = [("squat",), (), ("plank",), (), ("lunge",), ()]
    for intros in changes:
        before = Counter(calls)
        play_turn(echo, repo, *intros)
        per_turn.append(dict(calls - before))
    echo.end_session()
    for intros in changes[:2]:
        before = Counter(calls)
        play_turn(echo, repo, *(f"{i}-2" for i in intros))
        per_turn.append(dict(calls - before))
    assert per_turn == [
        {"GetItem": 1, "PutItem": 1},
        {},
        {"PutItem": 1},
        {},
        {"PutItem": 1},
        {},
        {"GetItem": 1, "PutItem": 1},
        {},
    ]


@pytest.mark.dynamodb
def test_dynamodb_outage_keeps_every_turn_and_catches_up(
    dynamodb_local: DynamoDbLocalTable, repo: Repository[UserRecord], uid: str
) -> None:
    """With the endpoint down every turn still gets its record; the first one back saves it all."""
    live = DynamoDbAdapter(
        dynamodb_local.client(), dynamodb_local.table_name, clock=clock, ttl_days=365
    )
    dead_client = dynamodb_local.client("http://127.0.0.1:9")
    dead = DynamoDbAdapter(dead_client, dynamodb_local.table_name, clock=clock, ttl_days=365)
    dead_calls = count_api_calls(dead_client)
    echo = Echo(live, uid, "kitchen")
    play_turn(echo, repo, "squat")
    echo.adapter = dead
    statuses = [play_turn(echo, repo, exercise) for exercise in ("plank", "lunge", "bridge")]
    assert statuses == [SaveStatus.NOT_SAVED] * 3
    assert dead_calls == Counter(PutItem=3 * 2)  # one failing call per turn, two attempts each
    echo.adapter = live
    assert play_turn(echo, repo) is SaveStatus.SAVED
    assert stored_record(live, uid) == (
        2,
        UserRecord(intros_heard=frozenset({"squat", "plank", "lunge", "bridge"})),
    )


@pytest.mark.dynamodb
@pytest.mark.slow
def test_two_devices_in_two_threads_lose_no_update(
    dynamodb_local: DynamoDbLocalTable, uid: str
) -> None:
    """Two Echos in two threads save 200 changes in lockstep: conflicts merge, none is lost."""
    adapter = DynamoDbAdapter(
        dynamodb_local.client(), dynamodb_local.table_name, clock=clock, ttl_days=365
    )
    repo = Repository(user_record_codec(), max_conflict_retries=10)
    rounds = 100
    barrier = threading.Barrier(2, timeout=60)
    conflicts: Counter[str] = Counter()
    not_saved: list[str] = []

    def device(name: str) -> None:
        echo = Echo(adapter, uid, name)
        for i in range(rounds):
            turn = echo.request()
            record = repo.load(turn).record
            barrier.wait()  # both write on the version they hold: one of them must conflict
            saved = repo.save(turn, heard(record, f"{name}-{i}"))
            conflicts[name] += saved.conflicts
            if saved.not_saved:
                not_saved.append(f"{name}-{i}")
            echo.done(turn)

    threads = [threading.Thread(target=device, args=(name,)) for name in ("kitchen", "bedroom")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = stored_record(adapter, uid)
    assert found is not None
    expected = {f"{name}-{i}" for name in ("kitchen", "bedroom") for i in range(rounds)}
    assert not_saved == []
    assert found[1].intros_heard == expected
    assert conflicts.total() >= rounds
    print(f"\n{2 * rounds} updates, {conflicts.total()} conflicts merged ({dict(conflicts)})")
