from __future__ import annotations

import pytest

from runner_strength.narration.timing import (
    BREAK_COST_SECONDS,
    MAX_BREAK_SECONDS,
    SECONDS_PER_WORD,
    WORDS_PER_MINUTE,
    fill,
    number_words,
    speech_seconds,
    split_silence,
    spoken_words,
)


def test_the_documented_rate_is_150_words_a_minute() -> None:
    """The estimate uses 150 words per minute, 0.4 s a word."""
    assert WORDS_PER_MINUTE == 150
    assert pytest.approx(0.4) == SECONDS_PER_WORD
    assert speech_seconds("Twenty seconds left.") == pytest.approx(1.2)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, 1),
        (7, 1),
        (15, 1),
        (20, 1),
        (30, 1),
        (45, 2),
        (99, 2),
        (100, 2),
        (120, 3),
        (145, 4),
        (1000, 2),
        (1500, 4),
    ],
)
def test_numbers_count_as_the_words_they_are_read_as(number: int, words: int) -> None:
    """'45' is "forty five": two words, so digits in text are not undercounted."""
    assert number_words(number) == words


def test_words_are_letters_joined_by_apostrophes() -> None:
    """Contractions are one word, hyphenated words two, punctuation none."""
    assert spoken_words("Don't stop, it's a push-up!") == 6
    assert spoken_words("... ? !") == 0
    assert spoken_words("Hold 45 seconds") == 4


def test_slower_prosody_takes_longer() -> None:
    """At 80 percent speed the same words take a quarter longer."""
    assert speech_seconds("one two three four", rate=0.8) == pytest.approx(2.0)


def test_split_silence_keeps_every_break_within_ten_seconds() -> None:
    """Silence splits greedily into 10 s breaks and the remainder."""
    assert split_silence(25) == [10, 10, 5]
    assert split_silence(10) == [10]
    assert split_silence(0.0004) == []


@pytest.mark.parametrize("span", [0.2, 5.0, 10.0, 10.1, 10.11, 15.0, 20.2, 20.25, 59.9, 180.0])
def test_fill_spans_exactly_with_the_per_break_cost(span: float) -> None:
    """The silence of the chosen breaks plus their boundary cost adds up to the span."""
    chunks = fill(span)
    assert all(0 < chunk <= MAX_BREAK_SECONDS for chunk in chunks)
    assert sum(chunks) + BREAK_COST_SECONDS * len(chunks) == pytest.approx(span, abs=0.002)


def test_fill_leaves_spans_shorter_than_one_break_silent() -> None:
    """A span shorter than a break's own cost needs no break at all."""
    assert fill(0.05) == []
    assert fill(-3) == []
