"""Explaining an exercise: its first layer, the second on a yes, and names that are none of ours.

Mid-workout, or while another question waits, an explanation ends with that question; otherwise it
offers the next layer or another exercise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa.dialog import Asked, Question, Said
from runner_strength.content.names import indexes

if TYPE_CHECKING:
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn
    from runner_strength.content.model import Exercise

# Questions an explanation answers: "which exercise?", "the second layer?", "another one?".
EXPLAIN_ANSWERED = frozenset(
    {
        Question.WHICH_EXERCISE,
        Question.EXPLAIN_DEEPER,
        Question.ANOTHER_EXERCISE,
        Question.DID_YOU_MEAN,  # yes to "did you mean the plank?" when asked to explain it
    }
)


def explain(turn: Turn, exercise: Exercise, *, one_shot: bool) -> Response:
    """Explain an exercise's first layer, then one question (or end a one-shot).

    Outside a workout the question offers the second layer; mid-workout, or while another
    question waits, it is that question again ("tell me more" still gives the second layer).
    A one-shot says the safety note too, as no second layer follows.
    """
    turn.explained = exercise
    answered = turn.asked.question in EXPLAIN_ANSWERED
    if turn.state is not None or (turn.asked.pending and not answered):
        question, asked = turn.workout_question() if answered else turn.pending()
        return turn.respond(
            turn.narrator.explanation(exercise).then(question),
            asked.saying(Said.EXPLANATION, exercise.id),
        )
    if one_shot:
        return turn.respond(turn.narrator.explanation(exercise, safety=True).ending(), Asked())
    return turn.respond(
        turn.narrator.explanation(exercise).then(turn.narrator.explanation_offer()),
        Asked(Question.EXPLAIN_DEEPER, exercise_id=exercise.id, said=Said.EXPLANATION),
    )


def explain_more(turn: Turn, exercise: Exercise) -> Response:
    """The second layer (mistakes, easier and harder versions, safety), then what next.

    Mid-workout, or while another question waits, that question follows; otherwise
    "another exercise, or a workout?".
    """
    turn.explained = exercise
    body = turn.narrator.explanation_more(exercise)
    if turn.state is not None or (
        turn.asked.pending and turn.asked.question not in EXPLAIN_ANSWERED
    ):
        question, asked = turn.pending()
        return turn.respond(body.then(question), asked.saying(Said.EXPLANATION_MORE, exercise.id))
    return turn.respond(
        body.then(turn.talk.explain_more()),
        Asked(Question.ANOTHER_EXERCISE, exercise_id=exercise.id, said=Said.EXPLANATION_MORE),
    )


def explain_yes(turn: Turn) -> Response:
    """Yes to the second layer gives it; to "which exercise?" or "another one?", asks which."""
    explained = explained_last(turn)
    if turn.asked.question is Question.EXPLAIN_DEEPER and explained is not None:
        return explain_more(turn, explained)
    return turn.respond(turn.talk.which_exercise(), Asked(Question.WHICH_EXERCISE))


def explained_last(turn: Turn) -> Exercise | None:
    """The exercise the last response explained, or whose second layer it offered."""
    if (
        turn.asked.said in {Said.EXPLANATION, Said.EXPLANATION_MORE}
        or turn.asked.question is Question.EXPLAIN_DEEPER
    ):
        return turn.library.exercises.get(turn.asked.exercise_id or "")
    return None


def unknown_exercise(turn: Turn, heard: str | None) -> Response:
    """No exercise by that name: ask which, unless another question is waiting.

    A bare-name sample can catch words meant for something else, so mid-workout or at a
    pending question the runner hears that question again rather than a new one.
    """
    asking_which = turn.asked.question in {
        Question.WHICH_EXERCISE,
        Question.ANOTHER_EXERCISE,
        Question.DID_YOU_MEAN,
    }
    nearby = _nearby_exercises(turn, heard)
    if heard and not asking_which and (turn.state is not None or turn.asked.pending):
        question, asked = turn.pending()
        said = turn.talk.not_an_exercise(heard, examples=turn.state is None, nearby=nearby)
        return turn.respond(said.then(question), asked)
    return turn.respond(turn.talk.unknown_exercise(heard, nearby), Asked(Question.WHICH_EXERCISE))


def _nearby_exercises(turn: Turn, heard: str | None) -> list[str]:
    """The exercises nearest to words that named none of ours, as said mid-sentence."""
    if not heard:
        return []
    exercises, _ = indexes(turn.library)
    nearby = exercises.closest(heard).nearby
    return [turn.library.exercises[i].called for i in nearby if i in turn.library.exercises]
