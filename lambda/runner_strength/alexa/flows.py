"""The flows the dialog table names: what an intent does, by name, at the question it answers.

Each flow takes the turn and the request and returns the turn's response; the turn's `respond` is
the one place that saves and builds it. `FLOWS` is the registry `dialog_table.check` holds the table
against, so a row cannot name a flow that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa import (
    asides,
    explaining,
    fitting,
    forgetting,
    moves,
    reminding,
    safety,
    second_chance,
    starting,
)
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.alexa.requests import (
    SlotStatus,
    is_new_session,
    resolved_slot,
)
from runner_strength.content.model import BODY_AREAS
from runner_strength.content.names import sure_term
from runner_strength.engine import transitions
from runner_strength.engine.state import Scope

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

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


def workout_named(turn: Turn, handler_input: HandlerInput) -> str | None:
    """The workout the request names, when it is one of ours."""
    slot = resolved_slot(handler_input, "workout")
    if slot.status is SlotStatus.MATCHED and slot.id in turn.library.workouts:
        return slot.id
    return None


# ------------------------------------------------------------------ the workout


def ready(turn: Turn, _: HandlerInput) -> Response:
    """Ready (or "next"): the set asked about; no workout and a question waiting: that question."""
    if turn.state is None and turn.asked.pending:
        return asides.fallback(turn)
    return moves.run(turn, transitions.ready)


def resume(turn: Turn, _: HandlerInput) -> Response:
    """Resume: a paused workout carries on, an unfinished one goes on; never asked to confirm."""
    state = turn.state
    if state is not None and not state.paused:
        return moves.run(turn, transitions.ready)
    return moves.run(turn, transitions.resume)


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


# ------------------------------------------------------------------ offers and answers


def start_offered(turn: Turn, _: HandlerInput) -> Response:
    """Yes to "shall we start X?" starts X; at the menu, today's workout."""
    offered = turn.asked.workout_id
    workout_id = offered if offered in turn.library.workouts else turn.next_workout().id
    # An offer made for a time budget ("the shortest I'd do is ...") starts inside it.
    return starting.start(
        turn, workout_id or "", target_seconds=turn.asked.target_seconds, confirmed=True
    )


def start_at_resume_offer(turn: Turn, handler_input: HandlerInput) -> Response:
    """A start at "pick up where you left off?": the paused one, unless another is named."""
    named = workout_named(turn, handler_input)
    state = turn.state
    if named is None or (state is not None and named == state.workout_id):
        return resume(turn, handler_input)
    return starting.start(turn, named, confirmed=True)  # naming another workout here is the answer


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


# ------------------------------------------------------------------ reminders


def reminder_yes(turn: Turn, handler_input: HandlerInput) -> Response:
    """Yes to "want me to remind you every Thursday at 7?"."""
    return reminding.set_reminder(turn, reminding.proposal(handler_input) or reminding.usual(turn))


def reminder_no(turn: Turn, _: HandlerInput) -> Response:
    """No to the reminder offer: remembered, never asked again."""
    return reminding.decline(turn)


def reminder_again(turn: Turn, handler_input: HandlerInput) -> Response:
    """Help, an unclear answer, or "ready" at the reminder offer: how to answer, and the offer."""
    offered = reminding.proposal(handler_input) or reminding.usual(turn)
    intent = turn.intent or ""
    return reminding.ask_again(
        turn,
        offered,
        help_asked=intent == "AMAZON.HelpIntent",
        missed=intent == "AMAZON.FallbackIntent",
    )


def stop_reminder(turn: Turn, _: HandlerInput) -> Response:
    """Stop reminding me."""
    return reminding.stop(turn)


# ------------------------------------------------------------------ asides


def status(turn: Turn, _: HandlerInput) -> Response:
    """How much is left."""
    return asides.status_report(turn)


def repeat(turn: Turn, _: HandlerInput) -> Response:
    """What did you say: what was just said again."""
    return asides.repeat(turn)


def help_(turn: Turn, _: HandlerInput) -> Response:
    """Help that fits the moment."""
    return asides.help_(turn)


def more_help(turn: Turn, _: HandlerInput) -> Response:
    """More help: everything that can be said."""
    return asides.more_help(turn)


def fallback(turn: Turn, _: HandlerInput) -> Response:
    """Something out of scope: one short line, then the question."""
    return asides.fallback(turn)


def why(turn: Turn, _: HandlerInput) -> Response:
    """Why this exercise."""
    return asides.why(turn)


def list_workouts(turn: Turn, _: HandlerInput) -> Response:
    """The workouts, three at a time."""
    return asides.list_workouts(turn)


def progress(turn: Turn, _: HandlerInput) -> Response:
    """How am I doing."""
    return asides.progress_report(turn)


def lighter_day(turn: Turn, _: HandlerInput) -> Response:
    """A long run yesterday or a race soon: a lighter session."""
    return fitting.lighter_day(turn)


FLOWS: Mapping[str, Callable[[Turn, HandlerInput], Response]] = {
    "ready": ready,
    "resume": resume,
    "carry_on": carry_on,
    "breather": breather,
    "redo_last_set": redo_last_set,
    "easier": easier,
    "harder": harder,
    "repeat_set": repeat_set,
    "previous_exercise": previous_exercise,
    "pause": pause,
    "stop": stop,
    "skip_exercise": skip_exercise,
    "start_over_asked": start_over_asked,
    "start_whole_over": start_whole_over,
    "keep_going": keep_going,
    "stop_for_today": stop_for_today,
    "pain": pain,
    "red_flag": red_flag,
    "start_offered": start_offered,
    "start_at_resume_offer": start_at_resume_offer,
    "start_new": start_new,
    "resume_declined": resume_declined,
    "decline_offer": decline_offer,
    "yes_at_menu": yes_at_menu,
    "no_at_menu": no_at_menu,
    "list_more": list_more,
    "list_question": list_question,
    "explain_yes": explain_yes,
    "explain_no": explain_no,
    "warm_up": warm_up,
    "skip_warm_up": skip_warm_up,
    "cool_down": cool_down,
    "skip_cool_down": skip_cool_down,
    "feeling_well": feeling_well,
    "not_feeling_well": not_feeling_well,
    "reminder_yes": reminder_yes,
    "reminder_no": reminder_no,
    "reminder_again": reminder_again,
    "stop_reminder": stop_reminder,
    "status": status,
    "repeat": repeat,
    "help": help_,
    "fallback": fallback,
    "more_help": more_help,
    "why": why,
    "list_workouts": list_workouts,
    "progress": progress,
    "lighter_day": lighter_day,
    "delete_data_asked": forgetting.asked,
    "delete_data": forgetting.delete,
    "keep_data": forgetting.keep,
    **second_chance.FLOWS,
}
