"""What a module `coach.py` calls into may use of a turn, as a protocol, not `coach.Turn` itself.

`coach.py` calls into `asking.py`, `display.py`, `reminding.py` and `safety.py`; they take this
view of the turn instead of the class itself, which keeps the conversation's modules free of
import cycles (the acyclic-siblings contract in pyproject.toml). Modules that call the turn but
that it never calls (`starting.py`, `asides.py`, the flows ...) take `coach.Turn`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import random
    from datetime import tzinfo

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.dialog import Asked, Said
    from runner_strength.content.model import Exercise, Library, Workout
    from runner_strength.engine.events import NextUp, Outcome
    from runner_strength.engine.record import UserRecord
    from runner_strength.engine.state import WorkoutState
    from runner_strength.narration.conversation import Conversation
    from runner_strength.narration.narrator import Narrator, Script
    from runner_strength.narration.routine import RoutineTalk


class TurnView(Protocol):
    """One request's work, as the flow modules see it (implemented by `coach.Turn`)."""

    library: Library
    handler_input: HandlerInput
    rng: random.Random
    now: float
    record: UserRecord
    asked: Asked
    outcome: Outcome | None
    explained: Exercise | None
    narrator: Narrator
    talk: Conversation
    routines: RoutineTalk

    @property
    def state(self) -> WorkoutState | None:
        """The workout this device continues."""

    @property
    def zone(self) -> tuple[tzinfo, str | None]:
        """The runner's time zone and its name."""

    def where(self) -> NextUp | None:
        """Where the active workout stands."""

    def next_workout(self, exclude: frozenset[str] = ..., *, budget: int | None = ...) -> Workout:
        """The workout the rotation offers next."""

    def apply(self, outcome: Outcome) -> Outcome:
        """Fold an engine outcome into the record."""

    def respond(self, script: Script, asked: Asked) -> Response:
        """Save what changed and build the response."""

    def save(self) -> None:
        """Save the record now (before a response that is not built by `respond`)."""

    def forget(self) -> bool:
        """Delete the runner's record; nothing is saved for the rest of the turn."""

    def workout_question(self) -> tuple[Script, Asked]:
        """The question that brings the runner back to the workout, or the menu's."""

    def next_question(self) -> tuple[Script, Asked]:
        """The question after this turn's words."""

    def offer_next(self, first: Script, said: Said = ...) -> Response:
        """`first`, then the question waiting, or today's workout offered."""
