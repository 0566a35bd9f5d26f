"""Choose the store from the configuration: DynamoDB when a table is named, else embedded SQLite."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from runner_strength.config import Config
    from runner_strength.persistence.base import Clock, VersionedAdapter


def build_adapter(
    config: Config, clock: Clock, *, dynamodb_client: DynamoDBClient | None = None
) -> VersionedAdapter:
    """The store for this process, built once at cold start (pass a client to reuse or fake one)."""
    if config.table_name:
        # botocore takes ~0.1 s to import; local SQLite runs (console, `make run`) never pay for it.
        from runner_strength.persistence.dynamodb import (  # noqa: PLC0415
            DynamoDbAdapter,
            build_dynamodb_client,
        )

        if dynamodb_client is not None:
            return DynamoDbAdapter(
                dynamodb_client, config.table_name, clock=clock, ttl_days=config.ttl_days
            )

        def new_client() -> DynamoDBClient:
            return build_dynamodb_client(config)

        # The factory lets `reconnect` (after a SnapStart restore) build the client again.
        return DynamoDbAdapter(
            new_client(),
            config.table_name,
            clock=clock,
            ttl_days=config.ttl_days,
            client_factory=new_client,
        )
    # Likewise, a Lambda on DynamoDB never loads sqlite3.
    from runner_strength.persistence.sqlite import SqliteAdapter  # noqa: PLC0415

    return SqliteAdapter(config.db_path, clock=clock, ttl_days=config.ttl_days)
