"""One contract, three stores: memory, SQLite and DynamoDB Local behave the same."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sqlite3
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model.context import Context
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.system.system_state import SystemState
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_model.session import Session
from ask_sdk_model.user import User
from boto3.dynamodb.types import TypeDeserializer

from runner_strength.persistence.base import (
    SECONDS_PER_DAY,
    Snapshot,
    StorageUnavailable,
    VersionConflict,
    VersionedAdapter,
    user_key,
)
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from runner_strength.persistence.memory import MemoryAdapter
from runner_strength.persistence.schema import (
    PARTITION_KEY,
    RECORD_ATTRIBUTE,
    SCHEMA_ATTRIBUTE,
    TTL_ATTRIBUTE,
    VERSION_ATTRIBUTE,
)
from runner_strength.persistence.sqlite import TABLE, SqliteAdapter

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import DynamoDbLocalTable

TTL_DAYS = 30
# DynamoDB Local really deletes items whose TTL has passed, so test clocks start at the real
# time (read once); a fixed date in the past would let items vanish in the middle of a test.
START = math.floor(time.time()) + 0.25


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        """The current fake time, epoch seconds."""
        return self.now


@dataclass
class Store:
    """An adapter under test and a way to look at its raw stored item, bypassing the adapter."""

    name: str
    adapter: VersionedAdapter
    raw_item: Callable[[str], dict[str, Any] | None]
    clock: FakeClock


def _memory(clock: FakeClock) -> Store:
    adapter = MemoryAdapter(clock=clock, ttl_days=TTL_DAYS)

    def raw(key: str) -> dict[str, Any] | None:
        item = adapter._items.get(key)
        if item is None:
            return None
        return {
            PARTITION_KEY: key,
            VERSION_ATTRIBUTE: item.version,
            SCHEMA_ATTRIBUTE: item.schema_version,
            TTL_ATTRIBUTE: item.expires_at,
            RECORD_ATTRIBUTE: item.record,
        }

    return Store("memory", adapter, raw, clock)


def _sqlite(clock: FakeClock, path: Path) -> Store:
    adapter = SqliteAdapter(path, clock=clock, ttl_days=TTL_DAYS)

    def raw(key: str) -> dict[str, Any] | None:
        with sqlite3.connect(path) as conn:
            conn.row_factory = sqlite3.Row
            query = f"SELECT * FROM {TABLE} WHERE {PARTITION_KEY} = ?"  # noqa: S608 -- constants
            row = conn.execute(query, (key,)).fetchone()
        return None if row is None else dict(row)

    return Store("sqlite", adapter, raw, clock)


def _dynamodb(clock: FakeClock, local: DynamoDbLocalTable) -> Store:
    client = local.client()
    adapter = DynamoDbAdapter(client, local.table_name, clock=clock, ttl_days=TTL_DAYS)
    deserializer = TypeDeserializer()

    def raw(key: str) -> dict[str, Any] | None:
        item = client.get_item(
            TableName=local.table_name, Key={PARTITION_KEY: {"S": key}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        plain = {name: deserializer.deserialize(value) for name, value in item.items()}
        return {k: int(v) if isinstance(v, Decimal) else v for k, v in plain.items()}

    return Store("dynamodb", adapter, raw, clock)


@pytest.fixture(params=["memory", "sqlite", pytest.param("dynamodb", marks=pytest.mark.dynamodb)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    clock = FakeClock()
    if request.param == "memory":
        return _memory(clock)
    if request.param == "sqlite":
        return _sqlite(clock, tmp_path / "state" / "state.sqlite3")
    return _dynamodb(clock, request.getfixturevalue("dynamodb_local"))


@pytest.fixture
def uid() -> str:
    # A fresh Alexa-style userId per test keeps tests on a shared table independent.
    return f"amzn1.ask.account.TEST{uuid.uuid4().hex.upper()}"


def request_for(uid: str) -> RequestEnvelope:
    return RequestEnvelope(
        version="1.0",
        session=Session(new=True, session_id="s", user=User(user_id=uid), attributes={}),
        context=Context(system=SystemState(user=User(user_id=uid))),
        request=IntentRequest(request_id="r", locale="en-US"),
    )


def attrs(version: int, record: dict[str, Any], schema_version: int = 1) -> dict[str, object]:
    return Snapshot(version, schema_version, record).to_attributes()


def test_unknown_user_has_no_attributes(store: Store, uid: str) -> None:
    """A runner who never saved anything reads as an empty dict."""
    assert store.adapter.get_attributes(request_for(uid)) == {}


def test_save_then_get_round_trips_record_version_and_schema(store: Store, uid: str) -> None:
    """A first save creates version 1 and reads back the same record and schema version."""
    record = {"active": {"dev": {"position": 3, "side": "left"}}, "ratio": 0.5, "tags": ["a"]}
    saved = attrs(0, record, schema_version=7)
    store.adapter.save_attributes(request_for(uid), saved)
    assert saved[VERSION_ATTRIBUTE] == 1
    assert store.adapter.get_attributes(request_for(uid)) == attrs(1, record, schema_version=7)


def test_every_save_increments_the_version(store: Store, uid: str) -> None:
    """Each successful conditional write bumps the version by exactly one."""
    envelope = request_for(uid)
    for expected in range(1, 5):
        saved = attrs(expected - 1, {"n": expected})
        store.adapter.save_attributes(envelope, saved)
        assert saved[VERSION_ATTRIBUTE] == expected
    assert store.adapter.get_attributes(envelope) == attrs(4, {"n": 4})


def test_stale_version_is_a_conflict_carrying_the_current_item(store: Store, uid: str) -> None:
    """Writing on a version that is no longer stored raises VersionConflict and changes nothing."""
    envelope = request_for(uid)
    store.adapter.save_attributes(envelope, attrs(0, {"by": "A"}))
    store.adapter.save_attributes(envelope, attrs(1, {"by": "B"}))
    with pytest.raises(VersionConflict) as caught:
        store.adapter.save_attributes(envelope, attrs(1, {"by": "A again"}))
    assert caught.value.expected == 1
    assert caught.value.current == Snapshot(2, 1, {"by": "B"})
    assert store.adapter.get_attributes(envelope) == attrs(2, {"by": "B"})


def test_creating_an_existing_item_is_a_conflict(store: Store, uid: str) -> None:
    """Two devices creating the first item at once: the second create (version 0) is refused."""
    envelope = request_for(uid)
    store.adapter.save_attributes(envelope, attrs(0, {"by": "A"}))
    with pytest.raises(VersionConflict) as caught:
        store.adapter.save_attributes(envelope, attrs(0, {"by": "B"}))
    assert caught.value.current == Snapshot(1, 1, {"by": "A"})


def test_updating_a_missing_item_is_a_conflict_with_no_current(store: Store, uid: str) -> None:
    """A write on version 3 when the item is gone conflicts and reports that nothing is stored."""
    with pytest.raises(VersionConflict) as caught:
        store.adapter.save_attributes(request_for(uid), attrs(3, {"x": 1}))
    assert caught.value.current is None
    assert store.raw_item(user_key(request_for(uid))) is None


def test_delete_removes_the_item_and_tolerates_a_missing_one(store: Store, uid: str) -> None:
    """Delete (skill disabled) removes the item; deleting again is fine; a new item starts at 1."""
    envelope = request_for(uid)
    store.adapter.save_attributes(envelope, attrs(0, {"x": 1}))
    store.adapter.delete_attributes(envelope)
    assert store.adapter.get_attributes(envelope) == {}
    store.adapter.delete_attributes(envelope)
    saved = attrs(0, {"x": 2})
    store.adapter.save_attributes(envelope, saved)
    assert saved[VERSION_ATTRIBUTE] == 1


def test_ttl_is_set_from_the_clock_on_every_write(store: Store, uid: str) -> None:
    """expires_at is whole epoch seconds, ttl_days after the write, and moves on with each write."""
    envelope = request_for(uid)
    key = user_key(envelope)
    store.adapter.save_attributes(envelope, attrs(0, {"x": 1}))
    item = store.raw_item(key)
    assert item is not None
    assert item[TTL_ATTRIBUTE] == math.ceil(START) + TTL_DAYS * SECONDS_PER_DAY
    store.clock.now += 3 * SECONDS_PER_DAY
    store.adapter.save_attributes(envelope, attrs(1, {"x": 2}))
    item = store.raw_item(key)
    assert item is not None
    assert item[TTL_ATTRIBUTE] == math.ceil(START) + (TTL_DAYS + 3) * SECONDS_PER_DAY


def test_item_attributes_follow_schema_and_the_key_is_the_hashed_user_id(
    store: Store, uid: str
) -> None:
    """The stored item has exactly schema.py's attributes, keyed by SHA-256(userId), no raw id."""
    envelope = request_for(uid)
    record = {"note": "résumé", "n": 1.5}
    store.adapter.save_attributes(envelope, attrs(0, record, schema_version=3))
    key = hashlib.sha256(uid.encode()).hexdigest()
    assert user_key(envelope) == key
    item = store.raw_item(key)
    assert item is not None
    assert set(item) == {
        PARTITION_KEY,
        VERSION_ATTRIBUTE,
        SCHEMA_ATTRIBUTE,
        TTL_ATTRIBUTE,
        RECORD_ATTRIBUTE,
    }
    assert item[PARTITION_KEY] == key
    assert item[VERSION_ATTRIBUTE] == 1
    assert item[SCHEMA_ATTRIBUTE] == 3
    assert isinstance(item[RECORD_ATTRIBUTE], str)
    assert json.loads(item[RECORD_ATTRIBUTE]) == record
    assert uid not in json.dumps(item, default=str)


def test_users_are_independent(store: Store, uid: str) -> None:
    """Two runners' items never interfere: versions and records are per user."""
    other = uid + "-other"
    store.adapter.save_attributes(request_for(uid), attrs(0, {"who": "one"}))
    store.adapter.save_attributes(request_for(other), attrs(0, {"who": "two"}))
    store.adapter.save_attributes(request_for(other), attrs(1, {"who": "two, again"}))
    assert store.adapter.get_attributes(request_for(uid)) == attrs(1, {"who": "one"})
    assert store.adapter.get_attributes(request_for(other)) == attrs(2, {"who": "two, again"})


def test_works_behind_the_ask_attributes_manager(store: Store, uid: str) -> None:
    """The ASK SDK's AttributesManager reads, saves and then saves again without self-conflict."""
    manager = AttributesManager(request_for(uid), persistence_adapter=store.adapter)
    assert manager.persistent_attributes == {}
    manager.persistent_attributes = attrs(0, {"turn": 1})
    manager.save_persistent_attributes()
    manager.persistent_attributes[RECORD_ATTRIBUTE] = {"turn": 2}
    manager.save_persistent_attributes()
    fresh = AttributesManager(request_for(uid), persistence_adapter=store.adapter)
    assert fresh.persistent_attributes == attrs(2, {"turn": 2})
    fresh.delete_persistent_attributes()
    assert store.adapter.get_attributes(request_for(uid)) == {}


def test_malformed_attributes_are_rejected_before_any_write(store: Store, uid: str) -> None:
    """A bool version, a negative version or a missing record is a caller bug, not a write."""
    envelope = request_for(uid)
    bad: list[dict[str, object]] = [
        {VERSION_ATTRIBUTE: True, SCHEMA_ATTRIBUTE: 1, RECORD_ATTRIBUTE: {}},
        {VERSION_ATTRIBUTE: -1, SCHEMA_ATTRIBUTE: 1, RECORD_ATTRIBUTE: {}},
        {VERSION_ATTRIBUTE: 0, SCHEMA_ATTRIBUTE: 1},
        {VERSION_ATTRIBUTE: 0, RECORD_ATTRIBUTE: {}},
        {VERSION_ATTRIBUTE: 0, SCHEMA_ATTRIBUTE: 1, RECORD_ATTRIBUTE: {"x": float("nan")}},
    ]
    for attributes in bad:
        with pytest.raises(PersistenceException):
            store.adapter.save_attributes(envelope, attributes)
    assert store.raw_item(user_key(envelope)) is None


def test_logs_never_contain_the_raw_user_id(
    store: Store, uid: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Conflict log lines name the user by a hash prefix only."""
    envelope = request_for(uid)
    caplog.set_level(logging.DEBUG)
    store.adapter.save_attributes(envelope, attrs(0, {"x": 1}))
    with pytest.raises(VersionConflict) as caught:
        store.adapter.save_attributes(envelope, attrs(0, {"x": 2}))
    assert uid not in caplog.text
    assert uid not in str(caught.value)


def test_request_without_a_user_id_is_refused(store: Store) -> None:
    """A request with no userId anywhere cannot be keyed, so it is an error, not a shared item."""
    envelope = RequestEnvelope(version="1.0", context=Context(system=SystemState()))
    with pytest.raises(PersistenceException):
        store.adapter.get_attributes(envelope)


def test_errors_are_ask_persistence_exceptions() -> None:
    """VersionConflict and StorageUnavailable are the ASK SDK's PersistenceException."""
    assert issubclass(VersionConflict, PersistenceException)
    assert issubclass(StorageUnavailable, PersistenceException)
