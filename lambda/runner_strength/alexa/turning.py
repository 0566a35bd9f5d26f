"""What a flow module may use of a turn, as a protocol, so it need not import `coach.Turn`.

`coach.py` calls into `reminding.py` and `safety.py`; they take this view of the turn instead of the
class itself, which keeps the conversation's modules free of import cycles (the acyclic-siblings
contract in pyproject.toml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import random
    from datetime import tzinfo

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.dialog import Asked, Said
    from runner_strength.content.model import Library
    from runner_strength.engine.events import Outcome
    from runner_strength.engine.record import UserRecord
    from runner_strength.engine.state import WorkoutState
    from runner_strength.narration.narrator import Script


class TurnView(Protocol):
    """One request's work, as the flow modules see it (implemented by `coach.Turn`)."""

    library: Library
    handler_input: HandlerInput
    rng: random.Random
    now: float
    record: UserRecord
    asked: Asked
    outcome: Outcome | None

    @property
    def state(self) -> WorkoutState | None:
        """The workout this device continues."""

    @property
    def zone(self) -> tuple[tzinfo, str | None]:
        """The runner's time zone and its name."""

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
