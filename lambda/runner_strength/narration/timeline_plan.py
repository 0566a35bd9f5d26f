"""The plan of a timed stretch (a hold, a rep set, a rest): what is said at which second.

Pure: no phrase is looked up here. The caller passes the words already built (a time check, "last
two", a rest's opening) and gets back a `Timeline`, rendered to SSML apart. The tones, the
countdown numbers and the rep numbers are not wording, so they are made here.

Things said inside a timer are fitted by priority: a countdown number before a time check before
"halfway" before a form cue, none overlapping another or running past the end, except the forced
ones (a rest's opening, a tone), which are always kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from runner_strength.engine.pace import (
    COUNTDOWN_FROM,
    GAP_SECONDS,
    HOLD_CUE_AT,
    TIME_CHECK_MIN_ELAPSED,
    TIME_CHECKS,
)
from runner_strength.engine.schedule import rep_starts
from runner_strength.narration.ssml import Ssml
from runner_strength.narration.timing import (
    COUNTDOWN_ZERO,
    END_TONE,
    GO_TONE,
    SECONDS_PER_WORD,
    TONE_SECONDS,
    number_words,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# A hold this long also hears "halfway".
HALFWAY_FROM_SECONDS = 40


@dataclass(frozen=True, slots=True)
class Beat:
    """One thing said (or played) inside a timer, `at` seconds in; `count` is the rep it counts."""

    at: float
    speech: Ssml
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Timeline:
    """The plan of one timed stretch: what is said at which second. Rendered to SSML apart."""

    seconds: float
    beats: tuple[Beat, ...]

    @property
    def counts(self) -> tuple[int, ...]:
        """The rep numbers said, in order."""
        return tuple(beat.count for beat in self.beats if beat.count is not None)

    def render(self) -> Ssml:
        """The stretch as speech lasting exactly `seconds` by the estimate."""
        return Ssml().timeline(self.seconds, [(beat.at, beat.speech) for beat in self.beats])


@dataclass(frozen=True, slots=True)
class _Timed:
    """Something said inside a timer: at `at` seconds in, `priority` 0 first; forced always fits."""

    at: float
    speech: Ssml
    priority: int
    forced: bool = False
    tag: int | None = None  # which of the caller's cues this is


def time_checks_due(seconds: float) -> list[int]:
    """The seconds-left a stretch this long announces ("20 seconds left"), longest first."""
    marks = [left for left in TIME_CHECKS if left <= seconds - TIME_CHECK_MIN_ELAPSED]
    if any(left > 20 for left in marks):  # with 30 s to go, 20 is one too many
        marks = [left for left in marks if left != 20]
    return marks


def halfway_due(seconds: float) -> bool:
    """Whether a hold this long also hears "halfway"."""
    return seconds >= HALFWAY_FROM_SECONDS


def hold_plan(  # noqa: PLR0913  # the words and tones a hold may hold, all by keyword
    seconds: int,
    cues: Sequence[Ssml] = (),
    *,
    checks: Mapping[int, Ssml] | None = None,
    halfway: Ssml | None = None,
    start: bool = False,
    end: bool = False,
) -> tuple[Timeline, list[Ssml]]:
    """A hold of exactly `seconds` by the estimate, and the cues that found no room in it.

    The plan: the start tone, form cues near the start, time checks (`checks`, by seconds left,
    see `time_checks_due`), `halfway`, a countdown from five and the end tone, each at its
    second; the tones' lengths are inside the hold.
    """
    end_tone = TONE_SECONDS[END_TONE] if end else 0.0
    start_tone = TONE_SECONDS[GO_TONE] if start else 0.0
    timed = _countdown(seconds - end_tone)
    timed += _time_checks(seconds, checks or {})
    if halfway is not None:
        timed.append(_Timed(seconds / 2, halfway, priority=2))
    at = start_tone + HOLD_CUE_AT
    for index, cue in enumerate(cues):
        timed.append(_Timed(at, cue, priority=3, tag=index))
        at += cue.seconds + 2 * GAP_SECONDS
    if start:
        timed.append(_Timed(0.0, Ssml().audio(GO_TONE), priority=0, forced=True))
    if end:
        timed.append(_end_tone(seconds - end_tone))
    chosen = _fit(seconds, timed)
    placed = {item.tag for item in chosen if item.tag is not None}
    beats = tuple(Beat(item.at, item.speech) for item in chosen)
    return (
        Timeline(float(seconds), beats),
        [cue for index, cue in enumerate(cues) if index not in placed],
    )


def rep_plan(  # noqa: PLR0913  # the words a rep set may hold, all by keyword
    reps: int,
    tempo: float,
    cues: Sequence[Ssml] = (),
    *,
    first: int = 1,
    last_two: Ssml | None = None,
    last_one: Ssml | None = None,
) -> tuple[Timeline, list[Ssml]]:
    """Every rep counted on its beat, and the cues that found no room beside a number.

    Each rep's number is said at the start of its beat (`schedule.rep_starts`, the beats a
    request is placed by); `last_two`, `last_one` and a cue may follow a number within the
    same beat when they fit before the next number, so a number is never late, never dropped
    and never replaced. A set carried on after an interruption counts from `first`.
    """
    riders: dict[int, Ssml] = {}
    if reps >= 2 and last_two is not None:  # "last two" needs two reps to announce
        riders[reps - 2] = last_two
    if reps >= 1 and last_one is not None:
        riders[reps - 1] = last_one
    unsaid: list[Ssml] = []
    free = [rep for rep in _rider_order(reps) if rep not in riders and rep >= first - 1]
    for cue in cues:
        spot = next((rep for rep in free if _fits(rep + 1, cue, tempo)), None)
        if spot is None:
            unsaid.append(cue)
            continue
        riders[spot] = cue
        free.remove(spot)
    beats = []
    first = max(1, min(first, reps)) if reps else 1
    for number, at in zip(range(first, reps + 1), rep_starts(reps, tempo, first), strict=True):
        speech = Ssml().say_as(number)
        rider = riders.get(number - 1)
        if rider is not None and _fits(number, rider, tempo):
            speech.say(".").extend(rider)
        beats.append(Beat(at, speech, count=number))
    return Timeline(len(beats) * tempo, tuple(beats)), unsaid


def rest_plan(
    seconds: float,
    opening: Ssml,
    *,
    intro: tuple[float, Ssml] | None = None,
    checks: Mapping[int, Ssml] | None = None,
    end: bool = False,
) -> Timeline:
    """A rest of `seconds`: the opening at once and `intro` at its second, both kept whole.

    Time checks (`checks`, by seconds left), a countdown and the end tone go where they fit.
    """
    end_tone = TONE_SECONDS[END_TONE] if end else 0.0
    timed = [_Timed(0.0, opening, priority=0, forced=True)]
    if intro is not None:
        at, speech = intro
        timed.append(_Timed(at, speech, priority=0, forced=True))
    timed += _countdown(seconds - end_tone)
    timed += _time_checks(seconds, checks or {})
    if end:
        timed.append(_end_tone(seconds - end_tone))
    return Timeline(seconds, tuple(Beat(item.at, item.speech) for item in _fit(seconds, timed)))


def _countdown(seconds: float) -> list[_Timed]:
    start = min(COUNTDOWN_FROM, int(seconds))
    return [
        _Timed(seconds - number, Ssml().say_as(number), priority=0)
        for number in range(start, 0, -1)
    ]


def _time_checks(seconds: float, checks: Mapping[int, Ssml]) -> list[_Timed]:
    return [_Timed(seconds - left, speech, priority=1) for left, speech in checks.items()]


def _end_tone(at: float) -> _Timed:
    """The tone ending a hold or a rest, marked where its countdown reaches zero; always played."""
    return _Timed(at, Ssml().mark(COUNTDOWN_ZERO).audio(END_TONE), priority=0, forced=True)


def _fit(total: float, timed: list[_Timed]) -> list[_Timed]:
    """The things to say inside a timer that fit: by priority, none overlapping another or the end.

    Forced items (the opening of a rest, a tone) are always kept, even past the end.
    """
    taken: list[tuple[float, float]] = []
    chosen: list[_Timed] = []
    for item in sorted(timed, key=lambda t: (not t.forced, t.priority, t.at)):
        start, end = item.at, item.at + item.speech.seconds
        if not item.forced:
            if start < 0 or end > total:
                continue
            if any(
                start < other_end + GAP_SECONDS and other_start < end + GAP_SECONDS
                for other_start, other_end in taken
            ):
                continue
        taken.append((start, end))
        chosen.append(item)
    return chosen


def _rider_order(reps: int) -> list[int]:
    """Beats a cue may follow, best first: the middle of the set, then outwards from it."""
    middle = reps // 2
    return sorted(range(1, reps), key=lambda rep: (abs(rep - middle), rep))


def _fits(number: int, rider: Ssml, tempo: float) -> bool:
    """Whether `rider` fits after the count `number` inside one beat, with a gap either side."""
    count = number_words(number) * SECONDS_PER_WORD
    return count + GAP_SECONDS + rider.seconds + GAP_SECONDS <= tempo
