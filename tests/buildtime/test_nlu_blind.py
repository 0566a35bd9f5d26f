"""A sealed blind batch of runner phrasings through virtual-alexa: the figure the grammars earn.

tests/nlu/blind_batch.yaml was written by someone who never saw the model and committed (with its
sha256) before any grammar; it is scored, never edited or tuned to. Each line names a meaning; the
intent it must reach is below. Its slot labels are informal (an id, a value or the words said), so
the intent is what is scored here; slot resolution is measured by the corpus test.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
import yaml

import virtual_alexa
from virtual_alexa import MODEL, NLU_DIR

if TYPE_CHECKING:
    from pathlib import Path

    from runner_strength.content.model import Library


# virtual-alexa reads the 725 sealed phrasings for about 18 s: the slow lane (docs/testing.md).
pytestmark = pytest.mark.slow


BATCH = NLU_DIR / "blind_batch.yaml"
SEALED_SHA256 = "b2bc7b5c36ab4f906c411273aa4af532baf7a048dbdbb6763183bbe8ccb5439e"
MEANINGS = {
    "start": "StartWorkoutIntent",
    "explain": "ExplainExerciseIntent",
    "resume": "ResumeWorkoutIntent",
    "status": "WorkoutStatusIntent",
    "skip_exercise": "SkipExerciseIntent",
    "easier": "EasierIntent",
    "harder": "HarderIntent",
    "ready": "ReadyIntent",
    "repeat_set": "RepeatSetIntent",
    "list_workouts": "ListWorkoutsIntent",
    "why": "WhyExerciseIntent",
    "warm_up": "WarmUpIntent",
    "cool_down": "CoolDownIntent",
    "credits": "CreditsIntent",
    "progress": "ProgressIntent",
    "set_level": "SetLevelIntent",
    "lighter_day": "LighterDayIntent",
    "pain": "PainIntent",
    "missing_equipment": "MissingEquipmentIntent",
    "have_equipment": "HaveEquipmentIntent",
    "brief_coaching": "BriefCoachingIntent",
    "detailed_coaching": "DetailedCoachingIntent",
    "tones_off": "TonesOffIntent",
    "tones_on": "TonesOnIntent",
    "set_reminder": "SetReminderIntent",
    "change_reminder": "ChangeReminderIntent",
    "stop_reminder": "StopReminderIntent",
    "breather": "BreatherIntent",
    "red_flag": "RedFlagIntent",
    "previous_exercise": "PreviousExerciseIntent",
    "more_help": "MoreHelpIntent",
    "pause": "AMAZON.PauseIntent",
    "next": "AMAZON.NextIntent",
    "yes": "AMAZON.YesIntent",
    "no": "AMAZON.NoIntent",
    "stop": "AMAZON.StopIntent",
}
# Measured 5 December 2026 on the model of commit ea969bb (docs/nlu.md): 412 of 725, up from 371
# on b50df7f. The floors are what was measured (a meaning's printed percentage, less half a point
# where its phrasings are not a multiple of twenty), not the targets (85% overall, 70% a meaning),
# which it misses.
OVERALL_FLOOR = 412 / 725
PER_MEANING_FLOOR: dict[str, float] = {
    "breather": 0.85,
    "brief_coaching": 0.6,
    "change_reminder": 0.3,
    "cool_down": 0.6,
    "credits": 0.55,
    "detailed_coaching": 0.55,
    "easier": 0.5,
    "explain": 0.765,
    "harder": 0.5,
    "have_equipment": 0.25,
    "lighter_day": 0.65,
    "list_workouts": 0.6,
    "missing_equipment": 0.55,
    "more_help": 0.2,
    "next": 0.35,
    "no": 0.8,
    "pain": 0.755,
    "pause": 0.5,
    "previous_exercise": 0.5,
    "progress": 0.65,
    "ready": 0.7,
    "red_flag": 0.75,
    "repeat_set": 0.6,
    "resume": 0.25,
    "set_level": 0.45,
    "set_reminder": 0.3,
    "skip_exercise": 0.45,
    "start": 0.725,
    "status": 0.7,
    "stop": 0.5,
    "stop_reminder": 0.65,
    "tones_off": 0.75,
    "tones_on": 0.65,
    "warm_up": 0.55,
    "why": 0.6,
    "yes": 0.75,
}


def load_batch(path: Path = BATCH) -> list[tuple[str, str]]:
    """Every (meaning, text) of the batch, in order."""
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(item["meaning"]), str(item["text"])) for item in raw]


def score(library: Library, model: Path, workdir: Path) -> dict[str, list[str]]:
    """Meaning -> the intent (or error) virtual-alexa gave each of its phrasings, in order."""
    batch = load_batch()
    results = virtual_alexa.resolve(
        [text for _, text in batch], virtual_alexa.lambda_entry(library), workdir, model=model
    )
    heard: dict[str, list[str]] = {}
    for (meaning, _), result in zip(batch, results, strict=True):
        got = result.get("intent") or result.get("request") or result.get("error", "?")
        heard.setdefault(meaning, []).append(str(got))
    return heard


def rates(heard: dict[str, list[str]]) -> tuple[float, dict[str, float]]:
    """The overall share right and each meaning's."""
    right = Counter({m: sum(g == MEANINGS[m] for g in got) for m, got in heard.items()})
    total = sum(len(got) for got in heard.values())
    return sum(right.values()) / total, {m: right[m] / len(got) for m, got in heard.items()}


def test_the_batch_is_the_sealed_one() -> None:
    """The batch is byte for byte what was sealed, and every meaning names an intent."""
    assert hashlib.sha256(BATCH.read_bytes()).hexdigest() == SEALED_SHA256
    assert {meaning for meaning, _ in load_batch()} <= set(MEANINGS)


def test_blind_phrasings_reach_the_intent_the_runner_meant(
    library: Library, tmp_path: Path
) -> None:
    """The blind batch scores at least what was measured, overall and for each meaning."""
    heard = score(library, MODEL, tmp_path)
    overall, each = rates(heard)
    report = f"{overall:.1%} overall\n" + "\n".join(
        f"{m}: {each[m]:.0%}" for m in sorted(each, key=lambda m: each[m])
    )
    print(report)
    assert overall >= OVERALL_FLOOR, report
    low = {m: r for m, r in each.items() if r < PER_MEANING_FLOOR.get(m, 0.0)}
    assert low == {}, report
