"""Warm turns on DynamoDB: the skill against the SDK's own DynamoDB adapter, same round trips.

Needs DynamoDB Local (`make bench` starts it). The skill is composed as in production, on the
table, with botocore counting its calls per turn (round_trips.py's counter); after every skill
turn the adapter baseline (adapter_baseline_skill.py, in this process) answers a `RoundTrips`
request making exactly the reads and writes that turn made, so both sides wait on the same number
of DynamoDB Local round trips. Only the handler calls are timed.
"""

from __future__ import annotations

import importlib
import os
import time
import uuid
from typing import Any

from common import Row, log, median, no_skill_errors, percentile
from conversation import DEFAULT_USER, Device, Turn, event, whole_workout
from round_trips import Counts
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.config import Config
from runner_strength.content.compiled import load_compiled
from runner_strength.envelope import Session, build_envelope
from runner_strength.persistence.dynamodb import build_dynamodb_client
from runner_strength.persistence.factory import build_adapter
from warm_turn import Clock


def _round_trips_envelope(user: str, reads: int, writes: int, number: int) -> dict[str, Any]:
    envelope = event("ready")
    envelope["request"]["intent"] = {
        "name": "RoundTrips",
        "confirmationStatus": "NONE",
        "slots": {
            "reads": {"name": "reads", "value": str(reads), "confirmationStatus": "NONE"},
            "writes": {"name": "writes", "value": str(writes), "confirmationStatus": "NONE"},
        },
    }
    return build_envelope(
        envelope,
        user_id=user,
        device_id="amzn1.ask.device.AEXAMPLEDEVICEADAPTERBASELINE",
        request_id=f"amzn1.echo-api.request.adapter-{number}",
        session=Session("amzn1.echo-api.session.adapter", new=False, attributes={}),
    )


def measure(workouts: int) -> tuple[list[float], list[float], int]:
    """Skill turn times, adapter-baseline call times, and turns with a round trip."""
    config = Config.from_env()
    client = build_dynamodb_client(config)
    counts = Counts()
    client.meta.events.register("before-call.dynamodb", counts.on_call)
    clock = Clock()
    skill = build_skill(
        library=load_compiled(),
        adapter=build_adapter(config, clock, dynamodb_client=client),
        clock=clock,
        skill_id=config.skill_id,
    )
    entry = LambdaEntry(skill)
    baseline_module = importlib.import_module("adapter_baseline_skill")
    user = f"{DEFAULT_USER[:-12]}{uuid.uuid4().hex[:12].upper()}"
    baseline: list[float] = []
    touching = 0

    def counted(envelope: dict[str, Any], context: object) -> dict[str, Any]:
        counts.operations.clear()
        return entry(envelope, context)

    def baseline_call(_turn: Turn) -> None:
        nonlocal touching
        reads, writes = min(counts.reads, 1), min(counts.writes, 1)
        touching += bool(reads or writes)
        request = _round_trips_envelope(user, reads, writes, len(baseline))
        began = time.perf_counter()
        baseline_module.lambda_handler(request, None)
        baseline.append(time.perf_counter() - began)

    device = Device(counted, user_id=user, advance=clock.advance, after_turn=baseline_call)
    with no_skill_errors("warm turn on DynamoDB"):
        whole_workout(device)  # warm-up: first calls, the user's first record
        device.turns.clear()
        baseline.clear()
        touching = 0
        for _ in range(workouts):
            whole_workout(device)
    return [t.seconds for t in device.turns], baseline, touching


def rows(workouts: int) -> list[Row]:
    """Median and p99 of a warm turn on DynamoDB Local, against the adapter baseline."""
    if not (os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") and os.environ.get("TABLE_NAME")):
        log("warm turn on DynamoDB: skipped (no DynamoDB Local; `make bench` starts one)")
        return []
    log(f"warm turn on DynamoDB: {workouts} whole workouts, the adapter baseline after each turn")
    subject, baseline, touching = measure(workouts)
    note = (
        f"{len(subject)} turns of {workouts} workouts on DynamoDB Local ({touching} made a round "
        "trip); baseline: the hello world on ask-sdk-dynamodb-persistence-adapter making the same "
        "reads and writes after each turn"
    )
    return [
        Row(
            "warm turn on DynamoDB, median, vs the SDK's DynamoDB adapter",
            "ms",
            median(subject) * 1000,
            median(baseline) * 1000,
            notes=note,
        ),
        Row(
            "warm turn on DynamoDB, p99, vs the SDK's DynamoDB adapter",
            "ms",
            percentile(subject, 99) * 1000,
            percentile(baseline, 99) * 1000,
            notes=note,
        ),
    ]
