"""Production store: one DynamoDB item per user, written with a conditional PutItem on `version`.

The table (key schema, TTL on `expires_at`) is created by infrastructure (`infra/template.yaml`),
never here. The client is built once per process by `build_dynamodb_client` and passed in.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

import botocore.session
from botocore.config import Config as BotoConfig
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
)

from runner_strength.persistence.base import (
    Snapshot,
    StorageUnavailable,
    VersionConflict,
    VersionedAdapter,
    dump_record,
    load_record,
    log_key,
)
from runner_strength.persistence.schema import (
    PARTITION_KEY,
    RECORD_ATTRIBUTE,
    SCHEMA_ATTRIBUTE,
    TTL_ATTRIBUTE,
    VERSION_ATTRIBUTE,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import UniversalAttributeValueTypeDef

    from runner_strength.config import Config
    from runner_strength.persistence.base import Clock

logger = logging.getLogger(__name__)

# A turn may make one read and one write, and Alexa waits 8 s for the whole response. Worst case
# per call with these values: 2 attempts x (1 s connect or 2 s read) + < 1 s backoff = 5 s, and
# the repository makes no further call in a turn once one has failed. DynamoDB answers in
# milliseconds when healthy, so these limits only ever cut off a sick endpoint.
CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
TOTAL_MAX_ATTEMPTS = 2

CONFLICT_CODES = frozenset({"ConditionalCheckFailedException"})
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "LimitExceededException",
    }
)
HTTP_SERVER_ERROR = 500
PERMANENT_BOTOCORE_ERRORS = (NoCredentialsError, NoRegionError, ParamValidationError)


def build_dynamodb_client(
    config: Config,
    *,
    session: botocore.session.Session | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    read_timeout: float = READ_TIMEOUT_SECONDS,
    total_max_attempts: int = TOTAL_MAX_ATTEMPTS,
) -> DynamoDBClient:
    """The one DynamoDB client of a process: short timeouts, bounded standard-mode retries.

    `config.dynamodb_endpoint` (AWS_ENDPOINT_URL_DYNAMODB) points it at DynamoDB Local; region and
    credentials come from the botocore session (the Lambda role in production). Built on botocore
    alone: boto3's `client` is a thin layer over the same call, and importing boto3 also imports
    s3transfer, which no DynamoDB call uses (13 ms of a cold start, measured 6 December 2026).
    """
    botocore_config = BotoConfig(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": total_max_attempts},
    )
    client = (session or botocore.session.get_session()).create_client(
        "dynamodb", config=botocore_config, endpoint_url=config.dynamodb_endpoint
    )
    # botocore's stubs type every client as BaseClient; the service name makes it DynamoDB's.
    return cast("DynamoDBClient", client)


class DynamoDbAdapter(VersionedAdapter):
    """One item per user in an existing table; see `persistence/schema.py` for the attributes."""

    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        *,
        clock: Clock,
        ttl_days: int,
        client_factory: Callable[[], DynamoDBClient] | None = None,
    ) -> None:
        super().__init__(clock=clock, ttl_days=ttl_days)
        self._client = client
        self._table = table_name
        self._client_factory = client_factory

    def reconnect(self) -> None:
        """A new client from the factory it was built with (new connections, fresh credentials)."""
        if self._client_factory is not None:
            self._client = self._client_factory()

    @property
    def table_name(self) -> str:
        """The table this adapter writes to."""
        return self._table

    def read(self, key: str) -> Snapshot | None:
        """Strongly consistent GetItem: a runner resuming on another device sees the last write."""
        try:
            response = self._client.get_item(
                TableName=self._table, Key={PARTITION_KEY: {"S": key}}, ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(key, "GetItem", exc) from exc
        item = response.get("Item")
        return None if item is None else _snapshot(item)

    def write(self, key: str, snapshot: Snapshot) -> int:
        """PutItem conditional on the version read (or on there being no item for version 0)."""
        new_version = snapshot.version + 1
        item: dict[str, UniversalAttributeValueTypeDef] = {
            PARTITION_KEY: {"S": key},
            VERSION_ATTRIBUTE: {"N": str(new_version)},
            SCHEMA_ATTRIBUTE: {"N": str(snapshot.schema_version)},
            TTL_ATTRIBUTE: {"N": str(self.expires_at())},
            RECORD_ATTRIBUTE: {"S": dump_record(snapshot.record)},
        }
        try:
            if snapshot.version == 0:
                self._client.put_item(
                    TableName=self._table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(#pk)",
                    ExpressionAttributeNames={"#pk": PARTITION_KEY},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
            else:
                self._client.put_item(
                    TableName=self._table,
                    Item=item,
                    ConditionExpression="#v = :expected",
                    ExpressionAttributeNames={"#v": VERSION_ATTRIBUTE},
                    ExpressionAttributeValues={":expected": {"N": str(snapshot.version)}},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
        except ClientError as exc:
            if _code(exc) not in CONFLICT_CODES:
                raise _unavailable(key, "PutItem", exc) from exc
            logger.info("version conflict for %s (expected %d)", log_key(key), snapshot.version)
            raise VersionConflict(key, snapshot.version, self._current(key, exc)) from exc
        except BotoCoreError as exc:
            raise _unavailable(key, "PutItem", exc) from exc
        return new_version

    def _current(self, key: str, conflict: ClientError) -> Snapshot | None:
        # DynamoDB returns the item that failed the condition (ReturnValuesOnConditionCheckFailure),
        # which saves the re-read; DynamoDB Local and older endpoints omit it, so read it then.
        old = conflict.response.get("Item")
        if isinstance(old, dict) and old:
            return _snapshot(old)
        return self.read(key)

    def delete(self, key: str) -> None:
        """Unconditional DeleteItem (the user disabled the skill); a missing item is fine."""
        try:
            self._client.delete_item(TableName=self._table, Key={PARTITION_KEY: {"S": key}})
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(key, "DeleteItem", exc) from exc


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _unavailable(key: str, operation: str, exc: ClientError | BotoCoreError) -> StorageUnavailable:
    """Map any store failure to StorageUnavailable; the turn goes on from session attributes.

    Throttling, 5xx, timeouts and connection errors are transient. Anything else (a missing
    table, denied access, a rejected item) will not heal by itself and is logged as an error, but
    the runner still gets the turn.
    """
    if isinstance(exc, ClientError):
        code = _code(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        transient = code in TRANSIENT_CODES or status >= HTTP_SERVER_ERROR
        detail = code or f"HTTP {status}"
    else:
        # Timeouts and unreachable endpoints; missing credentials are configuration, not weather.
        transient = not isinstance(exc, PERMANENT_BOTOCORE_ERRORS)
        detail = type(exc).__name__
    log = logger.warning if transient else logger.error
    log("dynamodb %s failed for %s: %s", operation, log_key(key), detail)
    return StorageUnavailable(f"dynamodb {operation} failed: {detail}", transient=transient)


def _snapshot(item: Mapping[str, Any]) -> Snapshot:
    try:
        return Snapshot(
            version=int(item[VERSION_ATTRIBUTE]["N"]),
            schema_version=int(item[SCHEMA_ATTRIBUTE]["N"]),
            record=load_record(item[RECORD_ATTRIBUTE]["S"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        # Not ours to repair: report it as an outage so the turn goes on and nothing overwrites it.
        raise StorageUnavailable(f"malformed item: {exc!r}", transient=False) from exc
