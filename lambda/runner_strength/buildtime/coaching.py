"""Coaching rules `runner-strength check` applies to exercises, beyond their fields' types.

Each rule catches a kind of fault a coach found by ear: a `stresses` list that leaves out an area
the muscles, set-up or safety note name (a side plank loads the hip and the shoulder), a tempo too
short for the cues it carries, a set-up instruction among the cues said during the work, counts
and cues that disagree on alternating or per side, one-sided work with no words for its side, and
loaded work with no word on how heavy. Each problem names the file and the field.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from runner_strength.engine.personal import AREA_WORDS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from runner_strength.content.model import Exercise

# Set-up positions and the areas they load whatever the muscles say.
SETUP_LOADS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"\bkneel", re.IGNORECASE), frozenset({"knee"})),
    (
        re.compile(r"\bside plank\b|\bon (your|one) side\b|\bside on to\b", re.IGNORECASE),
        frozenset({"hip", "shoulder"}),
    ),
    (
        re.compile(
            r"\b(hands?|palms?)\b[^.]*\b(under|beneath)\b[^.]*\bshoulders?\b|\bhigh plank\b",
            re.IGNORECASE,
        ),
        frozenset({"wrist", "shoulder"}),
    ),
    (re.compile(r"\belbow\b[^.]*\bunder\b|\bforearm\b", re.IGNORECASE), frozenset({"shoulder"})),
    (re.compile(r"\boverhead\b|\brack position\b", re.IGNORECASE), frozenset({"shoulder"})),
)
# A cue that asks for a pause, and one that asks for a slow lowering: each needs a second.
_PAUSE = re.compile(
    r"\bpause\b|\bfor a moment\b|\bown the top\b|\bhold (it|there)\b", re.IGNORECASE
)
_SLOW = re.compile(r"\bslowly\b|\bslow\b|\bwith control\b|\bunder control\b", re.IGNORECASE)
# The shortest rep: up and down, one second each.
BASE_REP_SECONDS = 2.0
# Cues are said during the work, after "go": getting into position belongs in `setup`.
_SETUP_CUE = re.compile(
    r"^(breathe in first|get into|set up|lie |kneel |stand with)|\bfirst\.$"
    r"|\bpress up\.$",
    re.IGNORECASE,
)
# Switching legs or sides within a set.
_ALTERNATE = re.compile(
    r"\b(switch|swap|alternate|alternating)\b[^.]*\b(sides?|legs?|feet|foot)\b"
    r"|\bso each step switches\b",
    re.IGNORECASE,
)
_COUNT = re.compile(r"\bcount\b", re.IGNORECASE)
# Kit that is a load to choose: its exercises say how heavy.
LOADED_KIT = frozenset({"dumbbells", "kettlebell", "cable_machine"})


def _areas_named(texts: Iterable[str]) -> set[str]:
    joined = " ".join(texts)
    return {
        area
        for area, words in AREA_WORDS.items()
        if re.search(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", joined, re.IGNORECASE)
    }


def _setup_areas(setup: str) -> set[str]:
    return {area for pattern, areas in SETUP_LOADS if pattern.search(setup) for area in areas}


def exercise_problems(exercise: Exercise) -> list[tuple[str, str]]:
    """(field, message) for every coaching rule one exercise breaks."""
    out: list[tuple[str, str]] = []
    for field, named in (
        ("muscles", _areas_named(exercise.muscles)),
        ("setup", _setup_areas(exercise.setup)),
        ("safety", _areas_named(exercise.safety)),
    ):
        left_out = sorted(named - exercise.stresses)
        if left_out:
            out.append(
                ("stresses", f"leaves out {', '.join(left_out)}, which its {field} load or name")
            )
    out.extend(_tempo_problems(exercise))
    out.extend(
        (f"cues[{index}]", f"{cue!r} is a set-up instruction; cues are said after go")
        for index, cue in enumerate(exercise.cues)
        if _SETUP_CUE.search(cue)
    )
    out.extend(_side_problems(exercise))
    if exercise.equipment & LOADED_KIT and not exercise.weight:
        out.append(("weight", "is required: its kit is a load to choose, say how heavy"))
    return out


def _tempo_problems(exercise: Exercise) -> list[tuple[str, str]]:
    """A rep's tempo long enough for the pause and the slow lowering its cues ask for."""
    tempo = exercise.dosage.tempo_seconds
    if exercise.dosage.reps is None or tempo is None:
        return []
    cues = " ".join(exercise.cues)
    needed = BASE_REP_SECONDS + bool(_PAUSE.search(cues)) + bool(_SLOW.search(cues))
    if tempo < needed:
        return [
            (
                "dosage.tempo_seconds",
                (
                    f"{tempo:g} s cannot hold its cues (a pause and a slow lowering need "
                    f"{needed:g} s a rep)"
                ),
            )
        ]
    return []


def _side_problems(exercise: Exercise) -> list[tuple[str, str]]:
    """Counts and cues agree on per side or alternating; one-sided work says its side."""
    out: list[tuple[str, str]] = []
    alternating = [i for i, cue in enumerate(exercise.cues) if _ALTERNATE.search(cue)]
    if exercise.dosage.per_side:
        out.extend(
            (
                f"cues[{index}]",
                "switches sides mid-set, but the count is per side (one side, then the other)",
            )
            for index in alternating
        )
        if not exercise.first_side:
            out.append(("first_side", "is required: one-sided work says which side is which"))
        elif not re.search(r"\bleft\b", exercise.first_side, re.IGNORECASE):
            out.append(("first_side", "must say what the left side, which comes first, means"))
    elif alternating and not any(_COUNT.search(cue) for cue in exercise.cues):
        out.append(
            (
                "cues",
                (
                    "alternate legs within one count: a cue must say how to count "
                    "(every step, half on each leg)"
                ),
            )
        )
    elif exercise.first_side:
        out.append(("first_side", "only one-sided (per_side) work has a first side"))
    return out


def coaching_problems(exercises: Mapping[str, Exercise]) -> list[tuple[str, str, str]]:
    """(file, field, message) for every exercise breaking a coaching rule."""
    return [
        (exercise.file, field, message)
        for exercise in exercises.values()
        for field, message in exercise_problems(exercise)
    ]
