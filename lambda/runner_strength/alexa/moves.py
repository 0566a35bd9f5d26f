"""The workout's moves: one engine transition run and spoken, a skip, a breather.

When the last set is done the cool-down is offered first; the one-time reminder offer follows it
(`starting.goodbye`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa import asking, reminding
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.content.model import RoutineKind
from runner_strength.engine import transitions
from runner_strength.engine.events import WorkoutFinished
from runner_strength.engine.record import RoutineChoice
from runner_strength.engine.state import Phase
from runner_strength.narration.moments import MomentTalk

if TYPE_CHECKING:
    from collections.abc import Callable

    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn
    from runner_strength.content.model import Library
    from runner_strength.engine.events import Outcome
    from runner_strength.engine.state import WorkoutState


def run(
    turn: Turn,
    transition: Callable[[WorkoutState | None, Library, float], Outcome],
    *,
    persist: bool = True,
) -> Response:
    """Apply one engine transition to the active workout and speak its outcome.

    With `persist=False` the outcome is spoken but the record is left as it was, for moves
    that change nothing worth keeping.
    """
    before = turn.record
    outcome = turn.apply(transition(turn.state, turn.library, turn.now))
    if not persist:
        turn.record = before
        turn.untimed = True  # what it plays is not where the workout stands
    # The cool-down comes first; the one-time reminder offer follows it (see `goodbye`).
    if _offers_cool_down(turn, outcome):
        return _with_cool_down_offer(turn, outcome)
    if reminding.should_offer(turn, outcome):
        return reminding.offer_after_workout(turn, turn.narrator.script(outcome, ask=False))
    return turn.respond(turn.narrator.script(outcome), turn.asked_after(outcome))


def skip(turn: Turn) -> Response:
    """Skip the exercise in question, and say how to undo it."""
    outcome = turn.apply(transitions.skip_exercise(turn.state, turn.library, turn.now))
    if any(isinstance(e, WorkoutFinished) for e in outcome.events) or outcome.state is None:
        return turn.respond(turn.narrator.script(outcome), turn.asked_after(outcome))
    said = turn.narrator.remarks(outcome).then(turn.talk.skip_undo())
    return turn.respond(said.then(turn.narrator.closing(outcome)), turn.asked_after(outcome))


def breather(turn: Turn) -> Response:
    """Wait, hold on, one sec: the place is held, a minute of quiet, then the question.

    Mid-set (or in the rest after it) the workout is paused by the request's time, so the
    set is placed where the runner stopped; a breather never ends the session.
    """
    talk = MomentTalk(turn.library, turn.rng)
    state = turn.state
    if state is not None and not (turn.asked.pending and asking.again(turn)):
        if not state.paused and state.phase_at(turn.now) in {Phase.WORK, Phase.REST}:
            turn.apply(transitions.pause(state, turn.library, turn.now))
            turn.outcome = None
        return turn.respond(talk.breather(None), Asked(Question.BREATHER))
    question, asked = turn.pending()
    return turn.respond(talk.breather(question), asked)


def _offers_cool_down(turn: Turn, outcome: Outcome) -> bool:
    finished = next((e for e in outcome.events if isinstance(e, WorkoutFinished)), None)
    return (
        finished is not None
        and finished.summary.completed
        and turn.record.preferences.cool_down is not RoutineChoice.NEVER
    )


def _with_cool_down_offer(turn: Turn, outcome: Outcome) -> Response:
    """The last set done: the summary, then the cool-down offered (or announced) for a yes."""
    always = turn.record.preferences.cool_down is RoutineChoice.ALWAYS
    offer = turn.routines.offer(RoutineKind.COOL_DOWN, always=always)
    return turn.respond(
        turn.narrator.script(outcome, ask=False).then(offer), Asked(Question.COOL_DOWN_OFFER)
    )
