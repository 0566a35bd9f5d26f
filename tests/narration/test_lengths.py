"""Times that hold: what a workout announces is what it plays, for every workout and version.

Each catalogue workout is rehearsed to its end in every version a runner asks for (full, quick
and time budgets from 2 to 60 minutes); the length its opening announces is held within 5% of
the played length (the audio of every response plus 3 s for each answer). The coach's framing
phrases, which the engine's timing counts as constants, are held to the phrase files.
"""

from __future__ import annotations

import re
import statistics
from typing import TYPE_CHECKING

import pytest

from runner_strength.cli import main
from runner_strength.content.compiled import load_compiled
from runner_strength.engine import pace
from runner_strength.narration import lengths, timing
from runner_strength.narration.phrases import Key
from runner_strength.narration.timing import speech_seconds

if TYPE_CHECKING:
    from runner_strength.content.model import Library

# Each framing constant of engine/pace.py and the phrases it stands for.
_FRAMING: dict[str, tuple[float, tuple[Key, ...]]] = {
    "question": (
        pace.QUESTION_SECONDS,
        (Key.ASK_SET, Key.ASK_LAST_SET, Key.ASK_EXERCISE, Key.ASK_SIDE, Key.ASK_ROUND),
    ),
    "intro name": (pace.INTRO_NAME_SECONDS, (Key.INTRO_NAME,)),
    "intro name again": (pace.INTRO_NAME_AGAIN_SECONDS, (Key.INTRO_NAME_AGAIN,)),
    "set number": (pace.SET_NUMBER_SECONDS, (Key.SET_START, Key.SET_START_ROUND)),
    "reminder": (pace.REMINDER_SECONDS, (Key.INTRO_REMINDER,)),
    "side": (pace.SIDE_SECONDS, (Key.SIDE_FIRST, Key.SIDE_ONE)),
    "get set": (pace.GET_SET_SECONDS, (Key.GET_SET,)),
    "work start": (pace.WORK_START_SECONDS, (Key.GO, Key.HOLD_START)),
    "work done": (pace.WORK_DONE_SECONDS, (Key.REPS_DONE, Key.HOLD_DONE)),
    "take longer": (pace.TAKE_LONGER_SECONDS, (Key.REST_TAKE_MORE,)),
    "shortened": (pace.SHORTENED_SECONDS, (Key.WORKOUT_SHORTENED,)),
    "light": (pace.LIGHT_SECONDS, (Key.WORKOUT_LIGHT,)),
    "summary names": (pace.SUMMARY_NAMES_SECONDS, (Key.DONE_NAMES,)),
    "summary count": (pace.SUMMARY_COUNT_SECONDS, (Key.DONE_COUNT,)),
    "rest": (pace.REST_SECONDS, (Key.REST,)),
    "next": (pace.NEXT_SECONDS, (Key.NEXT_SAME, Key.NEXT_SAME_SIDE, Key.NEXT_OTHER)),
    "preview name": (pace.PREVIEW_NAME_SECONDS, (Key.PREVIEW_NAME,)),
    "preview kit": (pace.PREVIEW_KIT_SECONDS, (Key.PREVIEW_KIT,)),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_PLURAL = re.compile(r"\{([a-z_]+):([^{}|:]*)\|([^{}|:]*)\}")
# Placeholders filled from the content, whose words the timing counts from the content itself.
_CONTENT_FIELDS = frozenset({"name", "names", "cue", "setup", "equipment", "focus"})
# How far a framing constant may be from its phrases' mean: one word.
_ONE_WORD = pace.SECONDS_PER_WORD


def _filled(match: re.Match[str]) -> str:
    """A placeholder as the timing counts it: content left out, a number or a side one word."""
    return " " if match.group(1) in _CONTENT_FIELDS else " word "


def _mean_seconds(library: Library, keys: tuple[Key, ...]) -> float:
    """The mean length of the keys' variants, numbers and sides as one word, content left out."""
    return statistics.mean(
        speech_seconds(_PLACEHOLDER.sub(_filled, _PLURAL.sub(r"\3", variant)))
        for key in keys
        for variant in library.phrases.variants(key)
    )


@pytest.fixture(scope="module")
def measured(library: Library) -> list[lengths.Length]:
    """Every catalogue workout in every version, rehearsed once for the module."""
    return lengths.measure_all(library)


def test_every_workout_and_version_plays_what_it_announces(
    measured: list[lengths.Length], library: Library
) -> None:
    """The announced length is within 5% of the played one, for every workout and version."""
    assert len(measured) == len(library.workouts) * len(lengths.VERSIONS)
    for length in measured:
        assert length.answers >= 1, length
        assert abs(length.error) <= lengths.TOLERANCE, (
            f"{length.workout_id} ({length.version}): announced {length.announced} s, "
            f"played {length.played:.0f} s ({length.error:+.1%})"
        )


def test_the_speaking_rate_is_one_constant() -> None:
    """The narration times its words with the engine's rate: one constant, 150 words a minute."""
    assert timing.WORDS_PER_MINUTE is pace.WORDS_PER_MINUTE
    assert timing.SECONDS_PER_WORD == 60 / pace.WORDS_PER_MINUTE
    assert timing.speech_seconds("Ready for set two?") == 4 * pace.SECONDS_PER_WORD


@pytest.mark.parametrize("name", sorted(_FRAMING))
def test_framing_constants_match_the_phrase_files(library: Library, name: str) -> None:
    """Each framing constant of the timing is its phrases' mean length, within one word."""
    constant, keys = _FRAMING[name]
    assert constant == pytest.approx(_mean_seconds(library, keys), abs=_ONE_WORD), name


def test_the_table_section_replaces_itself(
    library: Library, measured: list[lengths.Length]
) -> None:
    """The docs section is rewritten in place, leaving the rest of the page as it was."""
    section = lengths.markdown(library, measured[:2], commit="abc1234", date="2026-12-05")
    page = lengths.update("# Timeline\n\nIntro.\n", section)
    assert page.startswith("# Timeline\n\nIntro.\n\n" + lengths.SECTION_START)
    again = lengths.update(page + "\n## Later\n", section.replace("abc1234", "def5678"))
    assert "abc1234" not in again
    assert "def5678" in again
    assert again.count(lengths.SECTION_START) == 1
    assert again.endswith("## Later\n")


def test_the_lengths_command_prints_the_table_and_the_budgets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`runner-strength lengths` prints the section: the commit, every row, the budgets heard."""
    assert main(["lengths", "--commit", "abc1234", "--date", "2026-12-05"]) == 0
    out = capsys.readouterr().out
    assert "Measured on commit `abc1234`, 2026-12-05." in out
    assert out.count("| full |") == len(load_compiled().workouts)
    for minutes in (2, 15, 20, 60):
        assert f"**{minutes} minutes**: played" in out
