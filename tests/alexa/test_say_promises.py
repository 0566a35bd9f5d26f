"""Every "say ..." the coach suggests reaches, literally through the model, what it promises.

Each phrase file is searched for "say X, Y or Z"; each command is read literally on the generated
en-US model by `spoken_model.match` (samples and custom slot values as written, a built-in's own
phrases as build-model writes them from content/utterances/en.yaml), taking the longest start of
the command that is a whole utterance ("say go back to redo a set" promises what "go back" does).
That utterance must be one the table below promises, resolving to the intent promised: a new
"say ..." is declared here first.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from runner_strength import spoken_model

REPO = Path(__file__).resolve().parents[2]
JsonDict = dict[str, Any]
PHRASES = sorted((REPO / "content" / "phrases").glob("*.yaml"))
SAY = re.compile(r"(?<!I'll )\b[Ss]ay,? (.*?)(?:[.?!]|$)")
ONE_SHOT = re.compile(r"^(?:alexa,? )?(?:ask runner strength to |open runner strength\b)")
LAUNCH = "LaunchRequest"
# What each utterance the coach suggests promises to do.
PROMISES: dict[str, set[str]] = {
    "ready": {"ReadyIntent"},
    "ready for the next set": {"ReadyIntent"},
    "ready to go": {"ReadyIntent"},
    "ready when you are": {"ReadyIntent"},
    "easier": {"EasierIntent"},
    "harder": {"HarderIntent"},
    "go back": {"AMAZON.PreviousIntent"},
    "previous exercise": {"PreviousExerciseIntent"},
    "skip this exercise": {"SkipExerciseIntent"},
    "how much is left": {"WorkoutStatusIntent"},
    "wait": {"BreatherIntent"},
    "pause": {"AMAZON.PauseIntent"},
    "resume": {"AMAZON.ResumeIntent", "ResumeWorkoutIntent"},
    "resume my workout": {"ResumeWorkoutIntent"},
    "list workouts": {"ListWorkoutsIntent"},
    "more help": {"MoreHelpIntent"},
    "start my workout": {"StartWorkoutIntent"},
    "start five basics": {"StartWorkoutIntent"},
    "start a fifteen minute workout": {"StartWorkoutIntent"},
    "explain the plank": {"ExplainExerciseIntent"},
    "explain an exercise": {"ExplainExerciseIntent"},
    "always warm up": {"AlwaysRoutineIntent"},
    "always cool down": {"AlwaysRoutineIntent"},
    "never warm up": {"NeverRoutineIntent"},
    "never cool down": {"NeverRoutineIntent"},
    "remind me to do strength": {"SetReminderIntent"},
    "stop reminding me": {"StopReminderIntent"},
    "never mind": {"AMAZON.CancelIntent"},
    "yes": {"AMAZON.YesIntent"},
    "no": {"AMAZON.NoIntent"},
    LAUNCH: {LAUNCH},
}
# Said after "say" but describing what to say rather than being it.
DESCRIPTIONS = (
    "a day and",
    "like ",
    "the name of an exercise",
    "the name you meant",
    "for example",
    "start",
    "and the workout's name",
    "start and a workout's name",
    "explain and an exercise name",
    "ask me to explain an exercise",
    "alexa",
)


@cache
def _model() -> tuple[JsonDict, dict[str, tuple[str, ...]]]:
    return spoken_model.load_model(), spoken_model.load_builtin_phrases()


def resolve(utterance: str) -> str | None:
    """The intent the model gives `utterance`, read literally; None when nothing matches."""
    model, builtin = _model()
    found = spoken_model.match(utterance, model, builtin_phrases=builtin)
    return found.intent if found is not None else None


def _commands() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in PHRASES:
        for key, variants in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            for variant in variants:
                for match in SAY.finditer(variant):
                    parts = re.split(r",? or |, ", match.group(1))
                    found.extend((f"{path.name}:{key}", part.strip()) for part in parts)
    return sorted(set(found))


def _utterance(command: str) -> tuple[str, str | None]:
    """The longest start of `command` the model takes whole, and its intent."""
    text = re.sub(r"^say ", "", command.lower())
    if ONE_SHOT.match(text) and not text.removeprefix("alexa, ").startswith("ask"):
        return LAUNCH, LAUNCH
    text = ONE_SHOT.sub("", text)
    words = text.split()
    for end in range(len(words), 0, -1):
        start = " ".join(words[:end])
        intent = resolve(start)
        if intent is not None:
            return start, intent
    return text, None


COMMANDS = _commands()


def test_the_phrase_files_suggest_commands() -> None:
    """The extraction is real: the coach suggests dozens of commands across the phrase files."""
    assert len(COMMANDS) >= 60


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[f"{w}:{c}" for w, c in COMMANDS])
def test_every_suggested_command_does_what_it_promises(where: str, command: str) -> None:
    """The words after "say" reach the promised intent through the model, read literally."""
    if command.lower().startswith(DESCRIPTIONS) and not command.lower().startswith("start my"):
        return
    utterance, intent = _utterance(command)
    assert intent is not None, f"{where}: 'say {command}' matches nothing in the model"
    assert utterance in PROMISES, f"{where}: 'say {command}' reaches {intent}: declare its promise"
    assert intent in PROMISES[utterance], f"{where}: 'say {command}' reaches {intent}"
