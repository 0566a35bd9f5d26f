"""The words one response is made of: phrase variants, names, sides, kit and doses.

A response says an exercise's name once, then "it": `Wording` remembers the names said so far in
the response being built. Trying a longer and a shorter version of the same part forks it, so the
version not kept leaves no names behind (`fork`, then keep the fork or the original).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.content.model import Mode
from runner_strength.engine.state import Side
from runner_strength.narration.phrases import Key, PhrasePicker
from runner_strength.narration.ssml import Ssml

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from runner_strength.content.model import Dosage, Library

# Equipment as said in a sentence, article and plural included; one key per content vocabulary item.
_KIT: dict[str, Key] = {
    "step": Key.KIT_STEP,
    "bench": Key.KIT_BENCH,
    "box": Key.KIT_BOX,
    "chair": Key.KIT_CHAIR,
    "wall": Key.KIT_WALL,
    "band": Key.KIT_BAND,
    "mini_band": Key.KIT_MINI_BAND,
    "dumbbells": Key.KIT_DUMBBELLS,
    "kettlebell": Key.KIT_KETTLEBELL,
    "cable_machine": Key.KIT_CABLE_MACHINE,
    "foam_roller": Key.KIT_FOAM_ROLLER,
    "slider": Key.KIT_SLIDER,
    "towel": Key.KIT_TOWEL,
}


class Wording:
    """Phrases for one library, and the names said so far in the response being built."""

    def __init__(self, library: Library, phrases: PhrasePicker, named: Iterable[str] = ()) -> None:
        self._library = library
        self.phrases = phrases
        self.named: frozenset[str] = frozenset(named)

    def fork(self) -> Wording:
        """A copy to try a part with; the same phrase picker, the names said so far."""
        return Wording(self._library, self.phrases, self.named)

    def fresh(self) -> Wording:
        """The same phrases with no name said yet: the start of a response."""
        return Wording(self._library, self.phrases)

    def sentence(self, key: Key, **fields: str | int | Ssml) -> Ssml:
        """One phrase variant as a sentence."""
        return Ssml().sentence(self.phrases.ssml(key, **fields))

    def name(self, exercise_id: str) -> str:
        """An exercise's name as said mid-sentence ("the glute bridge"), noted as said."""
        self.named |= {exercise_id}
        exercise = self._library.exercises.get(exercise_id)
        return exercise.called if exercise is not None else exercise_id.replace("_", " ")

    def side(self, side: Side) -> str:
        """The word for a side, "left" or "right", as the phrases say it."""
        return self.phrases.say(Key.LEFT if side is Side.LEFT else Key.RIGHT)

    def listed(self, items: Sequence[str]) -> str:
        """Names joined as a coach says them: "a, b and c"."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.phrases.say(Key.AND)} {items[-1]}"

    def kit(self, equipment: Iterable[str]) -> str:
        """Equipment as said in a sentence, articles included: "a bench and dumbbells"."""
        return self.listed([self.phrases.say(_KIT[item]) for item in sorted(equipment)])

    def dosage(self, dosage: Dosage) -> Ssml:
        """The dose as said: "12 reps", "30 seconds on each side", a hold and its pulses."""
        if dosage.mode is Mode.HOLD and dosage.pulses:
            return self.sentence(
                Key.DOSAGE_HOLD_PULSES, seconds=dosage.hold_seconds or 0, pulses=dosage.pulses
            )
        if dosage.mode is Mode.HOLD:
            key = Key.DOSAGE_HOLD_PER_SIDE if dosage.per_side else Key.DOSAGE_HOLD
            return self.sentence(key, seconds=dosage.hold_seconds or 0)
        key = Key.DOSAGE_REPS_PER_SIDE if dosage.per_side else Key.DOSAGE_REPS
        return self.sentence(key, reps=dosage.reps or 0)
