"""The timer planner on its own: what a hold, a rep set and a rest say at which second."""

from __future__ import annotations

import pytest

from runner_strength.narration.ssml import Ssml, estimate_seconds, plain_text
from runner_strength.narration.timeline_plan import hold_plan, rep_plan, rest_plan
from runner_strength.narration.timing import END_TONE, GO_TONE, TONE_SECONDS


def test_a_rest_lasts_its_seconds_and_ends_on_the_countdown_and_tone() -> None:
    """A 45 s rest: the opening at once, "10 seconds" where it fits, 5 to 1, then the buzz."""
    plan = rest_plan(
        45.0, Ssml().say("Rest."), checks={10: Ssml().say("10 seconds left.")}, end=True
    )
    rendered = plan.render()
    assert rendered.seconds == pytest.approx(45.0, abs=0.05)
    text = plain_text(rendered.build())
    assert text.startswith("Rest.")
    assert text.index("10 seconds left.") < text.index("5") < text.index("(buzz)")
    assert text.rstrip().endswith("(buzz)")
    assert rendered.build().count(END_TONE) == 1


def test_a_rest_keeps_an_intro_whole_at_its_second() -> None:
    """An intro said in the rest is kept whole; a time check that would overlap it is dropped."""
    intro = Ssml().say("Next up, the squat. " * 8)  # about 14 s, past the 10 s mark
    plan = rest_plan(
        40.0, Ssml().say("Rest."), intro=(2.0, intro), checks={30: Ssml().say("30 seconds left.")}
    )
    text = plain_text(plan.render().build())
    assert text.count("Next up, the squat.") == 8
    assert "30 seconds left." not in text


def test_a_hold_plays_go_and_end_tones_inside_its_seconds() -> None:
    """A 30 s hold with both tones lasts 30 s by the estimate, the tones' lengths inside it."""
    timeline, unsaid = hold_plan(30, [Ssml().say("Keep breathing.")], start=True, end=True)
    ssml = timeline.render().build()
    assert estimate_seconds(ssml) == pytest.approx(30.0, abs=0.05)
    assert ssml.index(GO_TONE) < ssml.index("Keep breathing.") < ssml.index(END_TONE)
    assert unsaid == []
    assert TONE_SECONDS[GO_TONE] > 0


def test_every_rep_is_counted_on_its_beat_and_a_long_cue_waits() -> None:
    """Ten reps at 2.5 s: ten numbers in order; a cue too long for any beat is given back."""
    long_cue = Ssml().say("Drive through the front foot and bring the back leg through. " * 3)
    timeline, unsaid = rep_plan(10, 2.5, [long_cue])
    assert timeline.counts == tuple(range(1, 11))
    assert timeline.seconds == pytest.approx(25.0)
    assert unsaid == [long_cue]


def test_a_set_carried_on_counts_from_its_rep() -> None:
    """Carried on from rep 6 of 10: 6 to 10 are counted, nothing before."""
    timeline, _ = rep_plan(10, 2.5, first=6)
    assert timeline.counts == (6, 7, 8, 9, 10)
