"""The dialog table's terms: the intents it names, what an intent does to a waiting question, a row.

`dialog_table.py` declares the questions with these; this module holds no question of its own. The
intents that end a session at every question (`ENDS`) are here too, as a row cannot override them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping


class Role(StrEnum):
    """What an intent does to the question waiting."""

    ANSWER = "answer"
    NAVIGATION = "navigation"
    END = "end"
    ASIDE = "aside"


@dataclass(frozen=True, slots=True)
class Meaning:
    """An intent's role at a question, and the flow that does it (None: the intent's own)."""

    role: Role
    flow: str | None = None


ASIDE = Meaning(Role.ASIDE)
"""The declared default: answered, then the same question again."""

# Intent names, once: the built-ins carry several phrasings each (see the brief's platform facts).
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
READY = "ReadyIntent"
NEXT = "AMAZON.NextIntent"  # "next" and "skip"
PREVIOUS = "AMAZON.PreviousIntent"  # "previous" and "go back"
RESUME = "AMAZON.ResumeIntent"
RESUME_WORKOUT = "ResumeWorkoutIntent"
PAUSE = "AMAZON.PauseIntent"
STOP = "AMAZON.StopIntent"
CANCEL = "AMAZON.CancelIntent"
HOME = "AMAZON.NavigateHomeIntent"
HELP = "AMAZON.HelpIntent"
FALLBACK = "AMAZON.FallbackIntent"
REPEAT = "AMAZON.RepeatIntent"
RED_FLAG = "RedFlagIntent"
BREATHER = "BreatherIntent"
SKIP_EXERCISE = "SkipExerciseIntent"
SKIP_ROUTINE = "SkipRoutineIntent"
START_WORKOUT = "StartWorkoutIntent"
EXPLAIN = "ExplainExerciseIntent"
EXPLAIN_MORE = "ExplainMoreIntent"
LIST = "ListWorkoutsIntent"
DELETE_DATA = "DeleteDataIntent"
SECOND_CHANCE_INTENTS = (
    EXPLAIN,
    EXPLAIN_MORE,
    "CreditsIntent",
    "WeightIntent",
    START_WORKOUT,
    "WorkoutCreditsIntent",
)
"""Intents carrying an exercise's or a workout's name: Alexa may hear one it cannot resolve."""
NAMES_A_WORKOUT = frozenset({START_WORKOUT, "WorkoutCreditsIntent"})
"""Of those, the ones whose name is a workout's."""
ROUTINE_CHOICES = ("AlwaysRoutineIntent", "NeverRoutineIntent", "AskRoutineIntent")

ENDS: Mapping[str, Meaning] = {
    STOP: Meaning(Role.END, "stop"),
    CANCEL: Meaning(Role.END, "stop"),
    HOME: Meaning(Role.END, "stop"),
    PAUSE: Meaning(Role.END, "pause"),
    RED_FLAG: Meaning(Role.END, "red_flag"),
}
"""What ends a session at every question; a row cannot override these."""


def answers(flow: str, *intents: str) -> dict[str, Meaning]:
    """Answers to the question: the flow runs."""
    return {intent: Meaning(Role.ANSWER, flow) for intent in intents}


def ends(flow: str, *intents: str) -> dict[str, Meaning]:
    """Answers after which the session ends (a goodbye, a reminder set, rest today)."""
    return {intent: Meaning(Role.END, flow) for intent in intents}


def own(*intents: str) -> dict[str, Meaning]:
    """Answers whose own handler does the answering (it reads the slots: which exercise, ...)."""
    return {intent: Meaning(Role.ANSWER) for intent in intents}


def moves(flow: str, *intents: str) -> dict[str, Meaning]:
    """Moves in the workout (ready, go back, skip): the flow runs."""
    return {intent: Meaning(Role.NAVIGATION, flow) for intent in intents}


@dataclass(frozen=True, slots=True)
class Prompt:
    """One question: how it is asked, what answers it, and which flows ask it."""

    wording: tuple[str, ...]  # phrase keys that ask it
    reprompt: str | None  # the phrase key said when the runner says nothing (None: rebuilt)
    means: Mapping[str, Meaning] = field(default_factory=dict)
    asked_by: tuple[str, ...] = ()  # flows (or handlers) whose response asks it
    rebuilt: bool = False  # asked again from the workout or the menu, not word for word
    moment: bool = False  # a moment between questions, derived from the clock, never stored

    def meaning(self, intent: str) -> Meaning:
        """What `intent` means here: an end, this row's meaning, or the aside."""
        return ENDS.get(intent) or self.means.get(intent) or ASIDE
