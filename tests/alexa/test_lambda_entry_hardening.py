"""The Lambda entry's own checks, before the ASK SDK reads a request: skill ids and the context."""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from runner_strength.alexa.skill import REJECTED, LambdaEntry, build_lambda_entry, build_skill
from runner_strength.config import Config
from skilltest import Reply, check_response, event

if TYPE_CHECKING:
    from pathlib import Path

    from runner_strength.content.model import Library
    from runner_strength.persistence.memory import MemoryAdapter
    from skilltest import FakeClock

SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"
OTHER_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


@pytest.fixture
def ours(library: Library, adapter: MemoryAdapter, clock: FakeClock) -> LambdaEntry:
    """The entry for SKILL_ID over an in-memory store."""
    return LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=clock, skill_id=SKILL_ID)
    )


def test_our_skill_id_in_context_and_session_is_answered(
    ours: LambdaEntry, adapter: MemoryAdapter
) -> None:
    """The real start envelope for our skill is answered and saved."""
    reply = Reply(ours(event("start_workout"), None))
    check_response(reply)
    assert reply.raw != REJECTED
    assert adapter._items


def test_a_foreign_session_id_with_our_context_id_is_rejected_and_writes_nothing(
    ours: LambdaEntry, adapter: MemoryAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    """Both ids are checked before the SDK runs: a foreign session id leaves no stored state."""
    envelope = event("start_workout")
    envelope["session"]["application"]["applicationId"] = OTHER_SKILL_ID
    with caplog.at_level(logging.WARNING):
        assert ours(envelope, None) == REJECTED
    assert not adapter._items
    assert "session.application is another skill" in caplog.text


def test_a_foreign_context_id_is_rejected(ours: LambdaEntry, adapter: MemoryAdapter) -> None:
    """A context naming another skill is refused even when the session names ours."""
    envelope = event("start_workout")
    envelope["context"]["System"]["application"]["applicationId"] = OTHER_SKILL_ID
    assert ours(envelope, None) == REJECTED
    assert not adapter._items


@pytest.mark.parametrize(
    "damage",
    ["no context", "no System", "no application", "null applicationId", "numeric applicationId"],
)
def test_a_missing_context_skill_id_is_a_clean_rejection(
    ours: LambdaEntry, entry: LambdaEntry, damage: str
) -> None:
    """Without context.System.application.applicationId both entries reject, never raise."""
    envelope = event("launch")
    system = envelope["context"]["System"]
    if damage == "no context":
        del envelope["context"]
    elif damage == "no System":
        del envelope["context"]["System"]
    elif damage == "no application":
        del system["application"]
    else:
        system["application"]["applicationId"] = None if damage.startswith("null") else 5
    assert ours(envelope, None) == REJECTED
    assert entry(envelope, None) == REJECTED


def test_skill_events_carry_no_session_and_are_still_checked(ours: LambdaEntry) -> None:
    """SkillDisabled has no session: the context id alone decides."""
    assert ours(event("skill_disabled"), None) != REJECTED
    foreign = event("skill_disabled")
    foreign["context"]["System"]["application"]["applicationId"] = OTHER_SKILL_ID
    assert ours(foreign, None) == REJECTED


def _config(tmp_path: Path, skill_id: str | None) -> Config:
    base = Config.from_env({"RUNNER_STRENGTH_DB": str(tmp_path / "state.sqlite3")})
    return replace(base, skill_id=skill_id)


def test_cold_start_without_skill_id_logs_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With SKILL_ID unset the entry warns once when built, and not again per request."""
    with caplog.at_level(logging.WARNING, logger="runner_strength"):
        entry = build_lambda_entry(_config(tmp_path, None))
        entry(event("launch"), None)
        entry(event("help"), None)
    warnings = [r for r in caplog.records if "SKILL_ID is not set" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


def test_cold_start_with_skill_id_logs_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With SKILL_ID set nothing is logged at cold start, and the id is enforced."""
    with caplog.at_level(logging.WARNING, logger="runner_strength"):
        entry = build_lambda_entry(_config(tmp_path, OTHER_SKILL_ID))
    assert "SKILL_ID" not in caplog.text
    assert entry.skill_id == OTHER_SKILL_ID
    assert entry(event("launch"), None) == REJECTED


def test_lambda_function_module_warns_at_import_when_skill_id_is_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Importing lambda_function (Lambda's cold start) with no SKILL_ID logs the warning."""
    monkeypatch.setenv("RUNNER_STRENGTH_DB", str(tmp_path / "state.sqlite3"))
    monkeypatch.delenv("TABLE_NAME", raising=False)
    monkeypatch.delenv("SKILL_ID", raising=False)
    sys.modules.pop("lambda_function", None)
    with caplog.at_level(logging.WARNING, logger="runner_strength"):
        module = importlib.import_module("lambda_function")
    sys.modules.pop("lambda_function", None)
    assert "SKILL_ID is not set" in caplog.text
    assert module.lambda_handler.skill_id is None
