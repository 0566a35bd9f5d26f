"""Time budgets as a runner hears them: "give me a 15 minute workout", played to its end.

Used by `runner-strength lengths` for the budget part of docs/timeline.md. Each budget is a fresh
runner on the real skill (memory store, a clock moved by every response's audio and answer)
through the Lambda entry, saying "ready" (or "yes" to an offer) until the workout is done.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.console.session import Device
from runner_strength.engine.pace import ANSWER_SECONDS
from runner_strength.persistence.memory import MemoryAdapter

if TYPE_CHECKING:
    from runner_strength.content.model import Library

# A workout has at most this many responses; more means it never ended.
_MOST_RESPONSES = 200
_START = 1_780_000_000.0


@dataclass(frozen=True, slots=True)
class Budget:
    """One budget asked for: what the coach first said, and what the whole session played."""

    minutes: int
    first: str  # the answer to the request, as text
    played: float  # seconds: every response's audio and every answer
    responses: int


class _Clock:
    def __init__(self) -> None:
        self.now = _START

    def __call__(self) -> float:
        return self.now


def play_budget(library: Library, minutes: int) -> Budget:
    """Ask for a workout of `minutes` with no workout named, and play it to its end."""
    clock = _Clock()
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    entry = LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=clock, rng_for=random.Random)
    )
    device = Device(entry, clock)
    device.launch()
    first = device.send(_intent("StartWorkoutIntent", duration=f"PT{minutes}M"))
    replies = [first]
    reply = first
    while not reply.ends_session and len(replies) < _MOST_RESPONSES:
        clock.now += reply.seconds + ANSWER_SECONDS
        asked = (reply.raw.get("sessionAttributes") or {}).get("question") or {}
        question = asked.get("question") if isinstance(asked, dict) else None
        if question == "cool_down_offer":
            break  # the workout is over; the cool-down is another matter
        name = "AMAZON.YesIntent" if question == "start_offer" else "ReadyIntent"
        reply = device.send(_intent(name))
        replies.append(reply)
    played = sum(r.seconds for r in replies) + ANSWER_SECONDS * (len(replies) - 1)
    return Budget(minutes, first.text, played, len(replies))


def _intent(name: str, **values: str) -> dict[str, Any]:
    slots = {
        slot: {"name": slot, "value": value, "confirmationStatus": "NONE"}
        for slot, value in values.items()
    }
    return {
        "type": "IntentRequest",
        "intent": {"name": name, "confirmationStatus": "NONE", "slots": slots},
    }


def transcript(budgets: list[Budget]) -> list[str]:
    """The budgets as markdown lines: what was asked, the first answer, what it played."""
    lines = [
        "### Time budgets, as heard",
        "",
        "A budget holds the warm-up. Asked with no workout named; played to the end through the",
        'Lambda entry ("ready" to each question, "yes" to an offer), the first answer quoted:',
        "",
    ]
    for budget in budgets:
        first = " ".join(budget.first.split())
        asked = f"{budget.minutes} {'minute' if budget.minutes == 1 else 'minutes'}"
        played = f"played {budget.played / 60:.1f} min in {budget.responses} responses"
        lines.append(f"- **{asked}**: {played}. *{_opening(first)}*")
    return lines


def _opening(text: str) -> str:
    """The answer up to where the warm-up or the first set starts: what the budget is told."""
    sentences = text.replace("? ", "?\0").replace(". ", ".\0").split("\0")
    kept: list[str] = []
    for sentence in sentences:
        kept.append(sentence)
        if sentence.endswith("?") or " in all" in sentence:  # the question, or the budget line
            break
    return " ".join(kept)
