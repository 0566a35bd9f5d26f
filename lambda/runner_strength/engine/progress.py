"""Per-exercise progress: how an exercise felt, what was done last time, what to do next time.

After a set the runner may say an exercise was too easy, too hard or just right. `next_dose`
turns that into next time's dose, one step at a time and always inside the content's safe ranges:

- too easy: more reps (or a longer hold) up to the top of the range, then one extra set (straight
  sets only; a circuit's rounds are the workout's), then the linked harder exercise at its own
  prescribed amount;
- too hard: the same ladder downwards: fewer reps or seconds, one set fewer, the easier exercise;
- just right: the same again.

A runner's level (`level_dose`) decides where an exercise starts before any feedback: a beginner
starts at the bottom of the range with a set fewer (and the easier linked exercise for moves above
beginner level), an advanced runner at the top of the range or on the harder linked exercise.
Progress is keyed by the workout's exercise id, so it carries over between workouts that share
an exercise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from runner_strength.content.model import Level, Mode
from runner_strength.engine.plan import step_amount

if TYPE_CHECKING:
    from collections.abc import Callable

    from runner_strength.content.model import Dosage, Exercise, Library, WorkoutItem

# Sets a runner's progress may add to or take from a workout's prescription: one step either way
# keeps the session near the length the workout states.
MAX_EXTRA_SETS = 1
MIN_EXTRA_SETS = -1
# The content's own bounds on sets (see content/SCHEMA.md).
MIN_SETS = 1
MAX_SETS = 6
# A beginner drops a set only from exercises with more than this many, so nothing falls to one.
BEGINNER_KEEPS_SETS = 2


class Feeling(StrEnum):
    """How an exercise felt, as the runner said after a set."""

    TOO_EASY = "too_easy"
    JUST_RIGHT = "just_right"
    TOO_HARD = "too_hard"


class Change(StrEnum):
    """What one step of progression changed."""

    MORE = "more"  # more reps, or a longer hold
    LESS = "less"
    MORE_SETS = "more_sets"
    FEWER_SETS = "fewer_sets"
    HARDER_EXERCISE = "harder_exercise"  # the linked harder exercise takes over
    EASIER_EXERCISE = "easier_exercise"
    SAME = "same"  # just right: keep it
    AT_TOP = "at_top"  # too easy, but nothing harder within the safe range
    AT_BOTTOM = "at_bottom"  # too hard, but nothing easier


@dataclass(frozen=True, slots=True)
class Dose:
    """How much of an exercise: the exercise actually done, its amount, and sets beyond the plan.

    `amount` is reps, or hold seconds, per set and side. `extra_sets` is relative to whatever the
    workout prescribes, so one dose fits every workout that has the exercise.
    """

    exercise_id: str
    amount: int
    extra_sets: int = 0


@dataclass(frozen=True, slots=True)
class ExerciseProgress:
    """One exercise's progress: the last dose done, next time's dose, and the last feeling."""

    last: Dose | None = None  # what was done last time
    last_at: float | None = None  # when (epoch seconds)
    next: Dose | None = None  # next time's dose; None: the runner's level decides
    feeling: Feeling | None = None  # the last thing the runner said about it
    feeling_at: float | None = None  # when
    updated_at: float = 0.0  # for merging two versions of a record: the newer wins


@dataclass(frozen=True, slots=True)
class Step:
    """Next time's dose and what changed to get there."""

    dose: Dose
    change: Change


def bounds(dosage: Dosage) -> tuple[int, int]:
    """The safe range of a dosage's amount (the prescribed amount alone when it has none)."""
    amount = dosage.amount()
    found = dosage.reps_range if dosage.mode is Mode.REPS else dosage.hold_range
    return found or (amount, amount)


def _linked(library: Library, exercise: Exercise, *, easier: bool) -> str | None:
    option = exercise.easier if easier else exercise.harder
    linked = option.exercise if option is not None else None
    return linked if linked is not None and linked in library.exercises else None


def next_dose(  # noqa: PLR0913  # the dose, where it sits, and what the runner said, all by keyword
    library: Library,
    dose: Dose,
    feeling: Feeling,
    *,
    base_sets: int,
    sets_count: bool,
    usable: Callable[[Exercise], bool] = lambda _: True,
) -> Step:
    """One step of progression from `dose` after `feeling`.

    `base_sets` is what the workout prescribes; `sets_count` is False for a circuit, whose rounds
    are the workout's. `usable` says which linked exercises the runner can do (equipment).
    """
    if feeling is Feeling.JUST_RIGHT or dose.exercise_id not in library.exercises:
        return Step(dose, Change.SAME)
    exercise = library.exercise(dose.exercise_id)
    easier = feeling is Feeling.TOO_HARD
    stepped = step_amount(exercise.dosage.with_amount(dose.amount), easier=easier)
    if stepped is not None:
        return Step(replace(dose, amount=stepped), Change.LESS if easier else Change.MORE)
    if sets_count:
        sets = base_sets + dose.extra_sets
        if easier and dose.extra_sets > MIN_EXTRA_SETS and sets > MIN_SETS:
            return Step(replace(dose, extra_sets=dose.extra_sets - 1), Change.FEWER_SETS)
        if not easier and dose.extra_sets < MAX_EXTRA_SETS and sets < MAX_SETS:
            return Step(replace(dose, extra_sets=dose.extra_sets + 1), Change.MORE_SETS)
    linked = _linked(library, exercise, easier=easier)
    if linked is not None and usable(library.exercise(linked)):
        # The linked exercise starts fresh at its own prescription: its amount means something else.
        return Step(
            Dose(linked, library.exercise(linked).dosage.amount()),
            Change.EASIER_EXERCISE if easier else Change.HARDER_EXERCISE,
        )
    return Step(dose, Change.AT_BOTTOM if easier else Change.AT_TOP)


def level_dose(
    library: Library,
    item: WorkoutItem,
    level: Level | None,
    usable: Callable[[Exercise], bool] = lambda _: True,
) -> Dose:
    """Where a workout item starts for a runner of `level` before any feedback.

    Intermediate (and no level said) is the workout as written.
    """
    exercise = library.exercise(item.exercise_id)
    written = Dose(item.exercise_id, item.dosage.amount())
    if level is Level.BEGINNER:
        extra = -1 if item.dosage.sets > BEGINNER_KEEPS_SETS else 0
        linked = _linked(library, exercise, easier=True)
        if (
            exercise.level is not Level.BEGINNER
            and linked is not None
            and usable(library.exercise(linked))
        ):
            low = bounds(library.exercise(linked).dosage)[0]
            return Dose(linked, low, extra)
        return Dose(item.exercise_id, bounds(item.dosage)[0], extra)
    if level is Level.ADVANCED:
        linked = _linked(library, exercise, easier=False)
        if linked is not None and usable(library.exercise(linked)):
            return Dose(linked, library.exercise(linked).dosage.amount())
        return Dose(item.exercise_id, bounds(item.dosage)[1])
    return written
