"""Red flags: symptoms that stop a workout at once, and the check at the next launch.

Chest pain or tightness, dizziness, feeling faint or sick, not being able to breathe, a racing
heart: the coach says stop, sit or lie down, and (for the chest or breathing) call emergency
services from a phone; the workout is saved as stopped and no next set is offered. Only the fact
of a safety stop is kept, with its time, for a few days (`SAFETY_STOP_KEPT_SECONDS`); no symptom is.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from runner_strength.alexa.dialog import Asked, Question
from runner_strength.engine import transitions
from runner_strength.engine.record import SAFETY_STOP_KEPT_SECONDS
from runner_strength.narration.moments import MomentTalk

if TYPE_CHECKING:
    from ask_sdk_model.response import Response

    from runner_strength.alexa.turning import TurnView as Turn

RED_FLAG_AREAS = frozenset({"chest", "heart", "head"})
"""Body areas a sore-area stand-in cannot spare: pain there is a red flag, not a swap."""


def is_red_flag_area(heard: str | None) -> bool:
    """Whether a body area heard in a pain report is one that stops the workout."""
    words = set((heard or "").lower().replace("'", " ").split())
    return bool(words & RED_FLAG_AREAS)


def red_flag(turn: Turn) -> Response:
    """Stop now: the workout ends, saved as stopped; the session ends with what to do."""
    state = turn.state
    if state is not None:
        turn.apply(transitions.finish(state, turn.library, turn.now))
        turn.outcome = None  # the screen shows no summary to read: the runner should be sitting
    turn.record = replace(turn.record, safety_stop_at=turn.now)
    return turn.respond(
        MomentTalk(turn.library, turn.rng).red_flag(stopped=state is not None), Asked()
    )


def check_due(turn: Turn) -> bool:
    """A safety stop within the last few days that the runner has not been asked about yet."""
    stopped = turn.record.safety_stop_at
    return stopped is not None and turn.now - stopped < SAFETY_STOP_KEPT_SECONDS


def forget_expired(turn: Turn) -> None:
    """Drop the fact of a safety stop once it is older than it may be kept."""
    stopped = turn.record.safety_stop_at
    if stopped is not None and turn.now - stopped >= SAFETY_STOP_KEPT_SECONDS:
        turn.record = replace(turn.record, safety_stop_at=None)


def ask_how_they_are(turn: Turn) -> Response:
    """The next launch after a safety stop: how they are comes before any suggestion."""
    turn.record = replace(turn.record, safety_stop_at=None)
    return turn.respond(
        MomentTalk(turn.library, turn.rng).safety_check(), Asked(Question.SAFETY_CHECK)
    )


def feeling_well(turn: Turn) -> Response:
    """Yes, well today: start gently, then today's suggestion."""
    turn.asked = Asked()  # answered: what follows is the day's offer, not this question again
    return turn.offer_next(MomentTalk(turn.library, turn.rng).safety_well())


def not_feeling_well(turn: Turn) -> Response:
    """No: rest today and see a doctor before training again; the session ends."""
    return turn.respond(MomentTalk(turn.library, turn.rng).safety_unwell(), Asked())
