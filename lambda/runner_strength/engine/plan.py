"""A workout expanded into the ordered slots the runner does, and how they group into responses.

The plan is a pure function of the library, the workout, how it was fitted to the runner (set
counts, exercises left out, a light day), how it was shortened and the runner's per-exercise
adjustments; a `WorkoutState` stores only those parameters and an index into it.

A light day takes one set from every exercise (one round from a circuit), down to one.

- Straight sets: every set of one exercise, then the next exercise.
- Circuit: one set of each exercise per round, `rounds` times.
- Per-side exercises: left, then right, inside one set. When one set (talk, work on both sides
  and the rest after it) would run past `MAX_RESPONSE_SECONDS` of audio, the set becomes two
  slots, the left side and the right side, so a set with its rest stays under 240 s. The rest
  timed is capped to what that budget leaves.

One response plays a slot and the slots that flow on from it (`Plan.response_end`): the next sets
of the same exercise, or the next stations of the same circuit round, while the response keeps
to Alexa's limits (five audio tags, 8,000 characters) with a margin. The rest between them leads
straight into the next set; the runner answers only where a response ends, between exercises.
The workout's last set plays alone: its response finishes the workout.

Rests: a set's own rest after each set; after the last set of a circuit round the longer of it
and the round rest; none after a left side (the right side follows) or after the last set. The
plan's `estimated_seconds` (for "what's left") sums these; shortening is measured with the
content's own `Workout.estimated_seconds`, the number the catalogue states.

Shortening ("quick", or "I have twenty minutes") is deterministic: first fewer rounds or sets
(down to two), then fewer exercises (down to three, dropped from the end), then single sets,
then fewer exercises down to one, stopping as soon as `Workout.estimated_seconds` fits.

Being pure, plans are memoised: every turn of a workout rebuilds the plan its state indexes into,
so `build_plan` keeps the last `PLAN_CACHE_SIZE` plans, keyed on the library object itself and the
parameters frozen into a hashable key. A `Plan` is never changed after it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from runner_strength.content.model import (
    SET_TALK_SECONDS,
    SIDE_SWITCH_SECONDS,
    Dosage,
    Format,
    Library,
    Mode,
    Workout,
    WorkoutItem,
)
from runner_strength.engine.memo import Same
from runner_strength.engine.pace import (
    ANSWER_SECONDS,
    QUESTION_SECONDS,
    TAKE_LONGER_SECONDS,
    Intro,
    SetShape,
    opening_seconds,
    rest_holding_intro,
    said_in_rest_seconds,
    set_talk_seconds,
    summary_seconds,
)
from runner_strength.engine.state import Adjustment, Side

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

# One set with its rest is held to 240 s of audio (the narration's per-set budget, which keeps a
# countdown and its rest in one stretch a runner can follow); 40 s are left for the estimate's
# error. A response of several sets is bounded by `CHAIN_BUDGET_SECONDS`.
MAX_RESPONSE_SECONDS = 200
# A response holds the next exercise's intro in its rest while its audio stays under this (the
# narration's budget, less the line said when a rest is cut short).
PREVIEW_BUDGET_SECONDS = 228
# One response plays consecutive sets of one exercise (or the stations of one circuit round) while
# their estimated length stays under this (see `Plan.response_end`). Alexa's limit that binds is
# the 8,000 characters of speech: the densest set response in the catalogue is about 15
# characters a second, so 440 s stays under 7,500 characters (tests/narration/
# test_heard_transcript.py holds every response of every version under 7,500).
CHAIN_BUDGET_SECONDS = 440
# Sets one response plays at most: each set starts on a tone and the last rest ends on one, and
# Alexa plays at most five audio tags a response.
MAX_CHAINED_SETS = 4
# Seconds an exercise intro (name, why, set-up, cues) is allowed in the audio budget.
INTRO_SECONDS = 30
# "Quick" asks for at most this many seconds, and at most QUICK_FRACTION of the full workout.
QUICK_SECONDS = 15 * 60
QUICK_FRACTION = 0.6
# Shortening keeps this many sets (or rounds) and exercises before going lower.
_KEEP_SETS = 2
_KEEP_EXERCISES = 3
# One easier or harder step.
REP_STEP = 2
HOLD_STEP = 5
# Plans memoised by `build_plan`: a few per runner in a workout, for a process serving many.
PLAN_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Slot:
    """One response's work: one set, or one side of a split per-side set."""

    exercise_id: str  # the workout's exercise
    set_index: int  # 0-based; the round in a circuit
    total_sets: int
    sides: tuple[Side, ...]
    round_end: bool  # the last slot of a circuit round that is not the last round
    final: bool  # the last slot of the workout

    @property
    def set_number(self) -> int:
        """The 1-based set number (the round in a circuit)."""
        return self.set_index + 1

    @property
    def completes_set(self) -> bool:
        """Whether the set is done once this slot is: true unless it is a split set's left side."""
        return self.sides != (Side.LEFT,)

    @property
    def starts_set(self) -> bool:
        """Whether this slot begins its set: true unless it is a split set's right side."""
        return self.sides != (Side.RIGHT,)


@dataclass(frozen=True, slots=True)
class Timing:
    """Estimated seconds of one slot's audio: talk before the work, the work, and the rest."""

    lead: float
    work: float
    rest_prescribed: int
    rest_timed: int

    @property
    def work_ends(self) -> float:
        """Seconds from the response's start until the work is over."""
        return self.lead + self.work

    @property
    def total(self) -> float:
        """Seconds of the whole response."""
        return self.lead + self.work + self.rest_timed


@dataclass(frozen=True, slots=True)
class Plan:
    """The slots of one workout as this runner does it today."""

    full: Workout  # as written in the content
    today: Workout  # fitted to the runner (set counts, left-out exercises, a light day)
    workout: Workout  # after shortening
    slots: tuple[Slot, ...]
    dosages: Mapping[str, Dosage]  # by workout exercise id, after adjustments
    performed: Mapping[str, str]  # workout exercise id -> the exercise actually done
    # Seconds each slot plays (talk, work, timed rest, question) and the runner's answer to it,
    # and the opening before the first: `engine/pace.py`'s model, the one behind every length said.
    played: tuple[float, ...] = ()
    # Seconds each slot's response plays when it is the only set in it, its question included.
    alone: tuple[float, ...] = ()
    opening: float = 0.0
    today_seconds: int = 0  # the whole of `today` before shortening, played the same way
    light: bool = False  # a light day's version
    most: int = MAX_CHAINED_SETS  # sets one response plays at most, as `played` is timed

    def __len__(self) -> int:
        return len(self.slots)

    def exercise_ids(self) -> tuple[str, ...]:
        """The workout's exercise ids in order (after shortening)."""
        return tuple(item.exercise_id for item in self.workout.items)

    def timing(self, index: int, *, intro: bool) -> Timing:
        """Estimated audio of slot `index`; `intro` when an exercise intro comes first."""
        slot = self.slots[index]
        dosage = self.dosages[slot.exercise_id]
        lead = SET_TALK_SECONDS + (INTRO_SECONDS if intro else 0)
        return _timing(dosage, slot, self.workout.round_rest_seconds, lead)

    def response_end(self, start: int, most: int = MAX_CHAINED_SETS) -> int:
        """The slot after the last one a response starting with slot `start` plays.

        The sets that follow in the same response: the next sets of the same exercise, or the
        next stations of the same circuit round, at most `most` sets in all, while the whole
        response's estimated audio stays under `CHAIN_BUDGET_SECONDS`. A question comes only
        where a response ends, so a runner answers once for sets that flow into each other.
        """
        end = start + 1
        seconds = self.alone[start] if start < len(self.alone) else 0.0
        while end < len(self.slots) and end - start < most and self._joins(end):
            seconds += self.alone[end] - QUESTION_SECONDS  # one question, at the end
            if seconds > CHAIN_BUDGET_SECONDS:
                break
            end += 1
        return end

    def _joins(self, index: int) -> bool:
        """Whether slot `index` may follow the slot before it in one response."""
        before, after = self.slots[index - 1], self.slots[index]
        # The workout's last set plays on its own: the response that plays it also finishes the
        # workout into the history, and a request in the work of sets before it in the same
        # response would find no workout left to carry on.
        if not (before.completes_set and after.starts_set) or before.final or after.final:
            return False
        if self.workout.format is Format.CIRCUIT:
            return not before.round_end and after.set_index == before.set_index
        return after.exercise_id == before.exercise_id

    def estimated_seconds(self, start: int = 0, skipped: frozenset[str] = frozenset()) -> int:
        """Seconds the slots from `start` on play (skipped exercises left out), answers included."""
        return round(
            sum(
                self.played[index]
                for index in range(start, len(self.slots))
                if self.slots[index].exercise_id not in skipped
            )
        )

    def total_seconds(self) -> int:
        """Seconds the whole workout plays from its opening on: the length it is announced with."""
        return round(self.opening + sum(self.played))


def quick_target(library: Library, workout_id: str) -> int:
    """The seconds a "quick" version of a workout (as written) may take."""
    return _quick_seconds(build_plan(library, workout_id).total_seconds())


def workout_seconds(library: Library, workout_id: str) -> int:
    """Seconds a catalogue workout plays in full, as listed and offered (the plan is memoised)."""
    return build_plan(library, workout_id).total_seconds()


def played_seconds(library: Library, workout: Workout) -> int:
    """Seconds a workout (as given, not fitted) plays from its opening on, answers included."""
    return _expand(library, workout, workout, workout, {}).total_seconds()


def _quick_seconds(full_seconds: int) -> int:
    return min(QUICK_SECONDS, round(full_seconds * QUICK_FRACTION))


def shorten(
    workout: Workout, target_seconds: int | None, seconds: Callable[[Workout], int]
) -> Workout:
    """`workout` cut down deterministically until its length by `seconds` fits `target_seconds`.

    Never below one set of one exercise, so a target shorter than that gives that minimum.
    `seconds` is the length it plays (`Plan.total_seconds` of its plan).
    """
    if target_seconds is None or seconds(workout) <= target_seconds:
        return workout
    shortened = workout
    for keep_sets, keep_exercises in ((_KEEP_SETS, _KEEP_EXERCISES), (1, 1)):
        shortened = _fewer_sets(shortened, target_seconds, keep_sets, seconds)
        shortened = _fewer_exercises(shortened, target_seconds, keep_exercises, seconds)
    return shortened


def _fewer_sets(
    workout: Workout, target: int, keep: int, seconds: Callable[[Workout], int]
) -> Workout:
    while seconds(workout) > target:
        if workout.format is Format.CIRCUIT:
            if workout.rounds <= keep:
                return workout
            workout = replace(workout, rounds=workout.rounds - 1)
            continue
        most = max(item.dosage.sets for item in workout.items)
        if most <= keep:
            return workout
        # Take a set from the last of the exercises with the most sets: the early ones stay whole.
        index = max(i for i, item in enumerate(workout.items) if item.dosage.sets == most)
        item = workout.items[index]
        items = list(workout.items)
        items[index] = WorkoutItem(item.exercise_id, replace(item.dosage, sets=most - 1))
        workout = replace(workout, items=tuple(items))
    return workout


def _fewer_exercises(
    workout: Workout, target: int, keep: int, seconds: Callable[[Workout], int]
) -> Workout:
    while seconds(workout) > target and len(workout.items) > keep:
        workout = replace(workout, items=workout.items[:-1])
    return workout


def adjusted_dosage(library: Library, item: WorkoutItem, adjustment: Adjustment | None) -> Dosage:
    """The dosage an item is done at after the runner's easier or harder requests.

    A switched-to exercise keeps the workout's set count and rest, with its own mode and sides.
    """
    if adjustment is None:
        return item.dosage
    if adjustment.exercise_id == item.exercise_id:
        base = item.dosage
    else:
        own = library.exercise(adjustment.exercise_id).dosage
        base = replace(own, sets=item.dosage.sets, rest_seconds=item.dosage.rest_seconds)
    return base.with_amount(adjustment.amount)


def fitted(
    workout: Workout,
    *,
    set_counts: Mapping[str, int] | None = None,
    omitted: frozenset[str] = frozenset(),
    light: bool = False,
) -> Workout:
    """`workout` with the runner's set counts, without left-out exercises, lighter on a light day.

    Never empty: when every exercise is left out, none is.
    """
    set_counts = set_counts or {}
    kept = tuple(i for i in workout.items if i.exercise_id not in omitted) or workout.items
    items = []
    for item in kept:
        sets = set_counts.get(item.exercise_id, item.dosage.sets)
        if light:
            sets = max(1, sets - 1)
        if sets != item.dosage.sets:
            item = WorkoutItem(item.exercise_id, replace(item.dosage, sets=sets))  # noqa: PLW2901  # the fitted item replaces the written one
        items.append(item)
    rounds = (
        max(1, workout.rounds - 1)
        if light and workout.format is Format.CIRCUIT
        else (workout.rounds)
    )
    if tuple(items) == workout.items and rounds == workout.rounds:
        return workout
    return replace(workout, items=tuple(items), rounds=rounds)


def build_plan(  # noqa: PLR0913  # the state's parameters, all by keyword
    library: Library,
    workout_id: str,
    *,
    quick: bool = False,
    target_seconds: int | None = None,
    adjustments: Mapping[str, Adjustment] | None = None,
    set_counts: Mapping[str, int] | None = None,
    omitted: frozenset[str] = frozenset(),
    light: bool = False,
    every_set: bool = False,
) -> Plan:
    """Expand a workout into slots (KeyError when the library has no such workout).

    `every_set`: timed with a question and an answer after every set (the runner asked for
    that), not after each response of sets that flow on. Memoised (see the module's docs): equal
    parameters give the same, unchangeable `Plan`.
    """
    key = _PlanKey(
        workout_id,
        quick,
        target_seconds,
        frozenset(adjustments.items()) if adjustments else frozenset(),
        frozenset(set_counts.items()) if set_counts else frozenset(),
        frozenset(omitted),
        light,
        1 if every_set else MAX_CHAINED_SETS,
    )
    return _cached_plan(Same(library), key)


class _PlanKey(NamedTuple):
    """`build_plan`'s parameters, frozen (only looked up by key, so order does not matter)."""

    workout_id: str
    quick: bool
    target_seconds: int | None
    adjustments: frozenset[tuple[str, Adjustment]]
    set_counts: frozenset[tuple[str, int]]
    omitted: frozenset[str]
    light: bool
    most: int


@lru_cache(maxsize=PLAN_CACHE_SIZE)
def _cached_plan(library: Same[Library], key: _PlanKey) -> Plan:
    return _build_plan(
        library.value,
        key.workout_id,
        quick=key.quick,
        target_seconds=key.target_seconds,
        adjustments=dict(key.adjustments),
        set_counts=dict(key.set_counts),
        omitted=key.omitted,
        light=key.light,
        most=key.most,
    )


def _build_plan(  # noqa: PLR0913  # build_plan's parameters
    library: Library,
    workout_id: str,
    *,
    quick: bool,
    target_seconds: int | None,
    adjustments: Mapping[str, Adjustment],
    set_counts: Mapping[str, int],
    omitted: frozenset[str],
    light: bool,
    most: int,
) -> Plan:
    full = library.workout(workout_id)
    today = fitted(full, set_counts=set_counts, omitted=omitted, light=light)

    def played(workout: Workout) -> int:
        return _expand(
            library, full, today, workout, adjustments, light=light, most=most
        ).total_seconds()

    quick_seconds = _quick_seconds(played(today)) if quick else None
    targets = [t for t in (quick_seconds, target_seconds) if t is not None]
    workout = shorten(today, min(targets) if targets else None, played)
    return replace(
        _expand(library, full, today, workout, adjustments, most=most),
        today_seconds=played(today),
    )


def shape_seconds(library: Library, plan: Plan, adjustments: Mapping[str, Adjustment]) -> int:
    """Seconds `plan`'s workout (its sets and exercises as cut) plays with `adjustments`."""
    return _expand(
        library, plan.full, plan.today, plan.workout, adjustments, most=plan.most
    ).total_seconds()


def _expand(  # noqa: PLR0913  # the three stages of the workout and what shapes them
    library: Library,
    full: Workout,
    today: Workout,
    workout: Workout,
    adjustments: Mapping[str, Adjustment],
    *,
    light: bool = False,
    most: int = MAX_CHAINED_SETS,
) -> Plan:
    """`workout` (as fitted and shortened) expanded into its slots, each with its played seconds.

    Timed as responses of at most `most` sets play it.
    """
    dosages: dict[str, Dosage] = {}
    performed: dict[str, str] = {}
    for item in workout.items:
        adjustment = adjustments.get(item.exercise_id)
        if adjustment is not None and adjustment.exercise_id not in library.exercises:
            adjustment = None  # content lost the linked exercise since; fall back to the workout's
        dosages[item.exercise_id] = adjusted_dosage(library, item, adjustment)
        performed[item.exercise_id] = adjustment.exercise_id if adjustment else item.exercise_id
    if workout.format is Format.CIRCUIT:
        sets = [(item, r, workout.rounds) for r in range(workout.rounds) for item in workout.items]
    else:
        sets = [
            (item, s, item.dosage.sets) for item in workout.items for s in range(item.dosage.sets)
        ]
    slots: list[Slot] = []
    for number, (item, set_index, total) in enumerate(sets):
        final = number == len(sets) - 1
        round_end = workout.format is Format.CIRCUIT and item is workout.items[-1] and not final
        dosage = replace(dosages[item.exercise_id], sets=total)
        dosages[item.exercise_id] = dosage
        for sides in _parts(dosage, workout.round_rest_seconds, round_end=round_end, final=final):
            last_part = sides != (Side.LEFT,)
            slots.append(
                Slot(
                    item.exercise_id,
                    set_index,
                    total,
                    sides,
                    round_end=round_end and last_part,
                    final=final and last_part,
                )
            )
    plan = Plan(
        full=full,
        today=today,
        workout=workout,
        slots=tuple(slots),
        dosages=dosages,
        performed=performed,
        light=light,
        most=most,
    )
    alone = _alone(library, plan)
    return replace(
        plan,
        alone=alone,
        played=_played(replace(plan, alone=alone)),
        opening=_opening(library, plan),
    )


def _opening(library: Library, plan: Plan) -> float:
    kit = frozenset().union(*(library.exercise(e).equipment for e in plan.performed.values()))
    first = plan.performed[plan.slots[0].exercise_id]
    return opening_seconds(
        plan.full.name,
        plan.full.focus,
        kit=[item.replace("_", " ") for item in sorted(kit)],
        first=library.exercise(first).called,
        shortened=plan.workout != plan.today,
        light=plan.light,
    )


def _played(plan: Plan) -> tuple[float, ...]:
    """Seconds each slot plays in the workout's flow, the runner's answer included.

    Slots run in responses as `Plan.response_end` groups them from the first: a slot that flows
    into the next in its response has no question and no answer after it.
    """
    out = list(plan.alone)
    start = 0
    while start < len(out):
        end = plan.response_end(start, plan.most)
        for index in range(start, end - 1):
            out[index] -= QUESTION_SECONDS
        out[end - 1] += ANSWER_SECONDS
        start = end
    return tuple(out)


def _alone(library: Library, plan: Plan) -> tuple[float, ...]:
    """Seconds each slot's response plays on its own, as `engine/pace.py` models the narration.

    An exercise's first intro is said in the rest before its first set when the response has
    room (the rest grows to hold it); that set then starts at once.
    """
    shapes = _shapes(plan)
    out: list[float] = []
    previewed = False
    for index, slot in enumerate(plan.slots):
        exercise = library.exercise(plan.performed[slot.exercise_id])
        dosage = plan.dosages[slot.exercise_id]
        shape = shapes[index]
        if previewed:
            shape = replace(shape, previewed=True)
        timing = plan.timing(index, intro=shape.intro is not Intro.NONE)
        talk = set_talk_seconds(exercise, dosage, shape)
        rest = timing.rest_timed
        previewed = False
        following = shapes[index + 1] if index + 1 < len(plan.slots) else None
        if rest > 0 and following is not None and following.first:
            upcoming = plan.slots[index + 1]
            holding = rest_holding_intro(
                said_in_rest_seconds(
                    library.exercise(plan.performed[upcoming.exercise_id]),
                    plan.dosages[upcoming.exercise_id],
                    following,
                ),
                pause=following.intro is Intro.FULL,
            )
            if talk + timing.work + max(rest, holding) <= PREVIEW_BUDGET_SECONDS:
                rest, previewed = max(rest, holding), True
        seconds = talk + timing.work + rest
        if rest < timing.rest_prescribed:
            seconds += TAKE_LONGER_SECONDS
        if slot.final:  # the summary instead of a question
            names = [library.exercise(item.exercise_id).called for item in plan.workout.items]
            seconds += summary_seconds(names) - QUESTION_SECONDS
        out.append(seconds)
    return tuple(out)


def _shapes(plan: Plan) -> list[SetShape]:
    """Where each slot sits as far as its talk is concerned (its intro, its round, its sides)."""
    circuit = plan.workout.format is Format.CIRCUIT
    first_item = plan.workout.items[0].exercise_id
    introduced: set[str] = set()
    previous: str | None = None
    out: list[SetShape] = []
    for slot in plan.slots:
        exercise_id = plan.performed[slot.exercise_id]
        intro = Intro.NONE
        if slot.starts_set and exercise_id != previous:
            intro = Intro.AGAIN if exercise_id in introduced else Intro.FULL
            introduced.add(exercise_id)
        previous = exercise_id
        out.append(
            SetShape(
                intro=intro,
                circuit=circuit,
                round_start=circuit and slot.starts_set and slot.exercise_id == first_item,
                set_number=slot.set_number,
                total_sets=slot.total_sets,
                sides=len(slot.sides),
                first=slot.starts_set,
            )
        )
    return out


def _parts(
    dosage: Dosage, round_rest: int, *, round_end: bool, final: bool
) -> tuple[tuple[Side, ...], ...]:
    if not dosage.per_side:
        return ((Side.BOTH,),)
    whole = Slot("", 0, 1, (Side.LEFT, Side.RIGHT), round_end=round_end, final=final)
    timing = _timing(dosage, whole, round_rest, SET_TALK_SECONDS + INTRO_SECONDS)
    if timing.lead + timing.work + timing.rest_prescribed <= MAX_RESPONSE_SECONDS:
        return ((Side.LEFT, Side.RIGHT),)
    return ((Side.LEFT,), (Side.RIGHT,))


def _timing(dosage: Dosage, slot: Slot, round_rest: int, lead: float) -> Timing:
    work = dosage.side_seconds() * len(slot.sides)
    if len(slot.sides) == 2:  # both sides in one response: the switch between them
        work += SIDE_SWITCH_SECONDS
    if slot.final or not slot.completes_set:
        rest = 0  # nothing follows the last set; after a left side the right side follows at once
    elif slot.round_end:
        rest = max(dosage.rest_seconds, round_rest)
    else:
        rest = dosage.rest_seconds
    timed = max(0, min(rest, int(MAX_RESPONSE_SECONDS - lead - work)))
    return Timing(lead=lead, work=work, rest_prescribed=rest, rest_timed=timed)


def step_amount(dosage: Dosage, *, easier: bool) -> int | None:
    """The next easier or harder amount inside the dosage's safe range, or None at the bound."""
    amount = dosage.amount()
    low, high = (dosage.reps_range if dosage.mode is Mode.REPS else dosage.hold_range) or (
        amount,
        amount,
    )
    step = REP_STEP if dosage.mode is Mode.REPS else HOLD_STEP
    stepped = max(low, amount - step) if easier else min(high, amount + step)
    return None if stepped == amount else stepped


def remap(old: Plan, new: Plan, index: int) -> int:
    """The index in `new` of the slot at `index` in `old`, after an adjustment changed its parts."""
    if index >= len(old.slots):
        return len(new.slots)
    slot = old.slots[index]
    same_set = [
        i
        for i, s in enumerate(new.slots)
        if s.exercise_id == slot.exercise_id and s.set_index == slot.set_index
    ]
    if not same_set:
        return min(index, len(new.slots))
    for i in same_set:
        if slot.sides[0] in new.slots[i].sides:
            return i
    return same_set[0]
