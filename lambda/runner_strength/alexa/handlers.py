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

from runner_strength.alexa import apl, reminding
from runner_strength.alexa.dialog import Asked, Question, Said, last_asked
from runner_strength.alexa.requests import (
    SlotStatus,
    duration_seconds,
    is_new_session,
    log_user,
    resolved_slot,
    slot_text,
)
from runner_strength.content.model import BODY_AREAS, EQUIPMENT, Level, RoutineKind
from runner_strength.engine import transitions
from runner_strength.engine.progress import Feeling
from runner_strength.engine.record import RoutineChoice, Verbosity
from runner_strength.engine.state import Scope
from runner_strength.narration.conversation import Conversation

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Coach
    from runner_strength.content.model import Library
    from runner_strength.engine.events import Outcome
    from runner_strength.engine.state import WorkoutState

logger = logging.getLogger(__name__)


def _slot_id(handler_input: HandlerInput, name: str, known: Collection[str]) -> str | None:
    """A custom slot's resolved id when it is one of `known`; what was heard, if it is one."""
    slot = resolved_slot(handler_input, name)
    if slot.status is SlotStatus.MATCHED and slot.id in known:
        return slot.id
    heard = "_".join((slot.heard or "").lower().split())
    return heard if heard in known else None


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
        if slot.status is SlotStatus.NO_MATCH:
            return turn.respond(turn.talk.unknown_workout(slot.heard), Asked())
        workout_id = (
            slot.id
            if slot.status is SlotStatus.MATCHED and slot.id in turn.library.workouts
            else None
        )
        target = duration_seconds(slot_text(handler_input, "duration"))
        asked = turn.asked
        # At "resume it, or start something new?" a start is the runner's answer.
        answered = asked.question in {Question.RESUME_OFFER, Question.RESUME_OR_NEW}
        if answered and asked.question is Question.RESUME_OR_NEW:
            workout_id = workout_id or asked.workout_id
            target = target if target is not None else asked.target_seconds
        if workout_id is None or workout_id not in turn.library.workouts:
            # Something new: not the unfinished workout over again, when there is another.
            state = turn.state
            unfinished = frozenset({state.workout_id}) if state is not None else frozenset()
            workout_id = turn.next_workout(exclude=unfinished).id
        return turn.start(workout_id, target_seconds=target, confirmed=answered)


class ResumeHandler(CoachHandler):
    """Resume a paused workout, or pick up an unfinished one where it stopped (any device)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("ResumeWorkoutIntent")(handler_input)
            or is_intent_name("AMAZON.ResumeIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        state = turn.state
        if state is not None and not state.paused:
            if is_new_session(handler_input):
                where = turn.where()
                if where is not None:
                    return turn.respond(
                        turn.talk.welcome_back(state, where), Asked(Question.RESUME_OFFER)
                    )
            return turn.run(transitions.ready)
        return turn.run(transitions.resume)


_CHOICE_INTENTS = {
    "AlwaysRoutineIntent": RoutineChoice.ALWAYS,
    "NeverRoutineIntent": RoutineChoice.NEVER,
    "AskRoutineIntent": RoutineChoice.ASK,
}
_ROUTINE_INTENTS = ("WarmUpIntent", "CoolDownIntent", "SkipRoutineIntent", *_CHOICE_INTENTS)
# Said over the warm-up (or just after it), these skip the warm-up, not the first exercise.
_SKIP_WARM_UP = ("AMAZON.NextIntent", "SkipExerciseIntent")
# At a warm-up or cool-down offer, "next" and "skip" decline it like "no".
_ROUTINE_ANSWERS = ("AMAZON.YesIntent", "AMAZON.NoIntent", "ReadyIntent", *_SKIP_WARM_UP)


class RoutineHandler(CoachHandler):
    """The warm-up and cool-down: asked for, skipped, answered when offered, always or never."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if any(is_intent_name(name)(handler_input) for name in _ROUTINE_INTENTS):
            return True
        offered = last_asked(handler_input).question
        if offered is Question.WARMED_UP:
            return any(is_intent_name(name)(handler_input) for name in _SKIP_WARM_UP)
        return offered in (Question.WARM_UP_OFFER, Question.COOL_DOWN_OFFER) and any(
            is_intent_name(name)(handler_input) for name in _ROUTINE_ANSWERS
        )

    def handle(self, handler_input: HandlerInput) -> Response:  # noqa: PLR0911  # one answer per case
        turn = self.coach.turn(handler_input)
        offered = turn.asked.question
        for name, choice in _CHOICE_INTENTS.items():
            if is_intent_name(name)(handler_input):
                kind = _slot_id(handler_input, "routine", {k.value for k in RoutineKind})
                return turn.set_routine_choice(RoutineKind(kind) if kind else None, choice)
        if is_intent_name("WarmUpIntent")(handler_input):
            return turn.warm_up()
        if is_intent_name("CoolDownIntent")(handler_input):
            return turn.cool_down()
        yes = is_intent_name("AMAZON.YesIntent")(handler_input)
        if offered is Question.COOL_DOWN_OFFER:
            ready = is_intent_name("ReadyIntent")(handler_input)
            return turn.cool_down() if yes or ready else turn.skip_cool_down()
        if offered is Question.WARM_UP_OFFER and yes:
            return turn.warm_up()
        if offered is Question.WARM_UP_OFFER and is_intent_name("ReadyIntent")(handler_input):
            return turn.run(transitions.ready)  # ready means straight in
        return turn.skip_warm_up()


class MoveHandler(CoachHandler):
    """An intent that maps straight onto one engine transition."""

    def __init__(
        self,
        coach: Coach,
        intents: tuple[str, ...],
        move: Callable[[WorkoutState | None, Library, float], Outcome],
        *,
        persist: bool = True,
    ) -> None:
        super().__init__(coach)
        self.intents = intents
        self.move = move
        self.persist = persist

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in self.intents)

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).run(self.move, persist=self.persist)


class ReadyHandler(CoachHandler):
    """Ready (or "next"): the set asked about; at "shall we start X?" it starts X.

    "Next" at "ready for set two?" is set two: it never skips a whole exercise unasked.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("ReadyIntent")(handler_input)
            or is_intent_name("AMAZON.NextIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        offered = turn.asked.workout_id
        if (
            turn.state is None
            and turn.asked.question is Question.START_OFFER
            and offered in turn.library.workouts
        ):
            return turn.start(offered or "", confirmed=True)
        if turn.state is None and turn.asked.pending:
            # No set to be ready for: the question still waiting (a reminder offer, say) comes back.
            return turn.fallback()
        return turn.run(transitions.ready)


def _start_over(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Start over with no workout going: the engine's refusal says there is nothing to restart."""
    return transitions.start_over(state, library, now, Scope.EXERCISE)


def _start_whole_workout_over(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Yes to "start the whole workout over?": back to the first exercise."""
    return transitions.start_over(state, library, now, Scope.WORKOUT)


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
        if exercise is None and slot.status is SlotStatus.EMPTY:
            # "Explain this", "give me the cues": the exercise in hand, or the one just talked of.
            where = turn.where()
            this = where.exercise_id if where is not None else turn.asked.exercise_id
            exercise = turn.library.exercises.get(this or "")
        if exercise is None:
            return turn.unknown_exercise(slot.heard)
        return turn.explain(exercise, one_shot=is_new_session(handler_input))


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
                return turn.unknown_exercise(slot.heard)
        if exercise is None:
            where = turn.where()
            in_hand = where.exercise_id if where is not None else turn.asked.exercise_id
            exercise = turn.explained_last() or turn.library.exercises.get(in_hand or "")
        if exercise is None:
            return turn.unknown_exercise(None)
        return turn.explain_more(exercise)


class WhyHandler(CoachHandler):
    """Why this exercise helps a runner (mid-workout), or why strength work matters (otherwise)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("WhyExerciseIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).why()


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
        if exercise is None and not slot.heard and (where := turn.where()) is not None:
            exercise = turn.library.exercises.get(where.exercise_id)
        script = (
            turn.talk.credits(exercise)
            if exercise or not slot.heard
            else (turn.talk.unknown_exercise(slot.heard))
        )
        question, asked = turn.workout_question()
        return turn.respond(script.then(question), asked)


class WorkoutCreditsHandler(CoachHandler):
    """Where the named or current workout comes from: its own article, then the others."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("WorkoutCreditsIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        slot = resolved_slot(handler_input, "workout")
        workout = turn.library.workouts.get(slot.id or "")
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
        if exercise is None and (where := turn.where()) is not None:
            exercise = turn.library.exercises.get(where.exercise_id)
        question, asked = turn.pending()  # the waiting question, asked again
        return turn.respond(turn.talk.weight(exercise).then(question), asked)


class ListWorkoutsHandler(CoachHandler):
    """Name every workout with its length, then ask which one."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ListWorkoutsIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).list_workouts()


class StatusHandler(CoachHandler):
    """How much is left; a question still waiting for its answer is asked again after it."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("WorkoutStatusIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).status_report()


class RepeatHandler(CoachHandler):
    """What did you say: what was just said again (the question, explanation, status), no set."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.RepeatIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).repeat()


class StartOverHandler(CoachHandler):
    """Start the workout over: the sets done would be lost, so ask first."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.StartOverIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        state = turn.state
        if state is None:
            return turn.run(_start_over)
        workout = turn.library.workout(state.workout_id)
        return turn.respond(turn.talk.start_over_question(workout), Asked(Question.START_OVER))


class SkipHandler(CoachHandler):
    """Skip this exercise, explicitly; "go back" undoes it, so say so."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("SkipExerciseIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).skip()


class ProgressHandler(CoachHandler):
    """How am I doing: sessions this week against the target, the streak, the last workout."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("ProgressIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).progress_report()


class FeedbackHandler(CoachHandler):
    """Too easy, too hard or just right: the exercise just done is adjusted for next time."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("FeedbackIntent")(handler_input)
            or is_intent_name("JustRightIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        if is_intent_name("JustRightIntent")(handler_input):
            return self.coach.turn(handler_input).feedback(Feeling.JUST_RIGHT)
        feeling = _slot_id(handler_input, "feeling", {f.value for f in Feeling})
        return self.coach.turn(handler_input).feedback(Feeling(feeling) if feeling else None)


class LevelHandler(CoachHandler):
    """I'm a beginner (intermediate, advanced): dosages, variants and the rotation follow."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("SetLevelIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        level = _slot_id(handler_input, "level", {level.value for level in Level})
        return self.coach.turn(handler_input).set_level(Level(level) if level else None)


class LighterDayHandler(CoachHandler):
    """A long run yesterday or a race soon: a lighter session today."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("LighterDayIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).lighter_day()


class PainHandler(CoachHandler):
    """Something hurts: swap out what loads that area, remind once to see a professional."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("PainIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        area = _slot_id(handler_input, "body_area", BODY_AREAS)
        return self.coach.turn(handler_input).pain(area)


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
            return turn.set_equipment(available=equipment, everything=equipment is None)
        return turn.set_equipment(missing=equipment)


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
        explained = turn.explained_last()
        if not brief and explained is not None and turn.asked.said is Said.EXPLANATION:
            # "More detail" right after a first layer asks for the second, not a coaching mode
            # (said again after it, it is the mode).
            return turn.explain_more(explained)
        verbosity = Verbosity.SHORT if brief else Verbosity.DETAILED
        return turn.set_verbosity(verbosity)


class TonesHandler(CoachHandler):
    """No beeps, or beeps on: the timer tones, remembered."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("TonesOffIntent")(handler_input)
            or is_intent_name("TonesOnIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        on = bool(is_intent_name("TonesOnIntent")(handler_input))
        return self.coach.turn(handler_input).set_tones(on=on)


class ReminderAnswerHandler(CoachHandler):
    """Yes or no to "want me to remind you every Thursday at 7?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            (
                is_intent_name("AMAZON.YesIntent")(handler_input)
                or is_intent_name("AMAZON.NoIntent")(handler_input)
            )
            and reminding.proposal(handler_input) is not None
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        if is_intent_name("AMAZON.NoIntent")(handler_input):
            return reminding.decline(turn)
        offered = reminding.proposal(handler_input)
        return reminding.set_reminder(turn, offered or reminding.usual(turn))


class ReminderOfferAsideHandler(CoachHandler):
    """Help, an unclear answer, or "ready" / "next" while a reminder is offered: the offer again.

    Everything else that does not answer it (status, why, explain, repeat ...) answers and asks it
    again through `Turn.pending`, like every pending question.
    """

    INTENTS = ("AMAZON.HelpIntent", "AMAZON.FallbackIntent", "ReadyIntent", "AMAZON.NextIntent")

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            any(is_intent_name(name)(handler_input) for name in self.INTENTS)
            and reminding.proposal(handler_input) is not None
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        offered = reminding.proposal(handler_input)
        turn = self.coach.turn(handler_input)
        return reminding.ask_again(
            turn,
            offered or reminding.usual(turn),
            help_asked=bool(is_intent_name("AMAZON.HelpIntent")(handler_input)),
            missed=bool(is_intent_name("AMAZON.FallbackIntent")(handler_input)),
        )


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


class StopReminderHandler(CoachHandler):
    """Stop reminding me: the weekly reminder is deleted."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("StopReminderIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return reminding.stop(self.coach.turn(handler_input))


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


class YesHandler(CoachHandler):
    """Yes: to the question last asked (resume, start the offered workout, or ready)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.YesIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        state, question = turn.state, turn.asked.question
        if question is Question.START_OVER and state is not None:
            return turn.run(_start_whole_workout_over)
        if question is Question.STOP_FOR_TODAY and state is not None:
            return turn.stop_for_today()
        if question is Question.LIST_MORE:
            return turn.list_workouts(turn.asked.listed)
        if question in {
            Question.WHICH_EXERCISE,
            Question.ANOTHER_EXERCISE,
            Question.EXPLAIN_DEEPER,
        }:
            return turn.explain_yes()
        if state is not None and question is not Question.START_OFFER:
            # "Resume it, or start something new?" - yes: resume it.
            return turn.run(transitions.resume if state.paused else transitions.ready)
        offered = turn.asked.workout_id
        workout_id = (
            offered if offered and offered in turn.library.workouts else turn.next_workout().id
        )
        return turn.start(workout_id, confirmed=True)


class NoHandler(CoachHandler):
    """No: decline a resume (offer a fresh workout), a start offer, or "ready?" (take your time)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.NoIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        asked = turn.asked
        answers = {
            Question.RESUME_OFFER,
            Question.RESUME_OR_NEW,
            Question.START_OVER,
            Question.STOP_FOR_TODAY,
            Question.LIST_MORE,
        }
        if asked.question in answers or (
            asked.question is Question.START_OFFER and turn.state is None
        ):
            return turn.answer_no()
        if asked.question is Question.EXPLAIN_DEEPER and turn.state is None:
            # No to the second layer: what next.
            return turn.respond(
                turn.talk.explain_more(),
                Asked(Question.ANOTHER_EXERCISE, exercise_id=asked.exercise_id),
            )
        if turn.state is not None:
            return turn.not_ready()
        if asked.question is Question.NONE and not is_new_session(handler_input):
            # No to "what would you like to do?": nothing today, and that's fine.
            return turn.respond(turn.talk.decline_goodbye(), Asked())
        return turn.respond(turn.talk.declined(), Asked())


class HelpHandler(CoachHandler):
    """Help that fits the moment: the menu, or what can be said mid-workout."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.HelpIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).help()


class FallbackHandler(CoachHandler):
    """Something out of scope: say so briefly and offer what can be done here."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.FallbackIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.coach.turn(handler_input).fallback()


class StopHandler(CoachHandler):
    """Stop, cancel or go home: keep the place (paused) and say how to come back."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(
            is_intent_name(name)(handler_input)
            for name in ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        state = turn.state
        if state is not None and not state.paused:
            turn.apply(transitions.pause(state, turn.library, turn.now))
        return turn.respond(turn.talk.goodbye(turn.state, turn.where()), Asked())


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


class SessionEndedHandler(AbstractRequestHandler):
    """The session closed (timeout, user exit, error): state was saved on every change already."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
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
    move = MoveHandler
    handlers: list[AbstractRequestHandler] = []
    handlers += [
        SkillDisabledHandler(coach),
        SessionEndedHandler(),
        TouchHandler(coach, handlers),
        # Help at the reminder offer says how to answer it, not the menu's help.
        ReminderOfferAsideHandler(coach),
        LaunchHandler(coach),
        StartWorkoutHandler(coach),
        ResumeHandler(coach),
        RoutineHandler(coach),
        ExplainHandler(coach),
        ExplainMoreHandler(coach),
        ReadyHandler(coach),
        move(coach, ("AMAZON.PauseIntent",), transitions.pause),
        move(coach, ("AMAZON.PreviousIntent",), transitions.previous_exercise),
        RepeatHandler(coach),
        # Doing a set again re-does one already done: the position does not move, nothing saved.
        MoveHandler(coach, ("RepeatSetIntent",), transitions.repeat, persist=False),
        StartOverHandler(coach),
        SkipHandler(coach),
        move(coach, ("EasierIntent",), transitions.easier),
        move(coach, ("HarderIntent",), transitions.harder),
        StatusHandler(coach),
        WhyHandler(coach),
        CreditsHandler(coach),
        WorkoutCreditsHandler(coach),
        WeightHandler(coach),
        ListWorkoutsHandler(coach),
        ProgressHandler(coach),
        FeedbackHandler(coach),
        LevelHandler(coach),
        LighterDayHandler(coach),
        PainHandler(coach),
        EquipmentHandler(coach),
        VerbosityHandler(coach),
        TonesHandler(coach),
        ReminderAnswerHandler(coach),
        SetReminderHandler(coach),
        StopReminderHandler(coach),
        PermissionAnswerHandler(coach),
        YesHandler(coach),
        NoHandler(coach),
        HelpHandler(coach),
        StopHandler(coach),
        FallbackHandler(coach),
    ]
    return handlers
