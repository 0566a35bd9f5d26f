"""The flows while a workout goes on: ready, resume, back, pause, stop, skip, start over, pain.

Also a breather, easier or harder, and a red flag. Each takes the turn and the request and
returns the turn's response (see `flows.py`).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from runner_strength.alexa import asides, fitting, moves, safety
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.alexa.requests import SlotStatus, resolved_slot
from runner_strength.content.model import BODY_AREAS
from runner_strength.content.names import sure_term
from runner_strength.engine import transitions
from runner_strength.engine.plan import MAX_CHAINED_SETS
from runner_strength.engine.state import Scope

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn
    from runner_strength.content.model import Library
    from runner_strength.engine.events import Outcome
    from runner_strength.engine.state import WorkoutState


def _start_over(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Start over with no workout going: the engine's refusal says there is nothing to restart."""
    return transitions.start_over(state, library, now, Scope.EXERCISE)


def _start_whole_workout_over(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Yes to "start the whole workout over?": back to the first exercise."""
    return transitions.start_over(state, library, now, Scope.WORKOUT)


def _most(turn: Turn) -> int:
    """Sets one response may play: one when the runner asked to be asked after every set."""
    return 1 if turn.record.preferences.every_set else MAX_CHAINED_SETS


def ready(turn: Turn, _: HandlerInput) -> Response:
    """Ready (or "next"): the set asked about; no workout and a question waiting: that question."""
    if turn.state is None and turn.asked.pending:
        return asides.fallback(turn)
    return moves.run(turn, partial(transitions.ready, most=_most(turn)))


def resume(turn: Turn, _: HandlerInput) -> Response:
    """Resume: a paused workout carries on, an unfinished one goes on; never asked to confirm."""
    state = turn.state
    if state is not None and not state.paused:
        return moves.run(turn, partial(transitions.ready, most=_most(turn)))
    return moves.run(turn, partial(transitions.resume, most=_most(turn)))


def carry_on(turn: Turn, handler_input: HandlerInput) -> Response:
    """Yes to "ready to carry on?" after a breather: the workout goes on where it was held."""
    if turn.state is None:
        turn.asked = Asked()
        return turn.offer_next(turn.talk.start_over_kept())
    return resume(turn, handler_input)


def breather(turn: Turn, _: HandlerInput) -> Response:
    """Wait, hold on, one sec: the place is held, a minute of quiet, then "ready to carry on?"."""
    return moves.breather(turn)


def redo_last_set(turn: Turn, _: HandlerInput) -> Response:
    """At a set question, go back means the set just done again, not the whole exercise."""
    state = turn.state
    if state is None or state.last_set is None or state.undo_skip is not None:
        # Nothing done yet, or a skip to undo ("say go back" is how a skip is undone).
        return moves.run(turn, transitions.previous_exercise)
    return moves.run(turn, transitions.repeat, persist=False)


def easier(turn: Turn, _: HandlerInput) -> Response:
    """Too hard: the rest of this exercise easier now (and next time, by the feedback rule)."""
    return moves.run(turn, transitions.easier)


def harder(turn: Turn, _: HandlerInput) -> Response:
    """Too easy: the rest of this exercise harder now."""
    return moves.run(turn, transitions.harder)


def repeat_set(turn: Turn, _: HandlerInput) -> Response:
    """Do that set again: the position does not move, so nothing is saved."""
    return moves.run(turn, transitions.repeat, persist=False)


def previous_exercise(turn: Turn, _: HandlerInput) -> Response:
    """The previous exercise again."""
    return moves.run(turn, transitions.previous_exercise)


def pause(turn: Turn, handler_input: HandlerInput) -> Response:
    """Pause: the place is kept and the session ends with how to come back (as stop, if none)."""
    if turn.state is None:
        return stop(turn, handler_input)
    return moves.run(turn, transitions.pause)


def stop(turn: Turn, _: HandlerInput) -> Response:
    """Stop, cancel, go home: keep the place (paused) and say how to come back."""
    state = turn.state
    if state is not None and not state.paused:
        turn.apply(transitions.pause(state, turn.library, turn.now))
    return turn.respond(turn.talk.goodbye(turn.state, turn.where()), Asked())


def skip_exercise(turn: Turn, _: HandlerInput) -> Response:
    """Skip this exercise, explicitly; "go back" undoes it."""
    return moves.skip(turn)


def start_over_asked(turn: Turn, _: HandlerInput) -> Response:
    """Start over: the sets done would be lost, so ask first."""
    state = turn.state
    if state is None:
        return moves.run(turn, _start_over)
    workout = turn.library.workout(state.workout_id)
    return turn.respond(turn.talk.start_over_question(workout), Asked(Question.START_OVER))


def start_whole_over(turn: Turn, _: HandlerInput) -> Response:
    """Yes to "start the whole workout over?"."""
    return moves.run(turn, _start_whole_workout_over)


def keep_going(turn: Turn, _: HandlerInput) -> Response:
    """No to "start over?" or "stop for today?": carry on from here."""
    question, then = turn.workout_question()
    return turn.respond(turn.talk.start_over_kept().then(question), then)


def stop_for_today(turn: Turn, _: HandlerInput) -> Response:
    """Yes to "shall we stop for today?"."""
    return moves.run(turn, transitions.finish)


def pain(turn: Turn, handler_input: HandlerInput) -> Response:
    """Something hurts: spare that area; the chest, heart or head is a red flag instead."""
    slot = resolved_slot(handler_input, "body_area")
    if safety.is_red_flag_area(slot.heard) or safety.is_red_flag_area(slot.id):
        return safety.red_flag(turn)
    area = slot.id if slot.status is SlotStatus.MATCHED and slot.id in BODY_AREAS else None
    heard = "_".join((slot.heard or "").lower().split())
    if area is None and slot.heard:  # "my calfs", "my achilles tendon": the one area it means
        area = heard if heard in BODY_AREAS else sure_term(slot.heard, BODY_AREAS)
    return fitting.pain(turn, area)


def red_flag(turn: Turn, _: HandlerInput) -> Response:
    """Chest pain, dizziness, faint, sick, can't breathe, a racing heart: stop at once."""
    return safety.red_flag(turn)
