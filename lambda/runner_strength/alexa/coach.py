"""One turn of the conversation: read state, call the engine, narrate, save, respond.

Handlers stay thin by doing every turn through `Turn`; this is the only module that puts the
engine, the narrator and the repository together.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, replace
from datetime import UTC
from typing import TYPE_CHECKING

from runner_strength.alexa import apl, dialog, observe, reminding, safety, services
from runner_strength.alexa.dialog import Asked, Question, Said
from runner_strength.alexa.dialog_table import (
    MOVES_ON,
    NAMES_A_WORKOUT,
    OPENS_ITS_OWN,
    Role,
    meaning,
)
from runner_strength.alexa.requests import (
    device_id,
    intent_name,
    log_user,
    request_id,
    request_time,
    time_zone,
)
from runner_strength.content.model import EQUIPMENT, Format, RoutineKind
from runner_strength.content.names import indexes
from runner_strength.engine import transitions
from runner_strength.engine.choose import choose_workout
from runner_strength.engine.events import (
    AskReady,
    Interrupted,
    Outcome,
    Status,
    Swapped,
    SwapReason,
    WorkoutFinished,
    WorkoutStarted,
)
from runner_strength.engine.pace import minutes_said
from runner_strength.engine.personal import (
    doable,
    fit_workout,
    gentler,
    kit_free,
    loads,
    needs_missing,
    with_implied,
)
from runner_strength.engine.plan import build_plan, workout_seconds
from runner_strength.engine.progress import ExerciseProgress, Feeling, next_dose
from runner_strength.engine.record import (
    RoutineChoice,
    Verbosity,
    ZoneCheck,
    dose_done,
    end_workout,
    history_entry,
    with_doses_done,
    with_feeling,
    with_state,
)
from runner_strength.engine.reminder import zone_due
from runner_strength.engine.state import Direction, Part, Phase
from runner_strength.engine.stats import day_end, weekly_summary
from runner_strength.narration import screen
from runner_strength.narration.conversation import Conversation
from runner_strength.narration.moments import DialogSay, HelpFor, MomentTalk
from runner_strength.narration.narrator import Narrator, Script, intro_in_rest, timeline_marks
from runner_strength.narration.routine import RoutineTalk

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.response_helper import ResponseFactory
    from ask_sdk_model.response import Response

    from runner_strength.content.model import Exercise, Level, Library, Workout
    from runner_strength.engine.events import NextUp
    from runner_strength.engine.personal import DayPlan
    from runner_strength.engine.progress import Dose
    from runner_strength.engine.record import UserRecord
    from runner_strength.engine.state import WorkoutState
    from runner_strength.narration.screen import Screen
    from runner_strength.narration.ssml import Ssml
    from runner_strength.persistence.repository import Repository

logger = logging.getLogger(__name__)

# Questions an explanation answers: "which exercise?", "the second layer?", "another one?".
EXPLAIN_ANSWERED = frozenset(
    {
        Question.WHICH_EXERCISE,
        Question.EXPLAIN_DEEPER,
        Question.ANOTHER_EXERCISE,
        Question.DID_YOU_MEAN,  # yes to "did you mean the plank?" when asked to explain it
    }
)

# A rest cut short by a request is timed again when at least this many seconds of it were left.
REST_KEPT_FROM = 5

# Feedback with no workout going is about the last one, if it ended this recently.
FEEDBACK_AFTER_SECONDS = 12 * 3600
# The least a time budget gives to the workout after its warm-up: less is not worth doing, so a
# budget that leaves less is answered with the shortest session that leaves this much.
SHORTEST_WORKOUT_SECONDS = 5 * 60


def _after(first: Script | None, then: Script) -> Script:
    """`then`, with `first` said before it when there is one."""
    return then if first is None else first.then(then)


def _zone(name: str | None) -> tzinfo | None:
    """The time zone called `name`, or None when there is no such zone here."""
    if not name:
        return None
    # Only a turn that knows a zone needs zoneinfo (snapstart.FIRST_USE).
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class _FeedbackTarget:
    """What feedback is about: an exercise of a workout and the dose it was done at."""

    exercise_id: str  # the workout's exercise
    dose: Dose
    base_sets: int  # what the workout prescribes
    circuit: bool
    sets_to_come: bool  # the exercise has sets left in the active workout


@dataclass(frozen=True, slots=True)
class Coach:
    """Everything a turn needs, built once per process and passed to every handler."""

    library: Library
    repository: Repository[UserRecord]
    clock: Callable[[], float]
    """Epoch seconds, for a request that carries no timestamp; tests pass their own."""
    rng_for: Callable[[str], random.Random] = random.Random
    """A random source per request, seeded by the request id so a replayed request says the same."""

    def turn(self, handler_input: HandlerInput) -> Turn:
        """Start a turn: the request's time, the runner's record (read once per session)."""
        return Turn(self, handler_input)


class Turn:
    """One request's work; `respond` saves what changed and builds the Alexa response."""

    def __init__(self, coach: Coach, handler_input: HandlerInput) -> None:
        self.coach = coach
        self.library = coach.library
        self.handler_input = handler_input
        # The request's own time, never the wall clock when it has one: a conversation replays
        # exactly, and a request arriving mid-set is placed by when the runner spoke.
        stamped = request_time(handler_input)
        self.now = stamped if stamped is not None else coach.clock()
        self.device = device_id(handler_input)
        loaded = coach.repository.load(handler_input)
        self.record = loaded.record
        self._zone_settled = self._remember_time_zone(time_zone(handler_input))
        self.rng = coach.rng_for(request_id(handler_input))
        self.narrator = self._narrator()
        self.talk = Conversation(self.library, self.rng)
        self.routines = RoutineTalk(self.library, self.rng)
        self.asked = dialog.last_asked(handler_input)
        self.intent = intent_name(handler_input)
        # Where this request finds the runner in the response it cut short (None: nothing timed
        # was playing); the set it interrupted is not done and carries on.
        self.interruption = self._place()
        self._rest_said = False
        self._untimed = False
        self.said_first: Ssml | None = None  # said before the response (what became of a workout)
        self.forgotten = False  # the record was deleted ("delete my data"): never saved again
        safety.forget_expired(self)
        # What the screen shows: the last engine outcome, or an exercise explained.
        self.outcome: Outcome | None = None
        self.explained: Exercise | None = None
        logger.info(
            "turn user=%s device_new=%s",
            log_user(handler_input),
            self.device not in self.record.active,
        )

    # ------------------------------------------------------------ reading

    @property
    def state(self) -> WorkoutState | None:
        """The workout this device continues: its own, else the latest from another device."""
        state = self.record.active_for(self.device)
        return state if state is not None and not state.finished else None

    def where(self) -> NextUp | None:
        """Where the active workout stands (what "ready" would do next)."""
        outcome = transitions.status(self.state, self.library, self.now)
        return next((e.where for e in outcome.events if isinstance(e, Status)), None)

    def next_workout(
        self, exclude: frozenset[str] = frozenset(), *, budget: int | None = None
    ) -> Workout:
        """The workout the rotation offers next: this runner's history, level and equipment.

        `exclude` names workouts just turned down (when the catalogue allows another). With a
        time `budget` longer than the rotation's pick, the longest doable workout instead: a
        runner with an hour gets the most there is, not a short one.
        """
        preferences = self.record.preferences

        def allowed(workout: Workout) -> bool:
            return workout.id not in exclude and doable(
                self.library,
                workout,
                level=preferences.level,
                missing=preferences.missing_equipment,
            )

        chosen = choose_workout(self.library, self.record.recent_workouts(), allowed=allowed)
        if budget is None or budget <= workout_seconds(self.library, chosen.id):
            return chosen
        doable_ones = [w for w in self.library.workouts.values() if allowed(w)] or [chosen]
        return max(doable_ones, key=lambda w: (workout_seconds(self.library, w.id), w.id))

    @property
    def zone(self) -> tuple[tzinfo, str | None]:
        """The runner's time zone and its name; UTC and None when it is not known."""
        self._settle_zone()
        name = self.record.preferences.time_zone
        zone = _zone(name)
        return (zone, name) if zone is not None else (UTC, None)

    def day_plan(self, workout_id: str) -> DayPlan:
        """A workout fitted to this runner today: level, progress, kit, soreness, a light day."""
        preferences = self.record.preferences
        return fit_workout(
            self.library,
            self.library.workout(workout_id),
            level=preferences.level,
            missing=preferences.missing_equipment,
            progress=self.record.progress,
            sore=self.record.sore_areas(self.now),
            light=self.record.is_light_day(self.now),
        )

    def fitted_seconds(self, workout: Workout) -> int:
        """How long a workout takes once fitted to this runner today."""
        day = self.day_plan(workout.id)
        return build_plan(
            self.library,
            workout.id,
            adjustments=day.adjustments,
            set_counts=day.set_counts,
            omitted=day.omitted,
            light=day.light,
        ).total_seconds()

    # ------------------------------------------------------------ changing

    def apply(self, outcome: Outcome) -> Outcome:
        """Fold an engine outcome into the record: a new active state, or a finished one."""
        self.outcome = outcome
        observe.note_events(outcome.events)  # the turn's metrics are derived from these
        finished = next((e for e in outcome.events if isinstance(e, WorkoutFinished)), None)
        if finished is not None and outcome.state is not None:
            state = outcome.state
            entry = history_entry(state, finished.summary, self.now, self.record.progress)
            record = with_doses_done(
                self.record,
                transitions.plan_of(self.library, state),
                state,
                finished.summary.exercises_done,
                self.now,
            )
            self.record = end_workout(record, self.device, entry, state.introduced)
        elif outcome.state is not None and outcome.state != self.state:
            # An unchanged state (status, a refused move) is not folded in: that would only bump
            # `updated_at` and cost a write for a turn that changed nothing.
            self.record = with_state(self.record, self.device, outcome.state, self.now)
        return outcome

    def abandon(self) -> None:
        """End this device's own unfinished workout early; it goes to history unfinished.

        Only this device's: a workout running on another Echo of the household is someone's
        progress, and starting something new here must not end it.
        """
        state = self.record.active.get(self.device)
        if state is not None and not state.finished:
            self.apply(transitions.finish(state, self.library, self.now))
            self.outcome = None  # the screen shows what comes next, not this workout's summary

    def hear_health_note(self) -> None:
        """Remember the one-time health note was said."""
        self.record = replace(self.record, health_note_heard=True)

    # ------------------------------------------------------------ answering

    def run(
        self,
        transition: Callable[[WorkoutState | None, Library, float], Outcome],
        *,
        persist: bool = True,
    ) -> Response:
        """Apply one engine transition to the active workout and speak its outcome.

        With `persist=False` the outcome is spoken but the record is left as it was, for moves
        that change nothing worth keeping.
        """
        before = self.record
        outcome = self.apply(transition(self.state, self.library, self.now))
        if not persist:
            self.record = before
            self._untimed = True  # what it plays is not where the workout stands
        # The cool-down comes first; the one-time reminder offer follows it (see `goodbye`).
        if self._offers_cool_down(outcome):
            return self._with_cool_down_offer(outcome)
        if reminding.should_offer(self, outcome):
            return reminding.offer_after_workout(self, self.narrator.script(outcome, ask=False))
        return self.respond(self.narrator.script(outcome), self._asked_after(outcome))

    def start(
        self,
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
        state, where = self.state, self.where()
        started = state is not None and (state.last_set is not None or bool(state.done))
        if not confirmed and state is not None and where is not None and started:
            asked = Asked(
                Question.RESUME_OR_NEW, workout_id=workout_id, target_seconds=target_seconds
            )
            new = self.library.workouts.get(workout_id) or self.next_workout()
            return self.respond(self.talk.resume_or_new(state, where, new), asked)
        if state is not None and not started and state.workout_id != workout_id:
            old = self.library.workouts.get(state.workout_id)
            if old is not None:
                self.said_first = MomentTalk(self.library, self.rng).replaced(old.name)
        warm_up: Script | None = None
        budget = target_seconds
        if budget is not None and workout_id in self.library.workouts:
            warm_up, target_seconds, answer = self._fit_budget(workout_id, budget)
            if answer is not None:
                return answer
        self.abandon()
        detailed = self.record.preferences.verbosity is Verbosity.DETAILED
        outcome = self.apply(
            transitions.start(
                self.library,
                workout_id,
                self.now,
                quick=quick or self.record.preferences.quick,
                target_seconds=target_seconds,
                # Full coaching every time means no intro counts as heard before.
                heard_before=frozenset() if detailed else self.record.intros_heard,
                day=self.day_plan(workout_id) if workout_id in self.library.workouts else None,
            )
        )
        if outcome.state is not None and not outcome.state.finished:
            if warm_up is not None:
                return self._started_with_budget(outcome, warm_up)
            return self._started_with_warm_up(outcome)
        return self.respond(self.narrator.script(outcome), self._asked_after(outcome))

    def _fit_budget(
        self, workout_id: str, budget: int
    ) -> tuple[Script | None, int | None, Response | None]:
        """A time budget split into the warm-up it holds and the workout's share of it.

        The warm-up (unless the runner never wants one) is played and counted inside the budget.
        A budget too short for the warm-up and the shortest sensible workout is answered with that
        session, offered; one longer than the longest workout says how long the longest is and
        gives this one whole. Returns the warm-up, the workout's target and any answer instead.
        """
        warm_up = None
        if self.record.preferences.warm_up is not RoutineChoice.NEVER:
            sore = self.record.sore_areas(self.now)
            warm_up = self.routines.play(RoutineKind.WARM_UP, workout_id, sore)
        warm_seconds = round(warm_up.speech.seconds) if warm_up is not None else 0
        shortest = warm_seconds + SHORTEST_WORKOUT_SECONDS
        if budget < shortest and minutes_said(budget) >= minutes_said(shortest):
            # Refusing "8 minutes" to offer "about 8 minutes" would be absurd: a budget the
            # shortest session rounds to is that session.
            budget = shortest
        if budget < shortest:
            workout = self.library.workout(workout_id)
            offer = self.talk.budget_too_short(
                workout, asked=minutes_said(budget), seconds=shortest, warm_up=warm_up is not None
            )
            # A yes starts the session offered: rounding the budget up to whole minutes would
            # let in a longer one than the minutes said.
            asked = Asked(Question.START_OFFER, workout_id, target_seconds=shortest)
            return warm_up, None, self.respond(offer, asked)
        longest = warm_seconds + max(
            workout_seconds(self.library, w) for w in self.library.workouts
        )
        if budget > longest:
            self.said_first = self.talk.budget_too_long(longest)
            return warm_up, None, None
        return warm_up, budget - warm_seconds, None

    def offer_next(self, first: Script, said: Said = Said.QUESTION) -> Response:
        """`first`, then the question waiting for an answer, or today's workout offered."""
        if self.state is not None or self.asked.pending:
            question, asked = self.pending()
            return self.respond(first.then(question), asked.saying(said))
        workout = self.next_workout()
        offer = self.talk.suggest(
            workout, light=self.record.is_light_day(self.now), seconds=self.fitted_seconds(workout)
        )
        return self.respond(first.then(offer), Asked(Question.START_OFFER, workout.id, said=said))

    def answer_no(self) -> Response:
        """No to the resume offer: the unfinished workout ends and a fresh one is offered."""
        unfinished = self.state
        self.abandon()
        done = frozenset({unfinished.workout_id}) if unfinished is not None else frozenset()
        workout = self.next_workout(exclude=done)
        return self.respond(self.talk.offer(workout), Asked(Question.START_OFFER, workout.id))

    def breather(self) -> Response:
        """Wait, hold on, one sec: the place is held, a minute of quiet, then the question.

        Mid-set (or in the rest after it) the workout is paused by the request's time, so the
        set is placed where the runner stopped; a breather never ends the session.
        """
        talk = MomentTalk(self.library, self.rng)
        state = self.state
        if state is not None and not (self.asked.pending and self._pending_script()):
            if not state.paused and state.phase_at(self.now) in {Phase.WORK, Phase.REST}:
                self.apply(transitions.pause(state, self.library, self.now))
                self.outcome = None
            return self.respond(talk.breather(None), Asked(Question.BREATHER))
        question, asked = self.pending()
        return self.respond(talk.breather(question), asked)

    def moment(self) -> Question:
        """The question waiting, or the moment the runner is in while a set's audio plays."""
        state = self.state
        interruption = self.interruption
        if interruption is not None:
            return Question.REST if interruption.part is Part.REST else Question.SET_PLAYING
        if self.asked.question is not Question.READY or state is None or state.paused:
            return self.asked.question
        phase = state.phase_at(self.now)
        if phase is Phase.WORK:
            return Question.SET_PLAYING
        return Question.REST if phase is Phase.REST else Question.READY

    def decline_offer(self) -> Response:
        """No to "shall we start X?": one other workout offered, then a kind goodbye, no loop."""
        asked = self.asked
        if asked.declined == 0:
            turned_down = frozenset({asked.workout_id}) if asked.workout_id else frozenset()
            other = self.next_workout(exclude=turned_down)
            if other.id not in turned_down:
                offer = self.talk.offer_instead(other, seconds=self.fitted_seconds(other))
                return self.respond(offer, Asked(Question.START_OFFER, other.id, declined=1))
        return self.respond(self.talk.decline_goodbye(), Asked())

    def skip(self) -> Response:
        """Skip the exercise in question, and say how to undo it."""
        outcome = self.apply(transitions.skip_exercise(self.state, self.library, self.now))
        if any(isinstance(e, WorkoutFinished) for e in outcome.events) or outcome.state is None:
            return self.respond(self.narrator.script(outcome), self._asked_after(outcome))
        said = self.narrator.remarks(outcome).then(self.talk.skip_undo())
        return self.respond(said.then(self.narrator.closing(outcome)), self._asked_after(outcome))

    # ------------------------------------------------------------ knowing the runner

    def progress_report(self) -> Response:
        """Sessions this week against the target, the streak, and the last workout."""
        zone, name = self.zone
        week = weekly_summary(self.record.history, self.now, zone)
        return self.offer_next(self.talk.progress(week, name), Said.PROGRESS)

    def feedback(self, feeling: Feeling | None) -> Response:
        """How the last set felt (too easy, too hard, just right): its dose for next time."""
        target = self._feedback_target()
        if target is None or feeling is None:
            return self.offer_next(self.talk.feedback_nothing())
        missing = with_implied(self.record.preferences.missing_equipment)
        step = next_dose(
            self.library,
            target.dose,
            feeling,
            base_sets=target.base_sets,
            sets_count=not target.circuit,
            usable=lambda e: not needs_missing(e, missing),
        )
        known = self.record.progress.get(target.exercise_id, ExerciseProgress())
        during = self.state is not None
        progress = replace(
            known,
            last=target.dose if during else known.last or target.dose,
            last_at=self.now if during else known.last_at,
            next=step.dose,
            feeling=feeling,
            feeling_at=self.now,
            updated_at=self.now,
        )
        self.record = with_feeling(self.record, target.exercise_id, progress)
        hint = None
        if target.sets_to_come and feeling is not Feeling.JUST_RIGHT:
            hint = Direction.HARDER if feeling is Feeling.TOO_EASY else Direction.EASIER
        return self.offer_next(self.talk.feedback(feeling, target.dose.exercise_id, step, hint))

    def _feedback_target(self) -> _FeedbackTarget | None:
        """The exercise just done in the active workout, else the last one of a recent workout."""
        state = self.state
        if state is not None:
            plan = transitions.plan_of(self.library, state)
            last = state.last_set
            if last is None or last.slot >= len(plan.slots):
                return None
            exercise_id = plan.slots[last.slot].exercise_id
            written = next(i for i in plan.full.items if i.exercise_id == exercise_id)
            to_come = any(s.exercise_id == exercise_id for s in plan.slots[state.position :])
            return _FeedbackTarget(
                exercise_id,
                dose_done(plan, state, exercise_id),
                written.dosage.sets,
                plan.full.format is Format.CIRCUIT,
                sets_to_come=to_come and exercise_id not in state.skipped,
            )
        entry = self.record.history[-1] if self.record.history else None
        if (
            entry is None
            or not entry.exercises_done
            or self.now - entry.ended_at > FEEDBACK_AFTER_SECONDS
            or entry.workout_id not in self.library.workouts
        ):
            return None
        exercise_id = entry.exercises_done[-1]
        known = self.record.progress.get(exercise_id)
        workout = self.library.workout(entry.workout_id)
        written_item = next((i for i in workout.items if i.exercise_id == exercise_id), None)
        if known is None or known.last is None or written_item is None:
            return None
        return _FeedbackTarget(
            exercise_id,
            known.last,
            written_item.dosage.sets,
            workout.format is Format.CIRCUIT,
            sets_to_come=False,
        )

    def set_level(self, level: Level | None) -> Response:
        """The runner's level: dosages, variants and the rotation from the next workout on."""
        if level is None:
            return self.respond(self.talk.level_question(), Asked())
        preferences = self.record.preferences
        if preferences.level is not level:
            # A new level is a new starting point: next time's doses from feedback at the old
            # level would undo it. What was done last time is kept.
            progress = {
                k: replace(p, next=None, updated_at=self.now)
                for k, p in self.record.progress.items()
            }
            self.record = replace(
                self.record, preferences=replace(preferences, level=level), progress=progress
            )
        said = self.talk.level_set(level)
        if self.state is not None:
            said = said.then(self.talk.from_next_workout())
        return self.offer_next(said)

    def set_verbosity(self, verbosity: Verbosity) -> Response:
        """Short cues or full coaching, remembered; it applies from this response on."""
        preferences = self.record.preferences
        self.record = replace(self.record, preferences=replace(preferences, verbosity=verbosity))
        self.narrator = self._narrator()
        state = self.state
        if state is not None and verbosity is Verbosity.DETAILED:
            detailed = replace(state, heard_before=frozenset(), introduced=frozenset())
            self.record = with_state(self.record, self.device, detailed, self.now)
        return self.offer_next(self.talk.verbosity_set(verbosity))

    def set_tones(self, *, on: bool) -> Response:
        """Timer tones on or off ("no beeps", "beeps on"), remembered; from this response on."""
        preferences = self.record.preferences
        self.record = replace(self.record, preferences=replace(preferences, tones=on))
        self.narrator = self._narrator()
        return self.offer_next(self.narrator.tones_set(on=on))

    def set_equipment(
        self, *, missing: str | None = None, available: str | None = None, everything: bool = False
    ) -> Response:
        """Kit the runner lacks or has again, remembered; a workout going on is refitted.

        With neither `missing` nor `available`: no kit at all, or (`everything`) a gym.
        """
        before = self.record.preferences.missing_equipment
        if everything:
            lacking: frozenset[str] = frozenset()
            said = self.talk.equipment_available(None)
        elif available is not None:
            lacking = before - {available}
            said = self.talk.equipment_available(available)
        elif missing is not None:
            lacking = before | {missing}
            said = self.talk.equipment_missing(missing)
        else:
            lacking = EQUIPMENT
            said = self.talk.equipment_missing(None)
        preferences = replace(self.record.preferences, missing_equipment=lacking)
        self.record = replace(self.record, preferences=preferences)
        state = self.state
        if state is None or not lacking - before:
            return self.offer_next(said)
        kit = with_implied(lacking)
        outcome = self.apply(
            transitions.swap_out(
                state,
                self.library,
                self.now,
                avoid=lambda e: needs_missing(e, kit),
                stand_in=lambda doing, taken: kit_free(self.library, doing, kit, exclude=taken),
                reason=SwapReason.EQUIPMENT,
            )
        )
        return self._after_swap(said, outcome)

    def lighter_day(self) -> Response:
        """A long run yesterday or a race soon: lighter workouts until the end of today."""
        already = self.record.is_light_day(self.now)
        zone, _ = self.zone
        self.record = replace(self.record, light_until=day_end(self.now, zone))
        state = self.state
        if state is None:
            return self.offer_next(self.talk.light_day(in_workout=False, already=already))
        said = self.talk.light_day(in_workout=True, already=already and state.light)
        outcome = self.apply(transitions.lighten(state, self.library, self.now))
        return self.respond(said.then(self.narrator.script(outcome)), self._asked_after(outcome))

    def pain(self, area: str | None) -> Response:
        """Something hurts: stop that exercise, swap in a gentler one (or skip), never diagnose.

        The second time in one workout, suggest stopping for today and seeing a professional.
        """
        again = self.state is not None and self.state.pain_reports >= 1
        if self.state is not None:
            self.apply(transitions.pain_reported(self.state, self.library, self.now))
        remind = not self.record.pain_note_heard and not again
        self.record = replace(self.record, pain_note_heard=True)
        if area is not None:
            zone, _ = self.zone
            sore = {**self.record.sore_until, area: day_end(self.now, zone)}
            self.record = replace(self.record, sore_until=sore)
        state = self.state
        said = self.talk.pain(area, remind=remind, in_workout=state is not None)
        if state is None:
            return self.offer_next(said)
        if area is None:
            outcome = self.apply(transitions.skip_exercise(state, self.library, self.now))
            return self._after_swap(said, outcome, stop=again)
        kit = with_implied(self.record.preferences.missing_equipment)
        outcome = self.apply(
            transitions.swap_out(
                state,
                self.library,
                self.now,
                avoid=lambda e: loads(e, area),
                stand_in=lambda doing, taken: gentler(
                    self.library, doing, area, missing=kit, exclude=taken
                ),
                reason=SwapReason.PAIN,
                area=area,
            )
        )
        return self._after_swap(said, outcome, stop=again)

    def _after_swap(self, said: Script, outcome: Outcome, *, stop: bool = False) -> Response:
        swapped = next((e for e in outcome.events if isinstance(e, Swapped)), None)
        if swapped is not None:
            said = said.then(self.talk.swapped(swapped))
        going = outcome.state is not None and not outcome.state.finished
        if stop and going:
            # Ask before the next set: the runner may well want to call it a day.
            said = said.then(self.narrator.remarks(outcome)).then(self.talk.pain_again())
            return self.respond(
                said.then(self.talk.stop_question()), Asked(Question.STOP_FOR_TODAY)
            )
        return self.respond(said.then(self.narrator.script(outcome)), self._asked_after(outcome))

    def stop_for_today(self) -> Response:
        """Yes to "shall we stop for today?": the workout ends here, what was done is kept."""
        return self.run(transitions.finish)

    def pending(self) -> tuple[Script, Asked]:
        """The question still waiting for its answer, asked again; else the workout's question.

        Help, status, repeat, why, explain, progress and fallback say their piece and then this,
        so no question is lost to an intent that does not answer it.
        """
        script = self._pending_script()
        return (script, self.asked) if script is not None else self.workout_question()

    def _pending_script(self) -> Script | None:
        """The waiting question's wording, from what it is about; None when it no longer holds."""
        ask = _ASKING.get(self.asked.question)
        return ask(self) if ask is not None else None

    def next_question(self) -> tuple[Script, Asked]:
        """The question after this turn's words: the waiting one again after an aside.

        An aside is the dialog table's default; after anything else, the workout's question.
        """
        if self.intent is not None and meaning(self.asked.question, self.intent).role is Role.ASIDE:
            return self.pending()
        return self.workout_question()

    def workout_question(self) -> tuple[Script, Asked]:
        """The question that brings the runner back to the workout ("Ready for set two?")."""
        state = self.state
        where = self.where()
        if state is None or where is None:
            return self.talk.menu_question(), Asked()
        if state.paused:
            # A paused workout is picked up by the runner's word: ask, never end the session.
            return self.talk.resume_question(state, where), Asked(Question.RESUME_OFFER)
        outcome = Outcome(state, (AskReady(where),))
        question = self.narrator.closing(outcome)
        rest = self._rest_left()
        if rest is not None:
            question = rest.then(question)
        return question, Asked(self.set_question(state))

    def explain(self, exercise: Exercise, *, one_shot: bool) -> Response:
        """Explain an exercise's first layer, then one question (or end a one-shot).

        Outside a workout the question offers the second layer; mid-workout, or while another
        question waits, it is that question again ("tell me more" still gives the second layer).
        A one-shot says the safety note too, as no second layer follows.
        """
        self.explained = exercise
        answered = self.asked.question in EXPLAIN_ANSWERED
        if self.state is not None or (self.asked.pending and not answered):
            question, asked = self.workout_question() if answered else self.pending()
            return self.respond(
                self.narrator.explanation(exercise).then(question),
                asked.saying(Said.EXPLANATION, exercise.id),
            )
        if one_shot:
            return self.respond(self.narrator.explanation(exercise, safety=True).ending(), Asked())
        return self.respond(
            self.narrator.explanation(exercise).then(self.narrator.explanation_offer()),
            Asked(Question.EXPLAIN_DEEPER, exercise_id=exercise.id, said=Said.EXPLANATION),
        )

    def explain_more(self, exercise: Exercise) -> Response:
        """The second layer (mistakes, easier and harder versions, safety), then what next.

        Mid-workout, or while another question waits, that question follows; otherwise
        "another exercise, or a workout?".
        """
        self.explained = exercise
        body = self.narrator.explanation_more(exercise)
        if self.state is not None or (
            self.asked.pending and self.asked.question not in EXPLAIN_ANSWERED
        ):
            question, asked = self.pending()
            return self.respond(
                body.then(question), asked.saying(Said.EXPLANATION_MORE, exercise.id)
            )
        return self.respond(
            body.then(self.talk.explain_more()),
            Asked(Question.ANOTHER_EXERCISE, exercise_id=exercise.id, said=Said.EXPLANATION_MORE),
        )

    def explain_yes(self) -> Response:
        """Yes to the second layer gives it; to "which exercise?" or "another one?", asks which."""
        explained = self.explained_last()
        if self.asked.question is Question.EXPLAIN_DEEPER and explained is not None:
            return self.explain_more(explained)
        return self.respond(self.talk.which_exercise(), Asked(Question.WHICH_EXERCISE))

    def explained_last(self) -> Exercise | None:
        """The exercise the last response explained, or whose second layer it offered."""
        if (
            self.asked.said in {Said.EXPLANATION, Said.EXPLANATION_MORE}
            or self.asked.question is Question.EXPLAIN_DEEPER
        ):
            return self.library.exercises.get(self.asked.exercise_id or "")
        return None

    def unknown_exercise(self, heard: str | None) -> Response:
        """No exercise by that name: ask which, unless another question is waiting.

        A bare-name sample can catch words meant for something else, so mid-workout or at a
        pending question the runner hears that question again rather than a new one.
        """
        asking_which = self.asked.question in {
            Question.WHICH_EXERCISE,
            Question.ANOTHER_EXERCISE,
            Question.DID_YOU_MEAN,
        }
        nearby = self._nearby_exercises(heard)
        if heard and not asking_which and (self.state is not None or self.asked.pending):
            question, asked = self.pending()
            said = self.talk.not_an_exercise(heard, examples=self.state is None, nearby=nearby)
            return self.respond(said.then(question), asked)
        return self.respond(
            self.talk.unknown_exercise(heard, nearby), Asked(Question.WHICH_EXERCISE)
        )

    def _nearby_exercises(self, heard: str | None) -> list[str]:
        """The exercises nearest to words that named none of ours, as said mid-sentence."""
        if not heard:
            return []
        exercises, _ = indexes(self.library)
        nearby = exercises.closest(heard).nearby
        return [self.library.exercises[i].called for i in nearby if i in self.library.exercises]

    def status_report(self) -> Response:
        """How much is left; a question still waiting (or a pause) is asked again after it."""
        state = self.state
        if state is not None and not state.paused and not self.asked.pending:
            outcome = transitions.status(state, self.library, self.now)
            if self._rest_left_seconds():
                question, asked = self.workout_question()
                said = self.narrator.remarks(outcome).then(question)
                return self.respond(said, asked.saying(Said.STATUS))
            return self.respond(
                self.narrator.script(outcome), Asked(self.set_question(state), said=Said.STATUS)
            )
        outcome = transitions.status(state, self.library, self.now)
        question, asked = self.pending()
        if asked.question in {Question.RESUME_OFFER, Question.RESUME_OR_NEW}:
            # The question says the workout is paused: the status need not say it first.
            outcome = replace(
                outcome,
                events=tuple(
                    replace(e, paused=False) if isinstance(e, Status) else e for e in outcome.events
                ),
            )
        said = self.narrator.remarks(outcome)
        return self.respond(said.then(question), asked.saying(Said.STATUS))

    def why(self) -> Response:
        """Why this exercise (or strength work), then the question still waiting."""
        where = self.where()
        exercise = self.library.exercises.get(where.exercise_id) if where is not None else None
        question, asked = self.pending()
        return self.respond(self.talk.why(exercise).then(question), asked.saying(Said.WHY))

    def help(self) -> Response:
        """At most three things to say here, "more help" for all, then the question waiting."""
        if self.asked.question is Question.WHICH_EXERCISE:
            where = HelpFor.WHICH
        elif self.asked.pending:
            where = HelpFor.ANSWER
        else:
            where = HelpFor.SET if self.state is not None else HelpFor.MENU
        question, asked = self.pending()
        said = MomentTalk(self.library, self.rng).help(where)
        return self.respond(said.then(question), asked.saying(Said.HELP))

    def more_help(self) -> Response:
        """Everything that can be said, then the question still waiting (or the menu's)."""
        question, asked = self.pending()
        body = self.talk.help_body(in_workout=self.state is not None)
        return self.respond(body.then(question), asked.saying(Said.HELP))

    def fallback(self) -> Response:
        """Not understood: one short line, then the question waiting, short (or the menu's)."""
        self._rest_said = True  # kept short: the rest cut short is not timed again here
        question, asked = self.pending()
        short = _short_question(self)
        if short is not None:
            question = Script(short, question.reprompt, end_session=False)
        return self.respond(MomentTalk(self.library, self.rng).fallback().then(question), asked)

    def list_workouts(self, start: int = 0) -> Response:
        """The workouts three at a time; after each group, whether to hear more, then which one."""
        script, after = self.talk.list_workouts(start)
        if after is None:
            return self.respond(script, Asked(said=Said.LIST))
        return self.respond(script, Asked(Question.LIST_MORE, listed=after, said=Said.LIST))

    def repeat(self) -> Response:
        """Say again what was just said: the explanation, status, help ... or just the question.

        Mid-set it is the last count heard, then the offer to carry on.
        """
        interruption = self.interruption
        if interruption is not None and interruption.part is not Part.REST:
            question, asked = self.workout_question()
            if interruption.said is not None:
                question = self.narrator.said_count(interruption.said).then(question)
            return self.respond(question, asked)
        said = self.asked.said
        exercise = self.library.exercises.get(self.asked.exercise_id or "")
        if said in {Said.EXPLANATION, Said.EXPLANATION_MORE} and exercise is not None:
            # The layer just said, then the same question: never a different one.
            self.explained = exercise
            layer = (
                self.narrator.explanation(exercise)
                if said is Said.EXPLANATION
                else self.narrator.explanation_more(exercise)
            )
            question, asked = self.pending()
            return self.respond(layer.then(question), asked.saying(said, exercise.id))
        repeats: dict[Said, Callable[[], Response]] = {
            Said.STATUS: self.status_report,
            Said.WHY: self.why,
            Said.PROGRESS: self.progress_report,
            Said.HELP: self.help,
            Said.LIST: self.list_workouts,
        }
        again = repeats.get(said)
        if again is not None:
            return again()
        question, asked = self.pending()
        return self.respond(question, asked.saying(Said.QUESTION))

    def respond(self, script: Script, asked: Asked) -> Response:
        """Save the record if it changed, then build the response (noting a failed save).

        The one place a turn answers. An aside (dialog_table) at a waiting question ends with
        that question, whatever the flow asked: no question is lost to an intent that does not
        answer it.
        """
        if self._loses_question(asked, ends=script.end_session):
            question, again = self.pending()
            script = Script(script.speech, None, end_session=False).then(question)
            asked = again.saying(asked.said)
        if self.said_first is not None:
            script = script.with_notice(self.said_first)
        self._time(script)
        if not self.forgotten:
            saved = self.coach.repository.save(self.handler_input, self.record)
            self.record = saved.record
            if saved.not_saved:
                script = script.with_notice(self.talk.not_saved())
        speech = script.to_speech()
        builder = self.handler_input.response_builder.speak(speech.ssml)
        if apl.supports_apl(self.handler_input):
            self._show(builder, script, asked)
        if speech.end_session:
            builder.set_should_end_session(True)
        else:
            builder.ask(speech.reprompt or speech.ssml)
            dialog.remember(self.handler_input, asked)
        return builder.response

    def save(self) -> None:
        """Save the record now, for a response `respond` does not build (a permission request)."""
        self.record = self.coach.repository.save(self.handler_input, self.record).record

    def forget(self) -> bool:
        """Delete the runner's record ("delete my data"); False when the store is unreachable."""
        self.forgotten = self.coach.repository.forget(self.handler_input)
        return self.forgotten

    def _loses_question(self, asked: Asked, *, ends: bool) -> bool:
        """An aside that would leave the waiting question unasked (or end the session)."""
        waiting = self.asked
        return (
            self.intent is not None
            and self.intent not in OPENS_ITS_OWN
            and waiting.pending
            and (ends or not asked.pending)
            and asked.question is not waiting.question
            and meaning(waiting.question, self.intent).role is Role.ASIDE
            and self._pending_script() is not None
        )

    def _show(self, builder: ResponseFactory, script: Script, asked: Asked) -> None:
        """Add the screen to the response; a fault in it costs the screen, never the answer."""
        try:
            builder.add_directive(apl.render_directive(self.screen(script, asked)))
        except Exception:  # the screen is extra: the runner still hears the answer
            logger.exception("no screen for user=%s", log_user(self.handler_input))

    def screen(self, script: Script, asked: Asked) -> Screen:
        """What an Echo Show displays with this response (`narration/screen.py`)."""
        events = self.outcome.events if self.outcome is not None else ()
        summary = screen.finished(events)
        if self.explained is not None:
            return screen.explain_screen(self.explained, in_workout=self.state is not None)
        zone, _ = self.zone
        week = weekly_summary(self.record.history, self.now, zone)
        if summary is not None:
            return screen.summary_screen(self.library, summary, week)
        state = self.state
        if state is not None:
            return screen.workout_screen(
                self.library,
                state=state,
                events=events,
                marks=script.speech.marks,
                where=self.where(),
                now=self.now,
            )
        minutes = {w: minutes_said(workout_seconds(self.library, w)) for w in self.library.workouts}
        return screen.menu_screen(
            self.library, offered=asked.workout_id, week=week, minutes=minutes
        )

    def _narrator(self) -> Narrator:
        preferences = self.record.preferences
        brief = preferences.verbosity is Verbosity.SHORT
        return Narrator(self.library, self.rng, brief=brief, tones=preferences.tones)

    def _remember_time_zone(self, name: str | None) -> bool:
        """Keep the device's time zone when a request carries a valid one (True if it did)."""
        preferences = self.record.preferences
        if name is None or _zone(name) is None:
            return False
        if name != preferences.time_zone:
            self.record = replace(self.record, preferences=replace(preferences, time_zone=name))
        return True

    def _settle_zone(self) -> None:
        """Ask the Alexa Settings API for this device's zone, once per device per 30 days.

        Only when a turn needs the zone, so most turns make no call; a failure is remembered
        and retried a day later, and the turn carries on without a zone.
        """
        if self._zone_settled:
            return
        self._zone_settled = True
        check = self.record.zone_checks.get(self.device)
        if not zone_due(check.at if check else None, self.now, known=bool(check and check.found)):
            return
        if not services.available(self.handler_input):
            return  # no API client here (the local console): nothing was asked, nothing to note
        name = services.fetch_time_zone(self.handler_input)
        found = name is not None and _zone(name) is not None
        if found:
            self._remember_time_zone(name)
        checks = {**self.record.zone_checks, self.device: ZoneCheck(self.now, found)}
        self.record = replace(self.record, zone_checks=checks)

    # ------------------------------------------------------------ warm-up and cool-down

    def _started_with_budget(self, outcome: Outcome, warm_up: Script) -> Response:
        """A workout started inside a time budget: its warm-up announced, counted and played."""
        started = self.narrator.script(outcome, ask=False)
        workout = next(e for e in outcome.events if isinstance(e, WorkoutStarted))
        counted = self.talk.budget_with_warm_up(warm_up.speech.seconds + workout.estimated_seconds)
        return self.respond(
            started.then(counted).then(warm_up).then(self.narrator.closing(outcome)),
            Asked(Question.WARMED_UP),
        )

    def _started_with_warm_up(self, outcome: Outcome) -> Response:
        """A workout just started: offer the warm-up, play it, or neither, as the runner chose."""
        choice = self.record.preferences.warm_up
        if choice is RoutineChoice.NEVER:
            return self.respond(self.narrator.script(outcome), self._asked_after(outcome))
        started = self.narrator.script(outcome, ask=False)
        if choice is RoutineChoice.ALWAYS:
            workout_id = outcome.state.workout_id if outcome.state is not None else None
            sore = self.record.sore_areas(self.now)
            played = self.routines.play(RoutineKind.WARM_UP, workout_id, sore)
            return self.respond(
                started.then(played).then(self.narrator.closing(outcome)), Asked(Question.WARMED_UP)
            )
        return self.respond(
            started.then(self.routines.offer(RoutineKind.WARM_UP)), Asked(Question.WARM_UP_OFFER)
        )

    def _offers_cool_down(self, outcome: Outcome) -> bool:
        finished = next((e for e in outcome.events if isinstance(e, WorkoutFinished)), None)
        return (
            finished is not None
            and finished.summary.completed
            and self.record.preferences.cool_down is not RoutineChoice.NEVER
        )

    def _with_cool_down_offer(self, outcome: Outcome) -> Response:
        """The last set done: the summary, then the cool-down offered (or announced) for a yes."""
        always = self.record.preferences.cool_down is RoutineChoice.ALWAYS
        offer = self.routines.offer(RoutineKind.COOL_DOWN, always=always)
        return self.respond(
            self.narrator.script(outcome, ask=False).then(offer), Asked(Question.COOL_DOWN_OFFER)
        )

    def warm_up(self, first: Script | None = None) -> Response:
        """Play the warm-up, then ask for the first set (or, with no workout, what next)."""
        workout_id = self.state.workout_id if self.state is not None else None
        sore = self.record.sore_areas(self.now)
        played = _after(first, self.routines.play(RoutineKind.WARM_UP, workout_id, sore))
        if self.state is not None:
            question, asked = self.workout_question()
            # "Next" or "skip" said over the warm-up means the warm-up, not the first exercise.
            warmed = Asked(Question.WARMED_UP) if asked.question is Question.READY else asked
            return self.respond(played.then(question), warmed)
        return self.offer_next(played)

    def skip_warm_up(self, first: Script | None = None) -> Response:
        """No warm-up this time: straight to the first set's question."""
        if self.state is None:
            return self.offer_next(_after(first, self.routines.skipped(None)))
        question, asked = self.next_question()
        said = _after(first, self.routines.skipped(RoutineKind.WARM_UP))
        return self.respond(said.then(question), asked)

    def cool_down(self, first: Script | None = None) -> Response:
        """Play the cool-down and say goodbye (mid-workout, go back to the workout after it)."""
        sore = self.record.sore_areas(self.now)
        played = _after(first, self.routines.play(RoutineKind.COOL_DOWN, sore=sore))
        if self.state is not None:
            question, asked = self.next_question()
            return self.respond(played.then(question), asked)
        if self.asked.question is Question.COOL_DOWN_OFFER:
            return self.goodbye(played)  # the end of a workout: the reminder offer may follow
        return self.offer_next(played)

    def skip_cool_down(self, first: Script | None = None) -> Response:
        """No cool-down: a goodbye."""
        return self.goodbye(_after(first, self.routines.skipped(RoutineKind.COOL_DOWN)))

    def goodbye(self, said: Script) -> Response:
        """The end of a finished workout: the one-time reminder offer if it is due, else goodbye."""
        if reminding.due(self):
            return reminding.offer_after_workout(self, said)
        return self.respond(said.ending(), Asked())

    def set_routine_choice(
        self, kind: RoutineKind | None, choice: RoutineChoice | None
    ) -> Response:
        """Always, never, or ask about the warm-up or cool-down, remembered; acted on if offered."""
        said = self.routines.choice_set(kind, choice)
        if kind is None or choice is None:
            return self.offer_next(said)
        known = self.record.preferences
        preferences = (
            replace(known, warm_up=choice)
            if kind is RoutineKind.WARM_UP
            else replace(known, cool_down=choice)
        )
        self.record = replace(self.record, preferences=preferences)
        offered = {
            RoutineKind.WARM_UP: Question.WARM_UP_OFFER,
            RoutineKind.COOL_DOWN: Question.COOL_DOWN_OFFER,
        }[kind]
        if self.asked.question is not offered or choice is RoutineChoice.ASK:
            return self.offer_next(said)
        play = choice is RoutineChoice.ALWAYS
        if kind is RoutineKind.WARM_UP:
            return self.warm_up(said) if play else self.skip_warm_up(said)
        return self.cool_down(said) if play else self.skip_cool_down(said)

    def _asked_after(self, outcome: Outcome) -> Asked:
        state = outcome.state
        if state is not None and not state.finished and not state.paused:
            return Asked(self.set_question(state))
        return Asked()

    @staticmethod
    def set_question(state: WorkoutState) -> Question:
        """The workout's question: the set asked about, or carrying on the one interrupted."""
        return Question.READY if state.carry_on is None else Question.CARRY_ON

    # ------------------------------------------------------------ the request's own time

    def _place(self) -> Interrupted | None:
        """Place this request in the timeline of this device's last response, if one was playing.

        Only this device's own workout: another Echo's request does not stop this one's audio.
        """
        state = self.record.active.get(self.device)
        if state is None or state.finished or self.intent in MOVES_ON:
            return None
        outcome = transitions.interrupt(state, self.library, self.now)
        event = next((e for e in outcome.events if isinstance(e, Interrupted)), None)
        if event is not None and outcome.state is not None:
            self.record = with_state(self.record, self.device, outcome.state, self.now)
        return event

    def _time(self, script: Script) -> None:
        """Keep the timeline this response plays, from this request's time (engine/schedule.py)."""
        marks = () if self._untimed else timeline_marks(script.speech)
        state = self.record.active.get(self.device)
        if marks and state is not None and not state.finished:
            timed = transitions.timed(state, marks, self.now, intro_in_rest(script.speech))
            self.record = with_state(self.record, self.device, timed, self.now)

    def _rest_left_seconds(self) -> int:
        """Seconds of rest still owed to a runner this request found resting (once a turn)."""
        interruption = self.interruption
        if interruption is None or interruption.part is not Part.REST or self._rest_said:
            return 0
        return interruption.rest_left if interruption.rest_left >= REST_KEPT_FROM else 0

    def _rest_left(self) -> Script | None:
        """The rest the request cut short, timed again before the question; None when none."""
        seconds = self._rest_left_seconds()
        state = self.state
        if not seconds or state is None or state.last_set is None:
            return None
        self._rest_said = True
        return self.narrator.rest_left(seconds, state.last_set.slot)


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


def _short_question(turn: Turn) -> Ssml | None:
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
