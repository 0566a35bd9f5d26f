"""The asides: status, why, help, repeat, progress, the workout list and "not understood".

Each says its piece, then asks again the question still waiting (`Turn.pending`), so no question is
lost to an intent that does not answer it (see `dialog_table.Role.ASIDE`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from runner_strength.alexa import asking
from runner_strength.alexa.dialog import Asked, Question, Said
from runner_strength.engine import transitions
from runner_strength.engine.events import Status
from runner_strength.engine.state import Part
from runner_strength.engine.stats import weekly_summary
from runner_strength.narration.moments import HelpFor, MomentTalk
from runner_strength.narration.narrator import Script

if TYPE_CHECKING:
    from collections.abc import Callable

    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn
    from runner_strength.content.model import Exercise


def status_report(turn: Turn) -> Response:
    """How much is left; a question still waiting (or a pause) is asked again after it."""
    state = turn.state
    if state is not None and not state.paused and not turn.asked.pending:
        outcome = transitions.status(state, turn.library, turn.now)
        if turn.rest_left_seconds():
            question, asked = turn.workout_question()
            said = turn.narrator.remarks(outcome).then(question)
            return turn.respond(said, asked.saying(Said.STATUS))
        return turn.respond(
            turn.narrator.script(outcome), Asked(turn.set_question(state), said=Said.STATUS)
        )
    outcome = transitions.status(state, turn.library, turn.now)
    question, asked = turn.pending()
    if asked.question in {Question.RESUME_OFFER, Question.RESUME_OR_NEW}:
        # The question says the workout is paused: the status need not say it first.
        outcome = replace(
            outcome,
            events=tuple(
                replace(e, paused=False) if isinstance(e, Status) else e for e in outcome.events
            ),
        )
    said = turn.narrator.remarks(outcome)
    return turn.respond(said.then(question), asked.saying(Said.STATUS))


def why(turn: Turn, named: Exercise | None = None) -> Response:
    """Why the exercise named, else this one (or strength work), then the question still waiting."""
    where = turn.where()
    exercise = named
    if exercise is None and where is not None:
        exercise = turn.library.exercises.get(where.exercise_id)
    question, asked = turn.pending()
    return turn.respond(turn.talk.why(exercise).then(question), asked.saying(Said.WHY))


def help_(turn: Turn) -> Response:
    """At most three things to say here, "more help" for all, then the question waiting."""
    if turn.asked.question is Question.WHICH_EXERCISE:
        where = HelpFor.WHICH
    elif turn.asked.pending:
        where = HelpFor.ANSWER
    else:
        where = HelpFor.SET if turn.state is not None else HelpFor.MENU
    question, asked = turn.pending()
    said = MomentTalk(turn.library, turn.rng).help(where)
    return turn.respond(said.then(question), asked.saying(Said.HELP))


def more_help(turn: Turn) -> Response:
    """Everything that can be said, then the question still waiting (or the menu's)."""
    question, asked = turn.pending()
    body = turn.talk.help_body(in_workout=turn.state is not None)
    return turn.respond(body.then(question), asked.saying(Said.HELP))


def fallback(turn: Turn) -> Response:
    """Not understood: one short line, then the question waiting, short (or the menu's)."""
    turn.rest_said = True  # kept short: the rest cut short is not timed again here
    question, asked = turn.pending()
    short = asking.short_question(turn)
    if short is not None:
        question = Script(short, question.reprompt, end_session=False)
    return turn.respond(MomentTalk(turn.library, turn.rng).fallback().then(question), asked)


def list_workouts(turn: Turn, start: int = 0) -> Response:
    """The workouts three at a time; after each group, whether to hear more, then which one."""
    script, after = turn.talk.list_workouts(start)
    if after is None:
        return turn.respond(script, Asked(said=Said.LIST))
    return turn.respond(script, Asked(Question.LIST_MORE, listed=after, said=Said.LIST))


def repeat(turn: Turn) -> Response:
    """Say again what was just said: the explanation, status, help ... or just the question.

    Mid-set it is the last count heard, then the offer to carry on; over the next set's intro in
    a rest, that intro, then the rest left and the question.
    """
    interruption = turn.interruption
    if interruption is not None and interruption.part is not Part.REST:
        question, asked = turn.workout_question()
        if interruption.said is not None:
            question = turn.narrator.said_count(interruption.said).then(question)
        return turn.respond(question, asked)
    intro = _intro_again(turn)
    if intro is not None:
        question, asked = turn.workout_question()
        return turn.respond(intro.then(question), asked)
    said = turn.asked.said
    exercise = turn.library.exercises.get(turn.asked.exercise_id or "")
    if said in {Said.EXPLANATION, Said.EXPLANATION_MORE} and exercise is not None:
        # The layer just said, then the same question: never a different one.
        turn.explained = exercise
        layer = (
            turn.narrator.explanation(exercise)
            if said is Said.EXPLANATION
            else turn.narrator.explanation_more(exercise)
        )
        question, asked = turn.pending()
        return turn.respond(layer.then(question), asked.saying(said, exercise.id))
    repeats: dict[Said, Callable[[Turn], Response]] = {
        Said.STATUS: status_report,
        Said.WHY: why,
        Said.PROGRESS: progress_report,
        Said.HELP: help_,
        Said.LIST: list_workouts,
    }
    again = repeats.get(said)
    if again is not None:
        return again(turn)
    question, asked = turn.pending()
    return turn.respond(question, asked.saying(Said.QUESTION))


def _intro_again(turn: Turn) -> Script | None:
    """The rest the request cut short while it said the next set's intro: the intro, the rest.

    None when the request did not cut an intro short (or the rest was already timed again).
    """
    cut, state = turn.interruption, turn.state
    if turn.rest_said or cut is None or not cut.intro_cut or state is None:
        return None
    if state.last_set is None:
        return None
    turn.rest_said = True  # the rest left is in it: the question after it must not time it again
    return turn.narrator.intro_again(state, cut.where, cut.rest_left, state.last_set.slot)


def progress_report(turn: Turn) -> Response:
    """Sessions this week against the target, the streak, and the last workout."""
    zone, name = turn.zone
    week = weekly_summary(turn.record.history, turn.now, zone)
    return turn.offer_next(turn.talk.progress(week, name), Said.PROGRESS)
