"""Move the skill's `live` alias back to the previous published version: one command, no redeploy.

The skill calls the function through the `live` alias (infra/template.yaml), and every deploy that
changes code or configuration publishes a new version and points the alias at it. Rolling back
is therefore one UpdateAlias call: the version before the one the alias points at now (or the one
asked for). CloudFormation does not notice: the alias stays rolled back until a deploy publishes a
new version, which moves it forward again; a deploy that publishes nothing leaves it alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_cloudformation.client import CloudFormationClient
    from mypy_boto3_lambda.client import LambdaClient

ALIAS = "live"


class RollbackError(Exception):
    """Nothing to roll back to, or the stack does not name a function; the message says which."""


@dataclass(frozen=True, slots=True)
class Rollback:
    """What moved: the alias, from which version to which."""

    function_name: str
    alias: str
    from_version: str
    to_version: str

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{self.function_name}:{self.alias} now points at version {self.to_version} "
            f"(was {self.from_version}); the next deploy that publishes a version moves it on"
        )


def function_of_stack(cloudformation: CloudFormationClient, stack_name: str) -> str:
    """The skill function's name, from the stack's `FunctionName` output."""
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    for output in stack.get("Outputs", []):
        if output.get("OutputKey") == "FunctionName" and output.get("OutputValue"):
            return output["OutputValue"]
    raise RollbackError(f"stack {stack_name} has no FunctionName output")


def published_versions(client: LambdaClient, function_name: str) -> list[int]:
    """The function's published version numbers, oldest first ($LATEST is not one)."""
    numbers: list[int] = []
    for page in client.get_paginator("list_versions_by_function").paginate(
        FunctionName=function_name
    ):
        numbers += [int(v["Version"]) for v in page["Versions"] if v["Version"] != "$LATEST"]
    return sorted(numbers)


def roll_back(
    client: LambdaClient, function_name: str, *, to: int | None = None, alias: str = ALIAS
) -> Rollback:
    """Point `alias` at version `to`, or at the newest version older than its current one."""
    current = client.get_alias(FunctionName=function_name, Name=alias)["FunctionVersion"]
    versions = published_versions(client, function_name)
    if to is None:
        older = [n for n in versions if current.isdigit() and n < int(current)]
        if not older:
            raise RollbackError(f"{function_name}:{alias} is at version {current}; none is older")
        to = older[-1]
    elif to not in versions:
        raise RollbackError(f"{function_name} has no published version {to} (has {versions})")
    client.update_alias(
        FunctionName=function_name,
        Name=alias,
        FunctionVersion=str(to),
        Description=f"rolled back from version {current}",
    )
    return Rollback(function_name, alias, current, str(to))
