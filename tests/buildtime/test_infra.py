"""The CloudFormation template and ask-resources.json agree with the code; IAM stays minimal."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runner_strength.buildtime import packaging
from runner_strength.config import Config
from runner_strength.persistence import schema

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "infra" / "template.yaml"
ASK_RESOURCES = REPO_ROOT / "ask-resources.json"
ALEXA_REGIONS = ("us-east-1", "eu-west-1", "us-west-2")
"""The AWS regions Alexa's NA, EU and FE endpoints are served from."""
CFN_DEPLOYER_PARAMETERS = {
    "SkillId",
    "LambdaRuntime",
    "LambdaHandler",
    "CodeBucket",
    "CodeKey",
    "CodeVersion",
}
"""What @ask-cli/cfn-deployer always passes (ask-cli cfn-deployer/index.js, _mapStackParameters)."""
TABLE_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}
"""Exactly what the DynamoDB store calls (checked against its source below): least privilege."""
LOG_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return packaging.load_template(TEMPLATE)


def _one(template: dict[str, Any], resource_type: str) -> tuple[str, dict[str, Any]]:
    found = packaging.resources_of_type(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


def _skill_function(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The skill's function (the other one reports its code hash to CloudFormation)."""
    return "Function", template["Resources"]["Function"]


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resolve(template: dict[str, Any], value: object) -> object:
    """A `Ref` to a parameter becomes its default, so properties can be compared with literals."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        parameter = template["Parameters"].get(value["Ref"])
        if parameter is not None:
            return parameter.get("Default")
    return value


def _cfn_lint() -> str:
    beside_python = Path(sys.executable).parent / "cfn-lint"
    found = str(beside_python) if beside_python.exists() else shutil.which("cfn-lint")
    if found is None:
        pytest.fail("cfn-lint is not installed (it is a dev dependency: make test installs it)")
    return found


def test_cfn_lint_reports_nothing() -> None:
    """cfn-lint finds no error and no warning in the template, in every Alexa endpoint region."""
    result = subprocess.run(
        [_cfn_lint(), "--regions", *ALEXA_REGIONS, "--", str(TEMPLATE)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_loader_reads_short_tags() -> None:
    """The tolerant loader turns !Ref, !GetAtt, !Sub and nested tags into their long forms."""
    text = (
        "Resources:\n  X:\n    Type: T\n    Properties:\n      A: !Ref P\n"
        "      B: !GetAtt Fn.Arn\n      C: !Sub '${P}-x'\n"
        "      D: !If [c, !Ref P, !Ref AWS::NoValue]\n"
        "      E: !Not [!Equals [!Ref P, '']]\n"
    )
    loaded = packaging._CfnLoader(text).get_single_data()
    properties = loaded["Resources"]["X"]["Properties"]
    assert properties == {
        "A": {"Ref": "P"},
        "B": {"Fn::GetAtt": ["Fn", "Arn"]},
        "C": {"Fn::Sub": "${P}-x"},
        "D": {"Fn::If": ["c", {"Ref": "P"}, {"Ref": "AWS::NoValue"}]},
        "E": {"Fn::Not": [{"Fn::Equals": [{"Ref": "P"}, ""]}]},
    }


def test_table_key_schema_and_ttl_match_the_code() -> None:
    """The table's only key is the code's string partition key; TTL is on the code's attribute."""
    definitions, key_schema, ttl_attribute = packaging.table_key_schema(TEMPLATE)
    assert definitions == [{"AttributeName": schema.PARTITION_KEY, "AttributeType": "S"}]
    assert key_schema == [{"AttributeName": schema.PARTITION_KEY, "KeyType": "HASH"}]
    assert ttl_attribute == schema.TTL_ATTRIBUTE


def test_table_is_on_demand_recoverable_encrypted_and_retained(template: dict[str, Any]) -> None:
    """The table bills per request, has point-in-time recovery and KMS, and outlives the stack."""
    _, table = _one(template, "AWS::DynamoDB::Table")
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["DeletionProtectionEnabled"] is True
    # Retained when the stack is deleted or replaces it, deleted when the stack's creation fails.
    assert table["DeletionPolicy"] == "RetainExceptOnCreate"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert "TableName" not in properties, "a fixed name collides with a retained table on re-create"


def test_role_grants_only_item_actions_on_the_table_and_logs_on_its_group(
    template: dict[str, Any],
) -> None:
    """Every allowed action is one of four item actions on the table or two log actions on its logs.

    Nothing else in the template grants permissions (no managed policies, users or extra policies).
    """
    table_id, _ = _one(template, "AWS::DynamoDB::Table")
    log_group_id, _ = _one(template, "AWS::Logs::LogGroup")
    role = template["Resources"]["FunctionRole"]
    assert set(packaging.resources_of_type(template, "AWS::IAM::Role")) == {
        "FunctionRole",
        "CodeHashRole",
    }
    hash_policies = template["Resources"]["CodeHashRole"]["Properties"]["Policies"]
    assert [p["PolicyDocument"]["Statement"] for p in hash_policies] == [
        [
            {
                "Effect": "Allow",
                "Action": ["lambda:GetFunctionConfiguration"],
                "Resource": {"Fn::GetAtt": ["Function", "Arn"]},
            }
        ]
    ]
    for other in (
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::User",
        "AWS::IAM::Group",
    ):
        assert not packaging.resources_of_type(template, other)
    properties = role["Properties"]
    assert "ManagedPolicyArns" not in properties, "managed policies are broader than needed"
    trust = properties["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]

    granted: dict[str, list[object]] = {}
    for policy in properties["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            assert set(statement) == {"Effect", "Action", "Resource"}, "no NotAction, NotResource"
            resources = _as_list(statement["Resource"])
            for action in _as_list(statement["Action"]):
                granted.setdefault(action, []).extend(resources)

    assert set(granted) == TABLE_ACTIONS | LOG_ACTIONS
    table_arn = {"Fn::GetAtt": [table_id, "Arn"]}
    for action in TABLE_ACTIONS:
        assert granted[action] == [table_arn], action
    for action in LOG_ACTIONS:
        (resource,) = granted[action]
        assert isinstance(resource, dict)
        arn = resource["Fn::Sub"]
        assert arn.endswith(f":log-group:${{{log_group_id}}}:log-stream:*"), arn
        assert "*" not in arn.removesuffix("log-stream:*")


def test_only_this_skill_may_invoke_the_function(template: dict[str, Any]) -> None:
    """Each Lambda permission is for the Alexa Skills Kit, with the skill id, on the live alias."""
    alias_id, _ = _one(template, "AWS::Lambda::Alias")
    permissions = packaging.resources_of_type(template, "AWS::Lambda::Permission")
    assert permissions
    for permission in permissions.values():
        properties = permission["Properties"]
        assert properties["Principal"] == "alexa-appkit.amazon.com"
        assert properties["Action"] == "lambda:InvokeFunction"
        assert properties.get("EventSourceToken") == {"Ref": "SkillId"}
        assert properties["FunctionName"] == {"Ref": alias_id}


def test_function_matches_the_bundle_and_alexas_limit(template: dict[str, Any]) -> None:
    """The function runs the bundle's runtime, architecture and handler; it stops before 8 s."""
    _, function = _skill_function(template)
    properties = function["Properties"]
    assert _resolve(template, properties["Runtime"]) == packaging.LAMBDA_RUNTIME
    assert template["Parameters"]["LambdaRuntime"]["AllowedValues"] == [packaging.LAMBDA_RUNTIME]
    assert properties["Architectures"] == [packaging.LAMBDA_ARCHITECTURE]
    assert packaging.LAMBDA_PLATFORM.endswith("aarch64")
    handler = _resolve(template, properties["Handler"])
    assert handler == "lambda_function.lambda_handler"
    assert template["Parameters"]["LambdaHandler"]["AllowedValues"] == [handler]
    assert properties["Timeout"] < 8
    assert 128 <= properties["MemorySize"] <= 10240


def test_function_environment_is_what_config_reads(template: dict[str, Any]) -> None:
    """The template sets exactly the variables config.py reads for a deployed skill."""
    _, function = _skill_function(template)
    variables = function["Properties"]["Environment"]["Variables"]
    app_variables = {"TABLE_NAME", "SKILL_ID", "STATE_TTL_DAYS", "LOG_LEVEL"}
    # Powertools reads its service name itself; it names the metrics' dimension the alarms watch.
    app_variables.add("POWERTOOLS_SERVICE_NAME")
    # No PYTHONWARNINGS: the bundle ships bytecode, so a cold start compiles nothing and warns of
    # nothing (tests/buildtime/test_package.py runs it with SyntaxWarnings as errors).
    assert set(variables) == app_variables
    config = Config.from_env(
        {
            "TABLE_NAME": "t",
            "SKILL_ID": "amzn1.ask.skill.x",
            "STATE_TTL_DAYS": "30",
            "LOG_LEVEL": "debug",
            "HOME": "/nowhere",
        }
    )
    assert (config.table_name, config.skill_id, config.ttl_days, config.log_level) == (
        "t",
        "amzn1.ask.skill.x",
        30,
        "DEBUG",
    )
    table_id, _ = _one(template, "AWS::DynamoDB::Table")
    assert variables["TABLE_NAME"] == {"Ref": table_id}
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}


def test_log_group_is_the_functions_own_and_expires(template: dict[str, Any]) -> None:
    """The function logs to the stack's log group, which has a retention period."""
    _, function = _skill_function(template)
    log_group_id, log_group = _one(template, "AWS::Logs::LogGroup")
    assert function["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": log_group_id}}
    assert 1 <= log_group["Properties"]["RetentionInDays"] <= 365


def test_names_come_from_the_stack(template: dict[str, Any]) -> None:
    """No resource has a fixed name, so two stacks in one account never collide."""
    fixed = {"FunctionName", "TableName", "LogGroupName", "RoleName", "TopicName", "AlarmName"}
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] in {"AWS::Lambda::Version", "AWS::Lambda::Alias"}:
            continue  # FunctionName there refers to the function, it does not name a resource
        if resource["Type"] == "AWS::Lambda::Permission" or resource["Type"].startswith("Custom::"):
            continue
        assert not fixed & set(properties), name


def test_reserved_concurrency_is_optional_with_no_default(template: dict[str, Any]) -> None:
    """Empty (the default) leaves concurrency unreserved; a number reserves exactly that."""
    parameter = template["Parameters"]["ReservedConcurrency"]
    assert parameter["Default"] == ""
    _, function = _skill_function(template)
    assert function["Properties"]["ReservedConcurrentExecutions"] == {
        "Fn::If": [
            "HasReservedConcurrency",
            {"Ref": "ReservedConcurrency"},
            {"Ref": "AWS::NoValue"},
        ]
    }


def test_alarms_watch_errors_handled_errors_latency_and_throttles(template: dict[str, Any]) -> None:
    """Four alarms notify one topic; an e-mail subscription exists only when an address is given."""
    alarms = packaging.resources_of_type(template, "AWS::CloudWatch::Alarm")
    watched: set[str] = set()
    for alarm in alarms.values():
        properties = alarm["Properties"]
        assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        names = [properties.get("MetricName")] + [
            m["MetricStat"]["Metric"]["MetricName"]
            for m in properties.get("Metrics", [])
            if "MetricStat" in m
        ]
        watched.update(n for n in names if n)
    assert watched == {
        "Errors",
        "HandledErrors",
        "Duration",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
    }
    assert alarms["DurationAlarm"]["Properties"]["ExtendedStatistic"] == "p99"
    handled = alarms["HandledErrorsAlarm"]["Properties"]
    assert handled["Dimensions"] == [{"Name": "service", "Value": {"Ref": "AWS::StackName"}}]
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""


def test_template_fits_the_cfn_deployer(template: dict[str, Any]) -> None:
    """The template declares what cfn-deployer passes and outputs the SkillEndpoint it reads."""
    parameters = template["Parameters"]
    assert set(parameters) >= CFN_DEPLOYER_PARAMETERS
    function_id, _ = _skill_function(template)
    table_id, _ = _one(template, "AWS::DynamoDB::Table")
    alias_id, _ = _one(template, "AWS::Lambda::Alias")
    outputs = template["Outputs"]
    assert outputs["SkillEndpoint"]["Value"] == {"Ref": alias_id}
    assert outputs["FunctionName"]["Value"] == {"Ref": function_id}
    assert outputs["TableName"]["Value"] == {"Ref": table_id}


def test_ask_resources_wires_the_project_together(template: dict[str, Any]) -> None:
    """ask-resources.json points at real folders, this template, and values the template accepts."""
    config = json.loads(ASK_RESOURCES.read_text(encoding="utf-8"))
    assert config["askcliResourcesVersion"] == "2020-03-31"
    profile = config["profiles"]["default"]
    assert (REPO_ROOT / profile["skillMetadata"]["src"]).is_dir()
    assert (REPO_ROOT / profile["code"]["default"]["src"]).resolve() == packaging.LAMBDA_ROOT
    infrastructure = profile["skillInfrastructure"]
    assert infrastructure["type"] == "@ask-cli/cfn-deployer"
    user_config = infrastructure["userConfig"]
    assert (REPO_ROOT / user_config["templatePath"]).resolve() == TEMPLATE
    assert user_config["runtime"] in template["Parameters"]["LambdaRuntime"]["AllowedValues"]
    assert user_config["handler"] in template["Parameters"]["LambdaHandler"]["AllowedValues"]
    assert user_config["awsRegion"] in ALEXA_REGIONS
    # After the stack deploys, the CLI writes SkillEndpoint into apis.<each>.endpoint, so only
    # "custom" (an "events" entry makes an invalid apis.events); skillEvents gets events.endpoint.
    assert user_config["targetEndpoint"] == ["custom"]
    assert user_config["skillEvents"] == {"subscriptions": ["SKILL_DISABLED"]}
    for name, value in user_config["cfn"]["parameters"].items():
        assert name in template["Parameters"]
        assert name not in CFN_DEPLOYER_PARAMETERS, f"cfn-deployer rejects reserved {name}"
        assert value in template["Parameters"][name].get("AllowedValues", [value])


def test_ask_cli_builds_the_code_with_our_hook() -> None:
    """`ask deploy` finds hooks/build.sh, so it ships our bundle instead of its own pip build."""
    hook = REPO_ROOT / "hooks" / "build.sh"
    assert hook.is_file()
    assert os.access(hook, os.X_OK)
    assert "runner-strength package" in hook.read_text(encoding="utf-8")


def test_policy_grants_exactly_the_calls_the_store_makes() -> None:
    """The IAM table actions equal the boto3 client calls in persistence/dynamodb.py, no more."""
    source = (REPO_ROOT / "lambda" / "runner_strength" / "persistence" / "dynamodb.py").read_text()
    calls = set(re.findall(r"self\._client\.([a-z_]+)\(", source))
    actions = {"dynamodb:" + "".join(part.title() for part in call.split("_")) for call in calls}
    assert actions == TABLE_ACTIONS


def test_snapstart_is_a_parameter_on_a_published_version_behind_the_alias(
    template: dict[str, Any],
) -> None:
    """SnapStart is off by default; the skill's alias points at a version each deploy publishes.

    A changed code hash or configuration digest publishes a new version; nothing else does.
    """
    function_id, function = _skill_function(template)
    version_id, version = _one(template, "AWS::Lambda::Version")
    _, alias = _one(template, "AWS::Lambda::Alias")
    parameter = template["Parameters"]["SnapStart"]
    assert parameter["Default"] == "None"
    assert set(parameter["AllowedValues"]) == {"None", "PublishedVersions"}
    assert function["Properties"]["SnapStart"] == {"ApplyOn": {"Ref": "SnapStart"}}
    assert version["Properties"]["FunctionName"] == {"Ref": function_id}
    assert alias["Properties"]["FunctionName"] == {"Ref": function_id}
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}
    # Published on a changed code hash or configuration digest (tests/buildtime/test_redeploy.py).
    assert version["Properties"]["CodeSha256"] == {"Fn::GetAtt": ["FunctionCodeHash", "CodeSha256"]}
    description = version["Properties"]["Description"]["Fn::Sub"]
    assert "${FunctionCodeHash.ConfigurationDigest}" in description
