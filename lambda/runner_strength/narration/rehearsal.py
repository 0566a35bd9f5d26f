"""The coach's words outside a live conversation: a whole workout rehearsed, an exercise explained.

For `runner-strength rehearse` and `runner-strength explain`, the lengths table and the tests:
the same narrator, engine and timeline the skill uses, with the clock moved as the audio plays.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from runner_strength.engine import transitions
from runner_strength.engine.pace import ANSWER_SECONDS
from runner_strength.engine.plan import MAX_CHAINED_SETS
from runner_strength.narration.narrator import Narrator, heard
from runner_strength.narration.ssml import estimate_seconds

if TYPE_CHECKING:
    from collections.abc import Iterator

    from runner_strength.content.model import Exercise, Library
    from runner_strength.narration.narrator import Speech


def explain(library: Library, exercise: Exercise, rng: random.Random | None = None) -> Speech:
    """The full-detail explanation of an exercise as a voice response."""
    return Narrator(library, rng or _seeded(exercise.id)).explain(exercise)


def explain_text(library: Library, exercise: Exercise, rng: random.Random | None = None) -> str:
    """The full-detail explanation as plain text (`runner-strength explain NAME`)."""
    return Narrator(library, rng or _seeded(exercise.id)).explanation_text(exercise)


def _seeded(seed: str) -> random.Random:
    """A random source seeded by `seed`, so an explanation reads the same every time it is asked."""
    return random.Random(seed)  # noqa: S311  # it picks wording, nothing secret


def rehearsal(  # noqa: PLR0913  # the versions a runner can ask for, by keyword
    library: Library,
    workout_id: str,
    rng: random.Random,
    start: float = 0.0,
    *,
    quick: bool = False,
    target_seconds: int | None = None,
    every_set: bool = False,
) -> Iterator[tuple[str, Speech]]:
    """A whole workout as the runner hears it: start, then "ready" until it is finished.

    Yields what the runner said and the coach's response. The clock is fixed: it starts at
    `start` and moves on by each response's estimated length and the runner's answer to it.
    `quick` and `target_seconds` start the shortened versions, as "quick" or "I have 15 minutes";
    `every_set` plays one set a response, for a runner who asked to be asked after every set.
    """
    narrator = Narrator(library, rng)
    now = start
    outcome = transitions.start(
        library,
        workout_id,
        now,
        quick=quick,
        target_seconds=target_seconds,
        every_set=every_set,
    )
    most = 1 if every_set else MAX_CHAINED_SETS
    said = "start"
    while True:
        script = narrator.script(outcome)
        speech = script.to_speech()
        yield said, speech
        if speech.end_session or outcome.state is None:
            return
        state = heard(outcome.state, script, now)  # as the skill's responder keeps it
        now += estimate_seconds(speech.ssml) + ANSWER_SECONDS
        outcome = transitions.ready(state, library, now, most=most)
        said = "ready"
