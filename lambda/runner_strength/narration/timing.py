"""How long spoken words and breaks take, so timers can subtract the time the coach spends talking.

The estimate is deliberately simple: a fixed number of seconds per spoken word, plus a small cost
for every `<break>`.

Speech rate: **150 words per minute** (0.4 s a word), the one constant `engine/pace.py`'s
`WORDS_PER_MINUTE`, which every announced length is counted with too (the word counting lives there
and is re-exported here). Alexa's default voice reads running prose at roughly 150 to 165 words per
minute. A coach's lines are short sentences ("Twenty seconds left.", "Switch sides."), and Alexa
adds a sentence-final pause after each one, so the effective rate of our lines sits at the slow end
of that range; 150 is that end and makes the arithmetic round. If the real voice is a little
faster, a hold ends a fraction of a second late, never early, which is the safe side for a runner
who is counting on the prescribed time.

Per-break cost: **0.1 s**. The voice closes its phrase before every `<break>` and reopens it after,
which adds a short boundary beyond the break's own time. A timer made of many breaks would drift
without it (a 12-rep set has 12 breaks), so every break is charged this much on top of its `time`.

Numbers are counted as the words they are read as ("45" is "forty five", two words).

Tones: the timers can play short sounds from Alexa's Skills Kit sound library
(`<audio src="soundbank://soundlibrary/...">`), one at "go", one at a side switch and one at the end
of a hold or a rest. Each is charged its length here, so a timer with tones lasts as long as one
without. The lengths are our estimates of these short effects, rounded up; Alexa plays at most five
audio tags (and 240 s of audio) in one response.
"""

from __future__ import annotations

import math

from runner_strength.engine.pace import (
    GO_TONE_SECONDS,
    SECONDS_PER_WORD,
    WORDS_PER_MINUTE,
    number_words,
    speech_seconds,
    spoken_words,
)

__all__ = [
    "BREAK_COST_SECONDS",
    "COUNTDOWN_ZERO",
    "END_TONE",
    "GO_TONE",
    "MAX_AUDIO_TAGS",
    "MAX_BREAK_SECONDS",
    "SECONDS_PER_WORD",
    "SWITCH_TONE",
    "TONE_MARKS",
    "TONE_SECONDS",
    "WORDS_PER_MINUTE",
    "break_seconds",
    "fill",
    "number_words",
    "speech_seconds",
    "split_silence",
    "spoken_words",
]

BREAK_COST_SECONDS = 0.1
MAX_BREAK_SECONDS = 10.0

# Breaks are written in whole milliseconds, so every chunk is rounded to them.
_MS = 1000


# Three distinct tones: a beep to start, a chime to switch sides, a buzzer to stop.
GO_TONE = "soundbank://soundlibrary/musical/amzn_sfx_beep_1x_01"
SWITCH_TONE = "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_01"
END_TONE = "soundbank://soundlibrary/musical/amzn_sfx_buzzer_small_01"
TONE_SECONDS = {GO_TONE: GO_TONE_SECONDS, SWITCH_TONE: 1.0, END_TONE: 1.0}
# How a tone is shown where it cannot be heard (the console, screen text).
TONE_MARKS = {GO_TONE: "(beep)", SWITCH_TONE: "(chime)", END_TONE: "(buzz)"}
MAX_AUDIO_TAGS = 5
# The mark where a countdown reaches zero as its end tone starts: a screen's timer ends there.
COUNTDOWN_ZERO = "countdown_zero"


def break_seconds(silence: float) -> float:
    """Estimated seconds one break of `silence` seconds takes, its boundary cost included."""
    return silence + BREAK_COST_SECONDS


def split_silence(seconds: float) -> list[float]:
    """Exactly `seconds` of silence as breaks of at most 10 s each: 25 becomes 10, 10 and 5."""
    total_ms = round(seconds * _MS)
    if total_ms <= 0:
        return []
    whole, rest = divmod(total_ms, round(MAX_BREAK_SECONDS * _MS))
    chunks = [MAX_BREAK_SECONDS] * whole
    if rest:
        chunks.append(rest / _MS)
    return chunks


def fill(span: float) -> list[float]:
    """Breaks whose silence plus per-break cost last `span` seconds, each at most 10 s.

    Used for timers: the coach must be quiet for whatever is left of a hold or a rest after the
    words, and every break it takes to do that costs a little extra.
    """
    if span <= BREAK_COST_SECONDS:
        return []
    count = math.ceil(span / (MAX_BREAK_SECONDS + BREAK_COST_SECONDS))
    silence = span - count * BREAK_COST_SECONDS
    remainder = silence - MAX_BREAK_SECONDS * (count - 1)
    # A greedy split would leave a last break of (almost) nothing; split evenly instead.
    chunks = (
        [MAX_BREAK_SECONDS] * (count - 1) + [remainder]
        if remainder >= 1 / _MS
        else [silence / count] * count
    )
    return [round(chunk * _MS) / _MS for chunk in chunks]
