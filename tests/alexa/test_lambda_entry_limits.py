"""The Lambda entry's checks on untrusted parts of a request, before the ASK SDK reads it.

Crafted session attributes (too large, too deep, too long a list) are refused with the clean
rejection, never a crash; a timestamp that is not ISO 8601 is refused without guessing a date; a
snake_case `application_id` cannot stand in for Alexa's `applicationId`; a skill event delivered
twice is processed once; an id longer than any Alexa sends is refused.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from runner_strength.alexa.skill import ACKNOWLEDGED, REJECTED, LambdaEntry, build_skill
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Reply, check_response, event

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from skilltest import FakeClock

SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"
OTHER_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


class CountingAdapter(MemoryAdapter):
    """The in-memory store, counting deletes."""

    deletes = 0

    def delete(self, key: str) -> None:
        """Count, then delete."""
        self.deletes += 1
        super().delete(key)


@pytest.fixture
def store(clock: FakeClock) -> CountingAdapter:
    return CountingAdapter(clock=clock, ttl_days=365)


@pytest.fixture
def ours(library: Library, store: CountingAdapter, clock: FakeClock) -> LambdaEntry:
    """The entry for SKILL_ID over the counting store."""
    return LambdaEntry(build_skill(library=library, adapter=store, clock=clock, skill_id=SKILL_ID))


def _deep(levels: int) -> object:
    node: object = 1
    for _ in range(levels):
        node = {"d": node}
    return node


@pytest.mark.parametrize(
    ("name", "attributes"),
    [
        ("900 deep", {"deep": _deep(900)}),
        ("30 KB", {"padding": "x" * 30_000}),
        ("7,000-entry list", {"history": list(range(7000))}),
        ("7,000 keys", {f"k{n}": n for n in range(7000)}),
        ("not an object", ["a", "list"]),
    ],
)
def test_crafted_session_attributes_are_a_clean_rejection(
    ours: LambdaEntry, store: CountingAdapter, name: str, attributes: object
) -> None:
    """Over the size, depth or list limits: the rejection, nothing stored, no exception."""
    envelope = event("start_workout")
    envelope["session"]["attributes"] = attributes
    assert ours(envelope, None) == REJECTED, name
    assert not store._items


@pytest.mark.parametrize(
    "path",
    [
        ("context", "System", "device", "deviceId"),
        ("context", "System", "user", "userId"),
        ("session", "user", "userId"),
    ],
)
def test_an_id_longer_than_alexa_sends_is_a_clean_rejection(
    ours: LambdaEntry, store: CountingAdapter, path: tuple[str, ...]
) -> None:
    """A 1 MB device or user id: the rejection, nothing stored (it would swell the record)."""
    envelope = event("start_workout")
    node = envelope
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "amzn1.ask.device." + "x" * 1_000_000
    assert ours(envelope, None) == REJECTED
    assert not store._items


def test_real_session_attributes_pass_the_limits(ours: LambdaEntry) -> None:
    """What the skill itself put in the session comes back and is served."""
    first = ours(event("start_workout"), None)
    follow = event("ready")
    follow["session"]["attributes"] = first["sessionAttributes"]
    reply = Reply(ours(follow, None))
    assert reply.raw != REJECTED
    check_response(reply)


def test_a_fuzzy_timestamp_is_refused_without_guessing(ours: LambdaEntry) -> None:
    """60 KB of "1 1 1 ..." as the timestamp: rejected in milliseconds, not parsed by dateutil."""
    envelope = event("launch")
    envelope["request"]["timestamp"] = "1 " * 30_000
    began = time.perf_counter()
    assert ours(envelope, None) == REJECTED
    assert time.perf_counter() - began < 0.05


def test_a_snake_case_application_id_cannot_override_the_camel_case_one(
    ours: LambdaEntry,
) -> None:
    """Our id in `applicationId` and another in `application_id`: served as ours."""
    envelope = event("launch")
    envelope["context"]["System"]["application"]["application_id"] = OTHER_SKILL_ID
    envelope["session"]["application"]["application_id"] = OTHER_SKILL_ID
    reply = Reply(ours(envelope, None))
    assert reply.raw != REJECTED
    check_response(reply)


def test_a_duplicate_skill_event_is_acknowledged_and_processed_once(
    ours: LambdaEntry, store: CountingAdapter
) -> None:
    """SkillDisabled delivered three times: one delete, three plain acknowledgements."""
    answers = [ours(event("skill_disabled"), None) for _ in range(3)]
    assert store.deletes == 1
    assert answers[1] == answers[2] == ACKNOWLEDGED
    assert answers[0] != REJECTED
