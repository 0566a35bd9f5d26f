"""Fitting the coaching to the runner: feedback, level, kit, cues, tones, a lighter day, pain.

Each is remembered in the record; a workout going on is refitted where the change touches it (kit
lacking or a sore area swap exercises out, a lighter day lightens it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from runner_strength.alexa.dialog import Asked, Question
from runner_strength.content.model import EQUIPMENT, Format
from runner_strength.engine import transitions
from runner_strength.engine.events import Swapped, SwapReason
from runner_strength.engine.personal import gentler, kit_free, loads, needs_missing, with_implied
from runner_strength.engine.progress import ExerciseProgress, Feeling, next_dose
from runner_strength.engine.record import Verbosity, dose_done, with_feeling, with_state
from runner_strength.engine.state import Direction
from runner_strength.engine.stats import day_end

if TYPE_CHECKING:
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn
    from runner_strength.content.model import Level
    from runner_strength.engine.events import Outcome
    from runner_strength.engine.progress import Dose
    from runner_strength.narration.narrator import Script

# Feedback with no workout going is about the last one, if it ended this recently.
FEEDBACK_AFTER_SECONDS = 12 * 3600


@dataclass(frozen=True, slots=True)
class _FeedbackTarget:
    """What feedback is about: an exercise of a workout and the dose it was done at."""

    exercise_id: str  # the workout's exercise
    dose: Dose
    base_sets: int  # what the workout prescribes
    circuit: bool
    sets_to_come: bool  # the exercise has sets left in the active workout


def feedback(turn: Turn, feeling: Feeling | None) -> Response:
    """How the last set felt (too easy, too hard, just right): its dose for next time."""
    target = _feedback_target(turn)
    if target is None or feeling is None:
        return turn.offer_next(turn.talk.feedback_nothing())
    missing = with_implied(turn.record.preferences.missing_equipment)
    step = next_dose(
        turn.library,
        target.dose,
        feeling,
        base_sets=target.base_sets,
        sets_count=not target.circuit,
        usable=lambda e: not needs_missing(e, missing),
    )
    known = turn.record.progress.get(target.exercise_id, ExerciseProgress())
    during = turn.state is not None
    progress = replace(
        known,
        last=target.dose if during else known.last or target.dose,
        last_at=turn.now if during else known.last_at,
        next=step.dose,
        feeling=feeling,
        feeling_at=turn.now,
        updated_at=turn.now,
    )
    turn.record = with_feeling(turn.record, target.exercise_id, progress)
    hint = None
    if target.sets_to_come and feeling is not Feeling.JUST_RIGHT:
        hint = Direction.HARDER if feeling is Feeling.TOO_EASY else Direction.EASIER
    return turn.offer_next(turn.talk.feedback(feeling, target.dose.exercise_id, step, hint))


def _feedback_target(turn: Turn) -> _FeedbackTarget | None:
    """The exercise just done in the active workout, else the last one of a recent workout."""
    state = turn.state
    if state is not None:
        plan = transitions.plan_of(turn.library, state)
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
    entry = turn.record.history[-1] if turn.record.history else None
    if (
        entry is None
        or not entry.exercises_done
        or turn.now - entry.ended_at > FEEDBACK_AFTER_SECONDS
        or entry.workout_id not in turn.library.workouts
    ):
        return None
    exercise_id = entry.exercises_done[-1]
    known = turn.record.progress.get(exercise_id)
    workout = turn.library.workout(entry.workout_id)
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


def set_level(turn: Turn, level: Level | None) -> Response:
    """The runner's level: dosages, variants and the rotation from the next workout on."""
    if level is None:
        return turn.respond(turn.talk.level_question(), Asked())
    preferences = turn.record.preferences
    if preferences.level is not level:
        # A new level is a new starting point: next time's doses from feedback at the old
        # level would undo it. What was done last time is kept.
        progress = {
            k: replace(p, next=None, updated_at=turn.now) for k, p in turn.record.progress.items()
        }
        turn.record = replace(
            turn.record, preferences=replace(preferences, level=level), progress=progress
        )
    said = turn.talk.level_set(level)
    if turn.state is not None:
        said = said.then(turn.talk.from_next_workout())
    return turn.offer_next(said)


def set_verbosity(turn: Turn, verbosity: Verbosity) -> Response:
    """Short cues or full coaching, remembered; it applies from this response on."""
    preferences = turn.record.preferences
    turn.record = replace(turn.record, preferences=replace(preferences, verbosity=verbosity))
    turn.renarrate()
    state = turn.state
    if state is not None and verbosity is Verbosity.DETAILED:
        detailed = replace(state, heard_before=frozenset(), introduced=frozenset())
        turn.record = with_state(turn.record, turn.device, detailed, turn.now)
    return turn.offer_next(turn.talk.verbosity_set(verbosity))


def set_tones(turn: Turn, *, on: bool) -> Response:
    """Timer tones on or off ("no beeps", "beeps on"), remembered; from this response on."""
    preferences = turn.record.preferences
    turn.record = replace(turn.record, preferences=replace(preferences, tones=on))
    turn.renarrate()
    return turn.offer_next(turn.narrator.tones_set(on=on))


def set_every_set(turn: Turn, *, on: bool) -> Response:
    """Asked after every set, or an exercise's sets in one go; remembered, from the next set."""
    preferences = turn.record.preferences
    turn.record = replace(turn.record, preferences=replace(preferences, every_set=on))
    return turn.offer_next(turn.narrator.every_set_set(on=on))


def set_equipment(
    turn: Turn,
    *,
    missing: str | None = None,
    available: str | None = None,
    everything: bool = False,
) -> Response:
    """Kit the runner lacks or has again, remembered; a workout going on is refitted.

    With neither `missing` nor `available`: no kit at all, or (`everything`) a gym.
    """
    before = turn.record.preferences.missing_equipment
    if everything:
        lacking: frozenset[str] = frozenset()
        said = turn.talk.equipment_available(None)
    elif available is not None:
        lacking = before - {available}
        said = turn.talk.equipment_available(available)
    elif missing is not None:
        lacking = before | {missing}
        said = turn.talk.equipment_missing(missing)
    else:
        lacking = EQUIPMENT
        said = turn.talk.equipment_missing(None)
    preferences = replace(turn.record.preferences, missing_equipment=lacking)
    turn.record = replace(turn.record, preferences=preferences)
    state = turn.state
    if state is None or not lacking - before:
        return turn.offer_next(said)
    kit = with_implied(lacking)
    outcome = turn.apply(
        transitions.swap_out(
            state,
            turn.library,
            turn.now,
            avoid=lambda e: needs_missing(e, kit),
            stand_in=lambda doing, taken: kit_free(turn.library, doing, kit, exclude=taken),
            reason=SwapReason.EQUIPMENT,
        )
    )
    return _after_swap(turn, said, outcome)


def lighter_day(turn: Turn) -> Response:
    """A long run yesterday or a race soon: lighter workouts until the end of today."""
    already = turn.record.is_light_day(turn.now)
    zone, _ = turn.zone
    turn.record = replace(turn.record, light_until=day_end(turn.now, zone))
    state = turn.state
    if state is None:
        return turn.offer_next(turn.talk.light_day(in_workout=False, already=already))
    said = turn.talk.light_day(in_workout=True, already=already and state.light)
    outcome = turn.apply(transitions.lighten(state, turn.library, turn.now))
    return turn.respond(said.then(turn.narrator.script(outcome)), turn.asked_after(outcome))


def pain(turn: Turn, area: str | None) -> Response:
    """Something hurts: stop that exercise, swap in a gentler one (or skip), never diagnose.

    The second time in one workout, suggest stopping for today and seeing a professional.
    """
    again = turn.state is not None and turn.state.pain_reports >= 1
    if turn.state is not None:
        turn.apply(transitions.pain_reported(turn.state, turn.library, turn.now))
    remind = not turn.record.pain_note_heard and not again
    turn.record = replace(turn.record, pain_note_heard=True)
    if area is not None:
        zone, _ = turn.zone
        sore = {**turn.record.sore_until, area: day_end(turn.now, zone)}
        turn.record = replace(turn.record, sore_until=sore)
    state = turn.state
    said = turn.talk.pain(area, remind=remind, in_workout=state is not None)
    if state is None:
        return turn.offer_next(said)
    if area is None:
        outcome = turn.apply(transitions.skip_exercise(state, turn.library, turn.now))
        return _after_swap(turn, said, outcome, stop=again)
    kit = with_implied(turn.record.preferences.missing_equipment)
    outcome = turn.apply(
        transitions.swap_out(
            state,
            turn.library,
            turn.now,
            avoid=lambda e: loads(e, area),
            stand_in=lambda doing, taken: gentler(
                turn.library, doing, area, missing=kit, exclude=taken
            ),
            reason=SwapReason.PAIN,
            area=area,
        )
    )
    return _after_swap(turn, said, outcome, stop=again)


def _after_swap(turn: Turn, said: Script, outcome: Outcome, *, stop: bool = False) -> Response:
    swapped = next((e for e in outcome.events if isinstance(e, Swapped)), None)
    if swapped is not None:
        said = said.then(turn.talk.swapped(swapped))
    going = outcome.state is not None and not outcome.state.finished
    if stop and going:
        # Ask before the next set: the runner may well want to call it a day.
        said = said.then(turn.narrator.remarks(outcome)).then(turn.talk.pain_again())
        return turn.respond(said.then(turn.talk.stop_question()), Asked(Question.STOP_FOR_TODAY))
    return turn.respond(said.then(turn.narrator.script(outcome)), turn.asked_after(outcome))
