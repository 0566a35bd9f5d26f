"""The flows that answer an offer or a yes/no question: start X?, resume?, warm up?, cool down?

Also more workouts?, the second layer?, feeling well? Each takes the turn and the request and
returns the turn's response (see `flows.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa import asides, explaining, moves, safety, starting
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.alexa.flows_workout import resume
from runner_strength.alexa.requests import (
    SlotStatus,
    duration_seconds,
    is_new_session,
    resolved_slot,
    slot_text,
)

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn


def workout_named(turn: Turn, handler_input: HandlerInput) -> str | None:
    """The workout the request names, when it is one of ours."""
    slot = resolved_slot(handler_input, "workout")
    if slot.status is SlotStatus.MATCHED and slot.id in turn.library.workouts:
        return slot.id
    return None


def start_offered(turn: Turn, _: HandlerInput) -> Response:
    """Yes to "shall we start X?" starts X; at the menu, today's workout."""
    offered = turn.asked.workout_id
    workout_id = offered if offered in turn.library.workouts else turn.next_workout().id
    # An offer made for a time budget ("the shortest I'd do is ...") starts inside it.
    return starting.start(
        turn, workout_id or "", target_seconds=turn.asked.target_seconds, confirmed=True
    )


def start_at_resume_offer(turn: Turn, handler_input: HandlerInput) -> Response:
    """A start at "pick up where you left off?": the paused one, unless another or a time is asked.

    "Start a 10 minute workout" asks for a session that fits the time, which the paused workout,
    already under way at its own length, is not: a new one is fitted to it, as when no workout
    is paused.
    """
    named = workout_named(turn, handler_input)
    target = duration_seconds(slot_text(handler_input, "duration"))
    state = turn.state
    if target is None and (named is None or (state is not None and named == state.workout_id)):
        return resume(turn, handler_input)
    if named is None:
        unfinished = frozenset({state.workout_id}) if state is not None else frozenset()
        named = turn.next_workout(exclude=unfinished, budget=target).id
    # Naming another workout, or a time, here is the answer: nothing more to confirm.
    return starting.start(turn, named, target_seconds=target, confirmed=True)


def start_new(turn: Turn, handler_input: HandlerInput) -> Response:
    """Yes to "start Top six? Your Five basics will keep": the new one starts."""
    named = workout_named(turn, handler_input) or turn.asked.workout_id
    workout_id = named if named in turn.library.workouts else turn.next_workout().id
    return starting.start(
        turn, workout_id or "", target_seconds=turn.asked.target_seconds, confirmed=True
    )


def resume_declined(turn: Turn, _: HandlerInput) -> Response:
    """No to the resume offer: the unfinished workout ends, a fresh one is offered."""
    return starting.answer_no(turn)


def decline_offer(turn: Turn, _: HandlerInput) -> Response:
    """No to "shall we start X?": one other offered, then a kind goodbye."""
    return starting.decline_offer(turn)


def yes_at_menu(turn: Turn, handler_input: HandlerInput) -> Response:
    """Yes with nothing asked: a workout going carries on, else today's workout starts."""
    if turn.state is not None:
        return resume(turn, handler_input)
    return start_offered(turn, handler_input)


def no_at_menu(turn: Turn, handler_input: HandlerInput) -> Response:
    """No with nothing asked: mid-workout a breather, else nothing today, and that's fine."""
    if turn.state is not None:
        return moves.breather(turn)
    if turn.asked.question is Question.NONE and not is_new_session(handler_input):
        return turn.respond(turn.talk.decline_goodbye(), Asked())
    return turn.respond(turn.talk.declined(), Asked())


def list_more(turn: Turn, _: HandlerInput) -> Response:
    """Yes to "want to hear the others?"."""
    return asides.list_workouts(turn, turn.asked.listed)


def list_question(turn: Turn, _: HandlerInput) -> Response:
    """No to hearing more: which one, then?"""
    return turn.respond(turn.talk.list_question(), Asked())


def explain_yes(turn: Turn, _: HandlerInput) -> Response:
    """Yes to the second layer, or to "another exercise?"."""
    return explaining.explain_yes(turn)


def explain_no(turn: Turn, handler_input: HandlerInput) -> Response:
    """No to the second layer: what next."""
    if turn.state is not None:
        return no_at_menu(turn, handler_input)
    return turn.respond(
        turn.talk.explain_more(),
        Asked(Question.ANOTHER_EXERCISE, exercise_id=turn.asked.exercise_id),
    )


def warm_up(turn: Turn, _: HandlerInput) -> Response:
    """Yes to the warm-up."""
    return starting.warm_up(turn)


def skip_warm_up(turn: Turn, _: HandlerInput) -> Response:
    """No warm-up this time."""
    return starting.skip_warm_up(turn)


def cool_down(turn: Turn, _: HandlerInput) -> Response:
    """Yes to the cool-down."""
    return starting.cool_down(turn)


def skip_cool_down(turn: Turn, _: HandlerInput) -> Response:
    """No cool-down."""
    return starting.skip_cool_down(turn)


def feeling_well(turn: Turn, _: HandlerInput) -> Response:
    """Well today, after a safety stop."""
    return safety.feeling_well(turn)


def not_feeling_well(turn: Turn, _: HandlerInput) -> Response:
    """Not well today, after a safety stop."""
    return safety.not_feeling_well(turn)
