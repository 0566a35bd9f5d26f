"""The guided warm-up and cool-down, and the talk around them, as the runner hears it.

A routine (content/routines/) is played in one voice response: each move is named, set up in one
sentence, given one cue and counted (reps to its tempo, or timed, moving or held), both sides where
it has two, the left side said in words. Before a workout, the warm-up adds the prep that
workout needs (`Routine.moves_for`).
Its wording is content/phrases/routines.yaml; the counting and holding are the narrator's own.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from runner_strength.content.model import SIDE_SWITCH_SECONDS, Mode, RoutineKind, routine_seconds
from runner_strength.engine.pace import SETTLE_SECONDS
from runner_strength.engine.record import RoutineChoice
from runner_strength.narration.narrator import Narrator, Script
from runner_strength.narration.phrases import PhrasePicker
from runner_strength.narration.ssml import Ssml

if TYPE_CHECKING:
    import random

    from runner_strength.content.model import Library, RoutineMove


class RoutineSay(StrEnum):
    """Every phrase key in content/phrases/routines.yaml."""

    WARM_UP_OFFER = "warm_up_offer"
    WARM_UP_OFFER_REPROMPT = "warm_up_offer_reprompt"
    COOL_DOWN_OFFER = "cool_down_offer"
    COOL_DOWN_ALWAYS = "cool_down_always"
    COOL_DOWN_OFFER_REPROMPT = "cool_down_offer_reprompt"
    WARM_UP_START = "warm_up_start"
    COOL_DOWN_START = "cool_down_start"
    MOVE_NAME = "routine_move_name"
    MOVE_REPS = "routine_move_reps"
    MOVE_REPS_PER_SIDE = "routine_move_reps_per_side"
    MOVE_HOLD = "routine_move_hold"
    MOVE_HOLD_PER_SIDE = "routine_move_hold_per_side"
    MOVE_SECONDS = "routine_move_seconds"
    PREP = "routine_prep"
    MOVE_GO = "routine_go"
    MOVE_HOLD_GO = "routine_hold_go"
    MOVE_SIDE_FIRST = "routine_side_first"
    MOVE_SWITCH = "routine_switch"
    WARM_UP_DONE = "warm_up_done"
    COOL_DOWN_DONE = "cool_down_done"
    WARM_UP_SKIPPED = "warm_up_skipped"
    COOL_DOWN_SKIPPED = "cool_down_skipped"
    NOTHING_TO_SKIP = "routine_nothing_to_skip"
    CHOICE_ALWAYS = "routine_choice_always"
    CHOICE_NEVER = "routine_choice_never"
    CHOICE_ASK = "routine_choice_ask"
    CHOICE_WHICH = "routine_choice_which"
    WARM_UP_WORD = "warm_up_word"
    COOL_DOWN_WORD = "cool_down_word"


_START = {
    RoutineKind.WARM_UP: RoutineSay.WARM_UP_START,
    RoutineKind.COOL_DOWN: RoutineSay.COOL_DOWN_START,
}
_DONE = {
    RoutineKind.WARM_UP: RoutineSay.WARM_UP_DONE,
    RoutineKind.COOL_DOWN: RoutineSay.COOL_DOWN_DONE,
}
_SKIPPED = {
    RoutineKind.WARM_UP: RoutineSay.WARM_UP_SKIPPED,
    RoutineKind.COOL_DOWN: RoutineSay.COOL_DOWN_SKIPPED,
}
_WORD = {
    RoutineKind.WARM_UP: RoutineSay.WARM_UP_WORD,
    RoutineKind.COOL_DOWN: RoutineSay.COOL_DOWN_WORD,
}
_CHOICE = {
    RoutineChoice.ALWAYS: RoutineSay.CHOICE_ALWAYS,
    RoutineChoice.NEVER: RoutineSay.CHOICE_NEVER,
    RoutineChoice.ASK: RoutineSay.CHOICE_ASK,
}


class RoutineTalk:
    """Plays a warm-up or cool-down and says everything around it; the wording is content."""

    def __init__(self, library: Library, rng: random.Random) -> None:
        self._library = library
        self._phrases = PhrasePicker(library.phrases, rng)
        self._narrator = Narrator(library, rng)

    def _say(self, key: RoutineSay, **fields: str | int | Ssml) -> Ssml:
        return Ssml().sentence(self._phrases.ssml(key, **fields))

    def _minutes(self, kind: RoutineKind) -> int:
        return max(1, round(self._library.routines[kind].estimated_seconds() / 60))

    # ------------------------------------------------------------ offers

    def offer(self, kind: RoutineKind, *, always: bool = False) -> Script:
        """The question offering a routine (a cool-down the runner always takes is announced)."""
        if kind is RoutineKind.WARM_UP:
            question = self._say(RoutineSay.WARM_UP_OFFER, minutes=self._minutes(kind))
            reprompt = self._say(RoutineSay.WARM_UP_OFFER_REPROMPT)
        else:
            key = RoutineSay.COOL_DOWN_ALWAYS if always else RoutineSay.COOL_DOWN_OFFER
            question = self._say(key, minutes=self._minutes(kind))
            reprompt = self._say(RoutineSay.COOL_DOWN_OFFER_REPROMPT)
        return Script(question, reprompt, end_session=False)

    def skipped(self, kind: RoutineKind | None) -> Script:
        """No routine this time (or, with None, nothing to skip)."""
        key = RoutineSay.NOTHING_TO_SKIP if kind is None else _SKIPPED[kind]
        return Script(self._say(key), None, end_session=False)

    def choice_set(self, kind: RoutineKind | None, choice: RoutineChoice | None) -> Script:
        """The preference as remembered, or which routine and choice the runner means."""
        if kind is None or choice is None:
            return Script(self._say(RoutineSay.CHOICE_WHICH), None, end_session=False)
        word = self._phrases.say(_WORD[kind])
        return Script(self._say(_CHOICE[choice], routine=word), None, end_session=False)

    # ------------------------------------------------------------ playing

    def moves(
        self,
        kind: RoutineKind,
        workout_id: str | None = None,
        sore: frozenset[str] = frozenset(),
    ) -> tuple[RoutineMove, ...]:
        """The routine's moves before this workout: the general ones and the prep it needs.

        Moves loading an area that is sore today are left out.
        """
        routine = self._library.routines[kind]
        workout = self._library.workouts.get(workout_id or "")
        if workout is None:
            return routine.general(sore)
        ids = frozenset(item.exercise_id for item in workout.items)
        areas = frozenset(area for i in ids for area in self._library.exercise(i).stresses)
        return routine.moves_for(ids, areas, sore)

    def play(
        self,
        kind: RoutineKind,
        workout_id: str | None = None,
        sore: frozenset[str] = frozenset(),
    ) -> Script:
        """The whole routine, timed, as one stretch of speech with no question."""
        routine = self._library.routines[kind]
        moves = self.moves(kind, workout_id, sore)
        minutes = max(1, round(routine_seconds(moves) / 60))
        out = self._say(_START[kind], minutes=minutes)
        out.sentence(routine.description)
        prep_said = False
        for move in moves:
            if move.specific and not prep_said:
                out.extend(self._say(RoutineSay.PREP))
                prep_said = True
            out.extend(self._move(move))
        return Script(out.extend(self._say(_DONE[kind])), None, end_session=False)

    def _move(self, move: RoutineMove) -> Ssml:
        exercise = self._library.exercises.get(move.exercise_id)
        dosage = move.dosage
        name = exercise.called if exercise is not None else move.name
        out = self._say(RoutineSay.MOVE_NAME, name=name)
        out.sentence(move.setup)
        out.sentence(move.cue or (exercise.cues[0] if exercise is not None else ""))
        if move.moving:
            out.extend(self._say(RoutineSay.MOVE_SECONDS, seconds=dosage.hold_seconds or 0))
        elif dosage.mode is Mode.HOLD:
            key = RoutineSay.MOVE_HOLD_PER_SIDE if dosage.per_side else RoutineSay.MOVE_HOLD
            out.extend(self._say(key, seconds=dosage.hold_seconds or 0))
        else:
            key = RoutineSay.MOVE_REPS_PER_SIDE if dosage.per_side else RoutineSay.MOVE_REPS
            out.extend(self._say(key, reps=dosage.reps or 0))
        first_side = move.first_side or (exercise.first_side if exercise is not None else "")
        if dosage.per_side and first_side:
            out.sentence(first_side)
        elif dosage.per_side:
            out.extend(self._say(RoutineSay.MOVE_SIDE_FIRST))
        out.pause(SETTLE_SECONDS)
        for side in range(dosage.sides):
            if side > 0:
                switch_start = out.seconds
                out.extend(self._say(RoutineSay.MOVE_SWITCH))
                out.until(switch_start + SIDE_SWITCH_SECONDS)
            else:
                held = dosage.mode is Mode.HOLD and not move.moving
                out.extend(self._say(RoutineSay.MOVE_HOLD_GO if held else RoutineSay.MOVE_GO))
            out.extend(self._timer(move))
        return out

    def _timer(self, move: RoutineMove) -> Ssml:
        """A routine move's timer: every rep counted, or a hold timed, with no form cues."""
        dosage = move.dosage
        if dosage.mode is Mode.HOLD:
            plan, _ = self._narrator.hold_plan(dosage.hold_seconds or 0)
        else:
            plan, _ = self._narrator.rep_plan(dosage.reps or 0, dosage.tempo_seconds or 1.0)
        return plan.render()
