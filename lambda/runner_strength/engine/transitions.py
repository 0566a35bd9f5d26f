"""Pure, named workout transitions: `(state, library, now, ...) -> Outcome(state, events)`.

Nothing here reads a clock or raises for a move the runner makes: an illegal move (next after the
last exercise, resume when nothing is paused, anything without a workout) returns the unchanged
state and a `NotAllowed` event naming the reason.

One "ready" performs the slot at the position (a set, or one side of a long per-side set) and
the slots the plan lets flow on from it (`Plan.response_end`: the next sets of the exercise, or a
circuit round's next stations): their work and rests, in one voice response that ends with a
question. Afterwards `position` points at the next slot and `last_set` remembers when the
response's audio started and where each set's work and rest are (its marks), so the phase at any
moment is derived from the clock passed in.

Pause and resume:

- Pause while the last performed slot's audio is still in its work part
  (`now - started_at < work_ends`) rolls `position` back to that slot: the set was interrupted,
  so it counts as not done and resume repeats it.
- Pause during its rest, or after the audio, keeps the set as done.
- Resume re-orients (`Resumed`) and at once performs the slot at `position`: the interrupted set,
  or the next one. "Ready" while paused does the same.
- Status keeps the pause; any other move ends it.

A request arriving while a response's timeline plays (`interrupt`, applied by the conversation
before the request's own move; `timed` keeps the marks the narration played):

- In a set's work (or the talk or side switch before it) the set is not done: `position` goes
  back to its slot and `carry_on` keeps the side and the rep to carry on from (the last rep
  certainly finished, by `schedule.place`). "Ready" then performs it from there; any move to
  another slot ends it; easier, harder and a swap that spares it keep it, fitted to the new dose.
- In the rest after it the set stays done; the `Interrupted` event says how much rest is left.
  Sets of the same response after it are not done: the position is the set after the rest.
- "Ready" or "next" said in a response of several sets (`moved_on`) ends the set playing: it is
  done and the next set of that response is the one to come.

Which exercise a move is about:

- skip, next and previous act on the slot the runner is asked about (`position`); next goes to
  the next exercise, previous to the start of the exercise before the current one.
- a skip can be undone by previous until the next move (`undo_skip`): back to the very set the
  runner was asked about, finished sets kept. After previous redoes an earlier exercise the
  workout carries on where the runner was (`return_to`), not at this exercise's first set.
- "start over" (exercise) restarts the exercise in progress: the current one when it has begun,
  otherwise the one just done (in a circuit, that exercise's set of this round).
- easier and harder act on the exercise just done when it has sets still to come (its later
  sets, or its later rounds in a circuit), otherwise on the upcoming one. Steps are
  `plan.REP_STEP` reps or `plan.HOLD_STEP` seconds inside the content's safe range; at the
  bound the linked easier or harder exercise takes over at its own prescribed amount.

Adapting to the day mid-workout:

- `lighten` makes the rest of the workout a light day: a set fewer from here on and no heavy
  lower-body work (left out, or its remaining sets skipped when it has begun).
- `swap_out` swaps every exercise still to come that the runner should not do (it loads a sore
  area, or needs kit they lack) for a stand-in chosen by the caller's pure function, and skips
  those with none. The exercise in question stops at once; the workout carries on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from runner_strength.content.model import Format
from runner_strength.engine.events import (
    Adjusted,
    AskReady,
    Event,
    ExerciseIntro,
    Interrupted,
    MovedBack,
    MovedOn,
    NextUp,
    NotAllowed,
    Outcome,
    Paused,
    Reason,
    Repeated,
    Resumed,
    SetPerformed,
    Skipped,
    StartedOver,
    Status,
    Summary,
    Swapped,
    SwapReason,
    WorkoutFinished,
    WorkoutStarted,
)
from runner_strength.engine.personal import heavy_lower_body
from runner_strength.engine.plan import (
    MAX_CHAINED_SETS,
    Plan,
    Slot,
    build_plan,
    remap,
    shape_seconds,
    step_amount,
)
from runner_strength.engine.schedule import ALLOWANCE, Place, bounds, place
from runner_strength.engine.state import (
    Adjustment,
    CarryOn,
    Direction,
    LastSet,
    Part,
    Phase,
    Scope,
    Side,
    WorkoutState,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from runner_strength.content.model import Exercise, Library
    from runner_strength.engine.personal import DayPlan
    from runner_strength.engine.state import Mark


# ---------------------------------------------------------------- plan and positions


def plan_of(library: Library, state: WorkoutState) -> Plan:
    """The plan a state indexes into (KeyError when its workout left the library)."""
    return build_plan(
        library,
        state.workout_id,
        quick=state.quick,
        target_seconds=state.target_seconds,
        adjustments=state.adjustments,
        set_counts=state.set_counts,
        omitted=state.omitted,
        light=state.light,
        every_set=state.every_set,
    )


def _pending(plan: Plan, skipped: frozenset[str], start: int) -> int | None:
    """The first slot at or after `start` whose exercise is not skipped."""
    for index in range(max(start, 0), len(plan.slots)):
        if plan.slots[index].exercise_id not in skipped:
            return index
    return None


def _block_start(plan: Plan, index: int) -> int:
    """The first slot of the run of consecutive slots of the same exercise containing `index`."""
    exercise_id = plan.slots[index].exercise_id
    while index > 0 and plan.slots[index - 1].exercise_id == exercise_id:
        index -= 1
    return index


def _block_end(plan: Plan, index: int) -> int:
    """One past the last slot of the run of the same exercise containing `index`."""
    exercise_id = plan.slots[index].exercise_id
    while index < len(plan.slots) and plan.slots[index].exercise_id == exercise_id:
        index += 1
    return index


def _is_new(plan: Plan, state: WorkoutState, index: int) -> bool:
    """Whether slot `index` starts an exercise, so an intro comes first."""
    slot = plan.slots[index]
    if not slot.starts_set:
        return False
    last = state.last_set
    return last is None or last.exercise_id != plan.performed[slot.exercise_id]


def _where(plan: Plan, state: WorkoutState, index: int) -> NextUp:
    slot = plan.slots[index]
    carry_on = state.carry_on if index == state.position else None
    return NextUp(
        exercise_id=plan.performed[slot.exercise_id],
        set_number=slot.set_number,
        total_sets=slot.total_sets,
        sides=slot.sides,
        new_exercise=_is_new(plan, state, index),
        carry_on=carry_on if carry_on is not None and carry_on.side in slot.sides else None,
        dosage=plan.dosages[slot.exercise_id],
    )


def _where_now(plan: Plan, state: WorkoutState) -> NextUp | None:
    if state.finished or state.position >= len(plan.slots):
        return None
    return _where(plan, state, state.position)


def _sets_done(plan: Plan, state: WorkoutState) -> int:
    return sum(
        1
        for slot in plan.slots[: state.position]
        if slot.completes_set and slot.exercise_id not in state.skipped
    )


def _summary(plan: Plan, state: WorkoutState, now: float, *, completed: bool) -> Summary:
    order = plan.full.items
    return Summary(
        workout_id=state.workout_id,
        elapsed_seconds=max(0, round(now - state.started_at)),
        exercises_done=tuple(i.exercise_id for i in order if i.exercise_id in state.done),
        skipped=tuple(i.exercise_id for i in order if i.exercise_id in state.skipped),
        sets_done=_sets_done(plan, state),
        completed=completed,
    )


def _ask(plan: Plan, state: WorkoutState) -> tuple[Event, ...]:
    where = _where_now(plan, state)
    return () if where is None or state.paused else (AskReady(where),)


def _refuse(plan: Plan | None, state: WorkoutState | None, reason: Reason) -> Outcome:
    if plan is None or state is None:
        return Outcome(state, (NotAllowed(reason, None),))
    return Outcome(state, (NotAllowed(reason, _where_now(plan, state)), *_ask(plan, state)))


def _active(library: Library, state: WorkoutState | None) -> tuple[Plan, WorkoutState] | Outcome:
    """The plan and state when a workout is active and not finished, else the refusal."""
    if state is None or state.workout_id not in library.workouts:
        return _refuse(None, state, Reason.NO_WORKOUT)
    plan = plan_of(library, state)
    if state.finished:
        return _refuse(plan, state, Reason.FINISHED)
    if state.position >= len(plan.slots) or plan.slots[state.position].exercise_id in state.skipped:
        # Content changed under a stored state: carry on from the nearest slot still to do.
        position = _pending(plan, state.skipped, min(state.position, len(plan.slots) - 1))
        if position is None:
            position = _pending(plan, frozenset(), 0) or 0
            state = replace(state, skipped=frozenset())
        state = replace(state, position=position)
    return plan, state


def _moved(state: WorkoutState, now: float) -> WorkoutState:
    """`state` with any pause ended and the time stamped: the runner moved on.

    A skip can be undone only until the next move; an interrupted set carries on only at once.
    """
    return replace(
        state,
        updated_at=now,
        paused=False,
        paused_at=None,
        rolled_back=False,
        undo_skip=None,
        carry_on=None,
    )


# ---------------------------------------------------------------- start and perform


def _state_id(now: float, workout_id: str) -> str:
    return f"{round(now * 1000)}-{workout_id}"


def start(  # noqa: PLR0913  # the options a spoken request can carry, all by keyword
    library: Library,
    workout_id: str,
    now: float,
    *,
    quick: bool = False,
    target_seconds: int | None = None,
    heard_before: frozenset[str] = frozenset(),
    state_id: str | None = None,
    day: DayPlan | None = None,
    every_set: bool = False,
) -> Outcome:
    """Start a workout and ask whether the runner is ready for the first set.

    It may be shortened, and fitted to the runner (`day`, from `personal.fit_workout`).
    `every_set`: the runner is asked after every set, and the workout is timed so.
    """
    if workout_id not in library.workouts:
        return Outcome(None, (NotAllowed(Reason.UNKNOWN_WORKOUT, None),))
    if target_seconds is not None:
        target_seconds = max(1, target_seconds)
    state = WorkoutState(
        id=state_id or _state_id(now, workout_id),
        workout_id=workout_id,
        started_at=now,
        updated_at=now,
        quick=quick,
        target_seconds=target_seconds,
        heard_before=heard_before,
        every_set=every_set,
    )
    if day is not None:
        state = replace(
            state,
            adjustments=dict(day.adjustments),
            set_counts=dict(day.set_counts),
            omitted=day.omitted,
            light=day.light,
        )
    plan = plan_of(library, state)
    kept = set(plan.exercise_ids())
    started = WorkoutStarted(
        workout_id=workout_id,
        exercise_count=len(plan.workout.items),
        total_sets=sum(1 for slot in plan.slots if slot.completes_set),
        estimated_seconds=plan.total_seconds(),
        full_seconds=plan.today_seconds,
        shortened=plan.workout != plan.today,
        light=state.light,
        refitted=0 if day is None else len(day.refitted),
        # What today's exercises need: a shortened or fitted workout may need less than it lists.
        equipment=frozenset().union(
            *(library.exercise(e).equipment for e in plan.performed.values())
        ),
        changes=() if day is None else tuple(c for c in day.changes if c.exercise_id in kept),
    )
    return Outcome(state, (started, AskReady(_where(plan, state, 0))))


def _perform(
    plan: Plan, state: WorkoutState, index: int, now: float, *, return_to: int | None = None
) -> Outcome:
    """Perform slot `index`; afterwards the position is the next pending slot (or `return_to`).

    An interrupted set (`carry_on`, at `index`) carries on from its side and rep.
    """
    slot = plan.slots[index]
    exercise_id = plan.performed[slot.exercise_id]
    resumed = _where(plan, state, index).carry_on
    sides = slot.sides if resumed is None else slot.sides[slot.sides.index(resumed.side) :]
    reps = plan.dosages[slot.exercise_id].reps
    first_rep = 1 if resumed is None or reps is None else resumed.rep
    intro = _is_new(plan, state, index)
    previewed = resumed is None and _previewed(state, exercise_id, now)
    events: list[Event] = []
    if intro:
        events.append(
            ExerciseIntro(
                exercise_id,
                first_time=exercise_id not in state.introduced,
                heard_before=exercise_id in state.heard_before,
                previewed=previewed,
            )
        )
    carry_on = state.return_to
    if return_to is None and carry_on is not None and _block_end(plan, index) == index + 1:
        # The last set of an exercise redone after "previous": back to where the runner was.
        return_to = _pending(plan, state.skipped, carry_on) if carry_on > index else None
        state = replace(state, return_to=None)
    following = return_to if return_to is not None else _pending(plan, state.skipped, index + 1)
    timing = plan.timing(index, intro=intro)
    rest_timed, rest_prescribed = timing.rest_timed, timing.rest_prescribed
    if following is None:
        rest_timed = rest_prescribed = 0  # the last set of what is left: nothing to rest for
    last_set = LastSet(
        slot=index,
        exercise_id=exercise_id,
        started_at=now,
        work_ends=timing.work_ends,
        audio_ends=timing.work_ends + rest_timed,
    )
    state = _moved(
        replace(
            state,
            position=len(plan.slots) if following is None else following,
            last_set=last_set,
            done=state.done | {slot.exercise_id},
            introduced=state.introduced | {exercise_id} if intro else state.introduced,
            preview="",
            preview_ends=0.0,
        ),
        now,
    )
    preview = None if following is None else _where(plan, state, following)
    events.append(
        SetPerformed(
            exercise_id=exercise_id,
            workout_exercise_id=slot.exercise_id,
            set_number=slot.set_number,
            total_sets=slot.total_sets,
            dosage=plan.dosages[slot.exercise_id],
            sides=sides,
            rest_seconds=rest_timed,
            rest_prescribed_seconds=rest_prescribed,
            round_end=slot.round_end,
            next_preview=preview,
            slot=index,
            first_rep=first_rep,
            carried_on=resumed is not None,
            previewed=previewed,
        )
    )
    if preview is None:
        state = replace(state, finished=True)
        events.append(WorkoutFinished(_summary(plan, state, now, completed=True)))
    else:
        events.append(AskReady(preview))
    return Outcome(state, tuple(events))


def _play(
    plan: Plan, state: WorkoutState, index: int, now: float, *, most: int = MAX_CHAINED_SETS
) -> Outcome:
    """Perform slot `index` and the slots that flow on from it in the same response.

    The slots `Plan.response_end` groups with it follow at once, with no question between them,
    while each is the next pending one (a set carried on after an interruption flows on too).
    A set redone on the way back to where the runner was plays on its own.
    """
    end = plan.response_end(index, most) if state.return_to is None else index + 1
    outcome = _perform(plan, state, index, now)
    played = index
    while outcome.state is not None and not outcome.state.finished:
        following = outcome.state.position
        if following != played + 1 or following >= end:
            break
        more = _perform(plan, outcome.state, following, now)
        # The question before the set that follows is not asked: the set follows at once.
        events = tuple(e for e in outcome.events if not isinstance(e, AskReady))
        outcome = Outcome(more.state, events + more.events)
        played = following
    return outcome


def _previewed(state: WorkoutState, exercise_id: str, now: float) -> bool:
    """Whether the runner heard `exercise_id`'s intro in full in the rest just before `now`.

    Not after a pause (the runner stepped away) or an interrupted set, nor when the runner may
    have spoken (`ALLOWANCE` before the request) before its last word; `interrupt` clears one
    the runner spoke inside.
    """
    if state.preview != exercise_id or state.paused or state.rolled_back:
        return False
    return state.preview_ends <= now - ALLOWANCE


def _after(first: Event, outcome: Outcome) -> Outcome:
    return Outcome(outcome.state, (first, *outcome.events))


def ready(
    state: WorkoutState | None, library: Library, now: float, *, most: int = MAX_CHAINED_SETS
) -> Outcome:
    """Perform the next slot and the sets that flow on from it (resuming first when paused).

    `most` caps the sets one response plays (1: the runner asked to be asked after every set).
    """
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    if current.paused:
        return _resume(plan, current, now, most=most)
    return _play(plan, current, current.position, now, most=most)


def repeat(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Do the last performed slot again; the position stays where it was."""
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    last = current.last_set
    if last is None or last.slot >= len(plan.slots):
        return _refuse(plan, current, Reason.NOTHING_TO_REPEAT)
    slot = plan.slots[last.slot]
    repeated = Repeated(plan.performed[slot.exercise_id], slot.set_number)
    if current.rolled_back or current.carry_on is not None:
        # The interrupted set is already the next one: doing it again is what "ready" does,
        # from its start.
        current = replace(current, carry_on=None)
        return _after(repeated, _perform(plan, current, current.position, now))
    return _after(repeated, _perform(plan, current, last.slot, now, return_to=current.position))


# ---------------------------------------------------------------- the request's own time


def timed(
    state: WorkoutState,
    marks: Sequence[Mark],
    now: float,
    preview: tuple[str, float] | None = None,
) -> WorkoutState:
    """`state` knowing the timeline the response to the request at `now` plays.

    `marks` are where each stretch of that response starts (engine/schedule.py), as narrated; the
    phase at a later moment, and where a later request finds the runner, follow from them.
    `preview` is the exercise whose intro the response's rest says, and the second from the
    response's start its last word ends.
    """
    if preview is not None:
        exercise_id, at = preview
        state = replace(state, preview=exercise_id, preview_ends=now + at)
    last = state.last_set
    ends = bounds(marks)
    if last is None or ends is None:
        return state
    work_ends, audio_ends = ends
    timed_set = replace(
        last, started_at=now, work_ends=work_ends, audio_ends=audio_ends, marks=tuple(marks)
    )
    return replace(state, last_set=timed_set)


def interrupt(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Place a request arriving while a response's timeline plays; the audio stops there.

    In a set's work (or the talk before it, or a side switch) the set is not done: the position
    goes back to its slot and it carries on from the last rep certainly finished (`carry_on`).
    In the rest after it the set stays done and the rest's remaining seconds are reported. With
    nothing timed playing (or a pause), nothing changes and there is no event.
    """
    intro_cut = state is not None and bool(state.preview) and state.preview_ends > now - ALLOWANCE
    if state is not None and intro_cut:
        # The runner spoke before the next set's intro was over: it is said again before it.
        state = replace(state, preview="", preview_ends=0.0)
    found = _playing(state, library, now)
    if state is None or found is None:
        return Outcome(state, ())
    plan, spot, stopped, played = found.plan, found.spot, found.stopped, found.played
    slot = plan.slots[spot.slot]
    # Only a set at or before the position rolls back (never one the workout has not reached).
    in_set = spot.in_set and spot.slot <= state.position
    carry_on = _carry_on(plan, spot.slot, spot.side, spot.rep) if in_set else None
    if carry_on is None or slot.exercise_id in state.skipped:
        # The set's work was over (or it was skipped since): it stays done; the rest goes on.
        if spot.slot < played:  # a rest between two sets of the response: the next is not done
            rested = _cut_after(plan, state, stopped, spot.slot, played)
        else:
            rested = replace(state, last_set=replace(stopped, slot=found.last.slot))
        rested = replace(rested, updated_at=now)
        where = _where_now(plan, rested)
        if where is None:
            return Outcome(state, ())
        event = Interrupted(where, Part.REST, spot.said, round(spot.left), intro_cut=intro_cut)
        return Outcome(rested, (event,))
    interrupted = replace(
        _unplayed(plan, state, spot.slot + 1, played),
        position=spot.slot,
        carry_on=carry_on,
        last_set=replace(stopped, exercise_id=plan.performed[slot.exercise_id]),
        updated_at=now,
    )
    where = _where(plan, interrupted, spot.slot)
    return Outcome(interrupted, (Interrupted(where, spot.part, spot.said, 0),))


def moved_on(state: WorkoutState | None, library: Library, now: float) -> WorkoutState | None:
    """`state` after "ready" or "next" said while a response playing several sets plays.

    The runner's own word that the set playing is over: it counts done, and the sets after it in
    that response are the ones to come, so "ready" goes on to the next set, not past it. A
    request during the response's last set (or with nothing playing) changes nothing.
    """
    found = _playing(state, library, now)
    if state is None or found is None:
        return state
    plan, spot, played = found.plan, found.spot, found.played
    if not spot.slot < played < len(plan.slots):
        return state
    cut = _cut_after(plan, state, found.stopped, spot.slot, played)
    return replace(cut, preview="", preview_ends=0.0, updated_at=now)


class _Playing(NamedTuple):
    """Where a request falls in the response playing."""

    plan: Plan
    spot: Place
    last: LastSet  # the response's timeline as kept
    stopped: LastSet  # the same, its audio cut at the request and its marks gone
    played: int  # the slot of the response's last set


def _playing(state: WorkoutState | None, library: Library, now: float) -> _Playing | None:
    """Where `now` falls in the response playing; None with nothing timed playing."""
    last = state.last_set if state is not None else None
    if state is None or last is None or not last.marks or state.paused or state.finished:
        return None
    if state.workout_id not in library.workouts:
        return None
    spot = place(last.marks, now - last.started_at)
    plan = plan_of(library, state)
    if spot is None or not 0 <= spot.slot < len(plan.slots):
        return None
    offset = max(0.0, now - last.started_at)
    stopped = replace(
        last, work_ends=min(last.work_ends, offset), audio_ends=offset, marks=(), slot=spot.slot
    )
    return _Playing(plan, spot, last, stopped, max(mark.slot for mark in last.marks))


def _cut_after(
    plan: Plan, state: WorkoutState, stopped: LastSet, done: int, played: int
) -> WorkoutState:
    """`state` with slot `done` the last set played of a response that went on to `played`."""
    position = _pending(plan, state.skipped, done + 1)
    last_set = replace(stopped, slot=done, exercise_id=plan.performed[plan.slots[done].exercise_id])
    return replace(
        _unplayed(plan, state, done + 1, played),
        position=state.position if position is None else position,
        last_set=last_set,
    )


def _unplayed(plan: Plan, state: WorkoutState, first: int, last: int) -> WorkoutState:
    """`state` without what slots `first` to `last` (a response's sets cut off) marked done.

    An exercise those slots started (a circuit's later station) is neither done nor introduced
    yet; one an earlier slot played keeps both.
    """
    if first > last:
        return state
    earlier = {plan.slots[index].exercise_id for index in range(first)}
    gone = {plan.slots[index].exercise_id for index in range(first, last + 1)} - earlier
    return replace(
        state,
        done=state.done - gone,
        introduced=state.introduced - {plan.performed[e] for e in gone},
    )


def _carry_on(plan: Plan, index: int, side: Side, rep: int) -> CarryOn | None:
    """Where slot `index` carries on from `rep` on `side`; None when that side was its last done."""
    slot = plan.slots[index]
    dosage = plan.dosages[slot.exercise_id]
    if side not in slot.sides:
        return None
    if dosage.reps is None or rep <= dosage.reps:
        return CarryOn(side, max(1, rep) if dosage.reps is not None else 1)
    following = slot.sides.index(side) + 1
    return CarryOn(slot.sides[following], 1) if following < len(slot.sides) else None


# ---------------------------------------------------------------- pause and resume


def pause(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Pause; during a set's work the set is rolled back so resume repeats it."""
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    if current.paused:
        return _refuse(plan, current, Reason.ALREADY_PAUSED)
    last = current.last_set
    # Only the set that led to the current position rolls back: an interrupted repeat of an
    # older set needs no redo, and rolling back to it would make the sets after it run twice.
    # A set whose exercise was skipped since it started stays skipped: nothing to redo.
    rolled_back = (
        last is not None
        and current.phase_at(now) is Phase.WORK
        and plan.slots[last.slot].exercise_id not in current.skipped
        and _pending(plan, current.skipped, last.slot + 1) == current.position
    )
    position = last.slot if rolled_back and last is not None else current.position
    current = replace(
        current,
        position=position,
        paused=True,
        paused_at=now,
        # A set interrupted by this request (see `interrupt`) is not done either.
        rolled_back=rolled_back or current.carry_on is not None,
        updated_at=now,
    )
    rolled_back = current.rolled_back
    return Outcome(current, (Paused(_where(plan, current, position), rolled_back=rolled_back),))


def resume(
    state: WorkoutState | None, library: Library, now: float, *, most: int = MAX_CHAINED_SETS
) -> Outcome:
    """End a pause: re-orient and perform the interrupted (or next) slot."""
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    if not current.paused:
        return _refuse(plan, current, Reason.NOTHING_PAUSED)
    return _resume(plan, current, now, most=most)


def _resume(
    plan: Plan, state: WorkoutState, now: float, *, most: int = MAX_CHAINED_SETS
) -> Outcome:
    paused_for = max(0.0, now - (state.paused_at if state.paused_at is not None else now))
    resumed = Resumed(
        _where(plan, state, state.position),
        rolled_back=state.rolled_back,
        paused_seconds=paused_for,
    )
    return _after(resumed, _play(plan, state, state.position, now, most=most))


# ---------------------------------------------------------------- moving around


def next_exercise(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Go on to the next exercise without doing the rest of this one."""
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    target = _pending(plan, current.skipped, _block_end(plan, current.position))
    if target is None:
        return _refuse(plan, current, Reason.AT_END)
    from_id = plan.performed[plan.slots[current.position].exercise_id]
    current = _moved(replace(current, position=target), now)
    where = _where(plan, current, target)
    return Outcome(current, (MovedOn(from_id, where), AskReady(where)))


def previous_exercise(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Go back: undo a skip just made, else redo the exercise before this one.

    Right after a skip, back is the very set the runner was asked about (its finished sets stay
    done). Otherwise it is the start of the exercise before; once that is redone the workout
    carries on where the runner was, not at this exercise's first set.
    """
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    undo = current.undo_skip
    if undo is not None and 0 <= undo < len(plan.slots):
        skipped = current.skipped - {plan.slots[undo].exercise_id}
        current = _moved(replace(current, position=undo, skipped=skipped), now)
        where = _where(plan, current, undo)
        return Outcome(current, (MovedBack(where), AskReady(where)))
    begin = _block_start(plan, current.position)
    if begin == 0:
        return _refuse(plan, current, Reason.AT_START)
    target = _block_start(plan, begin - 1)
    skipped = current.skipped - {plan.slots[target].exercise_id}
    here = current.return_to if current.return_to is not None else current.position
    current = _moved(replace(current, position=target, skipped=skipped, return_to=here), now)
    where = _where(plan, current, target)
    return Outcome(current, (MovedBack(where), AskReady(where)))


def skip_exercise(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Skip the upcoming exercise for the rest of the workout; finishes when nothing is left."""
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    exercise_id = plan.slots[current.position].exercise_id
    skipped = current.skipped | {exercise_id}
    target = _pending(plan, skipped, current.position)
    if target is None:
        current = _moved(
            replace(current, skipped=skipped, position=len(plan.slots), finished=True), now
        )
        return Outcome(
            current,
            (Skipped(exercise_id), WorkoutFinished(_summary(plan, current, now, completed=False))),
        )
    current = replace(
        _moved(replace(current, skipped=skipped, position=target), now),
        undo_skip=current.position,
        return_to=None,
    )
    return Outcome(current, (Skipped(exercise_id), AskReady(_where(plan, current, target))))


def start_over(
    state: WorkoutState | None, library: Library, now: float, scope: Scope = Scope.EXERCISE
) -> Outcome:
    """Restart the exercise in progress, or the whole workout (also after it finished)."""
    if scope is Scope.WORKOUT and state is not None and state.workout_id in library.workouts:
        plan = plan_of(library, state)
        # After the end it is a new attempt with a new id: the finished one keeps its history entry.
        state_id = _state_id(now, state.workout_id) if state.finished else state.id
        restarted = _moved(
            replace(
                state,
                id=state_id,
                position=0,
                skipped=frozenset(),
                done=frozenset(),
                last_set=None,
                finished=False,
                started_at=now,
                return_to=None,
            ),
            now,
        )
        where = _where(plan, restarted, 0)
        return Outcome(restarted, (StartedOver(scope, where), AskReady(where)))
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    anchor = current.position
    last = current.last_set
    at_block_start = _block_start(plan, anchor) == anchor
    if at_block_start and last is not None and not current.rolled_back and last.slot < len(plan):
        anchor = last.slot  # nothing of the upcoming exercise is done yet: the one just done
    target = _block_start(plan, anchor)
    exercise_id = plan.slots[target].exercise_id
    skipped = current.skipped - {exercise_id}
    current = _moved(replace(current, position=target, skipped=skipped, return_to=None), now)
    where = _where(plan, current, target)
    return Outcome(current, (StartedOver(scope, where), AskReady(where)))


# ---------------------------------------------------------------- easier and harder


def easier(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Make the exercise in question easier for the rest of this workout."""
    return _adjust(state, library, now, Direction.EASIER)


def harder(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Make the exercise in question harder for the rest of this workout."""
    return _adjust(state, library, now, Direction.HARDER)


def _adjust_target(plan: Plan, state: WorkoutState) -> str:
    last = state.last_set
    if last is not None and last.slot < len(plan.slots):
        just_done = plan.slots[last.slot].exercise_id
        if any(s.exercise_id == just_done for s in plan.slots[state.position :]):
            return just_done
    return plan.slots[state.position].exercise_id


def _adjust(
    state: WorkoutState | None, library: Library, now: float, direction: Direction
) -> Outcome:
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    exercise_id = _adjust_target(plan, current)
    doing = plan.performed[exercise_id]
    dosage = plan.dosages[exercise_id]
    make_easier = direction is Direction.EASIER
    amount = step_amount(dosage, easier=make_easier)
    if amount is not None:
        adjustment = Adjustment(doing, amount)
    else:
        option = library.exercise(doing).easier if make_easier else library.exercise(doing).harder
        linked = option.exercise if option is not None else None
        if linked is None or linked not in library.exercises:
            return _refuse(plan, current, Reason.AT_EASIEST if make_easier else Reason.AT_HARDEST)
        adjustment = Adjustment(linked, library.exercise(linked).dosage.amount())
    adjustments = dict(current.adjustments)
    item = next(i for i in plan.workout.items if i.exercise_id == exercise_id)
    if adjustment == Adjustment(exercise_id, item.dosage.amount()):
        del adjustments[exercise_id]  # back where the workout started: store nothing
    else:
        adjustments[exercise_id] = adjustment
    adjusted = replace(current, adjustments=adjustments)
    new_plan = plan_of(library, adjusted)
    if new_plan.workout != plan.workout:
        # A workout cut to a time (or "quick") would be cut again around a longer dose, losing
        # sets or this very exercise mid-workout: it keeps its shape and runs a little longer.
        keep = shape_seconds(library, plan, adjustments)
        adjusted = replace(adjusted, quick=False, target_seconds=keep)
        new_plan = plan_of(library, adjusted)
    last = current.last_set
    back = current.return_to
    adjusted = _moved(
        replace(
            adjusted,
            position=remap(plan, new_plan, current.position),
            last_set=None if last is None else replace(last, slot=remap(plan, new_plan, last.slot)),
            return_to=None if back is None else remap(plan, new_plan, back),
        ),
        now,
    )
    adjusted = _carried_over(plan, current, new_plan, adjusted)
    event = Adjusted(
        exercise_id=exercise_id,
        direction=direction,
        new_dosage=new_plan.dosages[exercise_id],
        switched_to=adjustment.exercise_id if adjustment.exercise_id != doing else None,
        previous_exercise_id=doing,
    )
    return Outcome(adjusted, (event, *_ask(new_plan, adjusted)))


def _carried_over(
    plan: Plan, before: WorkoutState, new_plan: Plan, after: WorkoutState
) -> WorkoutState:
    """`after` still carrying on the set `before` was interrupted in, when it is still there.

    The same exercise carries on from the same rep (with fewer reps than already done, from the
    next side, or the last rep of the last side); another exercise switched in starts the
    interrupted side afresh.
    """
    carry_on = before.carry_on
    if carry_on is None or after.position >= len(new_plan.slots):
        return after
    was = plan.slots[before.position]
    position = after.position
    for index, slot in enumerate(new_plan.slots):
        same_set = (slot.exercise_id, slot.set_index) == (was.exercise_id, was.set_index)
        if same_set and carry_on.side in slot.sides:
            position = index
            break
    slot = new_plan.slots[position]
    if (slot.exercise_id, slot.set_index) != (was.exercise_id, was.set_index):
        return after
    side = carry_on.side if carry_on.side in slot.sides else slot.sides[0]
    same = new_plan.performed[slot.exercise_id] == plan.performed[was.exercise_id]
    rep = carry_on.rep if same else 1
    # Fewer reps than already done on this side: the side is done, the next one carries on.
    fitted = _carry_on(new_plan, position, side, rep)
    reps = new_plan.dosages[slot.exercise_id].reps or 1
    return replace(after, position=position, carry_on=fitted or CarryOn(side, reps))


# ---------------------------------------------------------------- adapting to the day


def _order_key(plan: Plan, slot: Slot) -> tuple[int, int, int]:
    """Where a slot falls in the workout's order, comparable between plans of one workout."""
    order = [item.exercise_id for item in plan.full.items]
    item = order.index(slot.exercise_id) if slot.exercise_id in order else len(order)
    side = 1 if slot.sides == (Side.RIGHT,) else 0
    if plan.full.format is Format.CIRCUIT:
        return (slot.set_index, item, side)
    return (item, slot.set_index, side)


def _refit(
    plan: Plan, state: WorkoutState, changed: WorkoutState, library: Library, now: float
) -> tuple[Plan, WorkoutState] | Outcome:
    """`changed` (same workout, other parameters) moved to the same point in its new plan.

    That is the first slot still to do at or after where the runner was; when nothing is left,
    the outcome that finishes the workout.
    """
    new_plan = plan_of(library, changed)
    if state.position >= len(plan.slots):
        target: int | None = len(new_plan.slots)
    else:
        here = _order_key(plan, plan.slots[state.position])
        later = [i for i, slot in enumerate(new_plan.slots) if _order_key(new_plan, slot) >= here]
        target = _pending(new_plan, changed.skipped, later[0]) if later else None
    last = state.last_set
    if last is not None and last.slot < len(plan.slots):
        did = plan.slots[last.slot]
        key = _order_key(plan, did)
        # The set just done, or when the new plan has fewer sets (a light day), the last set of
        # that exercise it keeps: "that was too easy" or "repeat that" still find what was done.
        kept = [
            i
            for i, slot in enumerate(new_plan.slots)
            if slot.exercise_id == did.exercise_id and _order_key(new_plan, slot) <= key
        ]
        last = replace(last, slot=kept[-1]) if kept else None
    if target is None or target >= len(new_plan.slots):
        done = _moved(
            replace(changed, position=len(new_plan.slots), last_set=last, finished=True), now
        )
        return Outcome(done, (WorkoutFinished(_summary(new_plan, done, now, completed=True)),))
    return new_plan, _moved(replace(changed, position=target, last_set=last, return_to=None), now)


def lighten(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Make the rest of the workout a light day: a set fewer, no heavy lower-body work."""
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    if current.light:
        return Outcome(current, _ask(plan, current))
    heavy = {
        item for item, doing in plan.performed.items() if heavy_lower_body(library.exercise(doing))
    }
    changed = replace(
        current,
        light=True,
        omitted=current.omitted | (heavy - current.done),
        skipped=current.skipped | (heavy & current.done),
    )
    refitted = _refit(plan, current, changed, library, now)
    if isinstance(refitted, Outcome):
        return refitted
    new_plan, changed = refitted
    return Outcome(changed, _ask(new_plan, changed))


def swap_out(  # noqa: PLR0913  # what to avoid, how to replace it, and why, all by keyword
    state: WorkoutState | None,
    library: Library,
    now: float,
    *,
    avoid: Callable[[Exercise], bool],
    stand_in: Callable[[str, frozenset[str]], str | None],
    reason: SwapReason,
    area: str | None = None,
) -> Outcome:
    """Swap out every exercise still to come that `avoid` flags; the workout then carries on.

    Each becomes `stand_in(exercise, taken)`, an exercise not in `taken`, or is skipped when that
    gives None.
    """
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    in_question = _adjust_target(plan, current)
    to_come = [
        item
        for item in dict.fromkeys(s.exercise_id for s in plan.slots[current.position :])
        if item not in current.skipped
    ]
    flagged = [item for item in to_come if avoid(library.exercise(plan.performed[item]))]
    taken = frozenset(plan.performed.values()) | frozenset(plan.exercise_ids())
    adjustments = dict(current.adjustments)
    skipped = set(current.skipped)
    swaps: list[tuple[str, str]] = []
    dropped: list[str] = []
    for item in flagged:
        doing = plan.performed[item]
        chosen = stand_in(doing, taken)
        if chosen is None or chosen not in library.exercises:
            skipped.add(item)
            dropped.append(doing)
            continue
        taken |= {chosen}
        adjustments[item] = Adjustment(chosen, library.exercise(chosen).dosage.amount())
        swaps.append((doing, chosen))
    event = Swapped(
        reason=reason,
        area=area,
        swaps=tuple(swaps),
        dropped=tuple(dropped),
        current=in_question in flagged,
    )
    if not flagged:
        return Outcome(current, (event, *_ask(plan, current)))  # an interrupted set carries on
    changed = replace(current, adjustments=adjustments, skipped=frozenset(skipped))
    new_plan = plan_of(library, changed)
    last = current.last_set
    position = _pending(new_plan, changed.skipped, remap(plan, new_plan, current.position))
    last = None if last is None else replace(last, slot=remap(plan, new_plan, last.slot))
    if position is None:
        changed = _moved(
            replace(changed, position=len(new_plan.slots), last_set=last, finished=True), now
        )
        summary = _summary(new_plan, changed, now, completed=False)
        return Outcome(changed, (event, WorkoutFinished(summary)))
    back = current.return_to
    changed = _moved(
        replace(
            changed,
            position=position,
            last_set=last,
            return_to=None if back is None else remap(plan, new_plan, back),
        ),
        now,
    )
    if in_question not in flagged:
        changed = _carried_over(plan, current, new_plan, changed)
    return Outcome(changed, (event, *_ask(new_plan, changed)))


def pain_reported(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Count something hurting during this workout; the position does not move."""
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    counted = replace(current, pain_reports=current.pain_reports + 1, updated_at=now)
    return Outcome(counted, _ask(plan, counted))


# ---------------------------------------------------------------- status and finish


def status(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Say where the runner is and what is left; keeps a pause."""
    if state is None or state.workout_id not in library.workouts:
        return _refuse(None, state, Reason.NO_WORKOUT)
    plan = plan_of(library, state)
    position = len(plan.slots) if state.finished else min(state.position, len(plan.slots))
    remaining = [s for s in plan.slots[position:] if s.exercise_id not in state.skipped]
    event = Status(
        where=_where_now(plan, state),
        sets_done=_sets_done(plan, state),
        sets_left=sum(1 for s in remaining if s.completes_set),
        exercises_left=len({s.exercise_id for s in remaining}),
        seconds_left=plan.estimated_seconds(position, state.skipped),
        elapsed_seconds=max(0, round(now - state.started_at)),
        paused=state.paused,
    )
    return Outcome(state, (event, *_ask(plan, state)))


def finish(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """End the workout now; the summary says what was done and skipped."""
    active = _active(library, state)
    if isinstance(active, Outcome):
        return active
    plan, current = active
    current = _moved(replace(current, finished=True), now)
    return Outcome(current, (WorkoutFinished(_summary(plan, current, now, completed=False)),))


# ---------------------------------------------------------------- invariants


def problems(state: WorkoutState, library: Library) -> tuple[str, ...]:
    """What is wrong with a state against the library; empty for a valid state (for tests)."""
    if state.workout_id not in library.workouts:
        return (f"unknown workout {state.workout_id!r}",)
    plan = plan_of(library, state)
    return (*_position_problems(plan, state), *_content_problems(plan, state, library))


def _position_problems(plan: Plan, state: WorkoutState) -> list[str]:
    found: list[str] = []
    if not 0 <= state.position <= len(plan.slots):
        found.append(f"position {state.position} outside 0..{len(plan.slots)}")
    elif not state.finished:
        if state.position == len(plan.slots):
            found.append("position at the end of an unfinished workout")
        elif plan.slots[state.position].exercise_id in state.skipped:
            found.append("position on a skipped exercise")
    if state.last_set is not None and not 0 <= state.last_set.slot < len(plan.slots):
        found.append(f"last set {state.last_set.slot} outside the plan")
    for name, index in (("undo skip", state.undo_skip), ("return to", state.return_to)):
        if index is not None and not 0 <= index <= len(plan.slots):
            found.append(f"{name} {index} outside 0..{len(plan.slots)}")
    if state.paused != (state.paused_at is not None):
        found.append("paused and paused_at disagree")
    if state.rolled_back and not state.paused:
        found.append("rolled back without a pause")
    if state.updated_at < state.started_at:
        found.append("updated before started")
    return found


def _content_problems(plan: Plan, state: WorkoutState, library: Library) -> list[str]:
    # Adjustments, set counts and left-out exercises are fitted to the whole workout at the start,
    # so they may name exercises that shortening later dropped.
    ids = set(plan.exercise_ids())
    written = {item.exercise_id for item in plan.full.items}
    found = [
        f"{name} {sorted(values - written)} not in the workout"
        for name, values in (
            ("adjusted", frozenset(state.adjustments)),
            ("omitted", state.omitted),
            ("set counts", frozenset(state.set_counts)),
        )
        if not values <= written
    ]
    found += [
        f"{name} {sorted(values - ids)} not in the workout"
        for name, values in (("skipped", state.skipped), ("done", state.done))
        if not values <= ids
    ]
    found.extend(
        f"adjusted to unknown exercise {a.exercise_id!r}"
        for a in state.adjustments.values()
        if a.exercise_id not in library.exercises
    )
    return found
