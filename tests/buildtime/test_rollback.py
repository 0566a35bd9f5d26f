"""`runner-strength rollback`: one command moves the `live` alias back a version.

The Lambda and CloudFormation clients are real boto3 clients with botocore's Stubber, which checks
every request against the services' API models; no call reaches AWS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.stub import Stubber

from runner_strength.buildtime import rollback

if TYPE_CHECKING:
    from mypy_boto3_lambda.client import LambdaClient

FUNCTION = "runner-strength-dev-Function-AbC123"


def _lambda_with_versions(current: str, versions: list[str]) -> tuple[LambdaClient, Stubber]:
    client = boto3.client("lambda", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response(
        "get_alias",
        {"Name": "live", "FunctionVersion": current},
        {"FunctionName": FUNCTION, "Name": "live"},
    )
    stubber.add_response(
        "list_versions_by_function",
        {"Versions": [{"Version": v} for v in ["$LATEST", *versions]]},
        {"FunctionName": FUNCTION},
    )
    return client, stubber


def test_rollback_points_the_alias_at_the_version_before_the_live_one() -> None:
    """With versions 1 to 4 and live at 3, the alias moves to 2 (not to 4, not to $LATEST)."""
    client, stubber = _lambda_with_versions("3", ["1", "2", "3", "4"])
    stubber.add_response(
        "update_alias",
        {"Name": "live", "FunctionVersion": "2"},
        {
            "FunctionName": FUNCTION,
            "Name": "live",
            "FunctionVersion": "2",
            "Description": "rolled back from version 3",
        },
    )
    with stubber:
        moved = rollback.roll_back(client, FUNCTION)
    stubber.assert_no_pending_responses()
    assert (moved.from_version, moved.to_version) == ("3", "2")
    assert "version 2 (was 3)" in moved.summary()


def test_rollback_to_a_named_version() -> None:
    """--to moves the alias to that published version."""
    client, stubber = _lambda_with_versions("4", ["1", "2", "3", "4"])
    stubber.add_response(
        "update_alias",
        {"Name": "live", "FunctionVersion": "1"},
        {
            "FunctionName": FUNCTION,
            "Name": "live",
            "FunctionVersion": "1",
            "Description": "rolled back from version 4",
        },
    )
    with stubber:
        assert rollback.roll_back(client, FUNCTION, to=1).to_version == "1"


@pytest.mark.parametrize(
    ("current", "to", "message"),
    [("1", None, "none is older"), ("2", 7, "no published version 7")],
    ids=["first-version", "unknown-version"],
)
def test_rollback_refuses_when_there_is_nothing_to_go_back_to(
    current: str, to: int | None, message: str
) -> None:
    """No version before the first, no unknown version: refused, the alias untouched."""
    client, stubber = _lambda_with_versions(current, ["1", "2"])
    with stubber, pytest.raises(rollback.RollbackError, match=message):
        rollback.roll_back(client, FUNCTION, to=to)


def test_the_function_name_comes_from_the_stack_output() -> None:
    """--stack reads the FunctionName output, the name CloudFormation generated."""
    client = boto3.client("cloudformation", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": "ask-runnerstrength-default-skillStack-1",
                    "CreationTime": "2026-12-04T00:00:00Z",
                    "StackStatus": "UPDATE_COMPLETE",
                    "Outputs": [{"OutputKey": "FunctionName", "OutputValue": FUNCTION}],
                }
            ]
        },
        {"StackName": "ask-runnerstrength-default-skillStack-1"},
    )
    with stubber:
        name = rollback.function_of_stack(client, "ask-runnerstrength-default-skillStack-1")
    assert name == FUNCTION
