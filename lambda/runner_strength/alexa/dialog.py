"""The question the skill last asked, kept in the session so "yes" and "no" mean the right thing.

This is conversation state, not workout state: it lives only for one session and is read and
written here alone, as one typed value under one key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

SESSION_KEY = "question"


class Question(StrEnum):
    """What the last response asked."""

    NONE = "none"  # a menu prompt: "what would you like?"
    RESUME_OFFER = "resume_offer"  # "pick up where you left off?"
    START_OFFER = "start_offer"  # "want to start <workout>?"
    READY = "ready"  # "ready for set two?"
    WARM_UP_OFFER = "warm_up_offer"  # "a three minute warm-up first?"
    WARMED_UP = "warmed_up"  # the warm-up, then "ready for the first set?"
    COOL_DOWN_OFFER = "cool_down_offer"  # "a two minute cool-down?"


@dataclass(frozen=True, slots=True)
class Asked:
    """The last question and, for a start offer, the workout offered."""

    question: Question = Question.NONE
    workout_id: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """The session-attribute form."""
        return {"question": self.question.value, "workout_id": self.workout_id}


def last_asked(handler_input: HandlerInput) -> Asked:
    """What this session last asked (nothing for a new session or an unreadable value)."""
    session = _session_attributes(handler_input)
    raw = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(raw, dict):
        return Asked()
    try:
        question = Question(str(raw.get("question")))
    except ValueError:
        return Asked()
    workout_id = raw.get("workout_id")
    return Asked(question, workout_id if isinstance(workout_id, str) else None)


def remember(handler_input: HandlerInput, asked: Asked) -> None:
    """Record the question this response asks."""
    session = _session_attributes(handler_input)
    if session is not None:  # skill events carry no session
        session[SESSION_KEY] = asked.to_dict()


def _session_attributes(handler_input: HandlerInput) -> dict[str, object] | None:
    """The session attributes; None outside a session (the SDK raises instead of answering)."""
    if handler_input.request_envelope.session is None:
        return None
    attributes: dict[str, object] | None = handler_input.attributes_manager.session_attributes
    return attributes
