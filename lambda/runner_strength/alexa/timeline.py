"""Where a request finds the runner in the response it cut short, and the timeline a response plays.

A response that plays a set keeps its timeline in the workout (`engine/schedule.py`); a request
arriving while it plays is placed by the request's own time, so "what did you say?" mid-set is the
last count heard, and a rest cut short is timed again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from runner_strength.alexa.dialog import Question
from runner_strength.alexa.dialog_table import MOVES_ON
from runner_strength.engine import transitions
from runner_strength.engine.events import Interrupted
from runner_strength.engine.record import reopened, with_state
from runner_strength.engine.state import Part, Phase
from runner_strength.narration.narrator import heard

if TYPE_CHECKING:
    from runner_strength.alexa.dialog import Asked
    from runner_strength.content.model import Library
    from runner_strength.engine.record import UserRecord
    from runner_strength.engine.state import WorkoutState
    from runner_strength.narration.narrator import Script

# A rest cut short by a request is timed again when at least this many seconds of it were left.
REST_KEPT_FROM = 5


def place(  # noqa: PLR0913  # the request's parts that say where it finds the runner
    record: UserRecord,
    device: str,
    library: Library,
    now: float,
    intent: str | None,
    *,
    new_session: bool = False,
) -> tuple[UserRecord, Interrupted | None]:
    """Place a request in the timeline of this device's last response, if one was playing.

    Only this device's own workout: another Echo's request does not stop this one's audio.
    Returns the record with the workout placed, and where the request found the runner.
    """
    state = record.active.get(device)
    if state is None:
        return record, None
    if state.finished:
        if new_session:  # a new conversation: the one that finished the workout is over
            return with_state(record, device, None, now), None
        return _after_the_end(record, device, state, library, now=now, intent=intent)
    if intent in MOVES_ON:
        # The set playing is over by the runner's word; in a response of several sets the next
        # one is where "ready" goes on.
        moved = transitions.moved_on(state, library, now)
        if moved is not None and moved != state:
            record = with_state(record, device, moved, now)
        return record, None
    outcome = transitions.interrupt(state, library, now)
    event = next((e for e in outcome.events if isinstance(e, Interrupted)), None)
    if outcome.state is not None and outcome.state != state:
        record = with_state(record, device, outcome.state, now)
    return record, event


def _after_the_end(  # noqa: PLR0913  # place's own arguments, for the finished case
    record: UserRecord,
    device: str,
    state: WorkoutState,
    library: Library,
    *,
    now: float,
    intent: str | None,
) -> tuple[UserRecord, Interrupted | None]:
    """A request to a workout whose last response finished it (and played its last set).

    Inside that set's work the set was not done, and neither was the workout: it is active again,
    carrying on from the rep reached, and its history entry is taken back. Any later request
    (or "ready" and "next", the runner's word that the set is over, or a new session) leaves it
    finished.
    """
    if intent not in MOVES_ON:
        outcome = transitions.interrupt(replace(state, finished=False), library, now)
        event = next((e for e in outcome.events if isinstance(e, Interrupted)), None)
        if outcome.state is not None and outcome.state.carry_on is not None and event is not None:
            return reopened(record, device, outcome.state, now), event
    return with_state(record, device, None, now), None


def timed(record: UserRecord, device: str, script: Script, now: float) -> UserRecord:
    """The record keeping the timeline `script` plays, from this request's time.

    A workout this response finished is timed too: its last set may still be interrupted.
    """
    state = record.active.get(device)
    if state is None:
        return record
    kept = heard(state, script, now)
    return record if kept == state else with_state(record, device, kept, now)


def rest_owed(interruption: Interrupted | None) -> int:
    """Seconds of rest still owed to a runner the request found resting; 0 when none."""
    if interruption is None or interruption.part is not Part.REST:
        return 0
    return interruption.rest_left if interruption.rest_left >= REST_KEPT_FROM else 0


def moment(
    asked: Asked, state: WorkoutState | None, interruption: Interrupted | None, now: float
) -> Question:
    """The question waiting, or the moment the runner is in while a set's audio plays."""
    if interruption is not None:
        return Question.REST if interruption.part is Part.REST else Question.SET_PLAYING
    if asked.question is not Question.READY or state is None or state.paused:
        return asked.question
    phase = state.phase_at(now)
    if phase is Phase.WORK:
        return Question.SET_PLAYING
    return Question.REST if phase is Phase.REST else Question.READY
