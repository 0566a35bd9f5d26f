"""A second chance for a name Alexa heard but could not resolve: ask before doing anything.

A custom slot arrives with `ER_SUCCESS_NO_MATCH` when the runner's words are none of our values
("copenhagan plank", "turkish get up"). The words are matched against every name and alias
(`content/names.py`) and the coach asks about the nearest one or two ("Did you mean the
Copenhagen plank?"); the question is the dialog table's `DID_YOU_MEAN` row. The intent the runner
asked with is kept with the question, so yes does what they asked for: explain it, its second
layer, where it comes from, how heavy to go, start the workout, or where the workout comes from.
No does nothing; naming one of the two does it for that one; a workout going on keeps its place,
because nothing here moves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa import asides, explaining, starting
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.alexa.dialog_terms import (
    EXPLAIN,
    EXPLAIN_MORE,
    NAMES_A_WORKOUT,
    START_WORKOUT,
)
from runner_strength.alexa.requests import SlotStatus, SlotValue, resolved_slot
from runner_strength.content.names import NEARBY, indexes
from runner_strength.narration.moments import MomentTalk

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn
    from runner_strength.content.model import Exercise, Library
    from runner_strength.narration.narrator import Script

CREDITS = "CreditsIntent"
WEIGHT = "WeightIntent"
WHY = "WhyExerciseIntent"
WORKOUT_CREDITS = "WorkoutCreditsIntent"

# An answer that names one of two offered may be only part of it ("the rotation one"): the one
# it is nearer to by this much is taken.
CHOICE_MARGIN = 0.05
ALL = 1000  # more names than the library will hold: every candidate scored


def _names(library: Library, wanted: str | None, ids: tuple[str, ...]) -> list[str]:
    """The names as said mid-sentence: "the Copenhagen plank", "Top six"."""
    if wanted in NAMES_A_WORKOUT:
        return [library.workouts[i].name for i in ids if i in library.workouts]
    return [library.exercises[i].called for i in ids if i in library.exercises]


def offer(
    turn: Turn, heard: str, wanted: str, *, target_seconds: int | None = None
) -> Response | None:
    """Ask about the name nearest to `heard` (or the nearest two); None when nothing is near.

    `wanted` is the intent the runner asked with; `target_seconds` a length asked with a start.
    """
    exercises, workouts = indexes(turn.library)
    index = workouts if wanted in NAMES_A_WORKOUT else exercises
    found = index.closest(heard)
    if not found.asked:
        return None
    asked = Asked(
        Question.DID_YOU_MEAN,
        target_seconds=target_seconds,
        candidates=found.asked,
        wanted=wanted,
    )
    talk = MomentTalk(turn.library, turn.rng)
    return turn.respond(talk.did_you_mean(_names(turn.library, wanted, found.asked)), asked)


# ------------------------------------------------------------------ what the answers do


def named_exercise(turn: Turn, slot: SlotValue, wanted: str) -> Exercise | Response | None:
    """The exercise a slot names; for a name heard but not known, the second chance asked.

    None when nothing is named, or the name heard is near none of ours.
    """
    exercise = turn.library.exercises.get(slot.id or "")
    if exercise is None and slot.heard:
        exercise = turn.library.find_exercise(slot.heard)
        again = None if exercise else offer(turn, slot.heard, wanted)
        if again is not None:
            return again
    return exercise


def _with_workout_question(turn: Turn, said: Script) -> Response:
    question, asked = turn.workout_question()
    return turn.respond(said.then(question), asked)


def _act(turn: Turn, wanted: str | None, target: str) -> Response:
    """Do what the runner asked for, for `target` (an exercise or a workout id)."""
    library = turn.library
    workout = library.workouts.get(target)
    if wanted in NAMES_A_WORKOUT and workout is not None:
        if wanted == START_WORKOUT:
            return starting.start(turn, workout.id, target_seconds=turn.asked.target_seconds)
        return _with_workout_question(turn, turn.talk.workout_credits(workout))
    exercise = library.exercises.get(target)
    if exercise is None:
        return asides.fallback(turn)
    said = {CREDITS: turn.talk.credits, WEIGHT: turn.talk.weight, WHY: turn.talk.why}.get(
        wanted or ""
    )
    if said is not None:
        return _with_workout_question(turn, said(exercise))
    if wanted == EXPLAIN_MORE:
        return explaining.explain_more(turn, exercise)
    return explaining.explain(turn, exercise, one_shot=False)


def yes(turn: Turn, _: HandlerInput) -> Response:
    """Yes to "did you mean X?" does what was asked for X; to two names, asks which."""
    candidates = turn.asked.candidates
    if len(candidates) == 1:
        return _act(turn, turn.asked.wanted, candidates[0])
    names = _names(turn.library, turn.asked.wanted, candidates)
    if len(names) >= 2:
        talk = MomentTalk(turn.library, turn.rng)
        return turn.respond(talk.which_of_two(names[0], names[1]), turn.asked)
    return asides.fallback(turn)


def no(turn: Turn, _: HandlerInput) -> Response:
    """No: nothing is done; mid-workout, the workout's question; else which one, then."""
    said = MomentTalk(turn.library, turn.rng).never_mind()
    if turn.state is not None:
        return _with_workout_question(turn, said)
    if turn.asked.wanted in NAMES_A_WORKOUT:
        return turn.respond(said.then(turn.talk.list_question()), Asked())
    return turn.respond(said.then(turn.talk.which_exercise()), Asked(Question.WHICH_EXERCISE))


def named(turn: Turn, handler_input: HandlerInput) -> Response:
    """A name said at "did you mean ...?": one of those offered does what was first asked.

    Another of ours is a request of its own (its intent's meaning, for that name); words that
    resolve to nothing get their own second chance.
    """
    intent = turn.intent or EXPLAIN
    asked = turn.asked
    about_workouts = asked.wanted in NAMES_A_WORKOUT
    slot = resolved_slot(handler_input, "workout" if about_workouts else "exercise")
    if slot.status is SlotStatus.EMPTY:
        # An answer can land in the other kind's slot ("the curl one" heard as a workout's name).
        other = resolved_slot(handler_input, "exercise" if about_workouts else "workout")
        if other.heard:
            slot = SlotValue(SlotStatus.NO_MATCH, None, other.heard)
    target = _resolved(turn.library, slot.status, slot.id, slot.heard, workouts=about_workouts)
    if target is None and slot.heard:
        target = _chosen(turn.library, slot.heard, asked.candidates, workouts=about_workouts)
    if target is None and slot.status is SlotStatus.EMPTY and len(asked.candidates) == 1:
        target = asked.candidates[0]  # "explain it", "start it"
    if target in asked.candidates and target is not None:
        return _act(turn, asked.wanted, target)
    if target is not None:
        return _act(turn, intent, target)
    if slot.heard:
        again = offer(turn, slot.heard, asked.wanted or intent)
        if again is not None:
            return again
        return explaining.unknown_exercise(turn, slot.heard)
    return yes(turn, handler_input)


def _resolved(
    library: Library, status: SlotStatus, slot_id: str | None, heard: str | None, *, workouts: bool
) -> str | None:
    """The id the slot names: resolved by Alexa, or a name or alias said exactly."""
    known = library.workouts if workouts else library.exercises
    if status is SlotStatus.MATCHED and slot_id in known:
        return slot_id
    if heard:
        found = library.find_workout(heard) if workouts else library.find_exercise(heard)
        return found.id if found is not None else None
    return None


def _chosen(
    library: Library, heard: str, candidates: tuple[str, ...], *, workouts: bool
) -> str | None:
    """Which of the names offered the words pick out, when clearly one of them."""
    exercises, workout_index = indexes(library)
    index = workout_index if workouts else exercises
    scores = {c.id: c.score for c in index.nearest(heard, limit=ALL)}
    ranked = sorted(candidates, key=lambda c: -scores.get(c, 0.0))
    if not ranked or scores.get(ranked[0], 0.0) < NEARBY:
        return None
    if len(ranked) > 1 and scores.get(ranked[0], 0.0) - scores.get(ranked[1], 0.0) < CHOICE_MARGIN:
        return None
    return ranked[0]


FLOWS: Mapping[str, Callable[[Turn, HandlerInput], Response]] = {
    "did_you_mean_yes": yes,
    "did_you_mean_no": no,
    "did_you_mean_named": named,
}
"""The dialog table's flows for the `DID_YOU_MEAN` row (registered in flows.FLOWS)."""
