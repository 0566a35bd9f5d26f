"""One turn of the conversation: read state, call the engine, narrate, save, respond.

Handlers stay thin by doing every turn through `Turn`; this is the only module that puts the
engine, the narrator and the repository together, and `Turn.respond` the one place that saves and
answers. What a turn does lives in the modules that take it: `moves` (the workout's moves),
`starting` (a workout started, a time budget, warm-up and cool-down), `asides` (status, help,
repeat ...), `explaining`, `fitting` (feedback and preferences) and the flows; the waiting question
is asked again by `asking`, the screen drawn by `display`.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, replace
from datetime import UTC
from typing import TYPE_CHECKING

from runner_strength.alexa import apl, asking, dialog, display, observe, safety, timeline, zones
from runner_strength.alexa.dialog import Asked, Question, Said
from runner_strength.alexa.dialog_table import OPENS_ITS_OWN, meaning
from runner_strength.alexa.dialog_terms import Role
from runner_strength.alexa.requests import (
    device_id,
    intent_name,
    is_new_session,
    log_user,
    request_id,
    request_time,
    time_zone,
)
from runner_strength.engine import transitions
from runner_strength.engine.choose import choose_workout
from runner_strength.engine.events import AskReady, Outcome, SetPerformed, Status, WorkoutFinished
from runner_strength.engine.personal import doable, fit_workout
from runner_strength.engine.plan import build_plan, workout_seconds
from runner_strength.engine.record import (
    Verbosity,
    end_workout,
    history_entry,
    with_doses_done,
    with_state,
)
from runner_strength.narration.conversation import Conversation
from runner_strength.narration.narrator import Narrator, Script
from runner_strength.narration.routine import RoutineTalk

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import tzinfo

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.response_helper import ResponseFactory
    from ask_sdk_model.response import Response

    from runner_strength.content.model import Exercise, Library, Workout
    from runner_strength.engine.events import NextUp
    from runner_strength.engine.personal import DayPlan
    from runner_strength.engine.record import UserRecord
    from runner_strength.engine.state import WorkoutState
    from runner_strength.narration.ssml import Ssml
    from runner_strength.persistence.repository import Repository

logger = logging.getLogger(__name__)


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
        kept = zones.with_zone(self.record, time_zone(handler_input))
        self._zone_settled = kept is not None  # the request said it: no need to ask Alexa
        self.record = kept if kept is not None else self.record
        self.rng = coach.rng_for(request_id(handler_input))
        self.narrator = self._narrator()
        self.talk = Conversation(self.library, self.rng)
        self.routines = RoutineTalk(self.library, self.rng)
        self.asked = dialog.last_asked(handler_input)
        self.intent = intent_name(handler_input)
        # Where the request finds the runner in the response it cut short (None: nothing timed).
        finished = self.record.active.get(self.device)
        self.record, self.interruption = timeline.place(
            self.record,
            self.device,
            self.library,
            self.now,
            self.intent,
            new_session=is_new_session(handler_input),
        )
        if finished is not None and finished.finished and self.state is not None:
            # The workout's last set was cut short: what its response asked after the summary (the
            # cool-down, a reminder) waits for the set's end, asked about like any other.
            self.asked = Asked(Question.READY)
        self.rest_said = False  # the rest cut short was timed again (once a turn)
        self.untimed = False  # what this response plays is not where the workout stands
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
        zone = zones.zone_named(name)
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
            every_set=self.record.preferences.every_set,
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
            if any(isinstance(e, SetPerformed) for e in outcome.events):
                # Kept while the response plays the last set: a request in its work finds the
                # workout there to carry on (`timeline.place`); the next one after drops it.
                self.record = with_state(self.record, self.device, state, self.now)
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

    def moment(self) -> Question:
        """The question waiting, or the moment the runner is in while a set's audio plays."""
        return timeline.moment(self.asked, self.state, self.interruption, self.now)

    def pending(self) -> tuple[Script, Asked]:
        """The question still waiting for its answer, asked again; else the workout's question.

        Help, status, repeat, why, explain, progress and fallback say their piece and then this,
        so no question is lost to an intent that does not answer it.
        """
        script = asking.again(self)
        return (script, self.asked) if script is not None else self.workout_question()

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
        if not self.untimed:
            self.record = timeline.timed(self.record, self.device, script, self.now)
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
            and asking.again(self) is not None
        )

    def _show(self, builder: ResponseFactory, script: Script, asked: Asked) -> None:
        """Add the screen to the response; a fault in it costs the screen, never the answer."""
        try:
            builder.add_directive(apl.render_directive(display.screen_for(self, script, asked)))
        except Exception:  # the screen is extra: the runner still hears the answer
            logger.exception("no screen for user=%s", log_user(self.handler_input))

    def _narrator(self) -> Narrator:
        preferences = self.record.preferences
        brief = preferences.verbosity is Verbosity.SHORT
        return Narrator(self.library, self.rng, brief=brief, tones=preferences.tones)

    def _settle_zone(self) -> None:
        """Ask Alexa for this device's zone when it is due; only a turn that needs the zone asks."""
        if not self._zone_settled:
            self._zone_settled = True
            self.record = zones.settled(self.record, self.device, self.now, self.handler_input)

    def renarrate(self) -> None:
        """A narrator for preferences just changed (verbosity, tones): from this response on."""
        self.narrator = self._narrator()

    def asked_after(self, outcome: Outcome) -> Asked:
        """The question after an outcome: the set's, while the workout goes on; else none."""
        state = outcome.state
        if state is not None and not state.finished and not state.paused:
            return Asked(self.set_question(state))
        return Asked()

    @staticmethod
    def set_question(state: WorkoutState) -> Question:
        """The workout's question: the set asked about, or carrying on the one interrupted."""
        return Question.READY if state.carry_on is None else Question.CARRY_ON

    # ------------------------------------------------------------ the request's own time

    def rest_left_seconds(self) -> int:
        """Seconds of rest still owed to a runner this request found resting (once a turn)."""
        return 0 if self.rest_said else timeline.rest_owed(self.interruption)

    def _rest_left(self) -> Script | None:
        """The rest the request cut short, timed again before the question; None when none."""
        seconds = self.rest_left_seconds()
        state = self.state
        if not seconds or state is None or state.last_set is None:
            return None
        self.rest_said = True
        return self.narrator.rest_left(seconds, state.last_set.slot)
