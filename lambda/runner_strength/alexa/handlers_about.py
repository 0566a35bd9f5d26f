"""Handlers for questions about an exercise or a workout: explain it, where it comes from, weight.

A name Alexa heard but could not resolve gets a second chance (`second_chance.py`) before anything
is said about it. Listed in order in `handlers.request_handlers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.utils.predicate import is_intent_name
from ask_sdk_model.response import Response

from runner_strength.alexa import explaining, second_chance
from runner_strength.alexa.handler_base import CoachHandler
from runner_strength.alexa.requests import SlotStatus, is_new_session, resolved_slot

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

    from runner_strength.alexa.coach import Turn
    from runner_strength.content.model import Exercise


class ExplainHandler(CoachHandler):
    """Explain an exercise without losing the runner's place; one-shot requests end the session."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ExplainExerciseIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        slot = resolved_slot(handler_input, "exercise")
        exercise = (
            turn.library.exercises.get(slot.id or "") if slot.status is SlotStatus.MATCHED else None
        )
        if exercise is None and slot.heard:
            exercise = turn.library.find_exercise(slot.heard)
            if exercise is None:
                again = second_chance.offer(turn, slot.heard, "ExplainExerciseIntent")
                if again is not None:
                    return again
        if exercise is None and slot.status is SlotStatus.EMPTY:
            # "Explain this", "give me the cues": the exercise in hand, or the one just talked of.
            where = turn.where()
            this = where.exercise_id if where is not None else turn.asked.exercise_id
            exercise = turn.library.exercises.get(this or "")
        if exercise is None:
            return explaining.unknown_exercise(turn, slot.heard)
        return explaining.explain(turn, exercise, one_shot=is_new_session(handler_input))


class ExplainMoreHandler(CoachHandler):
    """Tell me more, common mistakes: the second layer of the exercise just explained or in hand.

    Then the question that was waiting (mid-workout, the workout's); outside a workout, what next.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ExplainMoreIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        slot = resolved_slot(handler_input, "exercise")
        exercise = (
            turn.library.exercises.get(slot.id or "") if slot.status is SlotStatus.MATCHED else None
        )
        if exercise is None and slot.heard:
            exercise = turn.library.find_exercise(slot.heard)
            if exercise is None:
                again = second_chance.offer(turn, slot.heard, "ExplainMoreIntent")
                return again or explaining.unknown_exercise(turn, slot.heard)
        if exercise is None:
            where = turn.where()
            in_hand = where.exercise_id if where is not None else turn.asked.exercise_id
            exercise = explaining.explained_last(turn) or turn.library.exercises.get(in_hand or "")
        if exercise is None:
            return explaining.unknown_exercise(turn, None)
        return explaining.explain_more(turn, exercise)


class CreditsHandler(CoachHandler):
    """Where the named or current exercise comes from: its articles and their authors."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("CreditsIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        slot = resolved_slot(handler_input, "exercise")
        exercise = second_chance.named_exercise(turn, slot, second_chance.CREDITS)
        if isinstance(exercise, Response):
            return exercise
        if exercise is None and not slot.heard:
            exercise = _current(turn)
        script = (
            turn.talk.credits(exercise)
            if exercise or not slot.heard
            else (turn.talk.unknown_exercise(slot.heard))
        )
        question, asked = turn.next_question()
        return turn.respond(script.then(question), asked)


class WorkoutCreditsHandler(CoachHandler):
    """Where the named or current workout comes from: its own article, then the others."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("WorkoutCreditsIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        slot = resolved_slot(handler_input, "workout")
        workout = turn.library.workouts.get(slot.id or "")
        if workout is None and slot.heard:
            workout = turn.library.find_workout(slot.heard)
            if workout is None and (
                again := second_chance.offer(turn, slot.heard, "WorkoutCreditsIntent")
            ):
                return again
        if workout is None and turn.state is not None:
            workout = turn.library.workouts.get(turn.state.workout_id)
        if workout is None:  # the workout just offered, if any
            workout = turn.library.workouts.get(turn.asked.workout_id or "")
        script = turn.talk.workout_credits(workout) if workout else turn.talk.credits(None)
        question, asked = turn.pending()  # the waiting question, asked again
        return turn.respond(script.then(question), asked)


class WeightHandler(CoachHandler):
    """How heavy to go for the named or current exercise (the general rule without one)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("WeightIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        exercise = second_chance.named_exercise(
            turn, resolved_slot(handler_input, "exercise"), second_chance.WEIGHT
        )
        if isinstance(exercise, Response):
            return exercise
        if exercise is None:
            exercise = _current(turn)
        question, asked = turn.pending()  # the waiting question, asked again
        return turn.respond(turn.talk.weight(exercise).then(question), asked)


def _current(turn: Turn) -> Exercise | None:
    """The exercise the workout is at, if one is going."""
    where = turn.where()
    return turn.library.exercises.get(where.exercise_id) if where is not None else None
