"""One turn of the conversation: read state, call the engine, narrate, save, respond.

Handlers stay thin by doing every turn through `Turn`; this is the only module that puts the
engine, the narrator and the repository together.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from runner_strength.alexa import dialog
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.alexa.requests import device_id, log_user, request_id
from runner_strength.engine import transitions
from runner_strength.engine.choose import choose_workout
from runner_strength.engine.events import AskReady, Outcome, Status, WorkoutFinished
from runner_strength.engine.record import end_workout, history_entry, with_state
from runner_strength.narration.conversation import Conversation
from runner_strength.narration.narrator import Narrator

if TYPE_CHECKING:
    from collections.abc import Callable

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.content.model import Exercise, Library, Workout
    from runner_strength.engine.events import NextUp
    from runner_strength.engine.record import UserRecord
    from runner_strength.engine.state import WorkoutState
    from runner_strength.narration.narrator import Script
    from runner_strength.persistence.repository import Repository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Coach:
    """Everything a turn needs, built once per process and passed to every handler."""

    library: Library
    repository: Repository[UserRecord]
    clock: Callable[[], float]
    """Epoch seconds; tests pass their own."""
    rng_for: Callable[[str], random.Random] = random.Random
    """A random source per request, seeded by the request id so a replayed request says the same."""

    def turn(self, handler_input: HandlerInput) -> Turn:
        """Start a turn: one clock reading, the runner's record (read once per session)."""
        return Turn(self, handler_input)


class Turn:
    """One request's work; `respond` saves what changed and builds the Alexa response."""

    def __init__(self, coach: Coach, handler_input: HandlerInput) -> None:
        self.coach = coach
        self.library = coach.library
        self.handler_input = handler_input
        self.now = coach.clock()
        self.device = device_id(handler_input)
        loaded = coach.repository.load(handler_input)
        self.record = loaded.record
        self.store_available = loaded.available
        rng = coach.rng_for(request_id(handler_input))
        self.narrator = Narrator(self.library, rng)
        self.talk = Conversation(self.library, rng)
        self.asked = dialog.last_asked(handler_input)
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

    def next_workout(self) -> Workout:
        """The workout the rotation offers next, given this runner's history."""
        return choose_workout(self.library, self.record.recent_workouts())

    # ------------------------------------------------------------ changing

    def apply(self, outcome: Outcome) -> Outcome:
        """Fold an engine outcome into the record: a new active state, or a finished one."""
        finished = next((e for e in outcome.events if isinstance(e, WorkoutFinished)), None)
        if finished is not None and outcome.state is not None:
            entry = history_entry(outcome.state, finished.summary, self.now)
            self.record = end_workout(self.record, self.device, entry, outcome.state.introduced)
        elif outcome.state is not None and outcome.state != self.state:
            # An unchanged state (status, a refused move) is not folded in: that would only bump
            # `updated_at` and cost a write for a turn that changed nothing (issue 5).
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
        return self.respond(self.narrator.script(outcome), self._asked_after(outcome))

    def start(
        self, workout_id: str, *, quick: bool = False, target_seconds: int | None = None
    ) -> Response:
        """Start a workout (ending any unfinished one) and ask whether the runner is ready."""
        self.abandon()
        outcome = self.apply(
            transitions.start(
                self.library,
                workout_id,
                self.now,
                quick=quick or self.record.preferences.quick,
                target_seconds=target_seconds,
                heard_before=self.record.intros_heard,
            )
        )
        return self.respond(self.narrator.script(outcome), self._asked_after(outcome))

    def workout_question(self) -> tuple[Script, Asked]:
        """The question that brings the runner back to the workout ("Ready for set two?")."""
        state = self.state
        where = self.where()
        if state is None or where is None:
            return self.talk.menu_question(), Asked()
        outcome = Outcome(state, (AskReady(where),))
        return self.narrator.closing(outcome), Asked(Question.READY)

    def explain(self, exercise: Exercise, *, one_shot: bool) -> Response:
        """Explain an exercise, then return to the workout question (or end a one-shot)."""
        body = self.narrator.explanation(exercise)
        if self.state is not None:
            question, asked = self.workout_question()
            return self.respond(body.then(question), asked)
        if one_shot:
            return self.respond(body.ending(), Asked())
        return self.respond(body.then(self.talk.explain_more()), Asked())

    def respond(self, script: Script, asked: Asked) -> Response:
        """Save the record if it changed, then build the response (noting a failed save)."""
        saved = self.coach.repository.save(self.handler_input, self.record)
        self.record = saved.record
        if saved.not_saved:
            script = script.with_notice(self.talk.not_saved())
        speech = script.to_speech()
        builder = self.handler_input.response_builder.speak(speech.ssml)
        if speech.end_session:
            builder.set_should_end_session(True)
        else:
            builder.ask(speech.reprompt or speech.ssml)
            dialog.remember(self.handler_input, asked)
        return builder.response

    def _asked_after(self, outcome: Outcome) -> Asked:
        state = outcome.state
        if state is not None and not state.finished and not state.paused:
            return Asked(Question.READY)
        return Asked()
