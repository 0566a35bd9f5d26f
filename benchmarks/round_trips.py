"""Storage round trips per turn, against DynamoDB Local, over whole workouts.

The skill is composed as in production (`build_adapter` with a DynamoDB client built by
`build_dynamodb_client`), and botocore's event system counts every API call the client makes
(`before-call`) and every HTTP attempt (`before-send`, which includes retries) during each turn.
Two workouts run: a runner's very first one, then the same runner again.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from common import Row, log, no_skill_errors
from conversation import DEFAULT_USER, Device, Turn, whole_workout
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.config import Config
from runner_strength.content.compiled import load_compiled
from runner_strength.persistence.dynamodb import build_dynamodb_client
from runner_strength.persistence.factory import build_adapter
from warm_turn import Clock

READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


@dataclass
class Counts:
    """Calls made by the client since the last reset."""

    operations: Counter[str] = field(default_factory=Counter)
    attempts: int = 0

    def on_call(self, model: Any = None, **_: Any) -> None:  # noqa: ANN401  # botocore OperationModel
        """Count one API operation (botocore's `before-call` event)."""
        self.operations[str(getattr(model, "name", "?"))] += 1

    def on_send(self, **_: Any) -> None:
        """Count one HTTP attempt, retries included (botocore's `before-send` event)."""
        self.attempts += 1

    @property
    def reads(self) -> int:
        """Read operations."""
        return sum(n for op, n in self.operations.items() if op in READS)

    @property
    def writes(self) -> int:
        """Write operations."""
        return sum(n for op, n in self.operations.items() if op in WRITES)


@dataclass(frozen=True)
class TurnCount:
    """What one turn cost the store."""

    workout: int
    kind: str
    new_session: bool
    reads: int
    writes: int
    attempts: int
    operations: dict[str, int]


def measure(workouts: int = 2) -> list[TurnCount]:
    """Per-turn store calls over `workouts` whole workouts of one new runner."""
    config = Config.from_env()
    client = build_dynamodb_client(config)
    counts = Counts()
    client.meta.events.register("before-call.dynamodb", counts.on_call)
    client.meta.events.register("before-send.dynamodb", counts.on_send)
    clock = Clock()
    skill = build_skill(
        library=load_compiled(),
        adapter=build_adapter(config, clock, dynamodb_client=client),
        clock=clock,
        skill_id=config.skill_id,
    )
    result: list[TurnCount] = []
    number = 0

    def record(turn: Turn) -> None:
        result.append(
            TurnCount(
                number,
                turn.kind,
                turn.new_session,
                counts.reads,
                counts.writes,
                counts.attempts,
                dict(counts.operations),
            )
        )

    entry = LambdaEntry(skill)

    def counted(event: dict[str, Any], context: object) -> dict[str, Any]:
        counts.operations.clear()
        counts.attempts = 0
        return entry(event, context)

    user = f"{DEFAULT_USER[:-12]}{uuid.uuid4().hex[:12].upper()}"  # a runner never seen before
    device = Device(counted, user_id=user, advance=clock.advance, after_turn=record)
    with no_skill_errors("round trips"):
        for number in range(1, workouts + 1):  # noqa: B007  # read by `record`
            whole_workout(device)
    return result


def by_kind(turns: list[TurnCount]) -> dict[str, dict[str, int]]:
    """Totals and per-turn maxima by turn kind (new-session turns of a kind apart)."""
    table: dict[str, dict[str, int]] = defaultdict(
        lambda: {"turns": 0, "reads": 0, "writes": 0, "max_reads": 0, "max_writes": 0}
    )
    for turn in turns:
        kind = f"{turn.kind} (new session)" if turn.new_session else turn.kind
        row = table[kind]
        row["turns"] += 1
        row["reads"] += turn.reads
        row["writes"] += turn.writes
        row["max_reads"] = max(row["max_reads"], turn.reads)
        row["max_writes"] = max(row["max_writes"], turn.writes)
    return dict(table)


def kinds_table(summary: dict[str, dict[str, int]]) -> str:
    """Per-kind counts as a Markdown table."""
    lines = [
        "| turn kind | turns | reads | writes | max reads/turn | max writes/turn |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {kind} | {c['turns']} | {c['reads']} | {c['writes']} | {c['max_reads']} "
        f"| {c['max_writes']} |"
        for kind, c in summary.items()
    ]
    return "\n".join(lines)


def available() -> bool:
    """Whether DynamoDB Local is configured (make bench runs under tools/dynamodb_local.py)."""
    return bool(os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") and os.environ.get("TABLE_NAME"))


def rows() -> tuple[list[Row], str]:
    """The round-trip rows, and the per-kind table."""
    if not available():
        log("round trips: skipped (no DynamoDB Local; run `make bench`)")
        return [], ""
    log("round trips: two whole workouts against DynamoDB Local, calls counted per turn")
    turns = measure()
    summary = by_kind(turns)
    new = [t for t in turns if t.new_session]
    later = [t for t in turns if not t.new_session]
    retries = sum(t.attempts - t.reads - t.writes for t in turns)
    details = {
        "by_kind": summary,
        "turns": [t.__dict__ for t in turns],
        "http_attempts_beyond_calls": retries,
    }
    note = (
        f"{len(turns)} turns, {len(new)} sessions, 2 workouts of one new runner; "
        f"botocore before-call events; {retries} retried HTTP attempts"
    )
    new_reads = Row(
        "store reads, new-session turn",
        "",
        float(max(t.reads for t in new)),
        None,
        target="= 1 each",
        met=all(t.reads == 1 for t in new),
        notes=note,
        details=details,
    )
    later_reads = Row(
        "store reads, later turn (max)",
        "",
        float(max(t.reads for t in later)),
        None,
        target="= 0",
        met=all(t.reads == 0 for t in later),
        notes=note,
    )
    later_writes = Row(
        "store writes, later turn (max)",
        "",
        float(max(t.writes for t in later)),
        None,
        target="<= 1",
        met=all(t.writes <= 1 for t in later),
        notes=note,
    )
    new_writes = Row(
        "store writes, new-session turn (max)",
        "",
        float(max(t.writes for t in new)),
        None,
        notes=note,
    )
    return [new_reads, later_reads, later_writes, new_writes], kinds_table(summary)
