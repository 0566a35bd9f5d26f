"""Replays `ask deploy` runs against infra/template.yaml: a model of what AWS does with it.

This is a simulation, not AWS. It models the parts of four services a redeploy depends on, from
their documentation and the ASK CLI's source:

- The cfn-deployer (ask-cli lib/builtins/deploy-delegates/cfn-deployer, index.js and helper.js)
  uploads the build zip with `putObject` to `endpoint/build.zip` in a bucket it makes versioned,
  on every run and whether or not the zip changed, then creates or updates the stack with
  SkillId, LambdaRuntime, LambdaHandler, CodeBucket, CodeKey, CodeVersion (the new S3 object
  version) and the user's `cfn.parameters`.
- S3: a versioned bucket gives every put a new VersionId.
- CloudFormation: resolves `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::If`, `Fn::Not`, `Fn::Equals`
  against parameters and resources, visits resources in dependency order and updates a resource
  only when its resolved properties changed; every property of an `AWS::Lambda::Version` requires
  replacement (a new PublishVersion). A custom resource receives Create or Update with its
  properties and answers through its response URL.
- Lambda: the function's code hash is the SHA-256 (base64) of the zip; PublishVersion returns the
  latest version, without publishing, when code and configuration are unchanged since it, which
  CloudFormation reports as "A version for this Lambda function exists ( N ). Modify the
  function to create a new version."; with CodeSha256 it refuses a hash other than the code's.

The custom resource's handler is the template's own inline Python, executed with this Lambda
model behind `boto3.client("lambda")`.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import sys
import types
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

NO_VALUE = object()
"""What `Ref: AWS::NoValue` resolves to: the property is left out."""


class DeployFailedError(Exception):
    """The stack update failed and rolled back; the message is CloudFormation's event reason."""


# ---------------------------------------------------------------- S3


@dataclass
class VersionedBucket:
    """An S3 bucket with versioning enabled: every put is a new object version."""

    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    puts: int = 0

    def put_object(self, key: str, body: bytes) -> str:
        """Store `body` under `key` and return the new VersionId."""
        self.puts += 1
        version = f"v{self.puts:04d}.{hashlib.sha256(str(self.puts).encode()).hexdigest()[:8]}"
        self.objects[key, version] = body
        return version


# ---------------------------------------------------------------- Lambda


def code_sha256(zip_bytes: bytes) -> str:
    """Lambda's CodeSha256: the base64 SHA-256 of the deployment package."""
    return base64.b64encode(hashlib.sha256(zip_bytes).digest()).decode()


@dataclass
class PublishedVersion:
    """One published version: its number, code hash and a copy of the configuration."""

    number: int
    code_sha256: str
    configuration: dict[str, Any]
    description: str


@dataclass
class FunctionModel:
    """One Lambda function: $LATEST's code and configuration, its versions and aliases."""

    name: str
    code_sha256: str
    configuration: dict[str, Any]
    versions: list[PublishedVersion] = field(default_factory=list)
    aliases: dict[str, int] = field(default_factory=dict)
    revision: int = 0


@dataclass
class LambdaModel:
    """The Lambda API calls the template and the rollback command use."""

    functions: dict[str, FunctionModel] = field(default_factory=dict)
    publish_calls: int = 0

    def put_function(self, name: str, zip_bytes: bytes, configuration: dict[str, Any]) -> None:
        """CreateFunction, or UpdateFunctionCode and UpdateFunctionConfiguration."""
        sha = code_sha256(zip_bytes)
        existing = self.functions.get(name)
        if existing is None:
            self.functions[name] = FunctionModel(name, sha, configuration)
            return
        existing.code_sha256 = sha
        existing.configuration = configuration
        existing.revision += 1

    def get_function_configuration(self, name: str) -> dict[str, Any]:
        """GetFunctionConfiguration for $LATEST, with the fields that change on every update."""
        function = self.functions[name]
        return {
            **copy.deepcopy(function.configuration),
            "FunctionName": name,
            "CodeSha256": function.code_sha256,
            "RevisionId": f"rev-{function.revision}",
            "LastModified": f"2026-12-04T00:00:{function.revision:02d}.000+0000",
            "LastUpdateStatus": "Successful",
            "State": "Active",
        }

    def publish_version(
        self, name: str, description: str, code_sha256: str | None = None
    ) -> tuple[int, bool]:
        """PublishVersion: (version number, whether a new version was published)."""
        self.publish_calls += 1
        function = self.functions[name]
        if code_sha256 is not None and code_sha256 != function.code_sha256:
            raise DeployFailedError(
                f"PreconditionFailed: CodeSha256 {code_sha256} does not match the function's "
                f"code {function.code_sha256}"
            )
        if function.versions:
            latest = function.versions[-1]
            unchanged = (
                latest.code_sha256 == function.code_sha256
                and latest.configuration == function.configuration
            )
            if unchanged:
                return latest.number, False
        number = len(function.versions) + 1
        function.versions.append(
            PublishedVersion(
                number, function.code_sha256, copy.deepcopy(function.configuration), description
            )
        )
        return number, True


# ---------------------------------------------------------------- CloudFormation


def _references(value: object) -> Iterator[str]:
    """Logical ids and parameter names a property value refers to."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                yield inner
            elif key == "Fn::GetAtt":
                yield inner[0]
            elif key == "Fn::Sub":
                text = inner if isinstance(inner, str) else inner[0]
                for name in re.findall(r"\$\{([^}!]+)\}", text):
                    yield name.split(".")[0]
                yield from _references(inner)
            else:
                yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


@dataclass
class ResourceState:
    """What the stack remembers of one resource: its resolved properties and outputs."""

    properties: dict[str, Any]
    physical_id: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Account:
    """One AWS account and region: a versioned artefact bucket, Lambda and one stack."""

    bucket: VersionedBucket = field(default_factory=VersionedBucket)
    lambda_: LambdaModel = field(default_factory=LambdaModel)
    stack: dict[str, ResourceState] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)


class StackRun:
    """One CreateStack or UpdateStack of the template with a set of parameter values."""

    def __init__(
        self,
        account: Account,
        template: Mapping[str, Any],
        parameters: Mapping[str, str],
    ) -> None:
        self.account = account
        self.template = template
        self.parameters = {
            name: str(parameters.get(name, spec.get("Default", "")))
            for name, spec in template["Parameters"].items()
        }
        self.parameters["AWS::StackName"] = "runner-strength-dev"
        self.parameters["AWS::Region"] = "us-east-1"
        self.parameters["AWS::AccountId"] = "123456789012"
        self.parameters["AWS::Partition"] = "aws"
        self.new_state: dict[str, ResourceState] = {}

    # -------------------------------------------------------- intrinsic functions

    def condition(self, name: str) -> bool:
        """A named condition's value."""
        return bool(self.resolve(self.template["Conditions"][name]))

    def resolve(self, value: object) -> object:  # noqa: PLR0911  # one branch per intrinsic
        """The value with every intrinsic function evaluated."""
        if isinstance(value, list):
            resolved = [self.resolve(v) for v in value]
            return [v for v in resolved if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key == "Ref":
                return self._ref(inner)
            if key == "Fn::GetAtt":
                return self.new_state[inner[0]].attributes[inner[1]]
            if key == "Fn::Sub":
                return re.sub(r"\$\{([^}!]+)\}", lambda m: self._sub(m.group(1)), inner)
            if key == "Fn::If":
                name, then, otherwise = inner
                return self.resolve(then if self.condition(name) else otherwise)
            if key == "Fn::Not":
                return not self.resolve(inner[0])
            if key == "Fn::Equals":
                left, right = (self.resolve(v) for v in inner)
                return str(left) == str(right)
        resolved_dict = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved_dict.items() if v is not NO_VALUE}

    def _ref(self, name: str) -> object:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        return self.new_state[name].physical_id

    def _sub(self, name: str) -> str:
        if "." in name:
            logical, attribute = name.split(".", 1)
            return self.new_state[logical].attributes[attribute]
        return str(self._ref(name))

    # -------------------------------------------------------- the run

    def order(self) -> list[str]:
        """Logical ids, each after every resource it refers to (dependency order)."""
        resources = self.template["Resources"]
        done: list[str] = []

        def visit(name: str) -> None:
            if name in done:
                return
            spec = resources[name]
            depends = spec.get("DependsOn", [])
            for other in [*_references(spec.get("Properties", {})), *_as_list(depends)]:
                if other in resources and other != name:
                    visit(other)
            done.append(name)

        for name in resources:
            visit(name)
        return done

    def run(self) -> None:
        """Create or update every resource; a failure rolls the whole stack back."""
        for name in self.order():
            spec = self.template["Resources"][name]
            if "Condition" in spec and not self.condition(spec["Condition"]):
                continue
            resolved = self.resolve(spec.get("Properties", {}))
            assert isinstance(resolved, dict)
            properties: dict[str, Any] = resolved
            previous = self.account.stack.get(name)
            if previous is not None and previous.properties == properties:
                self.new_state[name] = previous
                continue
            action = "CREATE" if previous is None else "UPDATE"
            try:
                self.new_state[name] = self._apply(name, spec["Type"], properties, previous)
            except DeployFailedError as failure:
                self.account.events.append(f"{name} {action}_FAILED ({failure})")
                raise
            self.account.events.append(f"{name} {action}_COMPLETE")
        self.account.stack = self.new_state

    def _apply(
        self, name: str, kind: str, properties: dict[str, Any], previous: ResourceState | None
    ) -> ResourceState:
        lambda_ = self.account.lambda_
        if kind == "AWS::Lambda::Function":
            physical = previous.physical_id if previous else f"runner-strength-dev-{name}-AbC123"
            code = properties["Code"]
            if "ZipFile" in code:
                zip_bytes = code["ZipFile"].encode()
            else:
                key = (code["S3Key"], code["S3ObjectVersion"])
                zip_bytes = self.account.bucket.objects[key]
            configuration = {k: v for k, v in properties.items() if k != "Code"}
            lambda_.put_function(physical, zip_bytes, _lambda_configuration(configuration))
            arn = f"arn:aws:lambda:us-east-1:123456789012:function:{physical}"
            return ResourceState(properties, physical, {"Arn": arn})
        if kind == "AWS::Lambda::Version":
            # Every property requires replacement: a new PublishVersion.
            function = properties["FunctionName"]
            number, published = lambda_.publish_version(
                function, properties.get("Description", ""), properties.get("CodeSha256")
            )
            if not published:
                raise DeployFailedError(
                    f"A version for this Lambda function exists ( {number} ). "
                    "Modify the function to create a new version."
                )
            arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function}:{number}"
            return ResourceState(properties, arn, {"Version": str(number)})
        if kind == "AWS::Lambda::Alias":
            function = lambda_.functions[properties["FunctionName"]]
            function.aliases[properties["Name"]] = int(properties["FunctionVersion"])
            arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function.name}:live"
            return ResourceState(properties, arn)
        if kind.startswith("Custom::"):
            return self._custom_resource(name, properties, previous)
        physical = previous.physical_id if previous else f"runner-strength-dev-{name}-XyZ789"
        return ResourceState(properties, physical, {"Arn": f"arn:aws:generic:::{physical}"})

    def _custom_resource(
        self, name: str, properties: dict[str, Any], previous: ResourceState | None
    ) -> ResourceState:
        """Invoke the template's inline handler the way CloudFormation does, and read its answer."""
        service = properties["ServiceToken"].rsplit(":", 1)[-1]
        source = self.template["Resources"][_logical_id_of(self.new_state, service)]
        handler_source = source["Properties"]["Code"]["ZipFile"]
        answers: list[dict[str, Any]] = []

        def urlopen(request: urllib.request.Request, timeout: float) -> Any:
            assert request.get_method() == "PUT"
            assert timeout > 0
            assert isinstance(request.data, bytes)
            answers.append(json.loads(request.data))
            return types.SimpleNamespace(close=lambda: None)

        fake_boto3 = types.ModuleType("boto3")
        fake_boto3.client = lambda _service: _LambdaClient(self.account.lambda_)  # type: ignore[attr-defined]
        module: dict[str, Any] = {"__name__": "index"}
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(sys.modules, "boto3", fake_boto3)
            patch.setattr(urllib.request, "urlopen", urlopen)
            exec(compile(handler_source, "index.py", "exec"), module)  # noqa: S102  # the template's own code
        event = {
            "RequestType": "Update" if previous else "Create",
            "ResponseURL": "https://cloudformation-custom-resource-response.example/x",
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/runner-strength-dev/1",
            "RequestId": "request",
            "LogicalResourceId": name,
            "ResourceType": "Custom::FunctionCodeHash",
            "ResourceProperties": properties,
            **({"PhysicalResourceId": previous.physical_id} if previous else {}),
        }
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(urllib.request, "urlopen", urlopen)
            module["handler"](event, None)
        (answer,) = answers
        if answer["Status"] != "SUCCESS":
            raise DeployFailedError(answer["Reason"])
        if previous is not None and answer["PhysicalResourceId"] != previous.physical_id:
            raise DeployFailedError("the custom resource changed its physical id (a replacement)")
        return ResourceState(properties, answer["PhysicalResourceId"], dict(answer["Data"]))


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _logical_id_of(state: Mapping[str, ResourceState], physical_id: str) -> str:
    (logical,) = [name for name, s in state.items() if s.physical_id == physical_id]
    return logical


def _lambda_configuration(properties: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's function properties as GetFunctionConfiguration reports them."""
    configuration = dict(properties)
    configuration.pop("Tags", None)
    configuration.pop("ReservedConcurrentExecutions", None)  # a function setting, not versioned
    configuration.pop("LoggingConfig", None)
    if "SnapStart" in configuration:
        apply_on = configuration["SnapStart"]["ApplyOn"]
        configuration["SnapStart"] = {"ApplyOn": apply_on, "OptimizationStatus": "Off"}
    for number in ("MemorySize", "Timeout"):
        if number in configuration:
            configuration[number] = int(configuration[number])
    return configuration


class _LambdaClient:
    """The boto3 Lambda client calls the inline handler makes, answered by the model."""

    def __init__(self, model: LambdaModel) -> None:
        self._model = model

    def get_waiter(self, name: str) -> Any:
        assert name == "function_updated"
        return types.SimpleNamespace(wait=lambda **_: None)

    def get_function_configuration(self, FunctionName: str) -> dict[str, Any]:  # noqa: N803  # boto3's name
        return self._model.get_function_configuration(FunctionName)


# ---------------------------------------------------------------- ask deploy


def ask_deploy(
    account: Account,
    template: Mapping[str, Any],
    zip_bytes: bytes,
    user_parameters: Mapping[str, str],
) -> None:
    """One `ask deploy` of the skill infrastructure: upload the zip, create or update the stack.

    On failure the stack keeps its previous state (CloudFormation's rollback) and DeployFailedError
    carries the failed resource's reason, as the cfn-deployer prints it.
    """
    key = "endpoint/build.zip"
    version = account.bucket.put_object(key, zip_bytes)
    parameters = {
        "SkillId": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000",
        "LambdaRuntime": "python3.13",
        "LambdaHandler": "lambda_function.lambda_handler",
        "CodeBucket": "ask-runnerstrength-default-useast1-1733300000000",
        "CodeKey": key,
        "CodeVersion": version,
        **user_parameters,
    }
    StackRun(account, template, parameters).run()


def live_version(account: Account) -> int:
    """The version number the `live` alias points at."""
    (function,) = [f for f in account.lambda_.functions.values() if "live" in f.aliases]
    return function.aliases["live"]


def skill_function(account: Account) -> FunctionModel:
    """The skill's function (the one with the alias)."""
    (function,) = [f for f in account.lambda_.functions.values() if f.versions]
    return function
