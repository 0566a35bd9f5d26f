"""The flows the dialog table names: what an intent does, by name, at the question it answers.

Each flow takes the turn and the request and returns the turn's response; the turn's `respond` is
the one place that saves and builds it. `FLOWS` is the registry `dialog_table.check` holds the table
against, so a row cannot name a flow that does not exist. The flows are grouped by conversation:
the workout's in `flows_workout.py`, the answers to offers in `flows_answers.py`, the reminders'
and the asides' here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa import (
    asides,
    explaining,
    fitting,
    flows_answers,
    flows_workout,
    forgetting,
    reminding,
    second_chance,
)
from runner_strength.alexa.requests import resolved_slot
from runner_strength.content.model import Exercise

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn


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


def why(turn: Turn, handler_input: HandlerInput) -> Response:
    """Why this exercise, or the one named ("why lunges"); a name not known gets a second chance."""
    slot = resolved_slot(handler_input, "exercise")
    named = second_chance.named_exercise(turn, slot, second_chance.WHY)
    if named is not None and not isinstance(named, Exercise):
        return named  # the second chance, asked
    if named is None and slot.heard:
        return explaining.unknown_exercise(turn, slot.heard)
    return asides.why(turn, named)


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
    "ready": flows_workout.ready,
    "resume": flows_workout.resume,
    "carry_on": flows_workout.carry_on,
    "breather": flows_workout.breather,
    "redo_last_set": flows_workout.redo_last_set,
    "easier": flows_workout.easier,
    "harder": flows_workout.harder,
    "repeat_set": flows_workout.repeat_set,
    "previous_exercise": flows_workout.previous_exercise,
    "pause": flows_workout.pause,
    "stop": flows_workout.stop,
    "skip_exercise": flows_workout.skip_exercise,
    "start_over_asked": flows_workout.start_over_asked,
    "start_whole_over": flows_workout.start_whole_over,
    "keep_going": flows_workout.keep_going,
    "stop_for_today": flows_workout.stop_for_today,
    "pain": flows_workout.pain,
    "red_flag": flows_workout.red_flag,
    "start_offered": flows_answers.start_offered,
    "start_at_resume_offer": flows_answers.start_at_resume_offer,
    "start_new": flows_answers.start_new,
    "resume_declined": flows_answers.resume_declined,
    "decline_offer": flows_answers.decline_offer,
    "yes_at_menu": flows_answers.yes_at_menu,
    "no_at_menu": flows_answers.no_at_menu,
    "list_more": flows_answers.list_more,
    "list_question": flows_answers.list_question,
    "explain_yes": flows_answers.explain_yes,
    "explain_no": flows_answers.explain_no,
    "warm_up": flows_answers.warm_up,
    "skip_warm_up": flows_answers.skip_warm_up,
    "cool_down": flows_answers.cool_down,
    "skip_cool_down": flows_answers.skip_cool_down,
    "feeling_well": flows_answers.feeling_well,
    "not_feeling_well": flows_answers.not_feeling_well,
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
