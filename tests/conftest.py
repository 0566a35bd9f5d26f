"""Shared fixtures: the real content library, loaded once per test session; DynamoDB Local."""

from __future__ import annotations

import random
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import botocore.session
import pytest

from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.buildtime.loader import load_directory
from runner_strength.config import Config
from runner_strength.persistence.dynamodb import TOTAL_MAX_ATTEMPTS, build_dynamodb_client
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_dynamodb.client import DynamoDBClient

    from runner_strength.content.model import Library

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = REPO_ROOT / "content"


# ---------------------------------------------------------------- the two lanes
# `make check` runs the fast lane (`-m "not slow"`); `make test` runs it, then the slow lane
# (`-m slow`). Every test in these folders is slow; elsewhere a test says so itself.
SLOW_FOLDERS = (Path(__file__).resolve().parent / "reliability",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in a slow folder `slow`."""
    slow = pytest.mark.slow
    for item in items:
        if any(item.path.is_relative_to(folder) for folder in SLOW_FOLDERS):
            item.add_marker(slow)


@pytest.fixture(scope="session")
def library() -> Library:
    """The real, validated content library from content/."""
    return load_directory(CONTENT_DIR)


# ---------------------------------------------------------------- DynamoDB Local
# `make test` runs pytest under tools/dynamodb_local.py, which exports AWS_ENDPOINT_URL_DYNAMODB
# and TABLE_NAME. When a test is run on its own, these fixtures start DynamoDB Local for the
# session instead (and stop it afterwards), with a table made from the same infra template.

if str(REPO_ROOT) not in sys.path:
    # tools/ is a directory of scripts, not an installed package; the fixture reuses its start/stop.
    sys.path.insert(0, str(REPO_ROOT))

from tools import dynamodb_local as dynamodb_local_tool  # noqa: E402 -- needs the path set above


@dataclass(frozen=True)
class DynamoDbLocalTable:
    """Where the DynamoDB tests write: a local endpoint and a table created from the template."""

    endpoint: str
    table_name: str
    started_here: bool
    """False when `make test` (tools/dynamodb_local.py run) provided the server and table."""

    def client(
        self, endpoint: str | None = None, *, attempts: int = TOTAL_MAX_ATTEMPTS
    ) -> DynamoDBClient:
        """A client built like production's (short timeouts, bounded retries), dummy credentials."""
        credentials = dynamodb_local_tool.LOCAL_CREDENTIALS
        session = botocore.session.get_session()
        session.set_credentials(
            credentials["AWS_ACCESS_KEY_ID"], credentials["AWS_SECRET_ACCESS_KEY"]
        )
        session.set_config_variable("region", credentials["AWS_REGION"])
        env = {
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint or self.endpoint,
            "TABLE_NAME": self.table_name,
        }
        return build_dynamodb_client(
            Config.from_env(env), session=session, total_max_attempts=attempts
        )


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[DynamoDbLocalTable]:
    """DynamoDB Local with the state table: the one `make test` started, or one started here."""
    env = Config.from_env()
    if env.dynamodb_endpoint and env.table_name:
        yield DynamoDbLocalTable(env.dynamodb_endpoint, env.table_name, started_here=False)
        return
    server = dynamodb_local_tool.start()
    try:
        table = f"runner-strength-test-{uuid.uuid4().hex[:8]}"
        schema = dynamodb_local_tool.read_table_schema()
        dynamodb_local_tool.create_table(server.client(), table, schema)
        print(f"\nDynamoDB Local started in {server.startup_seconds:.2f}s on {server.endpoint}")
        yield DynamoDbLocalTable(server.endpoint, table, started_here=True)
    finally:
        dynamodb_local_tool.stop(server)


# ---------------------------------------------------------------- the skill on a memory store


@pytest.fixture
def clock() -> FakeClock:
    """A hand-moved clock (a test module may override this fixture to start elsewhere)."""
    return FakeClock()


@pytest.fixture
def adapter(clock: FakeClock) -> MemoryAdapter:
    """An in-memory store on the test clock."""
    return MemoryAdapter(clock=clock, ttl_days=365)


@pytest.fixture
def entry(library: Library, adapter: MemoryAdapter, clock: FakeClock) -> LambdaEntry:
    """The Lambda entry over the real skill, the memory store and the test clock."""
    return LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=clock, rng_for=random.Random)
    )


@pytest.fixture
def echo(entry: LambdaEntry, clock: FakeClock) -> Device:
    """One Echo talking to `entry`."""
    return Device(entry, clock=clock)
