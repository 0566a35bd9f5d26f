"""Announced against played: every catalogue workout and version, rehearsed to its end.

The announced length is what the opening says ("roughly 42 minutes": the engine's plan timed by
`engine/pace.py`). The played length is what the rehearsal plays: every response's audio by the
speech estimate, plus `ANSWER_SECONDS` for each "ready". `runner-strength lengths` prints the
table (and writes it into docs/timeline.md), and tests/narration/test_lengths.py holds the two
within `TOLERANCE` of each other, so a change to the narration that the timing model does not
follow shows up there.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runner_strength.engine import transitions
from runner_strength.engine.events import WorkoutStarted
from runner_strength.engine.pace import ANSWER_SECONDS
from runner_strength.narration.rehearsal import rehearsal
from runner_strength.narration.ssml import estimate_seconds

if TYPE_CHECKING:
    from collections.abc import Sequence

    from runner_strength.content.model import Library

# How far the announced length may be from the played one, as a share of the played.
TOLERANCE = 0.05
# The versions a runner asks for: the full workout, "quick", time budgets in minutes, and the
# full workout for a runner who asked to be asked after every set.
BUDGETS = (2, 10, 15, 20, 60)
EVERY_SET = "every set"
VERSIONS: tuple[str, ...] = ("full", "quick", *(f"{m} minutes" for m in BUDGETS), EVERY_SET)
# The section of docs/timeline.md the table is written into, between these two lines.
SECTION_START = "<!-- lengths: made by `runner-strength lengths --update docs/timeline.md` -->"
SECTION_END = "<!-- lengths: end -->"


@dataclass(frozen=True, slots=True)
class Length:
    """One workout version: what its opening announces and what it plays."""

    workout_id: str
    version: str
    announced: int  # seconds
    audio: float  # seconds of the coach's responses
    answers: int  # the runner's "ready"s

    @property
    def played(self) -> float:
        """Seconds played: the audio and every answer."""
        return self.audio + self.answers * ANSWER_SECONDS

    @property
    def error(self) -> float:
        """Announced minus played, as a share of the played."""
        return (self.announced - self.played) / self.played


def measure(library: Library, workout_id: str, version: str, seed: int = 0) -> Length:
    """Rehearse one version of a workout to its end and compare it with its announcement."""
    quick = version == "quick"
    every_set = version == EVERY_SET
    whole = {"full", "quick", EVERY_SET}
    target = None if version in whole else int(version.split(maxsplit=1)[0]) * 60
    audio = 0.0
    answers = 0
    rng = random.Random(seed)  # noqa: S311  # wording, not security
    plays = rehearsal(
        library, workout_id, rng, quick=quick, target_seconds=target, every_set=every_set
    )
    for said, speech in plays:
        audio += estimate_seconds(speech.ssml)
        answers += said != "start"
    started = transitions.start(
        library, workout_id, 0.0, quick=quick, target_seconds=target, every_set=every_set
    )
    announced = next(e for e in started.events if isinstance(e, WorkoutStarted))
    return Length(workout_id, version, announced.estimated_seconds, audio, answers)


def measure_all(library: Library) -> list[Length]:
    """Every catalogue workout in every version, in catalogue order."""
    return [
        measure(library, workout_id, version)
        for workout_id in sorted(library.workouts)
        for version in VERSIONS
    ]


def markdown(
    library: Library,
    lengths: list[Length],
    *,
    commit: str,
    date: str,
    more: Sequence[str] = (),
) -> str:
    """The section "Announced and played lengths" of docs/timeline.md, table and all.

    `more` is markdown lines added at the section's end (the time budgets, as heard).
    """
    worst = max(lengths, key=lambda length: abs(length.error))
    worst_name = library.workout(worst.workout_id).name
    lines = [
        SECTION_START,
        "## Announced and played lengths",
        "",
        'What the opening announces ("roughly 42 minutes") against what `runner-strength',
        f"rehearse` plays: every response's audio plus {ANSWER_SECONDS:g} s for each answer",
        '("ready"). Both come from one timing: the engine\'s plan, its talk counted word by word',
        'at the one speaking rate of `engine/pace.py`. A row for a budget ("10 minutes") is the',
        "workout asked for that long, on its own; the coach itself first takes the warm-up out of",
        "a budget (below).",
        f"`tests/narration/test_lengths.py` holds every row within {TOLERANCE:.0%}. Re-run with",
        "`runner-strength lengths --update docs/timeline.md` after a change to the narration.",
        "",
        f"Measured on commit `{commit}`, {date}. Largest difference: {worst.error:+.1%}",
        f"({worst_name}, {worst.version}).",
        "",
        "| workout | version | announced | played | answers | difference |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for length in lengths:
        name = library.workout(length.workout_id).name
        lines.append(
            f"| {name} | {length.version} | {_minutes(length.announced)} "
            f"| {_minutes(length.played)} | {length.answers} | {length.error:+.1%} |"
        )
    if more:
        lines += ["", *more]
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


def update(document: str, section: str) -> str:
    """`document` with its lengths section replaced by `section` (appended when it has none)."""
    if SECTION_START in document and SECTION_END in document:
        before = document[: document.index(SECTION_START)]
        after = document[document.index(SECTION_END) + len(SECTION_END) :].lstrip("\n")
        return before + section + ("\n" + after if after else "")
    return document.rstrip("\n") + ("\n\n" if document.strip() else "") + section


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"
