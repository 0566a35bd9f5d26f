"""Request handlers: thin adapters from Alexa requests to turns of the coach.

`request_handlers()` is the one ordered list the skill is built from; the first handler whose
`can_handle` answers true takes the request. Every handler reads state, calls the engine, narrates,
saves and responds through `coach.Turn`. The handlers for questions about an exercise or a workout
are in `handlers_about.py`, those for what the runner says of themselves in `handlers_runner.py`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components.exception_components import AbstractExceptionHandler
from ask_sdk_core.utils.predicate import is_intent_name, is_request_type

from runner_strength.alexa import apl, safety, second_chance, starting
from runner_strength.alexa.dialog import Asked, Question, last_asked
from runner_strength.alexa.dialog_table import flow_for
from runner_strength.alexa.flows import FLOWS
from runner_strength.alexa.handler_base import CoachHandler, slot_id
from runner_strength.alexa.handlers_about import (
    CreditsHandler,
    ExplainHandler,
    ExplainMoreHandler,
    WeightHandler,
    WorkoutCreditsHandler,
)
from runner_strength.alexa.handlers_runner import (
    EquipmentHandler,
    EverySetHandler,
    FeedbackHandler,
    LevelHandler,
    PermissionAnswerHandler,
    SetReminderHandler,
    TonesHandler,
    VerbosityHandler,
)
from runner_strength.alexa.requests import (
    SlotStatus,
    duration_seconds,
    intent_name,
    log_user,
    resolved_slot,
    slot_text,
)
from runner_strength.content.model import RoutineKind
from runner_strength.engine.record import RoutineChoice
from runner_strength.narration.conversation import Conversation

if TYPE_CHECKING:
    from ask_sdk_core.dispatch_components.request_components import AbstractRequestHandler
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Coach

logger = logging.getLogger(__name__)


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
                kind = slot_id(handler_input, "routine", {k.value for k in RoutineKind})
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
        EverySetHandler(coach),
        SetReminderHandler(coach),
        PermissionAnswerHandler(coach),
    ]
    return handlers
