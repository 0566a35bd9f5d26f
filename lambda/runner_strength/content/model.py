"""The content model: exercises, workouts, sources and phrases as frozen, typed data.

Nothing here does I/O; `buildtime/loader.py` builds these objects from files and validates them,
`compiled.py` reads them back from the compiled artefact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping


class Mode(StrEnum):
    """How a set is measured."""

    REPS = "reps"
    HOLD = "hold"


class Category(StrEnum):
    """Where an exercise works, for rotation and for spoken summaries."""

    LOWER_LEG = "lower_leg"
    HIPS = "hips"
    LEGS = "legs"
    CORE = "core"
    UPPER_BODY = "upper_body"
    MOBILITY = "mobility"


class Level(StrEnum):
    """Who an exercise or a workout suits."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Intensity(StrEnum):
    """How hard an exercise loads the body; heavy lower-body work is dropped on a light day."""

    LIGHT = "light"
    MODERATE = "moderate"
    HEAVY = "heavy"


class Format(StrEnum):
    """How a workout orders its sets."""

    CIRCUIT = "circuit"  # one set of each exercise per round, then repeat
    STRAIGHT = "straight"  # all sets of one exercise, then the next


EQUIPMENT = frozenset(
    {
        "step",
        "bench",
        "box",
        "chair",
        "wall",
        "band",
        "mini_band",
        "dumbbells",
        "kettlebell",
        "cable_machine",
        "foam_roller",
        "slider",
        "towel",
    }
)
BODY_AREAS = frozenset(
    {
        "foot",
        "ankle",
        "achilles",
        "calf",
        "shin",
        "knee",
        "hamstring",
        "quad",
        "hip",
        "groin",
        "glute",
        "lower_back",
        "upper_back",
        "shoulder",
        "wrist",
        "neck",
    }
)

# Seconds the coach needs between the two sides of a per-side set ("switch sides, and go").
SIDE_SWITCH_SECONDS = 5
# Seconds the coach needs between a hold and the pulses after it ("now pulse").
PULSE_SWITCH_SECONDS = 3
# Seconds a warm-up or cool-down move takes to name, set up, cue and start (measured on the
# played routines), and the most a routine may take: it is played in one voice response, held
# to the 240 s a set with its rest gets, after the workout's opening when the runner always
# warms up.
ROUTINE_MOVE_TALK_SECONDS = 17
ROUTINE_OPEN_CLOSE_SECONDS = 12
ROUTINE_MAX_SECONDS = 205
# Seconds of talk a set response is allowed beyond its work and rest when the engine budgets one
# response's audio (naming it, cues, the closing question). How long a workout plays is counted
# word by word instead, in engine/pace.py.
SET_TALK_SECONDS = 15
# The set-up and side-switch silences an exercise may ask for (`Exercise.setup_seconds`,
# `Exercise.switch_seconds`), inclusive.
SETUP_SECONDS_RANGE = (3, 15)
SWITCH_SECONDS_RANGE = (3, 15)

# How the narration spreads an exercise's cues over its sets (narration/narrator.py speaks this
# schedule; the loader checks every workout against it, so every cue is reachable). The first set
# says three in the intro and one with the work; every later set a reminder before the work and one
# with it. Cues a shortened workout has no set for are said in its last set.
FIRST_SET_CUES = 4
LATER_SET_CUES = 2

_WORD = re.compile(r"[a-z0-9']+")


def normalise(spoken: str) -> str:
    """Fold a spoken phrase to lower-case words so aliases match however they are typed or heard."""
    return " ".join(_WORD.findall(spoken.lower().replace("-", " ")))


def cue_capacity(sets: int) -> int:
    """How many different cues the narration says over `sets` sets without crowding the last one."""
    return FIRST_SET_CUES + LATER_SET_CUES * max(0, sets - 1) if sets > 0 else 0


def cue_schedule(cues: int, sets: int) -> tuple[tuple[int, ...], ...]:
    """The cue indexes each of `sets` sets speaks, in order; every index is in at least one set.

    New cues come first (four in the first set, two in each later one); a set with no new cue left
    repeats the earliest ones in turn, and the last set takes whatever no earlier set had room for.
    """
    if sets <= 0 or cues <= 0:
        return ()
    plan: list[tuple[int, ...]] = []
    upcoming = 0
    repeat = 0
    for number in range(sets):
        room = FIRST_SET_CUES if number == 0 else LATER_SET_CUES
        if number == sets - 1:
            room = max(room, cues - upcoming)
        fresh = list(range(upcoming, min(cues, upcoming + room)))
        upcoming += len(fresh)
        while len(fresh) < min(room, cues):
            if repeat % cues not in fresh:
                fresh.append(repeat % cues)
            repeat += 1
        plan.append(tuple(fresh))
    return tuple(plan)


def mid_sentence(name: str) -> str:
    """A name as said mid-sentence when content gives none: "Glute bridge" -> "the glute bridge"."""
    return f"the {name[:1].lower()}{name[1:]}"


@dataclass(frozen=True, slots=True)
class Source:
    """One of the public articles the content comes from."""

    id: str
    title: str
    author: str
    credit: str
    # The article's movements as exercise ids, in the article's order (its own workout follows it).
    movements: tuple[str, ...] = ()
    # The title as a person says it: no title punctuation, numbers in words ("" when the title is).
    spoken_title: str = ""

    @property
    def said(self) -> str:
        """The title as the coach says it."""
        return self.spoken_title or self.title


@dataclass(frozen=True, slots=True)
class Dosage:
    """What one exercise asks for: sets, reps or a hold, sides, tempo and rest."""

    mode: Mode
    sets: int
    per_side: bool
    rest_seconds: int
    reps: int | None = None
    reps_range: tuple[int, int] | None = None
    tempo_seconds: float | None = None
    hold_seconds: int | None = None
    hold_range: tuple[int, int] | None = None
    # A hold may end in small pulses, counted at `tempo_seconds` each (a bridge: hold, then pulse).
    pulses: int | None = None

    @property
    def sides(self) -> int:
        """How many sides one set has (2 for per-side work)."""
        return 2 if self.per_side else 1

    def side_seconds(self) -> float:
        """Seconds of work on one side of one set."""
        if self.mode is Mode.HOLD:
            return float(self.hold_seconds or 0) + self.pulse_seconds()
        return (self.reps or 0) * (self.tempo_seconds or 0.0)

    def pulse_seconds(self) -> float:
        """Seconds of the pulses after a hold, the word that starts them included (0 without)."""
        if not self.pulses:
            return 0.0
        return PULSE_SWITCH_SECONDS + self.pulses * (self.tempo_seconds or 1.0)

    def work_seconds(self) -> float:
        """Seconds of work in one set, both sides and the switch between them included."""
        switch = SIDE_SWITCH_SECONDS if self.per_side else 0
        return self.side_seconds() * self.sides + switch

    def amount(self) -> int:
        """The prescribed number: reps for a rep set, seconds for a hold."""
        return (self.reps if self.mode is Mode.REPS else self.hold_seconds) or 0

    def with_amount(self, amount: int) -> Dosage:
        """The same dosage with reps or hold seconds changed, clamped to the safe range."""
        if self.mode is Mode.REPS:
            low, high = self.reps_range or (amount, amount)
            return replace(self, reps=max(low, min(high, amount)))
        low, high = self.hold_range or (amount, amount)
        return replace(self, hold_seconds=max(low, min(high, amount)))


@dataclass(frozen=True, slots=True)
class Option:
    """An easier or harder way to do an exercise, optionally pointing at another exercise."""

    text: str
    exercise: str | None = None


@dataclass(frozen=True, slots=True)
class Variant:
    """A named version of an exercise, as one of the sources describes it."""

    name: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Exercise:
    """One movement, with everything the coach says about it and how much of it to do."""

    id: str
    name: str
    aliases: tuple[str, ...]
    sources: tuple[str, ...]
    category: Category
    muscles: tuple[str, ...]
    why: str
    equipment: frozenset[str]
    setup: str
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    dosage: Dosage
    easier: Option | None
    harder: Option | None
    variants: tuple[Variant, ...]
    safety: tuple[str, ...]
    stresses: frozenset[str]
    level: Level
    intensity: Intensity
    said_as: str = ""  # the name inside a sentence, article included ("the Copenhagen plank")
    # One-sided work: what the left side (always the first) means for this exercise, said before
    # it starts ("Left side first: lie on your left hip, left elbow under your shoulder.").
    first_side: str = ""
    # Seconds of silence to get into position after "into position" (kit picked up, lying down),
    # and, for one-sided work, to change sides (off the bench and round: 8-12 s; a lunge: 3 s).
    setup_seconds: int = 5
    switch_seconds: int = 5
    # How to choose the load, said when the runner asks what weight to use ("" for body weight).
    weight: str = ""
    file: str = field(default="", compare=False)

    def spoken_names(self) -> tuple[str, ...]:
        """The name and every alias, normalised, as a runner might say them."""
        return (normalise(self.name), *(normalise(a) for a in self.aliases))

    @property
    def called(self) -> str:
        """The name as a coach says it mid-sentence, with its article: "the glute bridge"."""
        return self.said_as or mid_sentence(self.name)


@dataclass(frozen=True, slots=True)
class WorkoutItem:
    """One exercise in a workout with its dosage after the workout's overrides."""

    exercise_id: str
    dosage: Dosage


@dataclass(frozen=True, slots=True)
class Workout:
    """A named session: exercises in order, a format and a level."""

    id: str
    name: str
    aliases: tuple[str, ...]
    sources: tuple[str, ...]
    focus: str
    description: str
    level: Level
    format: Format
    rounds: int
    round_rest_seconds: int
    items: tuple[WorkoutItem, ...]
    file: str = field(default="", compare=False)

    def spoken_names(self) -> tuple[str, ...]:
        """The name and every alias, normalised."""
        return (normalise(self.name), *(normalise(a) for a in self.aliases))

    def sets_of(self, item: WorkoutItem) -> int:
        """How many sets of one item the workout gives (its rounds, in a circuit)."""
        return self.rounds if self.format is Format.CIRCUIT else item.dosage.sets

    def set_count(self) -> int:
        """How many sets the whole workout has."""
        if self.format is Format.CIRCUIT:
            return self.rounds * len(self.items)
        return sum(item.dosage.sets for item in self.items)


class RoutineKind(StrEnum):
    """The two routines around a workout; each is one file in content/routines/."""

    WARM_UP = "warm_up"
    COOL_DOWN = "cool_down"


@dataclass(frozen=True, slots=True)
class RoutineMove:
    """One move of a warm-up or cool-down: a library exercise at an easy dose, or its own move.

    `dosage` is reps or seconds per side (per side when `dosage.per_side`); one set only. A move
    with `for_exercises` or `for_areas` is the day's specific prep: played only before a workout
    that has one of those exercises or loads one of those areas.
    """

    exercise_id: str  # a library exercise, or "" for a move of the routine's own
    dosage: Dosage
    cue: str | None = None  # said instead of the exercise's first cue, for this routine's purpose
    name: str = ""  # the move's name mid-sentence ("marching on the spot"); own moves only
    setup: str = ""  # one sentence putting the runner in position, said before it starts
    moving: bool = False  # timed movement (marching, jacks) rather than a held position
    first_side: str = ""  # one-sided own moves: what the left side, always first, means
    for_exercises: tuple[str, ...] = ()
    for_areas: tuple[str, ...] = ()
    # The body areas it loads (a library exercise's own stresses): left out when one is sore.
    stresses: frozenset[str] = frozenset()

    @property
    def specific(self) -> bool:
        """Whether the move is prep for particular workouts rather than for every one."""
        return bool(self.for_exercises or self.for_areas)

    def talk_seconds(self) -> float:
        """Seconds of work, and the talk that names, sets up and cues it."""
        return self.dosage.work_seconds() + ROUTINE_MOVE_TALK_SECONDS


def routine_seconds(moves: tuple[RoutineMove, ...]) -> int:
    """A routine's length: every move's work, naming and cueing each, opening and close."""
    return round(sum(move.talk_seconds() for move in moves) + ROUTINE_OPEN_CLOSE_SECONDS)


@dataclass(frozen=True, slots=True)
class Routine:
    """A short guided warm-up or cool-down, played in one voice response."""

    id: RoutineKind
    name: str
    description: str
    moves: tuple[RoutineMove, ...]
    file: str = field(default="", compare=False)

    def general(self, sore: frozenset[str] = frozenset()) -> tuple[RoutineMove, ...]:
        """The moves played before every workout (or with no workout), sparing sore areas."""
        return tuple(m for m in self.moves if not m.specific and not m.stresses & sore)

    def moves_for(
        self,
        exercise_ids: frozenset[str],
        areas: frozenset[str],
        sore: frozenset[str] = frozenset(),
    ) -> tuple[RoutineMove, ...]:
        """The general moves, then the specific prep the workout needs, in order, while it fits.

        A routine is one voice response: prep that would take it past `ROUTINE_MAX_SECONDS` waits
        for another day (the moves are ordered by need: ramp-ups for the big lifts first). A move
        loading a sore area is left out.
        """
        chosen = list(self.general(sore))
        for move in self.moves:
            needed = bool(set(move.for_exercises) & exercise_ids or set(move.for_areas) & areas)
            if move.stresses & sore:
                continue
            if needed and routine_seconds((*chosen, move)) <= ROUTINE_MAX_SECONDS:
                chosen.append(move)
        order = {id(move): index for index, move in enumerate(self.moves)}
        return tuple(sorted(chosen, key=lambda move: order[id(move)]))

    def work_seconds(self) -> float:
        """Seconds of movement of the general moves (both sides and the switches included)."""
        return sum(move.dosage.work_seconds() for move in self.general())

    def estimated_seconds(self) -> int:
        """The general routine's length: work, naming and cueing each move, opening and close."""
        return routine_seconds(self.general())


@dataclass(frozen=True, slots=True)
class PhraseBook:
    """Spoken wording: each key has one or more variants with `{placeholder}` fields."""

    phrases: Mapping[str, tuple[str, ...]]

    def variants(self, key: str) -> tuple[str, ...]:
        """Every variant of a phrase; KeyError names the missing key."""
        try:
            return self.phrases[key]
        except KeyError:
            raise KeyError(f"no phrase {key!r} in content/phrases") from None


@dataclass(frozen=True, slots=True)
class Library:
    """All content, validated: look-ups by id and by what a runner says."""

    sources: Mapping[str, Source]
    exercises: Mapping[str, Exercise]
    workouts: Mapping[str, Workout]
    phrases: PhraseBook
    routines: Mapping[RoutineKind, Routine] = field(default_factory=dict)
    _exercise_names: Mapping[str, str] = field(default_factory=dict, repr=False)
    _workout_names: Mapping[str, str] = field(default_factory=dict, repr=False)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id (KeyError when unknown)."""
        return self.exercises[exercise_id]

    def workout(self, workout_id: str) -> Workout:
        """The workout with this id (KeyError when unknown)."""
        return self.workouts[workout_id]

    def find_exercise(self, spoken: str) -> Exercise | None:
        """The exercise a runner means by an id, a name or an alias, or None."""
        key = normalise(spoken)
        exercise_id = self._exercise_names.get(key) or self._exercise_names.get(_singular(key))
        if exercise_id is None and key.replace(" ", "_") in self.exercises:
            exercise_id = key.replace(" ", "_")
        return self.exercises.get(exercise_id) if exercise_id else None

    def find_workout(self, spoken: str) -> Workout | None:
        """The workout a runner means by an id, a name or an alias, or None."""
        key = normalise(spoken)
        workout_id = self._workout_names.get(key) or self._workout_names.get(_singular(key))
        if workout_id is None and key.replace(" ", "_") in self.workouts:
            workout_id = key.replace(" ", "_")
        return self.workouts.get(workout_id) if workout_id else None

    def workout_equipment(self, workout: Workout) -> frozenset[str]:
        """Everything a workout needs, computed from its exercises."""
        return frozenset().union(*(self.exercises[i.exercise_id].equipment for i in workout.items))


def _singular(key: str) -> str:
    """Drop a plural 's' from the last word, so 'side planks' finds 'side plank'."""
    return key[:-1] if key.endswith("s") and not key.endswith("ss") else key
