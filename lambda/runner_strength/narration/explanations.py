"""An exercise explained in two layers: the short version first, the rest if the runner asks.

The first layer (about 30 s): the name, why it is there, the kit, the set-up and the first cues.
The second: common mistakes, the easier and harder versions and variants, the remaining cues, the
muscles, sets and dose, and the safety notes. A one-shot ("Alexa, ask runner strength to explain
the plank") is one layer with the safety note in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.narration.phrases import Key
from runner_strength.narration.timing import speech_seconds

if TYPE_CHECKING:
    from runner_strength.content.model import Exercise
    from runner_strength.narration.ssml import Ssml
    from runner_strength.narration.wording import Wording

# An explanation's first layer stops adding cues past this many seconds (at least two are said).
EXPLAIN_SECONDS = 30.0
EXPLAIN_CUES = (2, 3)
# A one-shot explanation is one layer with the safety note in it: a little longer is allowed.
EXPLAIN_WITH_SAFETY_SECONDS = 33.0
SAFETY_PHRASE_SECONDS = 1.0  # "A safety note."
# Seconds the first layer's own phrases take around the content ("Here's ...", "The key points.").
EXPLAIN_PHRASE_SECONDS = 3.0


def first_layer(words: Wording, exercise: Exercise, *, safety: bool = False) -> Ssml:
    """What, why, kit, set-up and the first cues; with `safety`, the safety note closes it."""
    out = words.sentence(Key.EXPLAIN_NAME, name=words.name(exercise.id))
    out.sentence(exercise.why)
    if exercise.equipment:
        out.extend(words.sentence(Key.EXPLAIN_EQUIPMENT, equipment=words.kit(exercise.equipment)))
    out.extend(words.sentence(Key.INTRO_SETUP, setup=exercise.setup))
    out.extend(words.sentence(Key.EXPLAIN_CUES))
    for cue in exercise.cues[: first_layer_cues(exercise, safety=safety)]:
        out.sentence(cue)
    if safety and exercise.safety:
        out.extend(words.sentence(Key.EXPLAIN_SAFETY))
        for line in exercise.safety:
            out.sentence(line)
    return out


def second_layer(words: Wording, exercise: Exercise) -> Ssml:
    """Mistakes, easier and harder versions, the cues still unsaid, muscles, dose and safety."""
    say = words.sentence
    out = say(Key.EXPLAIN_MISTAKES)
    for mistake in exercise.mistakes:
        out.sentence(mistake)
    if exercise.easier is not None:
        out.extend(say(Key.EXPLAIN_EASIER, text=exercise.easier.text))
    if exercise.harder is not None:
        out.extend(say(Key.EXPLAIN_HARDER, text=exercise.harder.text))
    for variant in exercise.variants:
        out.extend(say(Key.EXPLAIN_VARIANT, name=variant.name, text=variant.text))
    out.extend(say(Key.EXPLAIN_ALSO))
    for cue in exercise.cues[first_layer_cues(exercise) :]:
        out.sentence(cue)
    out.extend(say(Key.EXPLAIN_MUSCLES, muscles=words.listed(exercise.muscles)))
    if exercise.dosage.sets > 1:
        out.extend(say(Key.EXPLAIN_SETS, sets=exercise.dosage.sets))
    out.extend(words.dosage(exercise.dosage))
    out.extend(say(Key.EXPLAIN_SAFETY))
    for line in exercise.safety:
        out.sentence(line)
    return out


def first_layer_cues(exercise: Exercise, *, safety: bool = False) -> int:
    """How many cues an explanation's first layer says: three when they fit its ~30 s, else two.

    Counted from the content alone (the phrases around it are allowed a fixed few seconds), so the
    second layer, asked for in a later turn, knows which cues are still to say. With `safety` the
    safety note counts too, against a few seconds more (a one-shot's single layer).
    """
    low, high = EXPLAIN_CUES
    if safety and exercise.safety:
        # The safety note is not cut; cues give way to it, down to one (the rest are for a
        # later "tell me more").
        seconds = (
            EXPLAIN_PHRASE_SECONDS
            + SAFETY_PHRASE_SECONDS
            + sum(
                speech_seconds(text)
                for text in (exercise.called, exercise.why, exercise.setup, *exercise.safety)
            )
        )
        said = 0
        for cue in exercise.cues[:high]:
            seconds += speech_seconds(cue)
            if said and seconds > EXPLAIN_WITH_SAFETY_SECONDS:
                break
            said += 1
        return said
    seconds = EXPLAIN_PHRASE_SECONDS + sum(
        speech_seconds(text)
        for text in (exercise.called, exercise.why, exercise.setup, *exercise.cues[:high])
    )
    return high if seconds <= EXPLAIN_SECONDS else low
