"""Warm turns: the Lambda entry's call time over whole workout conversations, in one process.

The subject is the skill as `build_default_skill` composes it (compiled content, the real
handlers, the `LambdaEntry`), over the in-memory store and a clock the driver moves. After every
subject turn the baseline answers one LaunchRequest, so both see the same machine state; only the
handler call itself is timed.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import time
from collections import defaultdict
from typing import Any

import baseline_skill
from common import Row, log, median, no_skill_errors, percentile, ratio_at_most
from conversation import Device, event, whole_workout
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.content.compiled import load_compiled
from runner_strength.persistence.memory import MemoryAdapter

TARGET_MEDIAN_RATIO = 2.0
TARGET_P99_RATIO = 2.5
START = 1_795_000_000.0


class Clock:
    """The skill's clock, moved by the driver."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        """Epoch seconds."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Let time pass."""
        self.now += seconds


def subject_device(*, after_turn: Any = None) -> Device:  # noqa: ANN401  # Callable[[Turn], None]
    """A device talking to the skill over a fresh in-memory store."""
    clock = Clock()
    skill = build_skill(
        library=load_compiled(),
        adapter=MemoryAdapter(clock=clock, ttl_days=365),
        clock=clock,
        rng_for=random.Random,
    )
    return Device(LambdaEntry(skill), advance=clock.advance, after_turn=after_turn)


def measure(conversations: int) -> tuple[list[float], list[float], dict[str, list[float]]]:
    """Subject turn times, baseline call times, and subject times by turn kind."""
    launch = event("launch")
    baseline: list[float] = []

    def baseline_call(_turn: object) -> None:
        began = time.perf_counter()
        baseline_skill.lambda_handler(launch, None)
        baseline.append(time.perf_counter() - began)

    device = subject_device(after_turn=baseline_call)
    with no_skill_errors("warm turn"):
        whole_workout(device)  # warm-up: first calls, caches, the user's first record
        device.turns.clear()
        baseline.clear()
        for _ in range(conversations):
            whole_workout(device)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for turn in device.turns:
        by_kind[turn.kind].append(turn.seconds)
    return [t.seconds for t in device.turns], baseline, dict(by_kind)


def profile(conversations: int = 10, top: int = 25) -> str:
    """Profile the subject's turns (cProfile, cumulative): where a turn's time goes."""
    device = subject_device()
    whole_workout(device)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(conversations):
        whole_workout(device)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def rows(conversations: int, *, profile_turns: bool) -> list[Row]:
    """Median and p99 rows."""
    log(f"warm turn: {conversations} whole workouts, a baseline call after each turn")
    subject, baseline, by_kind = measure(conversations)
    turns_per_workout = len(subject) // conversations
    kinds = {
        kind: {
            "turns": len(times),
            "median_ms": round(median(times) * 1000, 3),
            "p99_ms": round(percentile(times, 99) * 1000, 3),
        }
        for kind, times in sorted(by_kind.items())
    }
    details: dict[str, Any] = {
        "conversations": conversations,
        "turns": len(subject),
        "turns_per_workout": turns_per_workout,
        "by_kind": kinds,
    }
    if profile_turns:
        details["cprofile"] = profile()
    counts = ", ".join(f"{kind} {len(times) // conversations}" for kind, times in by_kind.items())
    note = (
        f"{len(subject)} turns of {conversations} workouts of one runner ({turns_per_workout} "
        f"turns each: {counts}); in-memory store; baseline: hello-world LaunchRequest, the same "
        "number of calls, one after each subject turn"
    )
    med = Row(
        "warm turn, median",
        "ms",
        median(subject) * 1000,
        median(baseline) * 1000,
        notes=note,
        details=details,
    )
    p99 = Row(
        "warm turn, p99",
        "ms",
        percentile(subject, 99) * 1000,
        percentile(baseline, 99) * 1000,
        notes=note,
    )
    return [ratio_at_most(med, TARGET_MEDIAN_RATIO), ratio_at_most(p99, TARGET_P99_RATIO)]
