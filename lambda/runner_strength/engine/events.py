"""What a transition tells the narrator: typed events carrying ids and numbers, never wording.

Every transition in `transitions.py` returns an `Outcome`: the new state and a tuple of events in
the order they are to be spoken. The narrator (`narration/narrator.py`) turns them into one voice
response, looking names, cues and phrases up in the content by the ids given here.

The events:

- `WorkoutStarted`: a workout began. Its id, how many exercises and sets it has, its estimated
  seconds, and whether it was shortened ("quick" or a duration) from the full version; how it was
  fitted to the runner (a light day, exercises swapped or left out, the equipment it now needs)
  and what changed since last time because of the runner's feedback.
- `ExerciseIntro`: an exercise is about to be done for the first time in a row (the first set of
  an exercise in straight sets; every set in a circuit). `first_time` is true the first time in
  this workout (a full intro; later sets get a short reminder); `heard_before` is true when the
  runner heard this intro in an earlier workout (shorten it); `previewed` when the runner heard
  it in full in the rest before (the set starts with no intro).
- `SetPerformed`: the work of one slot and the timed rest after it, in one response. Carries the
  exercise actually done (after any easier or harder switch), its set number and count (the round
  in a circuit), the adjusted `Dosage`, the sides done in this response (`(BOTH,)`, `(LEFT,
  RIGHT)`, or a single side when a long per-side set is split over two responses), the seconds of
  rest to time now (already capped so the response stays within the audio limit) and the rest
  prescribed, and `next_preview`: what comes after the rest, or None after the last set.
  `slot` is its index in the plan and `first_rep` the rep counted first (later than 1 when an
  interrupted set carries on), so the narration can mark the response's timeline.
- `Interrupted`: a request arrived while a response's timed audio played: in the set (it is not
  done and carries on at `where`, rep and side), or in the rest after it (the rest's remaining
  seconds). `where.carry_on` says where an interrupted set carries on.
- `AskReady`: the closing question. `next` is what "ready" will do ("Ready for set two?",
  "Ready for the right side?").
- `Paused`: the runner paused. `where` is the slot resume continues with; `rolled_back` is true
  when the pause interrupted a set's work, so that set counts as not done and will be repeated.
- `Resumed`: the runner resumed; re-orient in one sentence, then the `SetPerformed` that follows.
- `Status`: where the runner is and what is left: sets done and left, exercises left, seconds
  left (computed from the plan), elapsed seconds, and whether the workout is paused.
- `Adjusted`: easier or harder. The workout's exercise id, the direction, the new dosage used from
  the next set on, and `switched_to`: the linked exercise now done instead, or None.
- `Skipped`: the runner skipped an exercise (all its remaining sets, every round).
- `Swapped`: exercises still to come were swapped for stand-ins, or left out, to spare a sore
  area or for want of equipment; `current` is true when the exercise in question was one of them.
- `Repeated`: the last performed set is done again; the `SetPerformed` follows.
- `MovedOn`: "next": on to the next exercise without doing the rest of this one.
- `MovedBack`: "previous": back to the start of the previous exercise.
- `StartedOver`: back to the start of the exercise or of the whole workout.
- `NotAllowed`: the move is not possible here; `reason` says why, `where` (if a workout is
  active) is the slot the runner is still on. The state is unchanged.
- `WorkoutFinished`: the workout ended, completed or early; `summary` has the elapsed seconds,
  the exercises done and skipped, and the sets done.

An outcome that leaves a workout active and not paused ends with `AskReady`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runner_strength.content.model import Dosage
    from runner_strength.engine.personal import DoseChange
    from runner_strength.engine.state import (
        CarryOn,
        Direction,
        Part,
        Scope,
        Side,
        WorkoutState,
    )


class Reason(StrEnum):
    """Why a move was not allowed."""

    NO_WORKOUT = "no_workout"  # no workout is active on this device
    UNKNOWN_WORKOUT = "unknown_workout"  # start named a workout the library does not have
    NOTHING_PAUSED = "nothing_paused"  # resume when not paused
    ALREADY_PAUSED = "already_paused"  # pause when paused
    AT_END = "at_end"  # next after the last exercise
    AT_START = "at_start"  # previous before the first exercise
    NOTHING_TO_REPEAT = "nothing_to_repeat"  # repeat before any set was performed
    AT_EASIEST = "at_easiest"  # easier at the bottom of the range with no easier exercise
    AT_HARDEST = "at_hardest"  # harder at the top of the range with no harder exercise
    FINISHED = "finished"  # the workout is already over


@dataclass(frozen=True, slots=True)
class NextUp:
    """A slot the runner will do next: which exercise, which set, which sides."""

    exercise_id: str  # the exercise actually done (after any easier or harder switch)
    set_number: int  # 1-based; the round in a circuit
    total_sets: int
    sides: tuple[Side, ...]  # sides in this slot, in order: (BOTH,), (LEFT, RIGHT), (RIGHT,) ...
    new_exercise: bool  # the previous slot was another exercise (an intro will come first)
    carry_on: CarryOn | None = None  # an interrupted set: where it carries on
    # Its amount today, after any adjustment: derived from the rest, so not part of equality.
    dosage: Dosage | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class WorkoutStarted:
    """A workout began."""

    workout_id: str
    exercise_count: int
    total_sets: int
    estimated_seconds: int
    full_seconds: int  # the unshortened workout's estimate
    shortened: bool
    light: bool = False  # a lighter session today (a long run yesterday, a race soon)
    refitted: int = 0  # exercises swapped or left out for equipment or a sore area
    equipment: frozenset[str] | None = None  # what today's version needs; None: as written
    changes: tuple[DoseChange, ...] = ()  # what the runner's feedback changed since last time


@dataclass(frozen=True, slots=True)
class ExerciseIntro:
    """Introduce an exercise before its set."""

    exercise_id: str
    first_time: bool  # first set of it in this workout
    heard_before: bool  # the runner heard its intro in an earlier workout
    previewed: bool = False  # its intro was said in full in the rest before: the set starts now


@dataclass(frozen=True, slots=True)
class SetPerformed:
    """One slot's work and the rest after it."""

    exercise_id: str  # the exercise actually done
    workout_exercise_id: str  # the workout's exercise this slot belongs to
    set_number: int  # 1-based; the round in a circuit
    total_sets: int
    dosage: Dosage  # adjusted: reps or hold seconds per side, tempo
    sides: tuple[Side, ...]  # sides worked in this response, in order
    rest_seconds: int  # rest to time in this response (capped to the audio budget)
    rest_prescribed_seconds: int  # the rest the plan asks for (set rest or round rest)
    round_end: bool  # a circuit round ends with this slot
    next_preview: NextUp | None  # what comes after the rest; None after the last slot
    slot: int = 0  # the plan's slot index, for the response's timing marks
    first_rep: int = 1  # the rep counted first on the first side (later for a set carried on)
    carried_on: bool = False  # an interrupted set carrying on from its side and rep
    previewed: bool = False  # what comes before its work was said in the rest before it


@dataclass(frozen=True, slots=True)
class Interrupted:
    """A request arrived while a response's timed audio played (see engine/schedule.py).

    In the set (`part` lead, work or switch) the set is not done: it carries on at `where`. In the
    rest after it the set is done and `rest_left` seconds of rest remain; `intro_cut` when the
    rest was still saying what the next set needs (its intro). `said` is the last rep number
    counted before the request, if any.
    """

    where: NextUp
    part: Part
    said: int | None
    rest_left: int
    intro_cut: bool = False


@dataclass(frozen=True, slots=True)
class AskReady:
    """The closing question: is the runner ready for `next`?"""

    next: NextUp


@dataclass(frozen=True, slots=True)
class Paused:
    """The workout is paused."""

    where: NextUp
    rolled_back: bool  # the interrupted set will be repeated


@dataclass(frozen=True, slots=True)
class Resumed:
    """The workout continues after a pause."""

    where: NextUp
    rolled_back: bool
    paused_seconds: float


@dataclass(frozen=True, slots=True)
class Status:
    """Where the runner is and what is left."""

    where: NextUp | None  # None when finished
    sets_done: int
    sets_left: int
    exercises_left: int
    seconds_left: int
    elapsed_seconds: int
    paused: bool


@dataclass(frozen=True, slots=True)
class Adjusted:
    """An exercise was made easier or harder for the rest of this workout."""

    exercise_id: str  # the workout's exercise
    direction: Direction
    new_dosage: Dosage
    switched_to: str | None  # the linked exercise now done instead; None: only the amount changed
    previous_exercise_id: str  # the exercise done before this adjustment


@dataclass(frozen=True, slots=True)
class Skipped:
    """An exercise was skipped for the rest of the workout."""

    exercise_id: str  # the workout's exercise


class SwapReason(StrEnum):
    """Why exercises were swapped mid-workout."""

    PAIN = "pain"  # they load an area that hurts
    EQUIPMENT = "equipment"  # they need kit the runner does not have


@dataclass(frozen=True, slots=True)
class Swapped:
    """Exercises still to come were swapped for stand-ins or left out; nothing diagnosed."""

    reason: SwapReason
    area: str | None  # the sore body area (PAIN)
    swaps: tuple[tuple[str, str], ...]  # (exercise done until now, its stand-in), in order
    dropped: tuple[str, ...]  # exercises (as done until now) left out, nothing to stand in
    current: bool  # the exercise in question was among them: it stops now


@dataclass(frozen=True, slots=True)
class Repeated:
    """The last performed slot is done again."""

    exercise_id: str
    set_number: int


@dataclass(frozen=True, slots=True)
class MovedOn:
    """On to the next exercise."""

    from_exercise_id: str
    where: NextUp


@dataclass(frozen=True, slots=True)
class MovedBack:
    """Back to the start of the previous exercise."""

    where: NextUp


@dataclass(frozen=True, slots=True)
class StartedOver:
    """Back to the start of an exercise or of the workout."""

    scope: Scope
    where: NextUp


@dataclass(frozen=True, slots=True)
class NotAllowed:
    """The move is not possible; nothing changed."""

    reason: Reason
    where: NextUp | None  # the slot the runner is still on, if a workout is active


@dataclass(frozen=True, slots=True)
class Summary:
    """What a finished workout amounted to."""

    workout_id: str
    elapsed_seconds: int
    exercises_done: tuple[str, ...]  # workout exercise ids, in workout order
    skipped: tuple[str, ...]  # workout exercise ids, in workout order
    sets_done: int
    completed: bool  # every slot was reached; False when finished early


@dataclass(frozen=True, slots=True)
class WorkoutFinished:
    """The workout is over."""

    summary: Summary


Event = (
    WorkoutStarted
    | ExerciseIntro
    | SetPerformed
    | Interrupted
    | AskReady
    | Paused
    | Resumed
    | Status
    | Adjusted
    | Skipped
    | Swapped
    | Repeated
    | MovedOn
    | MovedBack
    | StartedOver
    | NotAllowed
    | WorkoutFinished
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a transition returns: the new state (None when no workout) and the events to speak."""

    state: WorkoutState | None
    events: tuple[Event, ...]
