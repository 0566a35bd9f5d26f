"""Load and validate the authored content (YAML under content/) into a `Library`; compile it.

Only authoring tools run this: `check`, `build-content` and the tests. `compile_to` writes the
validated `Library` as the artefact the skill ships with (`content/compiled.py` encodes and reads
it back without YAML or validation), so the skill only ever starts on content that validated here.
Every problem names the file and the field, and all problems are reported at once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from runner_strength.buildtime.coaching import coaching_problems
from runner_strength.buildtime.fields import PLACEHOLDER, PLURAL, FieldReader, Problem, field_names
from runner_strength.content.compiled import COMPILED_FORMAT, COMPILED_PATH, encode
from runner_strength.content.model import (
    BODY_AREAS,
    EQUIPMENT,
    ROUTINE_MAX_SECONDS,
    SETUP_SECONDS_RANGE,
    SWITCH_SECONDS_RANGE,
    Category,
    Dosage,
    Exercise,
    Format,
    Intensity,
    Level,
    Library,
    Mode,
    Option,
    PhraseBook,
    Routine,
    RoutineKind,
    RoutineMove,
    Source,
    Variant,
    Workout,
    WorkoutItem,
    cue_capacity,
    normalise,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from enum import StrEnum

SOURCES_FORMAT = 2
"""The parsed YAML that `read_sources` returns and `from_raw` validates (not the artefact's format,
which is `content.compiled.COMPILED_FORMAT`)."""

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE_ID = re.compile(r"^\d{3}_[0-9a-f]{16}$")
_ALIAS = re.compile(r"^[a-z][a-z' ]*[a-z]$")
# Punctuation a title carries in print that a person does not say aloud.
_TITLE_MARKS = re.compile(r"[:!?;]")
# One side of one set, reps or hold: longer work cannot be timed inside one voice response.
MAX_SIDE_SECONDS = 120

E = TypeVar("E", bound="StrEnum")


class ContentError(Exception):
    """The content does not validate; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} content problem(s):\n{lines}")


# ---------------------------------------------------------------- records

_EXERCISE_FIELDS = field_names(Exercise)
_DOSAGE_FIELDS = field_names(Dosage)
_OVERRIDE_FIELDS = ("sets", "reps", "hold_seconds", "rest_seconds", "per_side")
# A workout's `exercises` are written as its `items`, each naming an exercise.
_WORKOUT_FIELDS = field_names(Workout, leave_out=("file",), renamed={"items": "exercises"})


def _dosage(r: FieldReader) -> Dosage | None:
    r.unknown(_DOSAGE_FIELDS)
    mode = r.choice("mode", Mode)
    sets = r.integer("sets", 1, 6)
    rest = r.integer("rest_seconds", 0, 180)
    per_side = r.flag("per_side")
    if mode is Mode.REPS:
        reps, reps_range = r.integer("reps", 1, 50), r.pair("reps_range", required=True)
        tempo = r.number("tempo_seconds", 1, 8)
        for name in ("hold_seconds", "hold_range", "pulses"):
            if name in r.data:
                r.fail(name, "belongs to mode hold, not reps")
        if reps_range and tempo and reps_range[1] * tempo > MAX_SIDE_SECONDS:
            r.fail(
                "reps_range",
                f"{reps_range[1]} reps at {tempo:g} s is over {MAX_SIDE_SECONDS} s a side",
            )
        if reps is not None and reps_range and not reps_range[0] <= reps <= reps_range[1]:
            r.fail("reps", f"{reps} is outside reps_range {list(reps_range)}")
        hold = hold_range = pulses = None
    elif mode is Mode.HOLD:
        hold, hold_range = r.integer("hold_seconds", 5, 120), r.pair("hold_range", required=True)
        for name in ("reps", "reps_range"):
            if name in r.data:
                r.fail(name, "belongs to mode reps, not hold")
        if hold is not None and hold_range and not hold_range[0] <= hold <= hold_range[1]:
            r.fail("hold_seconds", f"{hold} is outside hold_range {list(hold_range)}")
        if hold_range and hold_range[1] > 120:
            r.fail(
                "hold_range", "a hold of more than 120 seconds a side is not safe to coach by voice"
            )
        pulses, tempo = _pulses(r, hold_range)
        reps = reps_range = None
    else:
        return None
    if sets is None or rest is None:
        return None
    return Dosage(
        mode=mode,
        sets=sets,
        per_side=per_side,
        rest_seconds=rest,
        reps=reps,
        reps_range=reps_range,
        tempo_seconds=tempo,
        hold_seconds=hold,
        hold_range=hold_range,
        pulses=pulses,
    )


def _pulses(r: FieldReader, hold_range: tuple[int, int] | None) -> tuple[int | None, float | None]:
    """The pulses that may end a hold, and their tempo (a hold's tempo times only its pulses)."""
    pulses = r.integer("pulses", 1, 30, required=False)
    tempo = r.number("tempo_seconds", 1, 8, required=pulses is not None)
    if tempo is not None and pulses is None:
        r.fail("tempo_seconds", "a hold takes a tempo only for its pulses")
    if hold_range and pulses and tempo and hold_range[1] + pulses * tempo > MAX_SIDE_SECONDS:
        r.fail(
            "pulses",
            f"a {hold_range[1]} s hold and {pulses} pulses at {tempo:g} s "
            f"is over {MAX_SIDE_SECONDS} s a side",
        )
    return pulses, tempo


def _option(r: FieldReader | None) -> Option | None:
    if r is None:
        return None
    r.unknown(("text", "exercise"))
    exercise = r.data.get("exercise")
    if exercise is not None and not isinstance(exercise, str):
        r.fail("exercise", "must be an exercise id")
        exercise = None
    return Option(text=r.text("text"), exercise=exercise)


def _identity(r: FieldReader, file: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    ident = r.text("id")
    if ident and not _ID.match(ident):
        r.fail("id", f"{ident!r} must be snake_case")
    if ident and Path(file).stem != ident:
        r.fail("id", f"{ident!r} must equal the file name {Path(file).stem!r}")
    name = r.text("name", limit=60)
    aliases = r.texts("aliases", high=30)
    for index, alias in enumerate(aliases):
        if not _ALIAS.match(alias):
            r.fail(
                f"aliases[{index}]", f"{alias!r}: lower-case letters, spaces and apostrophes only"
            )
        elif normalise(alias) == normalise(name):
            r.fail(f"aliases[{index}]", f"{alias!r} repeats the name")
    sources = r.texts("sources", low=1)
    return ident, name, aliases, sources


def _exercise(file: str, raw: object, problems: list[Problem]) -> Exercise | None:
    r = FieldReader(file, raw, problems)
    r.unknown(_EXERCISE_FIELDS)
    ident, name, aliases, sources = _identity(r, file)
    dosage_reader = r.child("dosage")
    dosage = _dosage(dosage_reader) if dosage_reader else None
    if dosage_reader is None:
        r.fail("dosage", "is required")
    variants = []
    raw_variants = r.data.get("variants") or []
    if not isinstance(raw_variants, list):
        r.fail("variants", "must be a list")
        raw_variants = []
    for index, raw_variant in enumerate(raw_variants):
        v = FieldReader(file, raw_variant, problems, f"variants[{index}].")
        v.unknown(("name", "text", "sources"))
        variants.append(
            Variant(
                name=v.text("name", limit=60),
                text=v.text("text"),
                sources=v.texts("sources", low=1),
            )
        )
    exercise = Exercise(
        id=ident,
        name=name,
        aliases=aliases,
        sources=sources,
        category=r.choice("category", Category) or Category.CORE,
        muscles=r.words("muscles"),
        why=r.text("why"),
        equipment=frozenset(r.words("equipment", EQUIPMENT)),
        setup=r.text("setup", limit=300),
        cues=r.texts("cues", low=3, high=6),
        mistakes=r.texts("mistakes", low=1, high=4),
        dosage=dosage or Dosage(Mode.REPS, 1, per_side=False, rest_seconds=0),
        easier=_option(r.child("easier")),
        harder=_option(r.child("harder")),
        variants=tuple(variants),
        safety=r.texts("safety", low=1, high=3),
        stresses=frozenset(r.words("stresses", BODY_AREAS)),
        level=r.choice("level", Level) or Level.BEGINNER,
        intensity=r.choice("intensity", Intensity) or Intensity.MODERATE,
        said_as=_said_as(r, name),
        first_side=r.text("first_side", required=False),
        setup_seconds=r.integer("setup_seconds", *SETUP_SECONDS_RANGE) or SETUP_SECONDS_RANGE[0],
        switch_seconds=_switch_seconds(r, dosage),
        weight=r.text("weight", required=False),
        file=file,
    )
    return exercise if dosage else None


def _switch_seconds(r: FieldReader, dosage: Dosage | None) -> int:
    """Seconds to change sides: required for one-sided work, refused for the rest."""
    per_side = dosage is not None and dosage.per_side
    seconds = r.integer("switch_seconds", *SWITCH_SECONDS_RANGE, required=per_side)
    if seconds is not None and not per_side:
        r.fail("switch_seconds", "only one-sided (per_side) work switches sides")
    return seconds or SWITCH_SECONDS_RANGE[0]


def _said_as(r: FieldReader, name: str) -> str:
    """The optional mid-sentence name: an article or determiner, then the name itself."""
    said_as = r.text("said_as", required=False, limit=80)
    if said_as and not normalise(said_as).endswith(normalise(name)):
        r.fail("said_as", f"{said_as!r} must end with the name {name!r}")
    elif said_as and normalise(said_as) == normalise(name):
        r.fail("said_as", "must add an article to the name (the, a); leave it out for 'the'")
    return said_as


def _workout(
    file: str, raw: object, problems: list[Problem], exercises: dict[str, Exercise]
) -> Workout | None:
    r = FieldReader(file, raw, problems)
    r.unknown(_WORKOUT_FIELDS)
    ident, name, aliases, sources = _identity(r, file)
    workout_format = r.choice("format", Format)
    circuit = workout_format is Format.CIRCUIT
    rounds = r.integer("rounds", 1, 6, required=circuit) or 1
    round_rest = r.integer("round_rest_seconds", 0, 300, required=False) or 0
    if not circuit and ("rounds" in r.data or "round_rest_seconds" in r.data):
        r.fail("rounds", "only a circuit has rounds")
    raw_items = r.get("exercises", list, required=True) or []
    if raw_items and not 2 <= len(raw_items) <= 12:
        r.fail("exercises", f"must list 2 to 12 exercises, lists {len(raw_items)}")
    items: list[WorkoutItem] = []
    for index, raw_item in enumerate(raw_items):
        item = FieldReader(file, raw_item, problems, f"exercises[{index}].")
        item.unknown(("exercise", *_OVERRIDE_FIELDS))
        exercise_id = item.text("exercise")
        base = exercises.get(exercise_id)
        if base is None:
            if exercise_id:
                item.fail("exercise", f"{exercise_id!r} is not an exercise id")
            continue
        if circuit and "sets" in item.data:
            item.fail("sets", "a circuit sets the count with rounds, not per exercise")
        items.append(WorkoutItem(exercise_id, _override(item, base.dosage)))
    if workout_format is None or not items:
        return None
    return Workout(
        id=ident,
        name=name,
        aliases=aliases,
        sources=sources,
        focus=r.text("focus"),
        description=r.text("description"),
        level=r.choice("level", Level) or Level.BEGINNER,
        format=workout_format,
        rounds=rounds if circuit else 1,
        round_rest_seconds=round_rest if circuit else 0,
        items=tuple(items),
        file=file,
    )


def _override(item: FieldReader, base: Dosage) -> Dosage:
    sets = item.integer("sets", 1, 6, required=False)
    rest = item.integer("rest_seconds", 0, 180, required=False)
    reps = item.integer("reps", 1, 50, required=False)
    hold = item.integer("hold_seconds", 5, 120, required=False)
    per_side = item.data.get("per_side")
    dosage = Dosage(
        mode=base.mode,
        sets=sets or base.sets,
        per_side=per_side if isinstance(per_side, bool) else base.per_side,
        rest_seconds=base.rest_seconds if rest is None else rest,
        reps=base.reps,
        reps_range=base.reps_range,
        tempo_seconds=base.tempo_seconds,
        hold_seconds=base.hold_seconds,
        hold_range=base.hold_range,
        pulses=base.pulses,
    )
    if reps is not None:
        if base.mode is not Mode.REPS or not base.reps_range:
            item.fail("reps", f"{item.data['exercise']} is a hold, not a rep exercise")
        elif not base.reps_range[0] <= reps <= base.reps_range[1]:
            item.fail(
                "reps", f"{reps} is outside the exercise's reps_range {list(base.reps_range)}"
            )
        else:
            dosage = dosage.with_amount(reps)
    if hold is not None:
        if base.mode is not Mode.HOLD or not base.hold_range:
            item.fail("hold_seconds", f"{item.data['exercise']} is a rep exercise, not a hold")
        elif not base.hold_range[0] <= hold <= base.hold_range[1]:
            item.fail(
                "hold_seconds",
                f"{hold} is outside the exercise's hold_range {list(base.hold_range)}",
            )
        else:
            dosage = dosage.with_amount(hold)
    return dosage


_ROUTINE_FIELDS = field_names(Routine)
# A routine shorter than this is not worth offering.
ROUTINE_MIN_SECONDS = 60


def _routine(
    file: str, raw: object, problems: list[Problem], exercises: dict[str, Exercise]
) -> Routine | None:
    """A warm-up or cool-down: library exercises, each at an easy dose, needing no kit."""
    r = FieldReader(file, raw, problems)
    r.unknown(_ROUTINE_FIELDS)
    kind = r.choice("id", RoutineKind)
    if kind is not None and Path(file).stem != kind.value:
        r.fail("id", f"{kind.value!r} must equal the file name {Path(file).stem!r}")
    name, description = r.text("name", limit=60), r.text("description")
    raw_moves = r.get("moves", list, required=True) or []
    if raw_moves and not 2 <= len(raw_moves) <= 10:
        r.fail("moves", f"must list 2 to 10 moves, lists {len(raw_moves)}")
    moves = [
        move
        for m in r.items("moves", required=False)
        if (move := _routine_move(m, exercises)) is not None
    ]
    if kind is None or not moves:
        return None
    routine = Routine(kind, name, description, tuple(moves), file)
    _check_routine_kind(r, routine)
    seconds = routine.estimated_seconds()
    if not ROUTINE_MIN_SECONDS <= seconds <= ROUTINE_MAX_SECONDS:
        r.fail(
            "moves",
            f"take about {seconds} s; a routine takes {ROUTINE_MIN_SECONDS} to "
            f"{ROUTINE_MAX_SECONDS} s, so it fits one voice response",
        )
    return routine


_ROUTINE_MOVE_FIELDS = (
    "exercise",
    "move",
    "name",
    "setup",
    "first_side",
    "per_side",
    "reps",
    "tempo_seconds",
    "seconds",
    "hold_seconds",
    "cue",
    "for_exercises",
    "for_areas",
    "stresses",
)


# A warm-up raises the heart rate first: at least this many seconds of moving, every time.
WARM_UP_MOVING_SECONDS = 120
# A cool-down stretch is held at least this long on each side.
COOL_DOWN_HOLD_SECONDS = 30


def _check_routine_kind(r: FieldReader, routine: Routine) -> None:
    """A warm-up starts with two minutes of moving; a cool-down is static stretches, held."""
    if routine.id is RoutineKind.WARM_UP:
        moving = sum(m.dosage.work_seconds() for m in routine.general() if m.moving)
        if moving < WARM_UP_MOVING_SECONDS:
            r.fail(
                "moves",
                f"move for {moving:g} s; a warm-up raises the heart rate with at least "
                f"{WARM_UP_MOVING_SECONDS} s of moving before any prep",
            )
        return
    for index, move in enumerate(routine.moves):
        held = move.dosage.mode is Mode.HOLD and not move.moving
        if not held or (move.dosage.hold_seconds or 0) < COOL_DOWN_HOLD_SECONDS:
            r.fail(
                f"moves[{index}]",
                f"a cool-down stretch is a static hold of at least {COOL_DOWN_HOLD_SECONDS} s "
                "a side",
            )


def _routine_move(m: FieldReader, exercises: dict[str, Exercise]) -> RoutineMove | None:
    """A library exercise at an easy dose (`exercise`), or a move of the routine's own (`move`)."""
    m.unknown(_ROUTINE_MOVE_FIELDS)
    reps = m.integer("reps", 1, 20, required=False)
    hold = m.integer("hold_seconds", 5, 60, required=False)
    moving = m.integer("seconds", 10, 90, required=False)
    cue = m.text("cue", required=False) or None
    setup = m.text("setup")
    if setup.strip(" .").count(". ") or setup.count("? "):
        m.fail("setup", "one sentence: the runner hears it while getting into position")
    for_exercises = m.texts("for_exercises", required=False)
    for index, exercise_id in enumerate(for_exercises):
        if exercise_id not in exercises:
            m.fail(f"for_exercises[{index}]", f"{exercise_id!r} is not an exercise id")
    for_areas = m.words("for_areas", BODY_AREAS) if "for_areas" in m.data else ()
    if sum(x is not None for x in (reps, hold, moving)) != 1:
        m.fail("reps", "give reps, seconds (moving) or hold_seconds (held), one of the three")
        return None
    if "move" in m.data:
        dosage = _own_move_dosage(m, reps, hold or moving)
        if dosage is None:
            return None
        return RoutineMove(
            "",
            dosage,
            cue,
            name=m.text("name", limit=60),
            setup=setup,
            moving=moving is not None,
            first_side=m.text("first_side", required=dosage.per_side),
            for_exercises=for_exercises,
            for_areas=for_areas,
            stresses=frozenset(m.words("stresses", BODY_AREAS)),
        )
    exercise_id = m.text("exercise")
    exercise = exercises.get(exercise_id)
    if exercise is None:
        if exercise_id:
            m.fail("exercise", f"{exercise_id!r} is not an exercise id")
        return None
    dosage = _library_move_dosage(m, exercise, reps, hold)
    if dosage is None:
        return None
    if "stresses" in m.data:
        m.fail("stresses", "a library exercise's stresses are its own")
    return RoutineMove(
        exercise_id,
        dosage,
        cue,
        setup=setup,
        for_exercises=for_exercises,
        for_areas=for_areas,
        stresses=exercise.stresses,
    )


def _own_move_dosage(m: FieldReader, reps: int | None, seconds: int | None) -> Dosage | None:
    per_side = m.flag("per_side")
    if reps is not None:
        tempo = m.number("tempo_seconds", 1, 8)
        return Dosage(
            Mode.REPS,
            1,
            per_side=per_side,
            rest_seconds=0,
            reps=reps,
            reps_range=(reps, reps),
            tempo_seconds=tempo,
        )
    return Dosage(
        Mode.HOLD,
        1,
        per_side=per_side,
        rest_seconds=0,
        hold_seconds=seconds,
        hold_range=(seconds or 5, seconds or 5),
    )


def _library_move_dosage(
    m: FieldReader, exercise: Exercise, reps: int | None, hold: int | None
) -> Dosage | None:
    base = exercise.dosage
    if exercise.equipment:
        m.fail(
            "exercise",
            f"{exercise.id!r} needs {', '.join(sorted(exercise.equipment))}; "
            "a routine needs no kit",
        )
    if exercise.intensity is Intensity.HEAVY:
        m.fail("exercise", f"{exercise.id!r} is heavy; a routine uses easy doses")
    if reps is not None and base.mode is not Mode.REPS:
        m.fail("reps", f"{exercise.id!r} is a hold; give hold_seconds")
        return None
    if reps is not None and base.reps is not None and reps > base.reps:
        m.fail("reps", f"{reps} is more than the exercise's own {base.reps}; keep it easy")
    if reps is not None:
        return Dosage(
            Mode.REPS,
            1,
            per_side=base.per_side,
            rest_seconds=0,
            reps=reps,
            reps_range=(reps, reps),
            tempo_seconds=base.tempo_seconds,
        )
    if hold is None:
        m.fail("hold_seconds", "a library exercise is counted or held, not timed as moving")
        return None
    return Dosage(
        Mode.HOLD,
        1,
        per_side=base.per_side,
        rest_seconds=0,
        hold_seconds=hold,
        hold_range=(hold, hold),
    )


def _sources(file: str, raw: object, problems: list[Problem]) -> dict[str, Source]:
    r = FieldReader(file, raw, problems)
    r.unknown(("sources",))
    out: dict[str, Source] = {}
    for index, entry in enumerate(r.get("sources", list, required=True) or []):
        s = FieldReader(file, entry, problems, f"sources[{index}].")
        s.unknown(("id", "title", "spoken_title", "author", "credit", "movements"))
        source = Source(
            id=s.text("id"),
            title=s.text("title"),
            author=str(s.data.get("author") or ""),
            credit=s.text("credit"),
            movements=s.texts("movements", low=1, high=12),
            spoken_title=s.text("spoken_title", required=False),
        )
        if _TITLE_MARKS.search(source.said) or re.search(r"\d", source.said):
            s.fail(
                "spoken_title",
                f"{source.said!r} is read aloud: no title punctuation (: ! ? ;), numbers in words",
            )
        if source.id and not _SOURCE_ID.match(source.id):
            s.fail("id", f"{source.id!r} is not a source file id like 000_e29b8790add9e4a5")
        if source.id in out:
            s.fail("id", f"{source.id!r} is listed twice")
        out[source.id] = source
    return out


def _phrases(files: list[tuple[str, object]], problems: list[Problem]) -> PhraseBook:
    """All phrase files as one book; a key defined in two files is an error."""
    out: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for file, raw in files:
        r = FieldReader(file, raw, problems, placeholders=True)
        for key in r.data:
            if key in owner:
                r.fail(key, f"is already defined in {owner[key]}")
            owner[key] = file
        out.update(_phrase_file(r))
    return PhraseBook(out)


def _phrase_file(r: FieldReader) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for key in r.data:
        variants = r.texts(key, low=1, high=20)
        for variant in variants:
            for name, _, _ in PLURAL.findall(variant):
                if name not in PLACEHOLDER.findall(variant):
                    r.fail(key, f"{{{name}:...}} says a number {{{name}}} that the variant lacks")
        fields = {frozenset(PLACEHOLDER.findall(v)) for v in variants}
        if len(fields) > 1:
            r.fail(
                key,
                "variants use different placeholders: "
                + " vs ".join("{" + ", ".join(sorted(f)) + "}" for f in fields),
            )
        out[str(key)] = variants
    return out


def _check_sources(
    problems: list[Problem], known: dict[str, Source], file: str, field: str, ids: Iterable[str]
) -> None:
    for index, source_id in enumerate(ids):
        if source_id not in known:
            problems.append(Problem(file, f"{field}[{index}]", f"unknown source {source_id!r}"))


def _check_exercise(
    problems: list[Problem],
    sources: dict[str, Source],
    exercises: dict[str, Exercise],
    exercise: Exercise,
) -> None:
    _check_sources(problems, sources, exercise.file, "sources", exercise.sources)
    for index, variant in enumerate(exercise.variants):
        _check_sources(
            problems, sources, exercise.file, f"variants[{index}].sources", variant.sources
        )
    for side, option in (("easier", exercise.easier), ("harder", exercise.harder)):
        if option is None or option.exercise is None:
            continue
        if option.exercise not in exercises:
            problems.append(
                Problem(
                    exercise.file, f"{side}.exercise", f"{option.exercise!r} is not an exercise id"
                )
            )
        elif option.exercise == exercise.id:
            problems.append(Problem(exercise.file, f"{side}.exercise", "points at itself"))
        else:
            _check_progression(problems, exercise, side, exercises[option.exercise])


_INTENSITY_ORDER = (Intensity.LIGHT, Intensity.MODERATE, Intensity.HEAVY)


def _check_progression(
    problems: list[Problem],
    exercise: Exercise,
    side: str,
    linked: Exercise,
) -> None:
    """A harder link is at least as intense, an easier one at most; no pair points both ways."""
    step = _INTENSITY_ORDER.index(linked.intensity) - _INTENSITY_ORDER.index(exercise.intensity)
    if (side == "harder" and step < 0) or (side == "easier" and step > 0):
        problems.append(
            Problem(
                exercise.file,
                f"{side}.exercise",
                f"{linked.id!r} is {linked.intensity.value}, "
                f"{'lighter' if step < 0 else 'heavier'} than this "
                f"{exercise.intensity.value} exercise, so it cannot be {side}",
            )
        )
    # The linked exercise must not name this one the same way (each harder than the other).
    back = linked.harder if side == "harder" else linked.easier
    if back is not None and back.exercise == exercise.id:
        problems.append(
            Problem(
                exercise.file,
                f"{side}.exercise",
                f"{linked.id!r} names this exercise as {side} too: the pair points both ways",
            )
        )
    other = "easier" if side == "harder" else "harder"
    option = exercise.easier if side == "harder" else exercise.harder
    if option is not None and option.exercise == linked.id and side == "harder":
        problems.append(
            Problem(
                exercise.file,
                f"{other}.exercise",
                f"{linked.id!r} is named both harder and easier",
            )
        )


def _check_movements(
    problems: list[Problem], file: str, sources: dict[str, Source], exercises: dict[str, Exercise]
) -> None:
    """Each article's movements are exactly the exercises that credit it, each listed once."""
    for number, source in enumerate(sources.values()):
        field = f"sources[{number}].movements"
        for index, exercise_id in enumerate(source.movements):
            exercise = exercises.get(exercise_id)
            if exercise is None:
                problems.append(
                    Problem(file, f"{field}[{index}]", f"{exercise_id!r} is not an exercise id")
                )
            elif source.id not in exercise.sources:
                problems.append(
                    Problem(
                        file,
                        f"{field}[{index}]",
                        f"{exercise_id!r} does not list {source.id!r} in its sources",
                    )
                )
            if exercise_id in source.movements[:index]:
                problems.append(
                    Problem(file, f"{field}[{index}]", f"{exercise_id!r} is listed twice")
                )
        problems.extend(
            Problem(
                exercise.file,
                "sources",
                f"credits {source.id!r}, whose movements in sources.yaml leave it out",
            )
            for exercise in exercises.values()
            if source.id in exercise.sources and exercise.id not in source.movements
        )


def _check_workout(
    problems: list[Problem],
    sources: dict[str, Source],
    exercises: dict[str, Exercise],
    workout: Workout,
) -> None:
    _check_sources(problems, sources, workout.file, "sources", workout.sources)
    # A workout credits every article its exercises come from, and no other.
    used = {s for item in workout.items for s in exercises[item.exercise_id].sources}
    for source_id in sorted(used - set(workout.sources)):
        users = [
            i.exercise_id for i in workout.items if source_id in exercises[i.exercise_id].sources
        ]
        problems.append(
            Problem(
                workout.file, "sources", f"leaves out {source_id!r}, a source of {', '.join(users)}"
            )
        )
    for index, source_id in enumerate(workout.sources):
        if source_id in sources and source_id not in used:
            problems.append(
                Problem(
                    workout.file,
                    f"sources[{index}]",
                    f"{source_id!r} is the source of none of its exercises",
                )
            )
    seen: set[str] = set()
    for index, item in enumerate(workout.items):
        exercise = exercises.get(item.exercise_id)
        sets = workout.sets_of(item)
        if exercise is not None and len(exercise.cues) > cue_capacity(sets):
            # Every cue must be reachable: the narration says cue_capacity(sets) different cues
            # over this many sets, so more would crowd the last set or go unsaid.
            problems.append(
                Problem(
                    workout.file,
                    f"exercises[{index}]",
                    f"{item.exercise_id!r} has {len(exercise.cues)} cues but {sets} set(s) here "
                    f"speak at most {cue_capacity(sets)}; give it more sets or fewer cues",
                )
            )
        if item.exercise_id in seen:
            problems.append(
                Problem(
                    workout.file,
                    f"exercises[{index}].exercise",
                    f"{item.exercise_id!r} is listed twice",
                )
            )
        seen.add(item.exercise_id)


def _index_names(
    problems: list[Problem], records: Iterable[Exercise | Workout], kind: str
) -> dict[str, str]:
    """Map every spoken name to its owner, reporting any name two records claim."""
    names: dict[str, str] = {}
    for record in records:
        for position, spoken in enumerate(record.spoken_names()):
            field = "name" if position == 0 else f"aliases[{position - 1}]"
            owner = names.setdefault(spoken, record.id)
            if owner != record.id:
                problems.append(
                    Problem(record.file, field, f"{spoken!r} is already used by {kind} {owner!r}")
                )
    return names


def _cross_check(
    problems: list[Problem],
    sources_file: str,
    sources: dict[str, Source],
    exercises: dict[str, Exercise],
    workouts: dict[str, Workout],
) -> tuple[dict[str, str], dict[str, str]]:
    for exercise in exercises.values():
        _check_exercise(problems, sources, exercises, exercise)
    _check_movements(problems, sources_file, sources, exercises)
    for workout in workouts.values():
        _check_workout(problems, sources, exercises, workout)
    problems.extend(Problem(*found) for found in coaching_problems(exercises))
    return _index_names(problems, exercises.values(), "exercise"), _index_names(
        problems, workouts.values(), "workout"
    )


def _build(
    raw_sources: tuple[str, object],
    raw_exercises: list[tuple[str, object]],
    raw_workouts: list[tuple[str, object]],
    raw_phrases: list[tuple[str, object]],
    raw_routines: list[tuple[str, object]],
) -> Library:
    problems: list[Problem] = []
    sources = _sources(*raw_sources, problems)
    exercises: dict[str, Exercise] = {}
    for file, raw in raw_exercises:
        exercise = _exercise(file, raw, problems)
        if exercise is not None and exercise.id:
            if exercise.id in exercises:
                problems.append(Problem(file, "id", f"{exercise.id!r} is defined twice"))
            exercises[exercise.id] = exercise
    workouts: dict[str, Workout] = {}
    for file, raw in raw_workouts:
        workout = _workout(file, raw, problems, exercises)
        if workout is not None and workout.id:
            workouts[workout.id] = workout
    if not workouts:
        problems.append(Problem("content/workouts", "(directory)", "has no valid workout"))
    routines: dict[RoutineKind, Routine] = {}
    for file, raw in raw_routines:
        routine = _routine(file, raw, problems, exercises)
        if routine is not None:
            routines[routine.id] = routine
    files = {Path(file).stem for file, _ in raw_routines}
    problems.extend(
        Problem("content/routines", "(directory)", f"has no {kind.value}.yaml")
        for kind in RoutineKind
        if kind.value not in files
    )
    phrases = _phrases(raw_phrases, problems)
    exercise_names, workout_names = _cross_check(
        problems, raw_sources[0], sources, exercises, workouts
    )
    if problems:
        raise ContentError(problems)
    return Library(
        sources=sources,
        exercises=exercises,
        workouts=workouts,
        phrases=phrases,
        routines=routines,
        _exercise_names=exercise_names,
        _workout_names=workout_names,
    )


# ---------------------------------------------------------------- files


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> tuple[str, object]:
    import yaml  # noqa: PLC0415  # only authoring tools read YAML; the skill loads compiled JSON

    name = path.relative_to(root.parent).as_posix() if root.parent in path.parents else str(path)
    try:
        return name, yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        problems.append(Problem(name, "(file)", f"cannot be read: {error}"))
        return name, None


def read_sources(content_dir: Path) -> dict[str, Any]:
    """Read the YAML files under `content_dir`, parsed, for `from_raw` to validate."""
    problems: list[Problem] = []

    def many(folder: str) -> list[tuple[str, object]]:
        files = sorted((content_dir / folder).glob("*.yaml"))
        read = [_read_yaml(p, content_dir, problems) for p in files]
        return [(file, raw) for file, raw in read if raw is not None]

    raw = {
        "format": SOURCES_FORMAT,
        "sources": _read_yaml(content_dir / "sources.yaml", content_dir, problems),
        "exercises": many("exercises"),
        "workouts": many("workouts"),
        "phrases": many("phrases"),
        "routines": many("routines"),
    }
    if problems:
        raise ContentError(problems)
    return raw


def from_raw(raw: dict[str, Any]) -> Library:
    """Validate raw content (the parsed YAML from `read_sources`) into a Library."""
    if raw.get("format") != SOURCES_FORMAT:
        raise ContentError(
            [
                Problem(
                    "content",
                    "format",
                    f"is {raw.get('format')!r}; this code reads {SOURCES_FORMAT}",
                )
            ]
        )

    def pairs(key: str) -> list[tuple[str, object]]:
        return [(str(file), data) for file, data in raw[key]]

    sources_file, sources_data = raw["sources"]
    return _build(
        (str(sources_file), sources_data),
        pairs("exercises"),
        pairs("workouts"),
        pairs("phrases"),
        pairs("routines") if "routines" in raw else [],
    )


def load_directory(content_dir: Path) -> Library:
    """Load and validate the YAML content under `content_dir` (for authors and `check`)."""
    return from_raw(read_sources(content_dir))


def compile_to(content_dir: Path, target: Path = COMPILED_PATH) -> str:
    """Validate the YAML content and write it as one JSON artefact; returns the JSON written."""
    library = from_raw(read_sources(content_dir))
    artefact = {"format": COMPILED_FORMAT, "library": encode(library)}
    text = (
        json.dumps(artefact, ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":"))
        + "\n"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return text
