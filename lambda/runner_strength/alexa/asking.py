"""Asking the waiting question again: after an aside, in full or (after "not understood") short.

Each question's row in `dialog_table` names its phrase keys; this says how the question is worded
from what it is about. A question whose subject is gone (no workout to resume) gives None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa import reminding
from runner_strength.alexa.dialog import Question
from runner_strength.alexa.dialog_terms import NAMES_A_WORKOUT
from runner_strength.content.model import RoutineKind
from runner_strength.engine.record import RoutineChoice
from runner_strength.narration.moments import DialogSay, MomentTalk

if TYPE_CHECKING:
    from collections.abc import Callable

    from runner_strength.alexa.turning import TurnView as Turn
    from runner_strength.narration.narrator import Script
    from runner_strength.narration.ssml import Ssml


def again(turn: Turn) -> Script | None:
    """The waiting question's wording, from what it is about; None when it no longer holds."""
    ask = _ASKING.get(turn.asked.question)
    return ask(turn) if ask is not None else None


def _resume_question(turn: Turn) -> Script | None:
    state, where = turn.state, turn.where()
    if state is None or where is None:
        return None
    if turn.asked.question is Question.RESUME_OR_NEW:
        new = turn.library.workouts.get(turn.asked.workout_id or "") or turn.next_workout()
        return turn.talk.resume_or_new(state, where, new)
    return turn.talk.resume_question(state, where)


def _start_over_question(turn: Turn) -> Script | None:
    state = turn.state
    return turn.talk.start_over_question(turn.library.workout(state.workout_id)) if state else None


def _offer_again(turn: Turn) -> Script | None:
    workout = turn.library.workouts.get(turn.asked.workout_id or "")
    return turn.talk.offer_again(workout) if turn.state is None and workout is not None else None


def _explain_deeper(turn: Turn) -> Script | None:
    if turn.state is None and turn.asked.exercise_id in turn.library.exercises:
        return turn.narrator.explanation_offer()
    return None


def _did_you_mean_again(turn: Turn) -> Script | None:
    """The names asked about, asked again; None when the question no longer names any."""
    library, asked = turn.library, turn.asked
    workouts = [library.workouts[i].name for i in asked.candidates if i in library.workouts]
    exercises = [library.exercises[i].called for i in asked.candidates if i in library.exercises]
    names = workouts if asked.wanted in NAMES_A_WORKOUT else exercises
    return MomentTalk(library, turn.rng).did_you_mean(names) if names else None


def _cool_down_offer(turn: Turn) -> Script:
    always = turn.record.preferences.cool_down is RoutineChoice.ALWAYS
    return turn.routines.offer(RoutineKind.COOL_DOWN, always=always)


# How each waiting question is asked again after an aside (its row in dialog_table names its
# phrase keys); a question whose subject is gone (no workout to resume) gives None.
_ASKING: dict[Question, Callable[[Turn], Script | None]] = {
    Question.RESUME_OFFER: _resume_question,
    Question.RESUME_OR_NEW: _resume_question,
    Question.START_OVER: _start_over_question,
    Question.START_OFFER: _offer_again,
    Question.WHICH_EXERCISE: lambda turn: turn.talk.which_exercise(),
    Question.EXPLAIN_DEEPER: _explain_deeper,
    Question.ANOTHER_EXERCISE: lambda turn: (
        turn.talk.explain_more() if turn.state is None else None
    ),
    Question.STOP_FOR_TODAY: lambda turn: turn.talk.stop_question() if turn.state else None,
    Question.LIST_MORE: lambda turn: turn.talk.list_more_question(turn.asked.listed),
    Question.REMINDER_OFFER: reminding.question,
    Question.WARM_UP_OFFER: lambda turn: (
        turn.routines.offer(RoutineKind.WARM_UP) if turn.state is not None else None
    ),
    Question.COOL_DOWN_OFFER: _cool_down_offer,
    Question.SAFETY_CHECK: lambda turn: MomentTalk(turn.library, turn.rng).safety_check(),
    Question.DID_YOU_MEAN: _did_you_mean_again,
    Question.BREATHER: lambda turn: (
        MomentTalk(turn.library, turn.rng).breather_back() if turn.state is not None else None
    ),
    Question.DELETE_DATA: lambda turn: MomentTalk(turn.library, turn.rng).delete_question(),
}


def short_question(turn: Turn) -> Ssml | None:
    """The waiting question in a few words, where its full wording is long (else None)."""
    talk, question, state = MomentTalk(turn.library, turn.rng), turn.asked.question, turn.state
    paused = turn.library.workouts.get(state.workout_id) if state is not None else None
    new = turn.library.workouts.get(turn.asked.workout_id or "")
    if question is Question.RESUME_OFFER and paused is not None:
        return talk.short(DialogSay.SHORT_RESUME, workout=paused.name)
    if question is Question.RESUME_OR_NEW and new is not None and paused is not None:
        return talk.short(DialogSay.SHORT_RESUME_OR_NEW, new=new.name)
    if question is Question.START_OVER and paused is not None:
        return talk.short(DialogSay.SHORT_START_OVER, workout=paused.name)
    short = {
        Question.ANOTHER_EXERCISE: DialogSay.SHORT_ANOTHER_EXERCISE,
        Question.SAFETY_CHECK: DialogSay.SHORT_SAFETY_CHECK,
        Question.EXPLAIN_DEEPER: DialogSay.SHORT_EXPLAIN_DEEPER,
        Question.DELETE_DATA: DialogSay.SHORT_DELETE_DATA,
    }.get(question)
    return talk.short(short) if short is not None else None
