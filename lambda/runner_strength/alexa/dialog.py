"""The question the skill last asked, kept in the session so an answer means the right thing.

This is conversation state, not workout state: it lives only for one session and is read and
written here alone, as one typed value under one key. Besides the question it says what the last
response was about (`Said`), so "repeat" re-says that and not a whole set.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

SESSION_KEY = "question"
MAX_CANDIDATES = 2
"""The most names one "did you mean ...?" offers."""


class Question(StrEnum):
    """What the last response asked."""

    NONE = "none"  # a menu prompt: "what would you like?"
    RESUME_OFFER = "resume_offer"  # "pick up where you left off?"
    START_OFFER = "start_offer"  # "want to start <workout>?"
    READY = "ready"  # "ready for set two?"
    REMINDER_OFFER = "reminder_offer"  # "want me to remind you every Thursday at 7?"
    RESUME_OR_NEW = "resume_or_new"  # "<workout> is paused at ... Resume it, or start <new>?"
    WHICH_EXERCISE = "which_exercise"  # "which exercise shall I explain?"
    EXPLAIN_DEEPER = "explain_deeper"  # after a first layer: "want the common mistakes ...?"
    ANOTHER_EXERCISE = "another_exercise"  # after an explanation: "another exercise, or a workout?"
    START_OVER = "start_over"  # "start the whole workout over from the first exercise?"
    STOP_FOR_TODAY = "stop_for_today"  # something hurt again: "shall we stop for today?"
    LIST_MORE = "list_more"  # after three workouts: "want to hear the other three?"
    WARM_UP_OFFER = "warm_up_offer"  # "a three minute warm-up first?"
    WARMED_UP = "warmed_up"  # the warm-up, then "ready for the first set?"
    COOL_DOWN_OFFER = "cool_down_offer"  # "a two minute cool-down?"
    SAFETY_CHECK = "safety_check"  # after a safety stop: "are you feeling well today?"
    BREATHER = "breather"  # after a minute of quiet: "ready to carry on?"
    DELETE_DATA = "delete_data"  # "delete your progress, settings and reminder?"
    CARRY_ON = "carry_on_set"  # a set interrupted mid-work: "ready to carry on from rep 6?"
    DID_YOU_MEAN = "did_you_mean"  # a name heard but not resolved: "did you mean the plank?"
    # Moments between questions, derived from the clock while a set's audio plays; never stored.
    SET_PLAYING = "set_playing"
    REST = "rest"


# The questions a pending answer must survive: help, status, repeat and the like say their piece
# and ask these again. READY and NONE are rebuilt from the workout (or the menu) instead.
PENDING = frozenset(
    {
        Question.RESUME_OFFER,
        Question.START_OFFER,
        Question.RESUME_OR_NEW,
        Question.WHICH_EXERCISE,
        Question.EXPLAIN_DEEPER,
        Question.ANOTHER_EXERCISE,
        Question.START_OVER,
        Question.STOP_FOR_TODAY,
        Question.LIST_MORE,
        Question.REMINDER_OFFER,
        Question.WARM_UP_OFFER,
        Question.COOL_DOWN_OFFER,
        Question.DELETE_DATA,
        Question.SAFETY_CHECK,
        Question.BREATHER,
        Question.DID_YOU_MEAN,
    }
)
# Earlier names of questions, so a session that began before a rename still reads.
_RENAMED = {"explain_more": Question.ANOTHER_EXERCISE}


class Said(StrEnum):
    """What the last response said before its question: what "repeat" says again."""

    QUESTION = "question"  # only the question (a set, a move, an offer): repeat asks it again
    EXPLANATION = "explanation"  # an exercise explained, first layer (`Asked.exercise_id`)
    EXPLANATION_MORE = "explanation_more"  # its second layer: mistakes, easier and harder
    STATUS = "status"  # how much is left
    WHY = "why"  # why this exercise
    PROGRESS = "progress"  # how am I doing
    HELP = "help"  # what can be said
    LIST = "list"  # the workouts


@dataclass(frozen=True, slots=True)
class Asked:
    """The last question, what it is about, and what was said before it."""

    question: Question = Question.NONE
    workout_id: str | None = None  # START_OFFER, RESUME_OR_NEW: the workout offered or asked for
    exercise_id: str | None = None  # the exercise just explained or asked about ("it")
    # RESUME_OR_NEW, START_OFFER: the time budget asked for with the new start, or offered
    target_seconds: int | None = None
    declined: int = 0  # START_OFFER, READY: how many times the runner already said no
    listed: int = 0  # LIST_MORE: how many workouts were read so far
    said: Said = Said.QUESTION
    # DID_YOU_MEAN: the one or two names asked about (exercise or workout ids), and the intent
    # the runner asked with, so a yes does what they asked for (explain it, start it, ...).
    candidates: tuple[str, ...] = ()
    wanted: str | None = None

    @property
    def pending(self) -> bool:
        """Whether this question waits for its own answer (not the workout's "ready?")."""
        return self.question in PENDING

    def saying(self, said: Said, exercise_id: str | None = None) -> Asked:
        """The same question, asked again after `said` (about `exercise_id`, if given)."""
        return replace(self, said=said, exercise_id=exercise_id or self.exercise_id)

    def to_dict(self) -> dict[str, str | int | list[str] | None]:
        """The session-attribute form."""
        return {
            "question": self.question.value,
            "workout_id": self.workout_id,
            "exercise_id": self.exercise_id,
            "target_seconds": self.target_seconds,
            "declined": self.declined,
            "listed": self.listed,
            "said": self.said.value,
            "candidates": list(self.candidates),
            "wanted": self.wanted,
        }


def last_asked(handler_input: HandlerInput) -> Asked:
    """What this session last asked (nothing for a new session or an unreadable value)."""
    session = _session_attributes(handler_input)
    raw = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(raw, dict):
        return Asked()
    try:
        name = str(raw.get("question"))
        question = _RENAMED.get(name) or Question(name)
        said = Said(str(raw.get("said", Said.QUESTION.value)))
    except ValueError:
        return Asked()
    return Asked(
        question,
        _text(raw.get("workout_id")),
        _text(raw.get("exercise_id")),
        _count(raw.get("target_seconds")),
        _count(raw.get("declined")) or 0,
        _count(raw.get("listed")) or 0,
        said,
        _ids(raw.get("candidates")),
        _text(raw.get("wanted")),
    )


def remember(handler_input: HandlerInput, asked: Asked) -> None:
    """Record the question this response asks."""
    session = _session_attributes(handler_input)
    if session is not None:  # skill events carry no session
        session[SESSION_KEY] = asked.to_dict()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _ids(value: object) -> tuple[str, ...]:
    """At most two ids from a stored list; anything else is no candidates."""
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))[:MAX_CANDIDATES]


def _count(value: object) -> int | None:
    # bool is an int to Python, never a count here
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _session_attributes(handler_input: HandlerInput) -> dict[str, object] | None:
    """The session attributes; None outside a session (the SDK raises instead of answering)."""
    if handler_input.request_envelope.session is None:
        return None
    attributes: dict[str, object] | None = handler_input.attributes_manager.session_attributes
    return attributes
