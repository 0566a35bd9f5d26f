"""Starting a workout: a time budget fitted, the warm-up and cool-down offered, played or skipped.

Also the answers to an offer ("no" to resuming, "no" to a suggested workout). Each function takes
the turn and answers through its `respond`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from runner_strength.alexa import reminding
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.content.model import RoutineKind
from runner_strength.engine import transitions
from runner_strength.engine.events import WorkoutStarted
from runner_strength.engine.pace import minutes_said
from runner_strength.engine.plan import workout_seconds
from runner_strength.engine.record import RoutineChoice, Verbosity
from runner_strength.narration.moments import MomentTalk
from runner_strength.narration.narrator import AUDIO_BUDGET_SECONDS

if TYPE_CHECKING:
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn
    from runner_strength.engine.events import Outcome
    from runner_strength.narration.narrator import Script

# Seconds kept for the first set's question after its intro.
QUESTION_ROOM_SECONDS = 8.0
# The least a time budget gives to the workout after its warm-up: less is not worth doing, so a
# budget that leaves less is answered with the shortest session that leaves this much.
SHORTEST_WORKOUT_SECONDS = 5 * 60


def _after(first: Script | None, then: Script) -> Script:
    """`then`, with `first` said before it when there is one."""
    return then if first is None else first.then(then)


def _first_intro(turn: Turn, said: Script) -> Script:
    """`said`, then the first set's intro when it is owed and the response has room for it.

    Said before the first question, as a rest says the others', so "ready" starts the set.
    """
    state, where = turn.state, turn.where()
    if state is None or where is None or state.last_set is not None or state.position != 0:
        return said
    intro = turn.narrator.intro_before(state, where)
    room = AUDIO_BUDGET_SECONDS - QUESTION_ROOM_SECONDS
    if not intro.speech.seconds or said.speech.seconds + intro.speech.seconds > room:
        return said
    return said.then(intro)


def start(
    turn: Turn,
    workout_id: str,
    *,
    quick: bool = False,
    target_seconds: int | None = None,
    confirmed: bool = False,
) -> Response:
    """Start a workout and ask whether the runner is ready.

    An unfinished workout with a set done is never dropped unasked: unless the runner already
    chose (`confirmed`), they are asked whether to start the new one, the old one kept. One
    with no set done is replaced, and the runner hears so.
    """
    state, where = turn.state, turn.where()
    started = state is not None and (state.last_set is not None or bool(state.done))
    if not confirmed and state is not None and where is not None and started:
        asked = Asked(Question.RESUME_OR_NEW, workout_id=workout_id, target_seconds=target_seconds)
        new = turn.library.workouts.get(workout_id) or turn.next_workout()
        return turn.respond(turn.talk.resume_or_new(state, where, new), asked)
    if state is not None and not started and state.workout_id != workout_id:
        old = turn.library.workouts.get(state.workout_id)
        if old is not None:
            turn.said_first = MomentTalk(turn.library, turn.rng).replaced(old.name)
    warm_up: Script | None = None
    budget = target_seconds
    if budget is not None and workout_id in turn.library.workouts:
        warm_up, target_seconds, answer = _fit_budget(turn, workout_id, budget)
        if answer is not None:
            return answer
    turn.abandon()
    detailed = turn.record.preferences.verbosity is Verbosity.DETAILED
    outcome = turn.apply(
        transitions.start(
            turn.library,
            workout_id,
            turn.now,
            quick=quick or turn.record.preferences.quick,
            target_seconds=target_seconds,
            # Full coaching every time means no intro counts as heard before.
            heard_before=frozenset() if detailed else turn.record.intros_heard,
            day=turn.day_plan(workout_id) if workout_id in turn.library.workouts else None,
            every_set=turn.record.preferences.every_set,
        )
    )
    if outcome.state is not None and not outcome.state.finished:
        if warm_up is not None:
            return _started_with_budget(turn, outcome, warm_up)
        return _started_with_warm_up(turn, outcome)
    return turn.respond(turn.narrator.script(outcome), turn.asked_after(outcome))


def _fit_budget(
    turn: Turn, workout_id: str, budget: int
) -> tuple[Script | None, int | None, Response | None]:
    """A time budget split into the warm-up it holds and the workout's share of it.

    The warm-up (unless the runner never wants one) is played and counted inside the budget.
    A budget too short for the warm-up and the shortest sensible workout is answered with that
    session, offered; one longer than the longest workout says how long the longest is and
    gives this one whole. Returns the warm-up, the workout's target and any answer instead.
    """
    warm_up = None
    if turn.record.preferences.warm_up is not RoutineChoice.NEVER:
        sore = turn.record.sore_areas(turn.now)
        warm_up = turn.routines.play(RoutineKind.WARM_UP, workout_id, sore)
    warm_seconds = round(warm_up.speech.seconds) if warm_up is not None else 0
    shortest = warm_seconds + SHORTEST_WORKOUT_SECONDS
    if budget < shortest and minutes_said(budget) >= minutes_said(shortest):
        # Refusing "8 minutes" to offer "about 8 minutes" would be absurd: a budget the
        # shortest session rounds to is that session.
        budget = shortest
    if budget < shortest:
        workout = turn.library.workout(workout_id)
        offer = turn.talk.budget_too_short(
            workout, asked=minutes_said(budget), seconds=shortest, warm_up=warm_up is not None
        )
        # A yes starts the session offered: rounding the budget up to whole minutes would let
        # in a longer one than the minutes said.
        asked = Asked(Question.START_OFFER, workout_id, target_seconds=shortest)
        return warm_up, None, turn.respond(offer, asked)
    longest = warm_seconds + max(workout_seconds(turn.library, w) for w in turn.library.workouts)
    if budget > longest:
        turn.said_first = turn.talk.budget_too_long(longest)
        return warm_up, None, None
    return warm_up, budget - warm_seconds, None


def _started_with_budget(turn: Turn, outcome: Outcome, warm_up: Script) -> Response:
    """A workout started inside a time budget: its warm-up announced, counted and played."""
    started = turn.narrator.script(outcome, ask=False)
    workout = next(e for e in outcome.events if isinstance(e, WorkoutStarted))
    counted = turn.talk.budget_with_warm_up(warm_up.speech.seconds + workout.estimated_seconds)
    return turn.respond(
        _first_intro(turn, started.then(counted).then(warm_up)).then(
            turn.narrator.closing(outcome)
        ),
        Asked(Question.WARMED_UP),
    )


def _started_with_warm_up(turn: Turn, outcome: Outcome) -> Response:
    """A workout just started: offer the warm-up, play it, or neither, as the runner chose."""
    choice = turn.record.preferences.warm_up
    started = turn.narrator.script(outcome, ask=False)
    if choice is RoutineChoice.NEVER:
        return turn.respond(
            _first_intro(turn, started).then(turn.narrator.closing(outcome)),
            turn.asked_after(outcome),
        )
    if choice is RoutineChoice.ALWAYS:
        workout_id = outcome.state.workout_id if outcome.state is not None else None
        sore = turn.record.sore_areas(turn.now)
        played = turn.routines.play(RoutineKind.WARM_UP, workout_id, sore)
        return turn.respond(
            _first_intro(turn, started.then(played)).then(turn.narrator.closing(outcome)),
            Asked(Question.WARMED_UP),
        )
    return turn.respond(
        started.then(turn.routines.offer(RoutineKind.WARM_UP)), Asked(Question.WARM_UP_OFFER)
    )


def warm_up(turn: Turn, first: Script | None = None) -> Response:
    """Play the warm-up, then ask for the first set (or, with no workout, what next)."""
    workout_id = turn.state.workout_id if turn.state is not None else None
    sore = turn.record.sore_areas(turn.now)
    played = _after(first, turn.routines.play(RoutineKind.WARM_UP, workout_id, sore))
    if turn.state is not None:
        question, asked = turn.workout_question()
        # "Next" or "skip" said over the warm-up means the warm-up, not the first exercise.
        warmed = Asked(Question.WARMED_UP) if asked.question is Question.READY else asked
        return turn.respond(_first_intro(turn, played).then(question), warmed)
    return turn.offer_next(played)


def skip_warm_up(turn: Turn, first: Script | None = None) -> Response:
    """No warm-up this time: straight to the first set's question."""
    if turn.state is None:
        return turn.offer_next(_after(first, turn.routines.skipped(None)))
    question, asked = turn.next_question()
    said = _after(first, turn.routines.skipped(RoutineKind.WARM_UP))
    return turn.respond(_first_intro(turn, said).then(question), asked)


def cool_down(turn: Turn, first: Script | None = None) -> Response:
    """Play the cool-down and say goodbye (mid-workout, go back to the workout after it)."""
    sore = turn.record.sore_areas(turn.now)
    played = _after(first, turn.routines.play(RoutineKind.COOL_DOWN, sore=sore))
    if turn.state is not None:
        question, asked = turn.next_question()
        return turn.respond(played.then(question), asked)
    if turn.asked.question is Question.COOL_DOWN_OFFER:
        return goodbye(turn, played)  # the end of a workout: the reminder offer may follow
    return turn.offer_next(played)


def skip_cool_down(turn: Turn, first: Script | None = None) -> Response:
    """No cool-down: a goodbye."""
    return goodbye(turn, _after(first, turn.routines.skipped(RoutineKind.COOL_DOWN)))


def goodbye(turn: Turn, said: Script) -> Response:
    """The end of a finished workout: the one-time reminder offer if it is due, else goodbye."""
    if reminding.due(turn):
        return reminding.offer_after_workout(turn, said)
    return turn.respond(said.ending(), Asked())


def set_routine_choice(
    turn: Turn, kind: RoutineKind | None, choice: RoutineChoice | None
) -> Response:
    """Always, never, or ask about the warm-up or cool-down, remembered; acted on if offered."""
    said = turn.routines.choice_set(kind, choice)
    if kind is None or choice is None:
        return turn.offer_next(said)
    known = turn.record.preferences
    preferences = (
        replace(known, warm_up=choice)
        if kind is RoutineKind.WARM_UP
        else replace(known, cool_down=choice)
    )
    turn.record = replace(turn.record, preferences=preferences)
    offered = {
        RoutineKind.WARM_UP: Question.WARM_UP_OFFER,
        RoutineKind.COOL_DOWN: Question.COOL_DOWN_OFFER,
    }[kind]
    if turn.asked.question is not offered or choice is RoutineChoice.ASK:
        return turn.offer_next(said)
    play = choice is RoutineChoice.ALWAYS
    if kind is RoutineKind.WARM_UP:
        return warm_up(turn, said) if play else skip_warm_up(turn, said)
    return cool_down(turn, said) if play else skip_cool_down(turn, said)


def answer_no(turn: Turn) -> Response:
    """No to the resume offer: the unfinished workout ends and a fresh one is offered."""
    unfinished = turn.state
    turn.abandon()
    done = frozenset({unfinished.workout_id}) if unfinished is not None else frozenset()
    workout = turn.next_workout(exclude=done)
    return turn.respond(turn.talk.offer(workout), Asked(Question.START_OFFER, workout.id))


def decline_offer(turn: Turn) -> Response:
    """No to "shall we start X?": one other workout offered, then a kind goodbye, no loop."""
    asked = turn.asked
    if asked.declined == 0:
        turned_down = frozenset({asked.workout_id}) if asked.workout_id else frozenset()
        other = turn.next_workout(exclude=turned_down)
        if other.id not in turned_down:
            offer = turn.talk.offer_instead(other, seconds=turn.fitted_seconds(other))
            return turn.respond(offer, Asked(Question.START_OFFER, other.id, declined=1))
    return turn.respond(turn.talk.decline_goodbye(), Asked())
