"""Soak: 1,000 complete conversations through the Lambda entry against DynamoDB Local.

Each conversation is short but whole: "open runner strength", "start <workout> for one minute"
(the shortest plan: one exercise, one set), then "ready" until the coach sums up and ends the
session. 20 runners take turns, 50 conversations each, so every record grows to the full
50-entry history. After every conversation the stored item is read back: the workout is the
newest history entry, finished, and nothing is left active. Process memory is sampled every 100
conversations (RSS after a collection, and the number of live objects); growth after the first
sample must stay small.
"""

from __future__ import annotations

import gc
import time
import uuid
from typing import TYPE_CHECKING

import pytest

from reliability_kit import figures, quiet_skill_logs, rss_bytes, stored_record
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.engine.record import HISTORY_LIMIT
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from runner_strength.persistence.repository import Repository, user_record_codec
from skilltest import Device, FakeClock

if TYPE_CHECKING:
    from conftest import DynamoDbLocalTable
    from runner_strength.content.model import Library

pytestmark = [pytest.mark.dynamodb, pytest.mark.slow]

CONVERSATIONS = 1_000
RUNNERS = 20
"""Each runner has 50 conversations: every stored history reaches its cap."""
SAMPLE_EVERY = 100
MAX_RSS_GROWTH_BYTES = 32 * 1024 * 1024
"""Generous: a leak of 40 KB per conversation would pass 32 MB over 900 conversations."""
MAX_OBJECT_GROWTH = 0.05
"""Live objects may grow by 5% at most between the first and the last sample."""


def test_a_thousand_conversations_end_right_and_keep_memory_flat(
    library: Library,
    dynamodb_local: DynamoDbLocalTable,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """1,000 whole conversations: each workout finished in the store, memory flat throughout."""
    quiet_skill_logs(caplog)
    clock = FakeClock(time.time())  # DynamoDB Local deletes items whose TTL has passed
    adapter = DynamoDbAdapter(
        dynamodb_local.client(), dynamodb_local.table_name, clock=clock, ttl_days=365
    )
    repository = Repository(user_record_codec())
    entry = LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=clock, repository=repository)
    )
    run = uuid.uuid4().hex[:12].upper()
    echoes = [
        Device(
            entry,
            clock=clock,
            user_id=f"amzn1.ask.account.SOAK{run}{n:03d}",
            device_id=f"amzn1.ask.device.SOAK{run}{n:03d}",
        )
        for n in range(RUNNERS)
    ]
    workouts = sorted(library.workouts)
    rss: list[int] = []
    objects: list[int] = []
    turns = 0
    began = time.perf_counter()
    for n in range(CONVERSATIONS):
        echo = echoes[n % RUNNERS]
        workout_id = workouts[(n // RUNNERS) % len(workouts)]
        echo.launch()
        echo.say(
            "StartWorkoutIntent",
            workout=(workout_id, workout_id.replace("_", " ")),
            duration="PT1M",
        )
        echo.ready_until_done(limit=20)
        turns += len(echo.replies)
        echo.replies.clear()  # the harness must not be what grows
        record = stored_record(adapter, echo.user_id)
        assert record is not None
        last = record.history[-1]
        assert (last.workout_id, last.finished) == (workout_id, True), last
        assert dict(record.active) == {}, record.active
        assert len(record.history) == min(n // RUNNERS + 1, HISTORY_LIMIT)
        clock.advance(3_600)
        if (n + 1) % SAMPLE_EVERY == 0:
            # The repository keeps up to RECENT_RECORDS records decoded, by design; their
            # histories grow to the cap over the whole soak, so they are left out of the count.
            repository.drop_decoded()
            gc.collect()
            rss.append(rss_bytes())
            objects.append(len(gc.get_objects()))
    seconds = time.perf_counter() - began
    rss_growth = rss[-1] - rss[0]
    object_growth = (objects[-1] - objects[0]) / objects[0]
    figures(
        capsys,
        f"soak: {CONVERSATIONS} conversations ({turns} turns) against DynamoDB Local in "
        f"{seconds:.0f} s ({turns / seconds:.0f} turns/s); RSS {rss[0] / 2**20:.1f} -> "
        f"{rss[-1] / 2**20:.1f} MiB (growth {rss_growth / 2**20:+.2f} MiB after conversation "
        f"{SAMPLE_EVERY}, peak {max(rss) / 2**20:.1f}), live objects {objects[0]} -> "
        f"{objects[-1]} ({object_growth:+.2%})",
    )
    assert rss_growth < MAX_RSS_GROWTH_BYTES
    assert object_growth < MAX_OBJECT_GROWTH
