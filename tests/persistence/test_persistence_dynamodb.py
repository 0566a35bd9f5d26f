"""The DynamoDB store's client settings, error mapping and outages (Stubber and fault injection)."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from botocore.stub import ANY, Stubber

from runner_strength.config import Config
from runner_strength.persistence.base import Snapshot, StorageUnavailable, VersionConflict
from runner_strength.persistence.dynamodb import (
    CONNECT_TIMEOUT_SECONDS,
    READ_TIMEOUT_SECONDS,
    TOTAL_MAX_ATTEMPTS,
    DynamoDbAdapter,
    build_dynamodb_client,
)
from runner_strength.persistence.factory import build_adapter
from runner_strength.persistence.schema import (
    PARTITION_KEY,
    RECORD_ATTRIBUTE,
    SCHEMA_ATTRIBUTE,
    TTL_ATTRIBUTE,
    VERSION_ATTRIBUTE,
)
from runner_strength.persistence.sqlite import SqliteAdapter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from mypy_boto3_dynamodb.client import DynamoDBClient

    from conftest import DynamoDbLocalTable

# DynamoDB Local deletes items whose TTL has passed, so the clock starts at the real time.
NOW = time.time()
TABLE = "state"
KEY = "0" * 64
ALEXA_TURN_BUDGET_SECONDS = 8.0


def clock() -> float:
    return NOW


def dummy_session() -> botocore.session.Session:
    session = botocore.session.get_session()
    session.set_credentials("test", "test")  # a dummy for stubbed and local endpoints
    session.set_config_variable("region", "us-east-1")
    return session


def client_for(endpoint: str) -> DynamoDBClient:
    """A client built exactly as production builds it, pointed at `endpoint`."""
    config = Config.from_env({"TABLE_NAME": TABLE, "AWS_ENDPOINT_URL_DYNAMODB": endpoint})
    return build_dynamodb_client(config, session=dummy_session())


def dead_endpoint() -> str:
    """A loopback URL where nothing listens (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def stubbed() -> Iterator[tuple[DynamoDbAdapter, Stubber]]:
    client = client_for(dead_endpoint())
    with Stubber(client) as stubber:
        yield DynamoDbAdapter(client, TABLE, clock=clock, ttl_days=365), stubber
        stubber.assert_no_pending_responses()


def item(version: int, record: dict[str, Any]) -> dict[str, Any]:
    return {
        PARTITION_KEY: {"S": KEY},
        VERSION_ATTRIBUTE: {"N": str(version)},
        SCHEMA_ATTRIBUTE: {"N": "1"},
        TTL_ATTRIBUTE: {"N": "1"},
        RECORD_ATTRIBUTE: {"S": json.dumps(record)},
    }


class Faults:
    """Fault injection on a real client: the first `count` attempts fail with `fault`."""

    def __init__(self, client: DynamoDBClient, fault: str, count: int = 1_000) -> None:
        self.fault = fault
        self.remaining = count
        self.attempts = 0
        client.meta.events.register("before-send.dynamodb", self._before_send)

    def _before_send(self, request: Any, **_: Any) -> Any:
        # Returning a response from a before-send handler replaces the HTTP round trip.
        self.attempts += 1
        if self.remaining <= 0:
            return None  # let the request through to the real endpoint
        self.remaining -= 1
        if self.fault == "read-timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        if self.fault == "connect-timeout":
            raise ConnectTimeoutError(endpoint_url=request.url)
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "Rate of requests exceeds the allowed throughput.",
            }
        ).encode()
        headers = HTTPHeaders()
        headers["x-amzn-requestid"] = "fault"
        return AWSResponse(request.url, 400, headers, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def test_client_has_short_timeouts_and_bounded_standard_retries() -> None:
    """The production client gives up fast: 1 s connect, 2 s read, 2 attempts in standard mode."""
    config = vars(client_for("http://127.0.0.1:9").meta.config)
    assert config["connect_timeout"] == CONNECT_TIMEOUT_SECONDS == 1.0
    assert config["read_timeout"] == READ_TIMEOUT_SECONDS == 2.0
    assert config["retries"] == {"mode": "standard", "total_max_attempts": TOTAL_MAX_ATTEMPTS}
    assert TOTAL_MAX_ATTEMPTS == 2


def test_put_is_conditional_on_the_version_read(stubbed: tuple[DynamoDbAdapter, Stubber]) -> None:
    """An update is a PutItem conditional on the stored version; a create on no item existing."""
    adapter, stubber = stubbed
    common = {"TableName": TABLE, "Item": ANY, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
    stubber.add_response(
        "put_item",
        {},
        {
            **common,
            "ConditionExpression": "attribute_not_exists(#pk)",
            "ExpressionAttributeNames": {"#pk": PARTITION_KEY},
        },
    )
    stubber.add_response(
        "put_item",
        {},
        {
            **common,
            "ConditionExpression": "#v = :expected",
            "ExpressionAttributeNames": {"#v": VERSION_ATTRIBUTE},
            "ExpressionAttributeValues": {":expected": {"N": "1"}},
        },
    )
    assert adapter.write(KEY, Snapshot(0, 1, {"a": 1})) == 1
    assert adapter.write(KEY, Snapshot(1, 1, {"a": 2})) == 2


def test_conflict_uses_the_item_returned_with_the_failure(
    stubbed: tuple[DynamoDbAdapter, Stubber],
) -> None:
    """Real DynamoDB returns the conflicting item (ALL_OLD): no extra GetItem is made."""
    adapter, stubber = stubbed
    stubber.add_client_error(
        "put_item",
        service_error_code="ConditionalCheckFailedException",
        http_status_code=400,
        modeled_fields={"Item": item(5, {"by": "other device"})},
    )
    with pytest.raises(VersionConflict) as caught:
        adapter.write(KEY, Snapshot(4, 1, {"by": "us"}))
    assert caught.value.current == Snapshot(5, 1, {"by": "other device"})


def test_conflict_without_returned_item_reads_it(stubbed: tuple[DynamoDbAdapter, Stubber]) -> None:
    """Endpoints that omit the item (DynamoDB Local) cost one strongly consistent GetItem."""
    adapter, stubber = stubbed
    stubber.add_client_error(
        "put_item", service_error_code="ConditionalCheckFailedException", http_status_code=400
    )
    stubber.add_response(
        "get_item",
        {"Item": item(5, {"by": "other device"})},
        {"TableName": TABLE, "Key": {PARTITION_KEY: {"S": KEY}}, "ConsistentRead": True},
    )
    with pytest.raises(VersionConflict) as caught:
        adapter.write(KEY, Snapshot(4, 1, {"by": "us"}))
    assert caught.value.current == Snapshot(5, 1, {"by": "other device"})


@pytest.mark.parametrize(
    ("operation", "code", "status", "transient"),
    [
        ("get_item", "ProvisionedThroughputExceededException", 400, True),
        ("put_item", "ThrottlingException", 400, True),
        ("put_item", "RequestLimitExceeded", 400, True),
        ("get_item", "InternalServerError", 500, True),
        ("delete_item", "ServiceUnavailable", 503, True),
        ("get_item", "ResourceNotFoundException", 400, False),
        ("put_item", "AccessDeniedException", 400, False),
    ],
)
def test_service_errors_become_storage_unavailable(
    stubbed: tuple[DynamoDbAdapter, Stubber],
    caplog: pytest.LogCaptureFixture,
    *,
    operation: str,
    code: str,
    status: int,
    transient: bool,
) -> None:
    """Throttling and 5xx are transient outages; a missing table or denied access are permanent."""
    adapter, stubber = stubbed
    stubber.add_client_error(operation, service_error_code=code, http_status_code=status)
    calls: dict[str, Callable[[], object]] = {
        "get_item": lambda: adapter.read(KEY),
        "put_item": lambda: adapter.write(KEY, Snapshot(1, 1, {})),
        "delete_item": lambda: adapter.delete(KEY),
    }
    with pytest.raises(StorageUnavailable) as caught:
        calls[operation]()
    assert caught.value.transient is transient
    assert code in caplog.text
    assert caplog.records[-1].levelno == (logging.WARNING if transient else logging.ERROR)


def test_malformed_item_is_reported_not_overwritten(
    stubbed: tuple[DynamoDbAdapter, Stubber],
) -> None:
    """An item whose record is not JSON is a permanent StorageUnavailable, never a crash."""
    adapter, stubber = stubbed
    broken = item(1, {})
    broken[RECORD_ATTRIBUTE] = {"S": "{not json"}
    stubber.add_response("get_item", {"Item": broken})
    with pytest.raises(StorageUnavailable) as caught:
        adapter.read(KEY)
    assert caught.value.transient is False


@pytest.mark.parametrize("fault", ["read-timeout", "connect-timeout", "throttled"])
def test_persistent_faults_are_retried_once_then_unavailable(fault: str) -> None:
    """Timeouts and throttling are retried within the bound, then raise StorageUnavailable."""
    client = client_for(dead_endpoint())
    faults = Faults(client, fault)
    adapter = DynamoDbAdapter(client, TABLE, clock=clock, ttl_days=365)
    began = time.perf_counter()
    with pytest.raises(StorageUnavailable) as caught:
        adapter.write(KEY, Snapshot(0, 1, {}))
    assert caught.value.transient
    assert faults.attempts == TOTAL_MAX_ATTEMPTS
    assert time.perf_counter() - began < 3.0  # the backoff between the two attempts is < 1 s


@pytest.mark.dynamodb
@pytest.mark.parametrize("fault", ["read-timeout", "throttled"])
def test_a_single_fault_is_absorbed_by_the_retry(
    dynamodb_local: DynamoDbLocalTable, fault: str
) -> None:
    """One throttled or timed-out attempt is retried and the write reaches DynamoDB Local."""
    client = dynamodb_local.client()
    faults = Faults(client, fault, count=1)
    adapter = DynamoDbAdapter(client, dynamodb_local.table_name, clock=clock, ttl_days=365)
    key = uuid.uuid4().hex
    assert adapter.write(key, Snapshot(0, 1, {"ok": True})) == 1
    assert faults.attempts == 2
    assert adapter.read(key) == Snapshot(1, 1, {"ok": True})


def test_endpoint_down_is_unavailable_quickly() -> None:
    """Connection refused on every attempt: StorageUnavailable well inside a turn."""
    adapter = DynamoDbAdapter(client_for(dead_endpoint()), TABLE, clock=clock, ttl_days=365)
    began = time.perf_counter()
    for operation in (lambda: adapter.read(KEY), lambda: adapter.write(KEY, Snapshot(0, 1, {}))):
        with pytest.raises(StorageUnavailable):
            operation()
    assert time.perf_counter() - began < 4.0


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A loopback server that accepts connections and never answers (a hung endpoint)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.slow
def test_hung_endpoint_gives_up_inside_the_alexa_budget(black_hole: str) -> None:
    """Real read timeouts: 2 attempts x 2 s plus backoff end well before Alexa's 8 s."""
    adapter = DynamoDbAdapter(client_for(black_hole), TABLE, clock=clock, ttl_days=365)
    began = time.perf_counter()
    with pytest.raises(StorageUnavailable):
        adapter.read(KEY)
    elapsed = time.perf_counter() - began
    print(f"\nhung endpoint: StorageUnavailable after {elapsed:.2f}s")
    assert 2 * READ_TIMEOUT_SECONDS <= elapsed < ALEXA_TURN_BUDGET_SECONDS - 2.0


def test_factory_picks_dynamodb_when_a_table_is_named(tmp_path: Path) -> None:
    """TABLE_NAME selects DynamoDB (with the client passed in); no table selects SQLite."""
    client = client_for("http://127.0.0.1:9")
    dynamo = build_adapter(Config.from_env({"TABLE_NAME": "t1"}), clock, dynamodb_client=client)
    assert isinstance(dynamo, DynamoDbAdapter)
    assert dynamo.table_name == "t1"
    db = tmp_path / "nested" / "state.sqlite3"
    local = build_adapter(Config.from_env({"RUNNER_STRENGTH_DB": str(db)}), clock)
    assert isinstance(local, SqliteAdapter)
    assert local.path == db
    assert db.exists()


@pytest.mark.dynamodb
def test_local_table_is_created_from_the_infra_template(dynamodb_local: DynamoDbLocalTable) -> None:
    """The test table has the template's key schema (schema.py's pk) and TTL on expires_at."""
    client = dynamodb_local.client()
    table = client.describe_table(TableName=dynamodb_local.table_name)["Table"]
    assert table["KeySchema"] == [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": PARTITION_KEY, "AttributeType": "S"}]
    ttl = client.describe_time_to_live(TableName=dynamodb_local.table_name)
    assert ttl["TimeToLiveDescription"].get("AttributeName") == TTL_ATTRIBUTE
    assert ttl["TimeToLiveDescription"].get("TimeToLiveStatus") == "ENABLED"
