"""Fitting a workout to one runner and one day: level, progress, equipment, sore areas, light days.

`fit_workout` is a pure function of the library, the workout and what the record knows about the
runner. Its `DayPlan` becomes the starting parameters of a `WorkoutState` (adjustments, set counts,
left-out exercises, the light flag), so the plan stays a pure function of the state.

For each of the workout's exercises, in this order:

1. the dose: next time's dose from the runner's feedback if there is one, else the level's;
2. equipment: an exercise needing kit the runner lacks becomes its easier linked exercise, or a
   similar one, that needs none of it; with none, it is left out;
3. sore areas: an exercise loading an area that hurts today becomes a gentler one of a similar
   category that spares it (`gentler`); with none, it is left out;
4. a light day (a long run yesterday, a race soon) leaves out heavy lower-body work, or swaps in
   its easier linked exercise when that is not heavy; the plan also drops a set (see `plan.py`).

Every stand-in passes `fair_stand_in`: never more intense, never a higher level, never a harder
version of the exercise, never kit beyond the exercise's own that the runner has. When nothing
passes, the exercise is left out and the coach says so.

Nothing is ever fitted down to an empty workout: if everything would go, nothing is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from runner_strength.content.model import Category, Format, Intensity, Level, Mode
from runner_strength.engine.memo import Same
from runner_strength.engine.progress import MAX_SETS, MIN_SETS, Dose, level_dose
from runner_strength.engine.state import Adjustment

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from runner_strength.content.model import Exercise, Library, Workout, WorkoutItem
    from runner_strength.engine.progress import ExerciseProgress

LOWER_BODY = frozenset({Category.LOWER_LEG, Category.HIPS, Category.LEGS})
# How an exercise's muscles and safety notes name each body area. A stand-in
# whose own safety note names the sore area ("stop if your inner knee hurts") loads it too.
AREA_WORDS: Mapping[str, tuple[str, ...]] = {
    "foot": ("foot", "feet", "arch", "plantar", "sole of"),
    "ankle": ("ankle",),
    "achilles": ("achilles",),
    "calf": ("calf", "calves", "gastrocnemius", "soleus"),
    "shin": ("shin", "tibialis"),
    "knee": ("knee",),
    "hamstring": ("hamstring",),
    "quad": ("quad",),
    "hip": ("hip",),
    "groin": ("groin", "adductor", "inner thigh"),
    "glute": ("glute",),
    "lower_back": ("lower back", "low back"),
    "upper_back": ("upper back", "shoulder blade", "lats", "rhomboid"),
    "shoulder": ("shoulder",),
    "wrist": ("wrist",),
    "neck": ("neck",),
}
# Where to look for a stand-in when no exercise of the same category fits, closest first.
SIMILAR: Mapping[Category, tuple[Category, ...]] = {
    Category.LOWER_LEG: (Category.MOBILITY, Category.HIPS),
    Category.MOBILITY: (Category.LOWER_LEG, Category.CORE),
    Category.HIPS: (Category.LEGS, Category.CORE),
    Category.LEGS: (Category.HIPS, Category.CORE),
    Category.CORE: (Category.HIPS,),
    Category.UPPER_BODY: (Category.CORE,),
}
# A runner without a band rarely has a mini band either: saying "band" covers both.
IMPLIED_MISSING: Mapping[str, frozenset[str]] = {"band": frozenset({"mini_band"})}
# `doable` answers memoised: workouts x levels x the few kit combinations runners name.
DOABLE_CACHE_SIZE = 512
_LEVEL_ORDER = (Level.BEGINNER, Level.INTERMEDIATE, Level.ADVANCED)
_INTENSITY_ORDER = (Intensity.LIGHT, Intensity.MODERATE, Intensity.HEAVY)


@dataclass(frozen=True, slots=True)
class DoseChange:
    """An exercise done differently today because of the runner's feedback, for the narrator."""

    exercise_id: str  # the workout's exercise
    before: Dose  # what was done last time
    after: Dose  # what today asks for
    sets_before: int
    sets_after: int
    mode_before: Mode  # how `before.amount` is spoken: reps or seconds


@dataclass(frozen=True, slots=True)
class DayPlan:
    """A workout fitted to the runner for today; what `transitions.start` puts into the state."""

    adjustments: Mapping[str, Adjustment] = field(default_factory=dict)
    set_counts: Mapping[str, int] = field(default_factory=dict)  # straight sets only
    omitted: frozenset[str] = frozenset()
    light: bool = False
    changes: tuple[DoseChange, ...] = ()  # from feedback, in workout order
    refitted: tuple[str, ...] = ()  # workout exercise ids swapped or left out (kit, soreness)


# ---------------------------------------------------------------- small predicates


def with_implied(missing: Iterable[str]) -> frozenset[str]:
    """The equipment a runner lacks, with what saying it implies (no band: no mini band)."""
    out = set(missing)
    for item in list(out):
        out |= IMPLIED_MISSING.get(item, frozenset())
    return frozenset(out)


def needs_missing(exercise: Exercise, missing: frozenset[str]) -> bool:
    """Whether an exercise needs equipment the runner does not have."""
    return bool(exercise.equipment & missing)


def heavy_lower_body(exercise: Exercise) -> bool:
    """Heavy lower-body work: what a light day leaves out."""
    return exercise.intensity is Intensity.HEAVY and exercise.category in LOWER_BODY


def suits_level(level_of_workout: Level, runner: Level | None) -> bool:
    """Whether a workout of one level is in the rotation of a runner of another (None: all)."""
    if runner is None:
        return True
    return _LEVEL_ORDER.index(level_of_workout) <= _LEVEL_ORDER.index(runner)


# ---------------------------------------------------------------- stand-ins


def harder_versions(library: Library, exercise_id: str) -> frozenset[str]:
    """Every exercise the content names as a harder version of this one, directly or in a chain.

    Its `harder` link, that exercise's `harder` link and so on, and every exercise whose `easier`
    link leads back down to it: none of them may ever stand in for it.
    """
    above: set[str] = set()
    frontier = [exercise_id]
    while frontier:
        current = library.exercises.get(frontier.pop())
        if current is None:
            continue
        linked = [current.harder.exercise] if current.harder is not None else []
        linked += [
            e.id
            for e in library.exercises.values()
            if e.easier is not None and e.easier.exercise == current.id
        ]
        for other in linked:
            if other is not None and other != exercise_id and other not in above:
                above.add(other)
                frontier.append(other)
    return frozenset(above)


def fair_stand_in(
    library: Library, original: Exercise, candidate: Exercise, missing: frozenset[str]
) -> bool:
    """Whether `candidate` may replace `original`: never harder, never new kit.

    Never more intense, never a higher level, never a harder version of it, and needing no kit
    beyond what the original needs and the runner has (a stand-in never sends anyone shopping).
    """
    return (
        _INTENSITY_ORDER.index(candidate.intensity) <= _INTENSITY_ORDER.index(original.intensity)
        and _LEVEL_ORDER.index(candidate.level) <= _LEVEL_ORDER.index(original.level)
        and candidate.equipment <= original.equipment - missing
        and candidate.id not in harder_versions(library, original.id)
    )


def _stand_in(
    library: Library,
    exercise_id: str,
    fits: Callable[[Exercise], bool],
    exclude: frozenset[str],
    *,
    missing: frozenset[str],
) -> str | None:
    """The closest fair exercise to `exercise_id` that `fits`, or None: then it is dropped.

    Its easier link first (never its harder one); then one of the same or a similar category,
    measured the same way (reps or a hold), less kit, lighter and closer in level first. Every
    choice passes `fair_stand_in`: a stand-in is never harder than what it replaces.
    """
    exercise = library.exercise(exercise_id)

    def allowed(e: Exercise) -> bool:
        return (
            e.id not in exclude
            and e.id != exercise_id
            and fair_stand_in(library, exercise, e, missing)
            and fits(e)
        )

    linked = exercise.easier.exercise if exercise.easier is not None else None
    if linked is not None and linked in library.exercises and allowed(library.exercise(linked)):
        return linked
    categories = (exercise.category, *SIMILAR.get(exercise.category, ()))
    candidates = [e for e in library.exercises.values() if e.category in categories and allowed(e)]
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda e: (
            categories.index(e.category),
            e.dosage.mode is not exercise.dosage.mode,  # reps stand in for reps, a hold for a hold
            len(e.equipment),  # a stand-in should not send the runner off to find more kit
            _INTENSITY_ORDER.index(e.intensity),
            abs(_LEVEL_ORDER.index(e.level) - _LEVEL_ORDER.index(exercise.level)),
            -len(set(e.muscles) & set(exercise.muscles)),  # the same muscles, where it can
            len(e.stresses),  # then the one that loads the fewest areas
            e.id,
        ),
    )
    return best.id


@lru_cache(maxsize=64)
def _area_pattern(area: str) -> re.Pattern[str]:
    words = AREA_WORDS.get(area, (area.replace("_", " "),))
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


def loads(exercise: Exercise, area: str) -> bool:
    """Whether an exercise loads a body area: it stresses it, works it, or warns about it."""
    if area in exercise.stresses:
        return True
    pattern = _area_pattern(area)
    return any(pattern.search(text) for text in (*exercise.muscles, *exercise.safety))


def gentler(
    library: Library,
    exercise_id: str,
    area: str,
    *,
    missing: frozenset[str] = frozenset(),
    exclude: frozenset[str] = frozenset(),
) -> str | None:
    """A stand-in for an exercise that hurts `area`: fair, sparing the area, never heavy."""

    def fits(e: Exercise) -> bool:
        return not loads(e, area) and e.intensity is not Intensity.HEAVY

    return _stand_in(library, exercise_id, fits, exclude, missing=with_implied(missing))


def kit_free(
    library: Library,
    exercise_id: str,
    missing: frozenset[str],
    *,
    exclude: frozenset[str] = frozenset(),
) -> str | None:
    """A stand-in for an exercise needing kit the runner lacks: fair, needing none of it."""
    return _stand_in(library, exercise_id, lambda _: True, exclude, missing=with_implied(missing))


# ---------------------------------------------------------------- fitting a workout


@dataclass
class _Fitting:
    """What `fit_workout` gathers item by item."""

    doses: dict[str, Dose] = field(default_factory=dict)
    omitted: set[str] = field(default_factory=set)
    refitted: list[str] = field(default_factory=list)


def _item_dose(
    library: Library,
    item: WorkoutItem,
    level: Level | None,
    progress: ExerciseProgress | None,
    usable: Callable[[Exercise], bool],
) -> Dose:
    planned = progress.next if progress is not None else None
    if (
        planned is not None
        and planned.exercise_id in library.exercises
        and usable(library.exercise(planned.exercise_id))
    ):
        own = library.exercise(planned.exercise_id).dosage.with_amount(planned.amount)
        return Dose(planned.exercise_id, own.amount(), planned.extra_sets)
    return level_dose(library, item, level, usable)


def fit_workout(  # noqa: PLR0913  # everything the record knows that shapes today, by keyword
    library: Library,
    workout: Workout,
    *,
    level: Level | None = None,
    missing: frozenset[str] = frozenset(),
    progress: Mapping[str, ExerciseProgress] | None = None,
    sore: frozenset[str] = frozenset(),
    light: bool = False,
) -> DayPlan:
    """`workout` fitted to the runner today (see the module docstring for the order of steps)."""
    progress = progress or {}
    missing = with_implied(missing)

    def usable(e: Exercise) -> bool:
        return not needs_missing(e, missing)

    own_ids = frozenset(item.exercise_id for item in workout.items)
    fitting = _Fitting()
    for item in workout.items:
        dose = _item_dose(library, item, level, progress.get(item.exercise_id), usable)
        taken = own_ids | {d.exercise_id for d in fitting.doses.values()}
        fitted, refitted = _fit_item(library, dose, missing, sore, exclude=taken, light=light)
        if refitted:
            fitting.refitted.append(item.exercise_id)
        if fitted is None:
            fitting.omitted.add(item.exercise_id)
        else:
            fitting.doses[item.exercise_id] = fitted
    if len(fitting.omitted) == len(workout.items):
        # Better the workout as it is than no workout at all.
        fitting.omitted.clear()
        fitting.doses = {
            i.exercise_id: Dose(i.exercise_id, i.dosage.amount()) for i in workout.items
        }
    return _day_plan(library, workout, fitting, progress, light=light)


def _fit_item(  # noqa: PLR0913  # one item's dose and every constraint of the day
    library: Library,
    dose: Dose,
    missing: frozenset[str],
    sore: frozenset[str],
    *,
    exclude: frozenset[str],
    light: bool,
) -> tuple[Dose | None, bool]:
    """The dose after equipment, soreness and a light day (None: left out), and whether changed.

    Only kit or soreness count as a change: a light day's changes are announced as the light day.
    """
    current = dose
    if needs_missing(library.exercise(current.exercise_id), missing):
        swap = kit_free(library, current.exercise_id, missing, exclude=exclude)
        if swap is None:
            return None, True
        current = Dose(swap, library.exercise(swap).dosage.amount(), current.extra_sets)
    for area in sorted(sore):
        if loads(library.exercise(current.exercise_id), area):
            swap = gentler(library, current.exercise_id, area, missing=missing, exclude=exclude)
            if swap is None or any(loads(library.exercise(swap), a) for a in sore):
                return None, True
            current = Dose(swap, library.exercise(swap).dosage.amount(), current.extra_sets)
    refitted = current != dose
    if light and heavy_lower_body(library.exercise(current.exercise_id)):
        easier = library.exercise(current.exercise_id).easier
        linked = easier.exercise if easier is not None else None
        original = library.exercise(current.exercise_id)
        if (
            linked is None
            or linked not in library.exercises
            or heavy_lower_body(library.exercise(linked))
            or not fair_stand_in(library, original, library.exercise(linked), missing)
        ):
            return None, refitted
        current = Dose(linked, library.exercise(linked).dosage.amount(), current.extra_sets)
    return current, refitted


def _day_plan(
    library: Library,
    workout: Workout,
    fitting: _Fitting,
    progress: Mapping[str, ExerciseProgress],
    *,
    light: bool,
) -> DayPlan:
    adjustments: dict[str, Adjustment] = {}
    set_counts: dict[str, int] = {}
    changes: list[DoseChange] = []
    for item in workout.items:
        dose = fitting.doses.get(item.exercise_id)
        if dose is None:
            continue
        if (dose.exercise_id, dose.amount) != (item.exercise_id, item.dosage.amount()):
            adjustments[item.exercise_id] = Adjustment(dose.exercise_id, dose.amount)
        sets = max(MIN_SETS, min(MAX_SETS, item.dosage.sets + dose.extra_sets))
        if workout.format is Format.STRAIGHT and sets != item.dosage.sets:
            set_counts[item.exercise_id] = sets
        change = _change(library, item, dose, progress.get(item.exercise_id), workout.format)
        if change is not None and item.exercise_id not in fitting.refitted:
            changes.append(change)
    return DayPlan(
        adjustments=adjustments,
        set_counts=set_counts,
        omitted=frozenset(fitting.omitted),
        light=light,
        changes=tuple(changes),
        refitted=tuple(fitting.refitted),
    )


def _change(
    library: Library,
    item: WorkoutItem,
    dose: Dose,
    progress: ExerciseProgress | None,
    workout_format: Format,
) -> DoseChange | None:
    """Today's dose against last time's, when the runner's feedback made them differ."""
    if progress is None or progress.next is None or progress.last is None:
        return None
    last = progress.last
    if last.exercise_id not in library.exercises:
        return None
    straight = workout_format is Format.STRAIGHT
    sets_before = item.dosage.sets + last.extra_sets if straight else item.dosage.sets
    sets_after = item.dosage.sets + dose.extra_sets if straight else item.dosage.sets
    if (last.exercise_id, last.amount, sets_before) == (dose.exercise_id, dose.amount, sets_after):
        return None
    return DoseChange(
        exercise_id=item.exercise_id,
        before=last,
        after=dose,
        sets_before=max(MIN_SETS, min(MAX_SETS, sets_before)),
        sets_after=max(MIN_SETS, min(MAX_SETS, sets_after)),
        mode_before=library.exercise(last.exercise_id).dosage.mode,
    )


def doable(
    library: Library,
    workout: Workout,
    *,
    level: Level | None,
    missing: frozenset[str],
) -> bool:
    """Whether a workout belongs in this runner's rotation.

    It suits their level, and every exercise needing kit they lack has a linked easier or harder
    version that needs none: the workout stays itself. (Started by name, a workout that is not
    doable still runs, with stand-ins of a similar category or exercises left out.)

    Memoised: every launch asks this of each workout in the catalogue.
    """
    return _doable(Same(library), Same(workout), level, frozenset(missing))


@lru_cache(maxsize=DOABLE_CACHE_SIZE)
def _doable(
    library_key: Same[Library],
    workout_key: Same[Workout],
    level: Level | None,
    missing: frozenset[str],
) -> bool:
    library, workout = library_key.value, workout_key.value
    if not suits_level(workout.level, level):
        return False
    kit = with_implied(missing)

    def usable(e: Exercise) -> bool:
        return not needs_missing(e, kit)

    for item in workout.items:
        exercise = library.exercise(level_dose(library, item, level, usable).exercise_id)
        if usable(exercise):
            continue
        links = [
            o.exercise
            for o in (exercise.easier, exercise.harder)
            if o is not None and o.exercise in library.exercises
        ]
        if not any(usable(library.exercise(link)) for link in links if link is not None):
            return False
    return True
