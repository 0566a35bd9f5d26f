"""`ask deploy` again and again: a version is published exactly when code or configuration changed.

Simulated (tests/cfn_replay.py models the cfn-deployer, S3, CloudFormation and Lambda); this has
not been run against an AWS account.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from cfn_replay import Account, DeployFailedError, ask_deploy, live_version, skill_function
from runner_strength.buildtime import packaging

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"
ZIP = b"PK\x03\x04 the same deterministic bundle, byte for byte"
NEW_ZIP = b"PK\x03\x04 a bundle with a code change"
USER_PARAMETERS = {"Environment": "dev", "LogLevel": "INFO"}
"""ask-resources.json's cfn.parameters."""


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return packaging.load_template(TEMPLATE)


def test_a_second_deploy_of_the_same_zip_succeeds_without_a_new_version(
    template: dict[str, Any],
) -> None:
    """Two runs of the same zip (a new S3 object version each) succeed; one version exists."""
    account = Account()
    ask_deploy(account, template, ZIP, USER_PARAMETERS)
    ask_deploy(account, template, ZIP, USER_PARAMETERS)
    assert account.bucket.puts == 2, "the cfn-deployer uploads on every run"
    assert [v.number for v in skill_function(account).versions] == [1]
    assert live_version(account) == 1
    assert not [event for event in account.events if "FAILED" in event]


def test_changed_code_publishes_a_version_and_moves_the_alias(template: dict[str, Any]) -> None:
    """A new zip publishes version 2 and the alias follows; the same zip again publishes nothing."""
    account = Account()
    ask_deploy(account, template, ZIP, USER_PARAMETERS)
    ask_deploy(account, template, NEW_ZIP, USER_PARAMETERS)
    ask_deploy(account, template, NEW_ZIP, USER_PARAMETERS)
    versions = skill_function(account).versions
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].code_sha256 != versions[0].code_sha256
    assert live_version(account) == 2


@pytest.mark.parametrize(
    "changed",
    [{"LogLevel": "DEBUG"}, {"StateTtlDays": "30"}, {"SnapStart": "PublishedVersions"}],
    ids=["log-level", "ttl", "snapstart"],
)
def test_changed_configuration_with_the_same_code_publishes_a_version(
    template: dict[str, Any], changed: dict[str, str]
) -> None:
    """A parameter the function reads, with the zip unchanged, publishes one new version."""
    account = Account()
    ask_deploy(account, template, ZIP, USER_PARAMETERS)
    ask_deploy(account, template, ZIP, {**USER_PARAMETERS, **changed})
    ask_deploy(account, template, ZIP, {**USER_PARAMETERS, **changed})
    assert [v.number for v in skill_function(account).versions] == [1, 2]
    assert live_version(account) == 2


def test_an_edited_literal_in_the_function_publishes_at_the_next_ask_deploy(
    template: dict[str, Any],
) -> None:
    """More memory in the template, same zip: the next `ask deploy` publishes a version."""
    account = Account()
    ask_deploy(account, template, ZIP, USER_PARAMETERS)
    edited = copy.deepcopy(template)
    edited["Resources"]["Function"]["Properties"]["MemorySize"] = 2048
    ask_deploy(account, edited, ZIP, USER_PARAMETERS)
    versions = skill_function(account).versions
    assert [v.configuration["MemorySize"] for v in versions] == [1024, 2048]
    assert live_version(account) == 2


def test_infrastructure_only_changes_ship_with_the_same_code(template: dict[str, Any]) -> None:
    """An alarm e-mail or reserved concurrency deploys without touching the published version."""
    account = Account()
    ask_deploy(account, template, ZIP, USER_PARAMETERS)
    more = {**USER_PARAMETERS, "AlarmEmail": "owner@example.org", "ReservedConcurrency": "20"}
    ask_deploy(account, template, ZIP, more)
    assert "AlarmEmailSubscription CREATE_COMPLETE" in account.events
    assert [v.number for v in skill_function(account).versions] == [1]


def test_the_replay_catches_a_version_keyed_on_the_s3_object_version(
    template: dict[str, Any],
) -> None:
    """The replay fails the old way: a description naming CodeVersion republishes old code."""
    keyed_on_upload = copy.deepcopy(template)
    keyed_on_upload["Resources"]["FunctionVersion"]["Properties"] = {
        "FunctionName": {"Ref": "Function"},
        "Description": {"Fn::Sub": "${CodeKey} ${CodeVersion} log=${LogLevel}"},
    }
    account = Account()
    ask_deploy(account, keyed_on_upload, ZIP, USER_PARAMETERS)
    with pytest.raises(
        DeployFailedError, match=r"A version for this Lambda function exists \( 1 \)"
    ):
        ask_deploy(account, keyed_on_upload, ZIP, USER_PARAMETERS)
    assert live_version(account) == 1


def test_the_hash_resource_reruns_on_every_upload_and_names_every_parameter_the_function_reads(
    template: dict[str, Any],
) -> None:
    """Its inputs change with each S3 object version and with each parameter the function uses."""
    resources = template["Resources"]
    inputs = resources["FunctionCodeHash"]["Properties"]["Inputs"]["Fn::Sub"]
    function = resources["Function"]["Properties"]
    read: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "Ref" and isinstance(inner, str):
                    read.add(inner)
                else:
                    collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    collect(function)
    parameters = (read & set(template["Parameters"])) - {"ReservedConcurrency", "Environment"}
    assert "CodeVersion" in parameters
    for name in parameters | {"StateTable"}:
        assert f"${{{name}}}" in inputs, name
