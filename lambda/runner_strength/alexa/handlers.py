"""Request handlers: thin adapters from Alexa requests to turns of the coach.

`request_handlers()` is the one ordered list the skill is built from; the first handler whose
`can_handle` answers true takes the request. Every handler reads state, calls the engine, narrates,
saves and responds through `coach.Turn`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components.exception_components import AbstractExceptionHandler
from ask_sdk_core.dispatch_components.request_components import AbstractRequestHandler
from ask_sdk_core.utils.predicate import is_intent_name, is_request_type

from runner_strength.alexa import (
    apl,
    explaining,
    fitting,
    reminding,
    safety,
    second_chance,
    starting,
)
from runner_strength.alexa.dialog import Asked, Question, Said, last_asked
from runner_strength.alexa.dialog_table import flow_for
from runner_strength.alexa.flows import FLOWS
from runner_strength.alexa.requests import (
    SlotStatus,
    duration_seconds,
    intent_name,
    is_new_session,
    log_user,
    resolved_slot,
    slot_text,
)
from runner_strength.content.model import EQUIPMENT, Level, RoutineKind
from runner_strength.content.names import sure_term
from runner_strength.engine.progress import Feeling
from runner_strength.engine.record import RoutineChoice, Verbosity
from runner_strength.narration.conversation import Conversation

if TYPE_CHECKING:
    from collections.abc import Collection

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Coach

logger = logging.getLogger(__name__)


def _slot_id(handler_input: HandlerInput, name: str, known: Collection[str]) -> str | None:
    """A custom slot's resolved id when it is one of `known`; else the term the words stand for.

    Unresolved words ("dumb bells", "advance") are read as the one term they clearly mean
    (`content/names.py: sure_term`), or none.
    """
    slot = resolved_slot(handler_input, name)
    if slot.status is SlotStatus.MATCHED and slot.id in known:
        return slot.id
    heard = "_".join((slot.heard or "").lower().split())
    if heard in known:
        return heard
    return sure_term(slot.heard, known) if slot.heard else None


class CoachHandler(AbstractRequestHandler):
    """A handler that answers through the coach."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach


class LaunchHandler(CoachHandler):
    """Welcome: offer to resume an unfinished workout, else the next workout in the rotation."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        if safety.check_due(turn):
            return safety.ask_how_they_are(turn)
        where = turn.where()
        state = turn.state
        if state is not None and where is not None:
            return turn.respond(turn.talk.welcome_back(state, where), Asked(Question.RESUME_OFFER))
        first_time = not turn.record.health_note_heard
        turn.hear_health_note()
        workout = turn.next_workout()
        last = turn.record.history[-1] if turn.record.history else None
        script = turn.talk.welcome(
            workout,
            first_time=first_time,
            last=last,
            light=turn.record.is_light_day(turn.now),
            seconds=turn.fitted_seconds(workout),
        )
        return turn.respond(script, Asked(Question.START_OFFER, workout.id))


class StartWorkoutHandler(CoachHandler):
    """Start the named workout, or the next in the rotation; a duration shortens it to fit."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("StartWorkoutIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        slot = resolved_slot(handler_input, "workout")
        target = duration_seconds(slot_text(handler_input, "duration"))
        workout_id = (
            slot.id
            if slot.status is SlotStatus.MATCHED and slot.id in turn.library.workouts
            else None
        )
        if slot.status is SlotStatus.NO_MATCH and slot.heard:
            found = turn.library.find_workout(slot.heard)
            if found is None:
                again = second_chance.offer(
                    turn, slot.heard, "StartWorkoutIntent", target_seconds=target
                )
                return again or turn.respond(turn.talk.unknown_workout(slot.heard), Asked())
            workout_id = found.id
        if workout_id is None:
            # Something new: not the unfinished workout over again, when there is another.
            state = turn.state
            unfinished = frozenset({state.workout_id}) if state is not None else frozenset()
            workout_id = turn.next_workout(exclude=unfinished, budget=target).id
        return starting.start(turn, workout_id, target_seconds=target)


_CHOICE_INTENTS = {
    "AlwaysRoutineIntent": RoutineChoice.ALWAYS,
    "NeverRoutineIntent": RoutineChoice.NEVER,
    "AskRoutineIntent": RoutineChoice.ASK,
}
_ROUTINE_INTENTS = ("WarmUpIntent", "CoolDownIntent", "SkipRoutineIntent", *_CHOICE_INTENTS)


class RoutineHandler(CoachHandler):
    """The warm-up and cool-down asked for, skipped, always or never (offers are table rows)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in _ROUTINE_INTENTS)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        for name, choice in _CHOICE_INTENTS.items():
            if is_intent_name(name)(handler_input):
                kind = _slot_id(handler_input, "routine", {k.value for k in RoutineKind})
                return starting.set_routine_choice(
                    turn, RoutineKind(kind) if kind else None, choice
                )
        if is_intent_name("WarmUpIntent")(handler_input):
            return starting.warm_up(turn)
        if is_intent_name("CoolDownIntent")(handler_input):
            return starting.cool_down(turn)
        return starting.skip_warm_up(turn)


class DialogHandler(CoachHandler):
    """Every intent the dialog table gives a flow at the question waiting (dialog_table.py)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        intent = intent_name(handler_input)
        return (
            intent is not None and flow_for(last_asked(handler_input).question, intent) is not None
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        intent = turn.intent or ""
        flow = flow_for(turn.moment(), intent) or flow_for(turn.asked.question, intent)
        return FLOWS[flow or "fallback"](turn, handler_input)


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
        exercise = turn.library.exercises.get(slot.id or "")
        if exercise is None and slot.heard:
            exercise = turn.library.find_exercise(slot.heard)
            again = None if exercise else second_chance.offer(turn, slot.heard, "CreditsIntent")
            if again is not None:
                return again
        if exercise is None and not slot.heard and (where := turn.where()) is not None:
            exercise = turn.library.exercises.get(where.exercise_id)
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
        slot = resolved_slot(handler_input, "exercise")
        exercise = turn.library.exercises.get(slot.id or "")
        if exercise is None and slot.heard:
            exercise = turn.library.find_exercise(slot.heard)
            again = None if exercise else second_chance.offer(turn, slot.heard, "WeightIntent")
            if again is not None:
                return again
        if exercise is None and (where := turn.where()) is not None:
            exercise = turn.library.exercises.get(where.exercise_id)
        question, asked = turn.pending()  # the waiting question, asked again
        return turn.respond(turn.talk.weight(exercise).then(question), asked)


class FeedbackHandler(CoachHandler):
    """Too easy, too hard or just right: the exercise just done is adjusted for next time."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("FeedbackIntent")(handler_input)
            or is_intent_name("JustRightIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        if is_intent_name("JustRightIntent")(handler_input):
            return fitting.feedback(self.coach.turn(handler_input), Feeling.JUST_RIGHT)
        feeling = _slot_id(handler_input, "feeling", {f.value for f in Feeling})
        return fitting.feedback(
            self.coach.turn(handler_input), Feeling(feeling) if feeling else None
        )


class LevelHandler(CoachHandler):
    """I'm a beginner (intermediate, advanced): dosages, variants and the rotation follow."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("SetLevelIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        level = _slot_id(handler_input, "level", {level.value for level in Level})
        return fitting.set_level(self.coach.turn(handler_input), Level(level) if level else None)


class EquipmentHandler(CoachHandler):
    """Kit the runner lacks ("I don't have a band") or has ("I'm at the gym"), remembered."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("MissingEquipmentIntent")(handler_input)
            or is_intent_name("HaveEquipmentIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        named = resolved_slot(handler_input, "equipment")
        equipment = _slot_id(handler_input, "equipment", EQUIPMENT)
        if named.status is not SlotStatus.EMPTY and equipment is None:
            return turn.offer_next(turn.talk.equipment_unknown())
        if is_intent_name("HaveEquipmentIntent")(handler_input):
            return fitting.set_equipment(turn, available=equipment, everything=equipment is None)
        return fitting.set_equipment(turn, missing=equipment)


class VerbosityHandler(CoachHandler):
    """Keep it short, or give me more detail: how much the coach says, remembered."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("BriefCoachingIntent")(handler_input)
            or is_intent_name("DetailedCoachingIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        brief = is_intent_name("BriefCoachingIntent")(handler_input)
        turn = self.coach.turn(handler_input)
        explained = explaining.explained_last(turn)
        if not brief and explained is not None and turn.asked.said is Said.EXPLANATION:
            # "More detail" right after a first layer asks for the second, not a coaching mode
            # (said again after it, it is the mode).
            return explaining.explain_more(turn, explained)
        verbosity = Verbosity.SHORT if brief else Verbosity.DETAILED
        return fitting.set_verbosity(turn, verbosity)


class TonesHandler(CoachHandler):
    """No beeps, or beeps on: the timer tones, remembered."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("TonesOffIntent")(handler_input)
            or is_intent_name("TonesOnIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        on = bool(is_intent_name("TonesOnIntent")(handler_input))
        return fitting.set_tones(self.coach.turn(handler_input), on=on)


class SetReminderHandler(CoachHandler):
    """Remind me on Mondays and Thursdays (at 7), make it Saturday at 9, change my reminder to..."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("SetReminderIntent")(handler_input)
            or is_intent_name("ChangeReminderIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        days, time = reminding.said_days(handler_input), reminding.said_time(handler_input)
        if not days and time is None:
            # Someone who has a reminder and asks for one wants to hear it and change it.
            if (
                is_intent_name("ChangeReminderIntent")(handler_input)
                or turn.record.reminder is not None
            ):
                return reminding.ask_change(turn)
            return reminding.propose(turn, reminding.usual(turn))
        base = reminding.proposal(handler_input) or reminding.usual(turn)
        return reminding.set_reminder(turn, reminding.wanted(days, time, base))


class PermissionAnswerHandler(CoachHandler):
    """Alexa's answer to the voice request for the reminders permission."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return bool(
            is_request_type("Connections.Response")(handler_input)
            and getattr(request, "name", None) == "AskFor"
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return reminding.answer_permission(self.coach.turn(handler_input))


class TouchHandler(CoachHandler):
    """A touch on the Echo Show screen: answered by the handler of the intent it stands for."""

    def __init__(self, coach: Coach, handlers: list[AbstractRequestHandler]) -> None:
        super().__init__(coach)
        self.handlers = handlers  # the skill's own ordered list, so a touch meets the same path

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type(apl.USER_EVENT)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        spoken = apl.as_intent(handler_input, self.coach.library)
        handler = next(h for h in self.handlers if h.can_handle(spoken))
        response = handler.handle(spoken)
        if response is None:  # never: every handler in the list answers with a response
            raise TypeError(type(handler).__name__)
        return response


class SessionEndedHandler(CoachHandler):
    """The session closed (timeout, user exit, error): state was saved on every change already.

    A session that ends while a set plays (the runner walked away, or spoke to something else)
    keeps the position reached by then: the request's time places it, as for any request.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        if turn.interruption is not None:
            turn.save()
        request = handler_input.request_envelope.request
        error = getattr(request, "error", None)
        logger.info(
            "session ended user=%s reason=%s error=%s",
            log_user(handler_input),
            getattr(getattr(request, "reason", None), "value", None),
            getattr(error, "message", None),
        )
        return handler_input.response_builder.response


class SkillDisabledHandler(CoachHandler):
    """The runner disabled the skill: delete everything stored for them."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        deleted = self.coach.repository.forget(handler_input)
        logger.info("skill disabled: user=%s deleted=%s", log_user(handler_input), deleted)
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Anything unexpected: log it, and still speak a helpful line instead of an error sound."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:  # noqa: ARG002  # the SDK's signature
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        logger.error("unhandled error for user=%s", log_user(handler_input), exc_info=exception)
        # A fresh Conversation: the turn that failed may be half built.
        speech = Conversation(self.coach.library, self.coach.rng_for("error")).error().to_speech()
        return (
            handler_input.response_builder.speak(speech.ssml)
            .ask(speech.reprompt or speech.ssml)
            .response
        )


def request_handlers(coach: Coach) -> list[AbstractRequestHandler]:
    """Every request handler, in the order they are asked."""
    handlers: list[AbstractRequestHandler] = []
    handlers += [
        SkillDisabledHandler(coach),
        SessionEndedHandler(coach),
        TouchHandler(coach, handlers),
        # The table first: what an intent means at the question waiting, else anywhere.
        DialogHandler(coach),
        LaunchHandler(coach),
        StartWorkoutHandler(coach),
        RoutineHandler(coach),
        ExplainHandler(coach),
        ExplainMoreHandler(coach),
        CreditsHandler(coach),
        WorkoutCreditsHandler(coach),
        WeightHandler(coach),
        FeedbackHandler(coach),
        LevelHandler(coach),
        EquipmentHandler(coach),
        VerbosityHandler(coach),
        TonesHandler(coach),
        SetReminderHandler(coach),
        PermissionAnswerHandler(coach),
    ]
    return handlers
