"""How long the coach's words take, and so how long a workout plays: the one timing model.

Everything that says how long something takes ("roughly 42 minutes", "about 12 minutes left", a
time budget) counts with this module, and the narration times its own words with the same rate,
so what is announced is what is played.

Speech rate: **150 words per minute** (`WORDS_PER_MINUTE`, 0.4 s a word). Alexa's default voice
reads running prose at roughly 150 to 165 words per minute; the coach's short sentences, each closed
by a sentence-final pause, sit at the slow end. Numbers are counted as the words they are read as
("45" is "forty five", two words).

A workout's length is the plan's slots played one response each, plus the runner's answers:

- the opening (the workout's name and focus, its shape, the kit) and its question;
- per slot: the talk before the work (an intro the first time an exercise comes, with its why,
  set-up and first cues from the content; a reminder cue later), the side and "get into position",
  the settle silence, the work itself (reps at their tempo, holds, the side switch), the timed rest
  the plan gives the response, and the closing question (the summary after the last);
- `ANSWER_SECONDS` for each "ready" the runner says.

The words the content supplies (names, why, set-up, cues) are counted from the content itself; the
coach's own framing phrases ("Set 2 of 3.", "Get into position.", "Ready for set 3?") are the
`*_SECONDS` constants below, each the mean length of its phrase variants in content/phrases at this
rate (tests/narration/test_lengths.py holds them to the phrase files).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING

from runner_strength.content.model import SIDE_SWITCH_SECONDS, Mode, cue_schedule

if TYPE_CHECKING:
    from collections.abc import Sequence

    from runner_strength.content.model import Dosage, Exercise

WORDS_PER_MINUTE = 150
SECONDS_PER_WORD = 60 / WORDS_PER_MINUTE
# What a runner's answer ("ready") costs: saying it, and Alexa hearing it and answering.
ANSWER_SECONDS = 3.0
# Time to get into position after "get into position", longer when the set-up was just explained.
SETTLE_SECONDS = 3.0
SETTLE_AFTER_INTRO_SECONDS = 5.0
# The beep at "go" (narration/timing.py's GO_TONE); the other tones sit inside timed stretches.
GO_TONE_SECONDS = 0.5
# A cue about how to count ("count one rep once both heels have tapped") is said before counting.
COUNT_NOTE = re.compile(r"\bcount", re.IGNORECASE)
# The cues a full intro gives (the rest of the first set's cues are said with the work).
INTRO_CUES = 3
# Quiet kept between two things said inside a timer, so they never run together.
GAP_SECONDS = 0.3
# Form cues start this far into a hold; the last seconds of a hold are its spoken countdown.
HOLD_CUE_AT = 2.0
COUNTDOWN_FROM = 5
# "N seconds left" during a hold, when at least TIME_CHECK_MIN_ELAPSED has passed.
TIME_CHECKS = (90, 60, 30, 20, 10)
TIME_CHECK_MIN_ELAPSED = 5

# The coach's framing phrases, in seconds (means of the variants; see the module's docs).
OPENING_SECONDS = 8.5  # "Let's get going with ... Today is all about ...", the shape, the kit line
SHORTENED_SECONDS = 3.6  # "I've cut it down to fit the time you have."
LIGHT_SECONDS = 5.0  # "A lighter session today: a set fewer and no heavy leg work."
QUESTION_SECONDS = 1.8  # "Ready for set 2?", "Ready for the walking lunge?"
INTRO_NAME_SECONDS = 1.2  # "Next up, ..." (the name itself is counted from the content)
INTRO_NAME_AGAIN_SECONDS = 1.0  # "... again."
INTRO_FRAME_SECONDS = 2.3  # "To set up: ...", "Key points."
DOSAGE_SECONDS = 1.8  # "14 reps.", "30 seconds each side."
SET_NUMBER_SECONDS = 2.0  # "Set 2 of 3.", "Round 2 of 3."
REMINDER_SECONDS = 1.4  # "Remember: ..."
SIDE_SECONDS = 1.9  # "Start on your left side."
GET_SET_SECONDS = 1.1  # "Get into position."
WORK_START_SECONDS = 0.9  # "Go.", "And hold."
WORK_DONE_SECONDS = 1.1  # "And done.", "And release."
TAKE_LONGER_SECONDS = 3.2  # "Take a little longer if you need it." (a rest cut to fit a response)
REST_SECONDS = 1.0  # "Rest.", "Take a rest."
NEXT_SECONDS = 2.0  # "Coming up, set 2 of 3.", "Next, ... starting on the left."
PREVIEW_NAME_SECONDS = 1.3  # "Coming up next: ..."
PREVIEW_KIT_SECONDS = 1.4  # "You'll need ..." (the kit itself is counted from the content)
# The next exercise's intro, said in the rest before it, starts this long after "Rest." and ends at
# least this long before the rest does (room for the countdown from five).
PREVIEW_AFTER_SECONDS = 2.0
PREVIEW_BEFORE_END_SECONDS = 6.0
SUMMARY_SECONDS = 5.5  # "That's the workout done. That was 18 minutes of work." and a goodbye
SUMMARY_NAMES_SECONDS = 1.4  # "You did ..." (the names counted from the content)
SUMMARY_COUNT_SECONDS = 3.0  # "You got through 6 exercises and 14 sets."
# Above this many exercises, the summary gives a count rather than reading every name.
SUMMARY_NAMES = 4

# Texts whose words `spoken_words` remembers: the content's lines and the phrase variants.
SPOKEN_CACHE_SIZE = 4096
_SMALL = 20  # zero ... twenty are one word each
_TEN = 10
_HUNDRED = 100
_THOUSAND = 1000
# A word is letters joined by apostrophes ("don't" is one, "push-up" two); digits are numbers.
_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|\d+")


def number_words(number: int) -> int:
    """How many words a whole number is read as ("7" one, "45" two, "120" three)."""
    number = abs(number)
    if number <= _SMALL:
        return 1
    if number < _HUNDRED:
        return 1 if number % _TEN == 0 else 2
    if number < _THOUSAND:
        rest = number % _HUNDRED
        return 2 + (number_words(rest) if rest else 0)
    rest = number % _THOUSAND
    return number_words(number // _THOUSAND) + 1 + (number_words(rest) if rest else 0)


@lru_cache(maxsize=SPOKEN_CACHE_SIZE)
def spoken_words(text: str) -> int:
    """How many words the voice says for this text, numbers counted as they are read.

    Memoised: the same lines (content texts, phrase variants) are counted on every plan and turn.
    """
    # isdecimal, not isdigit: "²" is a digit that int() cannot read (and it is read as a word).
    tokens = _TOKEN.findall(text)
    return sum(number_words(int(token)) if token.isdecimal() else 1 for token in tokens)


def speech_seconds(text: str, rate: float = 1.0) -> float:
    """Estimated seconds the voice takes to say `text`; `rate` 0.9 means 90 percent speed."""
    return spoken_words(text) * SECONDS_PER_WORD / rate


def minutes_said(seconds: float) -> int:
    """Seconds as the whole minutes the coach says ("about 18 minutes"), at least one."""
    return max(1, round(seconds / 60))


class Intro(Enum):
    """What comes before a set's work about the exercise itself."""

    NONE = "none"  # a later set of the same exercise
    FULL = "full"  # the first time: name, why, set-up, three cues
    AGAIN = "again"  # a later round of a circuit: the name and one reminder cue


@dataclass(frozen=True, slots=True)
class SetShape:
    """Where one played set sits, as far as its talk is concerned."""

    intro: Intro
    circuit: bool
    round_start: bool  # a circuit's round begins with it ("Round 2 of 3.")
    set_number: int
    total_sets: int
    sides: int  # sides done in this response (1 or 2)
    first: bool  # this response starts the set (not a split set's right side)
    previewed: bool = False  # its intro, or reminder, was said in the rest before it


def set_talk_seconds(exercise: Exercise, dosage: Dosage, shape: SetShape) -> float:
    """Seconds of one set response's talk and settling, outside its timed work and rest.

    Mirrors what the narration says around a set: the intro or a reminder, the set number, the
    side, "get into position", the cues that find no room inside the work, the settle silence,
    the words that start and end each side, and the closing question.
    """
    cues = _set_cues(exercise, shape)
    seconds = SET_NUMBER_SECONDS if shape.round_start else 0.0
    full = shape.intro is Intro.FULL
    if shape.previewed:  # said in the rest before
        said = [*(cues[:INTRO_CUES] if full else []), *rest_cues(cues, dosage, full=full)]
        cues = [cue for cue in cues if cue not in said]
    if shape.intro is Intro.FULL:
        if not shape.previewed:
            seconds += INTRO_NAME_SECONDS + speech_seconds(exercise.called)
            seconds += INTRO_FRAME_SECONDS + speech_seconds(exercise.why)
            seconds += speech_seconds(exercise.setup) + DOSAGE_SECONDS
            seconds += sum(speech_seconds(cue) for cue in cues[:INTRO_CUES])
            cues = cues[INTRO_CUES:]
    elif shape.intro is Intro.AGAIN and not shape.previewed:
        seconds += INTRO_NAME_AGAIN_SECONDS + speech_seconds(exercise.called) + DOSAGE_SECONDS
        if cues:
            seconds += REMINDER_SECONDS + speech_seconds(cues[0])
            cues = cues[1:]
    if not shape.circuit:
        seconds += SET_NUMBER_SECONDS
    if shape.intro is Intro.NONE and cues and shape.first and not shape.previewed:
        seconds += REMINDER_SECONDS + speech_seconds(cues[0])
        cues = cues[1:]
    introduced = shape.intro is not Intro.NONE and not shape.previewed
    if shape.sides == 2 and introduced and exercise.first_side:
        seconds += speech_seconds(exercise.first_side)  # what "left side" means for this one
    elif dosage.per_side:
        seconds += SIDE_SECONDS
    seconds += GET_SET_SECONDS + sum(speech_seconds(c) for c in unplaced_cues(cues, dosage))
    # The content's own set-up silence, a little longer right after the set-up was explained,
    # and its own side switch in place of the plan's allowance for one.
    setup = float(exercise.setup_seconds)
    seconds += max(setup, SETTLE_AFTER_INTRO_SECONDS) if introduced else setup
    if shape.sides == 2:
        seconds += exercise.switch_seconds - SIDE_SWITCH_SECONDS
    start = WORK_START_SECONDS + (GO_TONE_SECONDS if dosage.mode is Mode.REPS else 0.0)
    return seconds + start * shape.sides + WORK_DONE_SECONDS + QUESTION_SECONDS


def rest_cues(cues: Sequence[str], dosage: Dosage, *, full: bool) -> list[str]:
    """A set's cues said in the rest before it, besides a whole intro's first three.

    The reminder (unless a whole intro gives three), how to count, and the cues no beat of the
    work has room for: after "ready" only the cues riding beside the counts are left.
    """
    left = list(cues[INTRO_CUES:] if full else cues[1:])
    notes = [cue for cue in left if COUNT_NOTE.search(cue)]
    riders = [cue for cue in left if cue not in notes]
    unplaced = [cue for cue in unplaced_cues(riders, dosage) if cue not in notes]
    said = ([] if full or not cues else [cues[0]]) + notes + unplaced
    return [cue for cue in cues if cue in said]


def said_in_rest_seconds(exercise: Exercise, dosage: Dosage, shape: SetShape) -> float:
    """Seconds of what the rest before a set says about it (see the narration's rest).

    Before an exercise's first intro, the whole intro (`intro_in_rest_seconds`); before any other
    set, what comes next, the reminder cue and how to count.
    """
    if shape.intro is Intro.FULL:
        return intro_in_rest_seconds(exercise, dosage, shape)
    said = rest_cues(_set_cues(exercise, shape), dosage, full=False)
    seconds = NEXT_SECONDS + (speech_seconds(exercise.called) if shape.intro else 0.0)
    return seconds + (REMINDER_SECONDS if said else 0.0) + sum(speech_seconds(c) for c in said)


def intro_in_rest_seconds(exercise: Exercise, dosage: Dosage, shape: SetShape) -> float:
    """Seconds of an exercise's whole first intro said in the rest before its first set.

    Mirrors the narration: the name, why, the kit, the set-up, three cues, the dose and what
    "left side" means for it.
    """
    set_cues = _set_cues(exercise, shape)
    cues = set_cues[:INTRO_CUES] + rest_cues(set_cues, dosage, full=True)
    seconds = PREVIEW_NAME_SECONDS + speech_seconds(exercise.called) + speech_seconds(exercise.why)
    if exercise.equipment:
        kit = (item.replace("_", " ") for item in exercise.equipment)
        seconds += PREVIEW_KIT_SECONDS + sum(speech_seconds(i) + SECONDS_PER_WORD for i in kit)
    seconds += INTRO_FRAME_SECONDS + speech_seconds(exercise.setup) + DOSAGE_SECONDS
    seconds += sum(speech_seconds(cue) for cue in cues)
    if shape.sides == 2 and exercise.first_side:
        seconds += speech_seconds(exercise.first_side)
    return seconds


def rest_holding_intro(intro_seconds: float, *, pause: bool) -> int:
    """The rest a response times when what the next set needs is said in it, at the least.

    `pause`: a breath after "Rest." first, before a whole intro (a reminder follows at once, so a
    circuit's short station change holds it).
    """
    after = PREVIEW_AFTER_SECONDS if pause else 0.0
    return math.ceil(REST_SECONDS + after + intro_seconds + PREVIEW_BEFORE_END_SECONDS)


def opening_seconds(  # noqa: PLR0913  # what the opening says, all by keyword after the name
    name: str,
    focus: str,
    *,
    kit: Sequence[str],
    first: str,
    shortened: bool,
    light: bool,
) -> float:
    """Seconds of a workout's opening response: name, focus, shape, kit and the first question.

    `kit` is the equipment as named in the content (each said with its article), `first` the
    first exercise as the question names it.
    """
    seconds = OPENING_SECONDS + speech_seconds(f"{name} {focus} {first}") + QUESTION_SECONDS
    seconds += sum(speech_seconds(item) + SECONDS_PER_WORD for item in kit)  # "a band"
    seconds += SHORTENED_SECONDS if shortened else 0.0
    return seconds + (LIGHT_SECONDS if light else 0.0)


def summary_seconds(names: Sequence[str]) -> float:
    """Seconds of the summary that ends a workout: well done, how long, what was done, goodbye."""
    if len(names) > SUMMARY_NAMES:
        return SUMMARY_SECONDS + SUMMARY_COUNT_SECONDS
    return SUMMARY_SECONDS + SUMMARY_NAMES_SECONDS + sum(speech_seconds(n) for n in names)


def _set_cues(exercise: Exercise, shape: SetShape) -> list[str]:
    """The cues this set says, from the content's cue schedule (as the narration picks them)."""
    total, number = shape.total_sets, shape.set_number
    schedule = cue_schedule(len(exercise.cues), max(1, total))
    return [exercise.cues[i] for i in schedule[min(number, len(schedule)) - 1]]


def unplaced_cues(cues: Sequence[str], dosage: Dosage) -> list[str]:
    """The cues said before the work because no beat or quiet stretch of it has room for them."""
    notes = [cue for cue in cues if COUNT_NOTE.search(cue)]
    riders = [cue for cue in cues if cue not in notes]
    if dosage.mode is Mode.REPS:
        tempo = dosage.tempo_seconds or 1.0
        beats = max(0, (dosage.reps or 0) - 3)  # "last two" and "last one" take two beats
        room = tempo - SECONDS_PER_WORD - 2 * GAP_SECONDS  # beside a one-word count
        fitting = [cue for cue in riders if speech_seconds(cue) <= room][:beats]
        return notes + [cue for cue in riders if cue not in fitting]
    hold = float(dosage.hold_seconds or 0)
    checks = [left for left in TIME_CHECKS if left <= hold - TIME_CHECK_MIN_ELAPSED]
    room = hold - (max(checks) if checks else COUNTDOWN_FROM)
    at = GO_TONE_SECONDS + HOLD_CUE_AT
    unplaced = list(notes)
    for cue in riders:
        length = speech_seconds(cue)
        if at + length + GAP_SECONDS <= room:
            at += length + 2 * GAP_SECONDS
        else:
            unplaced.append(cue)
    return unplaced
