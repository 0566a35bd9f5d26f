"""Placing a request in the timeline of the response it cut short (engine/schedule.py)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pytest

from runner_strength.engine import transitions as t
from runner_strength.engine.events import Interrupted, Outcome, SetPerformed, Status
from runner_strength.engine.schedule import ALLOWANCE, Place, place, rep_starts
from runner_strength.engine.state import CarryOn, Mark, Part, Phase, Side, WorkoutState

if TYPE_CHECKING:
    from runner_strength.content.model import Library

T0 = 1_700_000_000.0

# A response: 20 s of talk, 8 reps at 2.5 s on the left, a 5 s switch, 8 on the right, a rest.
LEFT_RIGHT = (
    Mark(0.0, 3, Side.LEFT, Part.LEAD),
    Mark(20.0, 3, Side.LEFT, Part.WORK, first=1, beat=2.5),
    Mark(40.0, 3, Side.RIGHT, Part.SWITCH),
    Mark(45.0, 3, Side.RIGHT, Part.WORK, first=1, beat=2.5),
    Mark(65.0, 3, Side.RIGHT, Part.REST),
    Mark(125.0, 3, Side.BOTH, Part.END),
)

# One set a response, as with "ask me after every set": these tests follow single sets. Sets that
# flow on in one response are tests/engine/test_chained_sets.py's.
ready_one = partial(t.ready, most=1)
resume_one = partial(t.resume, most=1)


@pytest.mark.parametrize(
    ("offset", "side", "part", "rep"),
    [
        (5.0, Side.LEFT, Part.LEAD, 1),  # in the talk: the set has not begun
        (21.0, Side.LEFT, Part.LEAD, 1),  # 2 s earlier the talk was still on
        (27.4, Side.LEFT, Part.WORK, 3),  # 25.4 s: reps 1 and 2 certainly finished
        (27.6, Side.LEFT, Part.WORK, 3),
        (41.9, Side.LEFT, Part.WORK, 8),  # 39.9 s: the eighth rep not yet over
        (42.0, Side.RIGHT, Part.SWITCH, 1),  # 40 s: the left side is done
        (44.0, Side.RIGHT, Part.SWITCH, 1),
        (55.0, Side.RIGHT, Part.WORK, 4),
        (66.0, Side.RIGHT, Part.WORK, 8),  # 1 s into the rest: the last rep not certainly over
    ],
)
def test_a_request_in_a_set_is_placed_at_the_rep_certainly_finished(
    offset: float, side: Side, part: Part, rep: int
) -> None:
    """Placement looks at the earliest moment the runner may have spoken: 2 s before the stamp."""
    spot = place(LEFT_RIGHT, offset)
    assert spot is not None
    assert (spot.side, spot.part, spot.rep) == (side, part, rep)


def test_the_count_said_last_is_the_one_before_the_request() -> None:
    """Repeat mid-set says the last number counted before the request reached the skill."""
    spot = place(LEFT_RIGHT, 28.0)
    assert spot is not None
    assert spot.said == 4  # 4 was counted at 27.5 s; reps 1-3 are the ones certainly finished


def test_a_request_in_the_rest_keeps_the_rest_left() -> None:
    """In the rest the set is done, and what is left of the rest is counted from the stamp."""
    spot = place(LEFT_RIGHT, 100.0)
    assert spot == Place(3, Side.RIGHT, Part.REST, 1, None, 25.0)
    assert not spot.in_set


def test_nothing_is_placed_once_the_audio_is_over() -> None:
    """From the end mark on, nothing timed plays: the request is not an interruption."""
    assert place(LEFT_RIGHT, 126.0) is None
    assert place((), 10.0) is None


def test_a_response_of_several_slots_places_the_slot_playing() -> None:
    """A response that plays two slots just has more marks; the second slot's work is placed."""
    two = (
        *LEFT_RIGHT[:-1],
        Mark(125.0, 4, Side.BOTH, Part.LEAD),
        Mark(130.0, 4, Side.BOTH, Part.WORK, first=1, beat=2.0),
        Mark(150.0, 4, Side.BOTH, Part.REST),
        Mark(200.0, 4, Side.BOTH, Part.END),
    )
    spot = place(two, 141.0)
    assert spot is not None
    assert (spot.slot, spot.part, spot.rep) == (4, Part.WORK, 5)
    assert place(two, 100.0) == Place(3, Side.RIGHT, Part.REST, 1, None, 25.0)


def test_a_set_carried_on_counts_from_its_first_rep() -> None:
    """The talk before a set carried on from rep 6 places at rep 6, its work from there."""
    carried = (
        Mark(0.0, 3, Side.RIGHT, Part.LEAD),
        Mark(10.0, 3, Side.RIGHT, Part.WORK, first=6, beat=2.5),
        Mark(17.5, 3, Side.RIGHT, Part.REST),
        Mark(40.0, 3, Side.BOTH, Part.END),
    )
    assert place(carried, 5.0) == Place(3, Side.RIGHT, Part.LEAD, 6, None, 5.0)
    spot = place(carried, 15.5)
    assert spot is not None
    assert spot.rep == 7


def test_rep_beats_are_one_tempo_apart_from_the_first_rep() -> None:
    """The counts' offsets, the narration's and placement's one timing model."""
    assert rep_starts(4, 2.5) == (0.0, 2.5, 5.0, 7.5)
    assert rep_starts(4, 2.5, first=3) == (0.0, 2.5)


def test_a_mark_survives_its_label() -> None:
    """The narration carries marks through its speech as labels and reads them back."""
    mark = Mark(12.345, 7, Side.RIGHT, Part.WORK, first=3, beat=2.5)
    assert Mark.from_label(mark.label(), 12.345) == Mark(12.35, 7, Side.RIGHT, Part.WORK, 3, 2.5)
    assert Mark.from_label("reps_start", 1.0) is None


def _timed_lunges(library: Library) -> WorkoutState:
    """Five basics' first set (14 walking lunges) played at T0: 10 s of talk, reps of 2.5 s."""
    begun = t.start(library, "five_basics", T0).state
    outcome = ready_one(begun, library, T0)
    assert outcome.state is not None
    assert outcome.state.last_set is not None
    slot = outcome.state.last_set.slot
    marks = (
        Mark(0.0, slot, Side.BOTH, Part.LEAD),
        Mark(10.0, slot, Side.BOTH, Part.WORK, first=1, beat=2.5),
        Mark(45.0, slot, Side.BOTH, Part.REST),
        Mark(105.0, slot, Side.BOTH, Part.END),
    )
    return t.timed(outcome.state, marks, T0)


def _sets_done(state: WorkoutState | None, library: Library) -> int:
    status = t.status(state, library, T0).events[0]
    assert isinstance(status, Status)
    return status.sets_done


def test_an_interrupted_set_is_not_done_and_carries_on_from_its_rep(library: Library) -> None:
    """Mid-work the position goes back to the set, which is not counted; ready counts on."""
    state = _timed_lunges(library)
    outcome = t.interrupt(state, library, T0 + 20 + ALLOWANCE)
    assert outcome.state is not None
    event = outcome.events[0]
    assert isinstance(event, Interrupted)
    assert event.where.carry_on == CarryOn(Side.BOTH, 5)
    assert (_sets_done(state, library), _sets_done(outcome.state, library)) == (1, 0)
    assert outcome.state.phase_at(T0 + 23) is Phase.READY  # the audio stopped there
    carried = ready_one(outcome.state, library, T0 + 30)
    performed = next(e for e in carried.events if isinstance(e, SetPerformed))
    assert (performed.set_number, performed.first_rep) == (1, 5)
    assert carried.state is not None
    assert carried.state.carry_on is None
    assert _sets_done(carried.state, library) == 1


def test_a_request_in_the_rest_keeps_the_set_done(library: Library) -> None:
    """In the rest nothing moves back; the event says how much rest is left."""
    state = _timed_lunges(library)
    outcome = t.interrupt(state, library, T0 + 75)
    assert outcome.state is not None
    assert outcome.state.position == state.position
    event = outcome.events[0]
    assert isinstance(event, Interrupted)
    assert (event.part, event.rest_left) == (Part.REST, 30)
    assert _sets_done(outcome.state, library) == 1


def test_easier_mid_set_keeps_the_set_carrying_on(library: Library) -> None:
    """Easier during the work: fewer reps from now on, the same set carries on from its rep."""
    state = _timed_lunges(library)
    interrupted = t.interrupt(state, library, T0 + 30).state
    easier = t.easier(interrupted, library, T0 + 30)
    assert easier.state is not None
    assert state.last_set is not None
    assert easier.state.position == state.last_set.slot
    assert easier.state.carry_on == CarryOn(Side.BOTH, 8)


def test_a_pause_mid_set_carries_on_from_the_rep_when_resumed(library: Library) -> None:
    """Pause after an interruption keeps the rep: resume counts on from it."""
    state = _timed_lunges(library)
    interrupted = t.interrupt(state, library, T0 + 25).state
    paused = t.pause(interrupted, library, T0 + 25)
    assert paused.state is not None
    assert paused.state.rolled_back
    resumed = resume_one(paused.state, library, T0 + 600)
    performed = next(e for e in resumed.events if isinstance(e, SetPerformed))
    assert performed.first_rep == 6


def test_an_untimed_response_is_never_interrupted(library: Library) -> None:
    """Without marks (a response not narrated) nothing is placed: no event, the same state."""
    begun = t.start(library, "five_basics", T0).state
    state = ready_one(begun, library, T0).state
    assert t.interrupt(state, library, T0 + 10) == Outcome(state, ())
