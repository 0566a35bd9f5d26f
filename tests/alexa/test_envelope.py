"""The one request-envelope builder that the tests, the console and the benchmarks share."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.request_envelope import RequestEnvelope

from runner_strength.envelope import Session, alexa_timestamp, build_envelope
from skilltest import EVENTS, event

REPO_ROOT = Path(__file__).resolve().parents[2]
USERS = (
    "tests/skilltest.py",
    "lambda/runner_strength/console/session.py",
    "benchmarks/conversation.py",
)
SKILL = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


def test_a_minimal_envelope_is_one_the_sdk_reads_with_every_id_in_place() -> None:
    """Without a template: ids, session, time and locale where Alexa puts them; the SDK reads it."""
    built = build_envelope(
        request={"type": "LaunchRequest"},
        skill_id=SKILL,
        user_id="amzn1.ask.account.U",
        device_id="amzn1.ask.device.D",
        request_id="r-1",
        session=Session("s-1", new=True, attributes={"k": 1}),
        timestamp=1_795_000_000.0,
        locale="en-GB",
    )
    system = built["context"]["System"]
    assert system["application"] == built["session"]["application"] == {"applicationId": SKILL}
    assert system["user"]["userId"] == built["session"]["user"]["userId"] == "amzn1.ask.account.U"
    assert system["device"]["deviceId"] == "amzn1.ask.device.D"
    assert built["session"] == {
        "new": True,
        "sessionId": "s-1",
        "attributes": {"k": 1},
        "application": {"applicationId": SKILL},
        "user": {"userId": "amzn1.ask.account.U"},
    }
    assert built["request"] == {
        "type": "LaunchRequest",
        "requestId": "r-1",
        "timestamp": "2026-11-18T11:06:40Z",
        "locale": "en-GB",
    }
    envelope = DefaultSerializer().deserialize(json.dumps(built), RequestEnvelope)
    assert envelope.context.system.application.application_id == SKILL
    assert envelope.session.session_id == "s-1"


@pytest.mark.parametrize("path", sorted(EVENTS.glob("*.json")), ids=lambda p: p.stem)
def test_a_real_envelope_keeps_its_shape_and_gets_the_ids(path: Path) -> None:
    """Every fixture keeps what it carries; ids, session and locale are filled in consistently."""
    template = json.loads(path.read_text("utf-8"))
    built = build_envelope(
        template,
        user_id="u",
        device_id="d",
        request_id="r",
        session=Session("s", new=False, attributes={"a": [1]}),
        locale="en-AU",
    )
    assert set(built) == set(template)
    assert built["request"]["type"] == template["request"]["type"]
    assert built["request"]["requestId"] == "r"
    assert ("locale" in built["request"]) == ("locale" in template["request"])
    system = built["context"]["System"]
    assert system["application"] == template["context"]["System"]["application"]
    assert system["user"]["userId"] == "u"
    assert system["device"]["deviceId"] == "d"
    assert set(system) >= set(template["context"]["System"])
    if "session" in template:
        assert built["session"]["application"] == system["application"]
        assert (built["session"]["sessionId"], built["session"]["attributes"]) == ("s", {"a": [1]})
    assert template == json.loads(path.read_text("utf-8")), "the template is not changed"


def test_a_skill_event_stays_without_a_session() -> None:
    """SkillDisabled has no session; the builder does not invent one."""
    built = build_envelope(
        event("skill_disabled"),
        user_id="u",
        device_id="d",
        request_id="r",
        session=Session("s", new=True),
    )
    assert "session" not in built


def test_timestamps_are_written_as_alexa_writes_them() -> None:
    """UTC, whole seconds, a Z."""
    assert alexa_timestamp(0.9) == "1970-01-01T00:00:00Z"


@pytest.mark.parametrize("user", USERS)
def test_every_driver_builds_its_envelopes_with_the_one_builder(user: str) -> None:
    """The tests', the console's and the benchmarks' devices call build_envelope, none by hand."""
    source = (REPO_ROOT / user).read_text("utf-8")
    assert "build_envelope(" in source
    by_hand = re.findall(r'\[?"(?:sessionId|requestId|applicationId|deviceId)"\]?\s*[:=]', source)
    assert by_hand == [], f"{user} sets envelope ids itself: {by_hand}"
