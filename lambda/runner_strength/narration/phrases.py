"""Spoken wording from `content/phrases/en.yaml`, a variant picked by a passed-in random source.

`Key` names every phrase the narrator uses; a test holds it equal to the keys in en.yaml, so a
phrase can neither be missing nor lie unused. `PhrasePicker` chooses among a key's variants without
saying the same variant twice in a row, and fills its `{placeholders}`, refusing a phrase whose
fields are missing or misspelt. A noun after a number is written `{field:one|many}`
("{sets} {sets:set|sets}"), so a count of one is said in the singular.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from runner_strength.narration.ssml import Ssml

if TYPE_CHECKING:
    import random
    from collections.abc import Mapping

    from runner_strength.content.model import PhraseBook

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# `{field:one|many}`: the word said after a number, singular when the number is 1.
_PLURAL = re.compile(r"\{([a-z_]+):([^{}|:]*)\|([^{}|:]*)\}")

Field = str | int
SpeechField = str | int | Ssml


class Key(StrEnum):
    """Every phrase key in en.yaml, in the same order and sections."""

    # starting a workout
    WORKOUT_START = "workout_start"
    WORKOUT_SHORTENED = "workout_shortened"
    WORKOUT_SHAPE = "workout_shape"
    WORKOUT_EQUIPMENT = "workout_equipment"
    WORKOUT_NO_EQUIPMENT = "workout_no_equipment"
    WORKOUT_LIGHT = "workout_light"
    WORKOUT_REFITTED = "workout_refitted"
    CHANGE_HOLD = "change_hold"
    CHANGE_REPS = "change_reps"
    CHANGE_SETS = "change_sets"
    CHANGE_EXERCISE = "change_exercise"
    # introducing an exercise
    INTRO_NAME = "intro_name"
    INTRO_NAME_AGAIN = "intro_name_again"
    INTRO_SETUP = "intro_setup"
    INTRO_CUES = "intro_cues"
    INTRO_REMINDER = "intro_reminder"
    DOSAGE_REPS = "dosage_reps"
    DOSAGE_REPS_PER_SIDE = "dosage_reps_per_side"
    DOSAGE_HOLD = "dosage_hold"
    DOSAGE_HOLD_PER_SIDE = "dosage_hold_per_side"
    DOSAGE_HOLD_PULSES = "dosage_hold_pulses"
    # explaining an exercise
    EXPLAIN_NAME = "explain_name"
    EXPLAIN_MUSCLES = "explain_muscles"
    EXPLAIN_EQUIPMENT = "explain_equipment"
    EXPLAIN_CUES = "explain_cues"
    EXPLAIN_MISTAKES = "explain_mistakes"
    EXPLAIN_SETS = "explain_sets"
    EXPLAIN_EASIER = "explain_easier"
    EXPLAIN_HARDER = "explain_harder"
    EXPLAIN_VARIANT = "explain_variant"
    EXPLAIN_SAFETY = "explain_safety"
    EXPLAIN_ALSO = "explain_also"
    EXPLAIN_MORE = "explain_more"
    # one set
    SET_START = "set_start"
    SET_START_LAST = "set_start_last"
    SET_CARRY_ON = "set_carry_on"
    SET_START_ROUND = "set_start_round"
    SIDE_FIRST = "side_first"
    SIDE_ONE = "side_one"
    LEFT = "left"
    RIGHT = "right"
    GET_SET = "get_set"
    GO = "go"
    HOLD_START = "hold_start"
    SWITCH_SIDES = "switch_sides"
    # counting reps
    LAST_TWO = "last_two"
    LAST_ONE = "last_one"
    REPS_DONE = "reps_done"
    # holding
    HALFWAY = "halfway"
    SECONDS_LEFT = "seconds_left"
    HOLD_DONE = "hold_done"
    PULSES_START = "pulses_start"
    # resting
    REST = "rest"
    REST_ROUND = "rest_round"
    NEXT_SAME = "next_same"
    NEXT_SAME_SIDE = "next_same_side"
    NEXT_SIDE = "next_side"
    NEXT_OTHER = "next_other"
    NEXT_OTHER_SIDE = "next_other_side"
    NEXT_ROUND = "next_round"
    PREVIEW_NAME = "preview_name"
    PREVIEW_KIT = "preview_kit"
    REST_LEFT = "rest_left"
    REST_TAKE_MORE = "rest_take_more"
    # questions
    ASK_SET = "ask_set"
    ASK_LAST_SET = "ask_last_set"
    ASK_ROUND = "ask_round"
    ASK_SIDE = "ask_side"
    ASK_EXERCISE = "ask_exercise"
    ASK_EXERCISE_NAMED = "ask_exercise_named"
    ASK_AFTER_REST = "ask_after_rest"
    ASK_CARRY_ON_REP_SIDE = "ask_carry_on_rep_side"
    ASK_CARRY_ON_REP = "ask_carry_on_rep"
    ASK_CARRY_ON_SIDE = "ask_carry_on_side"
    ASK_CARRY_ON = "ask_carry_on"
    REPEAT_COUNT = "repeat_count"
    ASK_REPROMPT = "ask_reprompt"
    # where we are
    POSITION_SET = "position_set"
    POSITION_ROUND = "position_round"
    PAUSED = "paused"
    PAUSED_ROLLED_BACK = "paused_rolled_back"
    PAUSED_HOW = "paused_how"
    RESUMED = "resumed"
    RESUMED_REPEAT = "resumed_repeat"
    STATUS_WHERE = "status_where"
    STATUS_SETS_LEFT = "status_sets_left"
    STATUS_SETS_LEFT_ONE_EXERCISE = "status_sets_left_one_exercise"
    STATUS_LAST_SET = "status_last_set"
    STATUS_MINUTES = "status_minutes"
    STATUS_ABOUT_A_MINUTE = "status_about_a_minute"
    STATUS_PAUSED = "status_paused"
    STATUS_FINISHED = "status_finished"
    # changes along the way
    EASIER_REPS = "easier_reps"
    HARDER_REPS = "harder_reps"
    EASIER_SECONDS = "easier_seconds"
    HARDER_SECONDS = "harder_seconds"
    EASIER_SWITCH = "easier_switch"
    HARDER_SWITCH = "harder_switch"
    SKIPPED = "skipped"
    REPEATING = "repeating"
    MOVED_ON = "moved_on"
    MOVED_BACK = "moved_back"
    STARTED_OVER_EXERCISE = "started_over_exercise"
    STARTED_OVER_WORKOUT = "started_over_workout"
    # moves that can't be made
    NOT_NO_WORKOUT = "not_no_workout"
    NOT_UNKNOWN_WORKOUT = "not_unknown_workout"
    NOT_NOTHING_PAUSED = "not_nothing_paused"
    NOT_ALREADY_PAUSED = "not_already_paused"
    NOT_AT_END = "not_at_end"
    NOT_AT_START = "not_at_start"
    NOT_NOTHING_TO_REPEAT = "not_nothing_to_repeat"
    NOT_AT_EASIEST = "not_at_easiest"
    NOT_AT_HARDEST = "not_at_hardest"
    NOT_FINISHED = "not_finished"
    NO_WORKOUT_REPROMPT = "no_workout_reprompt"
    # the end
    DONE = "done"
    DONE_EARLY = "done_early"
    DONE_TIME = "done_time"
    DONE_TIME_SHORT = "done_time_short"
    DONE_NAMES = "done_names"
    DONE_COUNT = "done_count"
    DONE_NOTHING = "done_nothing"
    DONE_SKIPPED = "done_skipped"
    GOODBYE = "goodbye"
    # joining lists
    AND = "and"
    # timer tones
    TONES_ON = "tones_on"
    TONES_OFF = "tones_off"
    EVERY_SET_ON = "every_set_on"
    EVERY_SET_OFF = "every_set_off"
    # equipment, as said in a sentence
    KIT_STEP = "kit_step"
    KIT_BENCH = "kit_bench"
    KIT_BOX = "kit_box"
    KIT_CHAIR = "kit_chair"
    KIT_WALL = "kit_wall"
    KIT_BAND = "kit_band"
    KIT_MINI_BAND = "kit_mini_band"
    KIT_DUMBBELLS = "kit_dumbbells"
    KIT_KETTLEBELL = "kit_kettlebell"
    KIT_CABLE_MACHINE = "kit_cable_machine"
    KIT_FOAM_ROLLER = "kit_foam_roller"
    KIT_SLIDER = "kit_slider"
    KIT_TOWEL = "kit_towel"


class PhrasePicker:
    """Picks and fills phrase variants; the same `rng` seed always gives the same wording."""

    def __init__(self, phrasebook: PhraseBook, rng: random.Random) -> None:
        self._book = phrasebook
        self._rng = rng
        self._last: dict[str, int] = {}

    def pick(self, key: str) -> str:
        """One variant of `key`, never the one picked last time for the same key (if it has two)."""
        variants = self._book.variants(key)
        choices = [i for i in range(len(variants)) if i != self._last.get(key)] or [0]
        index = self._rng.choice(choices)
        self._last[key] = index
        return variants[index]

    def say(self, key: str, **fields: Field) -> str:
        """A variant of `key` filled in as plain text (numbers as digits)."""
        text = self.pick(key)
        _check_fields(key, text, fields)
        return _PLACEHOLDER.sub(lambda m: str(fields[m.group(1)]), _numbered(text, fields))

    def ssml(self, key: str, **fields: SpeechField) -> Ssml:
        """A variant of `key` as speech: text escaped, numbers read as numbers, speech nested."""
        text = self.pick(key)
        _check_fields(key, text, fields)
        return Ssml().template(_numbered(text, fields), fields)


def _numbered(text: str, fields: Mapping[str, SpeechField]) -> str:
    """`{field:one|many}` forms said for their numbers: "1 exercise", "3 exercises"."""
    return _PLURAL.sub(lambda m: m.group(2) if fields[m.group(1)] == 1 else m.group(3), text)


@lru_cache(maxsize=1024)  # one entry per phrase variant in the phrasebook
def _placeholders(text: str) -> frozenset[str]:
    """The `{fields}` a phrase variant needs."""
    return frozenset(_PLACEHOLDER.findall(text))


def _check_fields(key: str, text: str, fields: Mapping[str, SpeechField]) -> None:
    """Fail loudly when a phrase and its fields do not match: a silent gap would be spoken."""
    wanted = _placeholders(text)
    if missing := wanted - set(fields):
        raise KeyError(f"phrase {key!r} needs field(s) {', '.join(sorted(missing))}")
    if extra := set(fields) - wanted:
        raise TypeError(f"phrase {key!r} has no field(s) {', '.join(sorted(extra))}")
