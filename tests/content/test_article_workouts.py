"""The article workouts as the runner hears them: the articles' dosages said and timed."""

import random
import re

from runner_strength.content.model import Library
from runner_strength.narration.rehearsal import rehearsal
from runner_strength.narration.ssml import plain_text


def _heard(library: Library, workout_id: str) -> list[str]:
    return [
        plain_text(speech.ssml) for _, speech in rehearsal(library, workout_id, random.Random(5))
    ]


def test_the_bridge_in_rev_up_to_run_holds_then_counts_every_pulse(library: Library) -> None:
    """003's bridge: the coach times the hold, says to pulse, then counts each pulse 1 to 15."""
    pulses = [
        after
        for text in _heard(library, "rev_up_to_run")
        for after in re.split(r"(?:Now|Stay up and) pulse\. Dip and lift\.", text)[1:]
    ]
    assert len(pulses) == 2  # both sets of the bridge, in one response or two
    for after in pulses:
        spoken = re.sub(r"\[[^\]]*\]", "", after)  # timers are pauses, not words
        counting = re.split(r"\bRest\b|seconds", spoken)[0]  # the pulses end where rest begins
        counts = [int(n) for n in re.findall(r"\b(\d+)\b", counting)]
        assert counts[:15] == list(range(1, 16))  # every pulse counted, "last one" beside 15


def test_top_six_says_twenty_calf_raises_seated_and_standing(library: Library) -> None:
    """002's high volume: the runner hears twenty reps for both calf raises."""
    heard = " ".join(_heard(library, "top_six"))
    assert "seated calf raise" in heard.lower()
    assert re.search(r"calf raise\b.*20 reps", heard.lower(), re.DOTALL)
    assert heard.count("20 reps") + heard.count("We're doing 20 reps") >= 2
