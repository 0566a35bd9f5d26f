"""What `ask deploy` (ASK CLI 2.30) writes into our manifest, replayed here and checked.

After the cfn-deployer's stack is up, the CLI's skill-infrastructure controller
(`updateSkillManifestWithDeployResult` in lib/controllers/skill-infrastructure-controller/index.js,
ask-cli 2.30.7) writes the stack's `SkillEndpoint` into `manifest.apis.<domain>.endpoint` for every
entry of `userConfig.targetEndpoint` (or every `apis` key when there is none), and, when
`userConfig.skillEvents` is set, into `manifest.events.endpoint` with the listed subscriptions and
publications as `{"eventName": ...}` objects. Its enable step (`validateDomain` in
skill-metadata-controller) then refuses a manifest whose `apis` has more than one domain, or one
that is not `custom` or `music`. `cli_manifest_update` below is that code, step for step; the
result is read with ask-smapi-model's `SkillManifestEnvelope` (a key the model does not know is
dropped on the round trip, so it shows as a difference).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer

from committed import committed_json
from runner_strength import cli
from runner_strength.buildtime import interaction_model as im

if TYPE_CHECKING:
    from runner_strength.content.model import Library

REPO_ROOT = Path(__file__).resolve().parents[2]
PROFILE = "default"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:runner-strength-dev-SkillFunction-AbC123"
DEPLOY_RESULT = {"default": {"endpoint": {"uri": ARN}, "deployState": {}, "lastDeployHash": "x"}}
"""What the cfn-deployer hands back for the one code region ("default") in ask-resources.json."""
ENABLEABLE_DOMAINS = ("custom", "music")
"""ask-cli lib/utils/constants.js SKILL.DOMAIN.CAN_ENABLE_DOMAIN_LIST."""
MANIFEST_CLASS = "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope"


def _set(document: dict[str, Any], path: list[str], value: object) -> None:
    """Ramda's R.set(R.lensPath(path)): creates the objects on the way."""
    node = document
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def cli_manifest_update(
    manifest: dict[str, Any], resources: dict[str, Any], deploy_result: dict[str, Any]
) -> dict[str, Any]:
    """The manifest as ASK CLI 2.30 leaves it after deploying the skill infrastructure."""
    manifest = copy.deepcopy(manifest)
    user_config = resources["profiles"][PROFILE]["skillInfrastructure"]["userConfig"]
    targets = user_config.get("targetEndpoint") or []
    domains = targets or list(manifest["manifest"]["apis"])
    for domain in domains:
        for region, result in deploy_result.items():
            where = ["endpoint"] if region == "default" else ["regions", region, "endpoint"]
            _set(manifest, ["manifest", "apis", domain, *where], result["endpoint"])
    events = user_config.get("skillEvents")
    if events:
        for region, result in deploy_result.items():
            where = ["endpoint"] if region == "default" else ["regions", region, "endpoint"]
            _set(manifest, ["manifest", "events", *where], result["endpoint"])
        if events.get("publications"):
            publications = [{"eventName": name} for name in events["publications"]]
            _set(manifest, ["manifest", "events", "publications"], publications)
        if events.get("subscriptions"):
            subscriptions = [{"eventName": name} for name in events["subscriptions"]]
            _set(manifest, ["manifest", "events", "subscriptions"], subscriptions)
    return manifest


def deploy_problems(manifest: dict[str, Any]) -> list[str]:
    """Why the deployed manifest would not be accepted, enabled, or deliver SkillDisabled."""
    problems = []
    serializer = DefaultSerializer()
    envelope = serializer.deserialize(json.dumps(manifest), MANIFEST_CLASS)
    if serializer.serialize(envelope) != manifest:
        problems.append("ask-smapi-model does not read the manifest back unchanged")
    body = manifest["manifest"]
    apis = body.get("apis") or {}
    unknown = sorted(set(apis) - set(type(envelope.manifest.apis).attribute_map.values()))
    problems += [f"apis.{name} is not an API domain" for name in unknown]
    if len(apis) != 1 or next(iter(apis)) not in ENABLEABLE_DOMAINS:
        problems.append(f"the CLI cannot enable a skill with api domains {sorted(apis)}")
    custom = (apis.get("custom") or {}).get("endpoint", {}).get("uri")
    if custom != ARN:
        problems.append(f"apis.custom.endpoint.uri is {custom!r}, not the function")
    events = body.get("events") or {}
    if events.get("subscriptions"):
        uri = (events.get("endpoint") or {}).get("uri")
        if uri != ARN:
            problems.append(f"events.endpoint.uri is {uri!r}: subscriptions go nowhere")
    return problems


def _committed() -> tuple[dict[str, Any], dict[str, Any]]:
    # As committed: after a real `ask deploy` the working tree's skill.json holds the endpoint.
    manifest = committed_json(REPO_ROOT / "interaction_model" / "skill.json")
    resources = committed_json(REPO_ROOT / "ask-resources.json")
    return manifest, resources


def test_ask_deploy_writes_a_valid_manifest_with_skill_disabled_sent_to_the_function() -> None:
    """From a fresh clone the CLI writes a valid, enableable manifest; SkillDisabled is routed."""
    manifest, resources = _committed()
    deployed = cli_manifest_update(manifest, resources, DEPLOY_RESULT)
    assert deploy_problems(deployed) == []
    events = deployed["manifest"]["events"]
    assert events == {"endpoint": {"uri": ARN}, "subscriptions": [{"eventName": "SKILL_DISABLED"}]}
    assert list(deployed["manifest"]["apis"]) == ["custom"]


def test_the_committed_manifest_leaves_endpoints_and_events_to_the_cli() -> None:
    """skill.json holds no endpoint and no events block: the CLI writes both, from one ARN."""
    manifest, _ = _committed()
    assert "events" not in manifest["manifest"]
    assert "endpoint" not in manifest["manifest"]["apis"]["custom"]


def test_ask_resources_subscribes_to_what_the_skill_handles() -> None:
    """ask-resources.json's skillEvents subscriptions are the events the skill declares."""
    _, resources = _committed()
    user_config = resources["profiles"][PROFILE]["skillInfrastructure"]["userConfig"]
    assert user_config["targetEndpoint"] == ["custom"]
    assert tuple(user_config["skillEvents"]["subscriptions"]) == im.SUBSCRIBED_EVENTS


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (["custom", "events"], "apis.events is not an API domain"),
        (["custom", "events"], "cannot enable"),
        (["custom"], "subscriptions go nowhere"),
    ],
    ids=["events-target-invalid-api", "events-target-not-enableable", "no-skill-events"],
)
def test_the_check_catches_the_configurations_that_broke_deploy(
    target: list[str], expected: str
) -> None:
    """The old setup (targetEndpoint with "events", events in skill.json) fails the same check."""
    manifest, resources = _committed()
    user_config = resources["profiles"][PROFILE]["skillInfrastructure"]["userConfig"]
    user_config["targetEndpoint"] = target
    user_config.pop("skillEvents", None)
    manifest["manifest"]["events"] = {"subscriptions": [{"eventName": "SKILL_DISABLED"}]}
    deployed = cli_manifest_update(manifest, resources, DEPLOY_RESULT)
    assert any(expected in problem for problem in deploy_problems(deployed))


def test_the_model_drift_check_passes_after_ask_deploy(library: Library, tmp_path: Path) -> None:
    """`build-model --check` accepts exactly what the CLI wrote, and still sees real drift."""
    utterances = im.load_utterances()
    files = im.build_package(library, utterances)
    im.write_package(files, tmp_path)
    manifest, resources = _committed()
    deployed = cli_manifest_update(manifest, resources, DEPLOY_RESULT)
    (tmp_path / "skill.json").write_text(json.dumps(deployed), encoding="utf-8")
    assert im.package_differences(files, tmp_path) == []
    deployed["manifest"]["permissions"] = []
    (tmp_path / "skill.json").write_text(json.dumps(deployed), encoding="utf-8")
    assert im.package_differences(files, tmp_path) == [
        "skill.json: differs from what build-model generates"
    ]


def test_build_model_keeps_what_ask_deploy_and_the_publisher_wrote(tmp_path: Path) -> None:
    """After `ask deploy`, build-model keeps the endpoint, the events and a hand-added field.

    It still rewrites what it owns (a stale summary comes back), writes nothing the second time,
    and the result is a manifest the CLI's enable step accepts.
    """
    package = tmp_path / "interaction_model"
    args = ["--content", str(REPO_ROOT / "content"), "build-model", "--package-dir", str(package)]
    args += ["--name-free-file", str(tmp_path / "name_free.json")]
    assert cli.main(args) == 0
    skill = package / "skill.json"
    _, resources = _committed()
    deployed = cli_manifest_update(json.loads(skill.read_text("utf-8")), resources, DEPLOY_RESULT)
    body = deployed["manifest"]
    body["publishingInformation"]["automaticDistribution"] = {"isActive": False}
    summary = body["publishingInformation"]["locales"]["en-US"]["summary"]
    body["publishingInformation"]["locales"]["en-US"]["summary"] = "stale"
    skill.write_text(json.dumps(deployed), encoding="utf-8")

    assert cli.main(args) == 0
    rebuilt = json.loads(skill.read_text("utf-8"))["manifest"]
    assert rebuilt["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert rebuilt["events"] == {
        "endpoint": {"uri": ARN},
        "subscriptions": [{"eventName": "SKILL_DISABLED"}],
    }
    assert rebuilt["publishingInformation"]["automaticDistribution"] == {"isActive": False}
    assert rebuilt["publishingInformation"]["locales"]["en-US"]["summary"] == summary
    assert deploy_problems({"manifest": rebuilt}) == []
    before = skill.read_text("utf-8")
    assert cli.main([*args, "--check"]) == 0
    assert cli.main(args) == 0
    assert skill.read_text("utf-8") == before
