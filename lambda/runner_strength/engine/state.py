"""The state of one workout in progress, and the small enums it is made of.

A `WorkoutState` stores only parameters and a cursor: the workout id, how it was shortened
(`quick`, `target_seconds`), per-exercise adjustments, how it was fitted to the runner (set counts,
exercises left out, a light day), which exercises were skipped, and
`position`, the index of the next slot in the plan (see `plan.py`). The plan itself is never
stored; it is a pure function of the workout and these parameters, so content fixes reach
running workouts and the stored item stays small.

One "ready" performs one slot (a set, or one side of a long per-side set) in one voice response:
the work and the rest after it. After that response `position` already points at the next slot,
and `last_set` remembers when the performed slot's audio started and how long its parts last, so
the phase at any moment (work, rest or waiting for the runner) is derived from a clock passed in
(`phase_at`), never stored. Its `marks` are where each stretch of that response starts, as the
narration played it, so a request arriving mid-set is placed by its own timestamp
(`schedule.place`); a set it interrupted is not done and carries on (`carry_on`: side and rep).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from runner_strength.engine.fields import stored

if TYPE_CHECKING:
    from collections.abc import Mapping


class Side(StrEnum):
    """Which side a slot works: both at once (not per-side), or left or right of a per-side move."""

    BOTH = "both"
    LEFT = "left"
    RIGHT = "right"


class Phase(StrEnum):
    """Where the runner is at a given moment, derived from the clock (`phase_at`)."""

    INTRO = "intro"  # started, the first set not yet performed
    WORK = "work"  # the last performed set's audio is in its work part
    REST = "rest"  # ... in the rest after it
    READY = "ready"  # its audio is over: waiting for the runner to say ready
    DONE = "done"  # the workout is finished


class Direction(StrEnum):
    """Which way an in-workout adjustment goes."""

    EASIER = "easier"
    HARDER = "harder"


_MARK_LABEL = "timeline"


class Scope(StrEnum):
    """What "start over" restarts."""

    EXERCISE = "exercise"
    WORKOUT = "workout"


@dataclass(frozen=True, slots=True)
class Adjustment:
    """An exercise as the runner does it this session: maybe another exercise, and an amount.

    It starts from the runner's own dose (level, progress, equipment; see `personal.py`) and
    follows their easier and harder requests.

    `exercise_id` is the exercise actually done (the workout's own, or a linked easier or harder
    one); `amount` is its reps, or its hold seconds, per set and side.
    """

    exercise_id: str
    amount: int


class Part(StrEnum):
    """What a stretch of a response is."""

    LEAD = "lead"  # talk before a slot's work: the set has not begun
    WORK = "work"  # one side's work (or both at once)
    SWITCH = "switch"  # changing to the side the mark names
    REST = "rest"  # the slot's work is over
    END = "end"  # the response's timed audio is over


@dataclass(frozen=True, slots=True)
class Mark:
    """From `at` seconds into a response until the next mark, the runner is in this stretch.

    In a `WORK` stretch of reps, rep `first` starts at `at` and each next rep `beat` seconds
    later; a hold has `beat` 0 (an interrupted hold is done again, whole).
    """

    at: float
    slot: int
    side: Side
    part: Part
    first: int = 1
    beat: float = 0.0

    def label(self) -> str:
        """The mark as a name the narration can carry through its speech (see `from_label`)."""
        return f"{_MARK_LABEL}:{self.part}:{self.slot}:{self.side}:{self.first}:{self.beat:g}"

    @staticmethod
    def from_label(name: str, at: float) -> Mark | None:
        """The mark a `label` names, placed at `at`; None for any other name."""
        parts = name.split(":")
        if len(parts) != 6 or parts[0] != _MARK_LABEL:  # the label's six fields
            return None
        _, part, slot, side, first, beat = parts
        return Mark(round(at, 2), int(slot), Side(side), Part(part), int(first), float(beat))


@dataclass(frozen=True, slots=True)
class LastSet:
    """The slot performed most recently and its audio timeline, for clock-derived phases.

    Offsets are seconds from `started_at`: the work ends at `work_ends`, the rest at `audio_ends`.
    """

    slot: int
    exercise_id: str  # the exercise actually done, which an easier or harder switch may change
    started_at: float  # the timestamp of the request whose response played it
    work_ends: float
    audio_ends: float
    # Where each stretch of the response starts (see engine/schedule.py), as the narration
    # played it; empty for a response not yet narrated (engine tests) or one cut short.
    marks: tuple[Mark, ...] = field(default=(), metadata=stored(since=5))


@dataclass(frozen=True, slots=True)
class CarryOn:
    """Where an interrupted set carries on: at rep `rep` on `side` of the slot at `position`."""

    side: Side
    rep: int = 1


@dataclass(frozen=True, slots=True)
class WorkoutState:
    """One workout in progress on one device.

    Holds a `Mapping` and is therefore not hashable; compare with `==`.
    """

    id: str  # unique per started workout; becomes the history entry id
    workout_id: str
    started_at: float
    updated_at: float
    position: int = 0  # the next slot to perform, an index into the derived plan
    quick: bool = False
    target_seconds: int | None = None
    # Keyed by the workout's own exercise id (a workout lists an exercise at most once).
    adjustments: Mapping[str, Adjustment] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()  # workout exercise ids the runner skipped
    # Fitted to the runner at the start (engine/personal.py): sets per workout exercise (straight
    # sets), exercises left out for want of kit or to spare a sore area, and a light day.
    set_counts: Mapping[str, int] = field(default_factory=dict, metadata=stored(since=2))
    omitted: frozenset[str] = field(default=frozenset(), metadata=stored(since=2))
    light: bool = field(default=False, metadata=stored(since=2))
    done: frozenset[str] = frozenset()  # workout exercise ids with at least one side performed
    introduced: frozenset[str] = frozenset()  # exercise ids introduced in this workout
    heard_before: frozenset[str] = frozenset()  # intros heard in earlier workouts (from the record)
    last_set: LastSet | None = None
    paused: bool = False
    paused_at: float | None = None
    rolled_back: bool = False  # the pause interrupted a set's work, so resume repeats that set
    finished: bool = False
    # Navigation a runner can trust, and pain reports in this workout.
    # Where the runner was before a skip: "go back" returns there.
    undo_skip: int | None = field(default=None, metadata=stored(since=3))
    # After "previous", carry on here once that exercise is redone.
    return_to: int | None = field(default=None, metadata=stored(since=3))
    # How often something hurt during this workout.
    pain_reports: int = field(default=0, metadata=stored(since=3))
    # A set interrupted by a request in its work: it is not done, and carries on from here.
    carry_on: CarryOn | None = field(default=None, metadata=stored(since=5))
    # What the next set needs said, said before it (in the rest, or before the first set's
    # question) so "ready" starts it at once: its exercise, and the request-clock second the
    # last word ends. Heard only if the runner spoke after that; a request before it clears it.
    preview: str = field(default="", metadata=stored(since=6))
    preview_ends: float = field(default=0.0, metadata=stored(since=6))
    # The runner had asked to be asked after every set when this workout started: its plan times
    # a question and an answer after each set, so its announced length and its fit to a time
    # budget hold. Fixed at the start: a shortened plan must not change under the runner.
    every_set: bool = field(default=False, metadata=stored(since=8))

    def phase_at(self, now: float) -> Phase:
        """The phase at `now`, derived from when the last performed set's audio started."""
        if self.finished:
            return Phase.DONE
        last = self.last_set
        if last is None or self.rolled_back:
            return Phase.INTRO if last is None else Phase.READY
        elapsed = now - last.started_at
        if elapsed < last.work_ends:
            return Phase.WORK
        if elapsed < last.audio_ends:
            return Phase.REST
        return Phase.READY
