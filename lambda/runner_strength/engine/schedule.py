"""Where a runner is inside a response that plays sets, from the request's own second.

A response that plays sets is a run of timed stretches: talk before the work (`LEAD`), each side's
work (`WORK`), the side switch (`SWITCH`), the rest (`REST`), then the end of its audio (`END`).
The narration records one `Mark` where each stretch starts, in seconds from the response's start;
a response that plays several slots simply has more marks. The engine keeps the marks with the
request timestamp that produced the response (`LastSet`), so a later request is placed by pure
arithmetic on stored values: `place(marks, now - started_at)`.

The rep beats are this module's (`rep_starts`): the narration counts each rep at these offsets and
placement divides by the same beat, so there is one timing model.

A request's timestamp is when Alexa sent it, right after the runner spoke, to the second, so the
runner may have stopped up to `ALLOWANCE` seconds earlier. Placement looks at that earliest moment:
a rep counts as finished only when it certainly was, and a request up to `ALLOWANCE` seconds into a
rest still finds the set's last rep unfinished. Nothing is ever counted done early.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runner_strength.engine.state import Mark, Part, Side

if TYPE_CHECKING:
    from collections.abc import Sequence

# Seconds before a request's timestamp the runner may have spoken (the stamp is to the second,
# and sent right after the words).
ALLOWANCE = 2.0


@dataclass(frozen=True, slots=True)
class Place:
    """Where a request finds the runner.

    `rep` is the rep to carry on from on `side`: the first not certainly finished (1 for a hold,
    before the work, or at a switch). `said` is the last rep number counted before the request
    (None when none was). `left` is what remains of the stretch at the request's own second (a
    rest's remaining seconds).
    """

    slot: int
    side: Side
    part: Part
    rep: int
    said: int | None
    left: float

    @property
    def in_set(self) -> bool:
        """Whether the request interrupts the slot's set (before or during its work)."""
        return self.part in {Part.LEAD, Part.WORK, Part.SWITCH}


def rep_starts(reps: int, tempo: float, first: int = 1) -> tuple[float, ...]:
    """Seconds from the start of a rep stretch at which reps `first`..`reps` are counted."""
    return tuple((rep - first) * tempo for rep in range(first, reps + 1))


def place(marks: Sequence[Mark], offset: float, allowance: float = ALLOWANCE) -> Place | None:
    """Where a request `offset` seconds into a response with `marks` finds the runner.

    The stretch is the one at `offset - allowance`, the earliest the runner may have spoken (the
    first stretch when that is before every mark). None with no marks, or from the `END` mark on:
    nothing timed is playing.
    """
    if not marks:
        return None
    earliest = offset - allowance
    index = _stretch(marks, earliest)
    mark = marks[index]
    if mark.part is Part.END or marks[_stretch(marks, offset)].part is Part.END:
        return None
    ends = marks[index + 1].at if index + 1 < len(marks) else mark.at
    left = max(0.0, ends - offset)
    if mark.part is Part.WORK and mark.beat > 0:
        count = max(0, round((ends - mark.at) / mark.beat))
        finished = min(count, max(0, math.floor((earliest - mark.at) / mark.beat + 1e-9)))
        counted = min(count, math.floor((offset - mark.at) / mark.beat + 1e-9) + 1)
        said = mark.first + counted - 1 if counted > 0 else None
        return Place(mark.slot, mark.side, mark.part, mark.first + finished, said, left)
    if mark.part in {Part.LEAD, Part.SWITCH}:
        # Before a side's work: it starts at the rep its work counts first (a set carried on
        # after an interruption starts later than 1).
        work = next((m for m in marks[index:] if m.part is Part.WORK and m.slot == mark.slot), None)
        if work is not None:
            return Place(mark.slot, work.side, mark.part, work.first, None, left)
    return Place(mark.slot, mark.side, mark.part, 1, None, left)


def _stretch(marks: Sequence[Mark], at: float) -> int:
    """The index of the last mark at or before `at` (the first mark when none is)."""
    found = 0
    for index, mark in enumerate(marks):
        if mark.at > at:
            break
        found = index
    return found


def bounds(marks: Sequence[Mark]) -> tuple[float, float] | None:
    """Seconds from the response's start to its last rest (the work is over) and to its `END`."""
    if not marks:
        return None
    ends = next((m.at for m in marks if m.part is Part.END), marks[-1].at)
    rests = [m.at for m in marks if m.part is Part.REST]
    return (rests[-1] if rests else ends), ends
