"""Sealed blind batches of runner phrasings through virtual-alexa: the figures the grammars earn.

tests/nlu/blind_batch.yaml was written by someone who never saw the model and committed (with its
sha256) before any grammar; tests/nlu/blind_batch_2.yaml, for the 22 weakest meanings, by a helper
who saw only what each meaning is, committed before the grammars' third round. They are scored,
never edited or tuned to; only their percentages are read. Each line names a meaning; the
intent it must reach is below. Its slot labels are informal (an id, a value or the words said), so
the intent is what is scored here; slot resolution is measured by the corpus test.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
import yaml

import virtual_alexa
from virtual_alexa import MODEL, NLU_DIR

if TYPE_CHECKING:
    from pathlib import Path

    from runner_strength.content.model import Library


# virtual-alexa reads the 725 and 440 sealed phrasings in about 18 and 11 s: the slow lane
# (docs/testing.md).
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


@dataclass(frozen=True)
class Batch:
    """One sealed batch: its file, its seal, and the floors measured on it (not the targets)."""

    path: Path
    sha256: str
    overall: float
    each: dict[str, float]


# The floors are what was measured (a meaning's share, less half a point where its phrasings are
# not a multiple of twenty), not the targets (85% overall, 70% a meaning), which both miss.
# docs/nlu.md has the history of each figure.
BATCHES = {
    # 725 phrasings, 36 meanings, sealed before any grammar. Measured 6 December 2026 on the model
    # of the grammars' fifth round: 457 of 725 (63.0%), up from 412 on ea969bb.
    "first": Batch(
        BATCH,
        SEALED_SHA256,
        457 / 725,
        {
            "breather": 0.85,
            "brief_coaching": 0.6,
            "change_reminder": 0.55,
            "cool_down": 0.7,
            "credits": 0.6,
            "detailed_coaching": 0.55,
            "easier": 0.7,
            "explain": 0.768,
            "harder": 0.55,
            "have_equipment": 0.3,
            "lighter_day": 0.7,
            "list_workouts": 0.7,
            "missing_equipment": 0.6,
            "more_help": 0.25,
            "next": 0.35,
            "no": 0.9,
            "pain": 0.757,
            "pause": 0.55,
            "previous_exercise": 0.5,
            "progress": 0.65,
            "ready": 0.7,
            "red_flag": 0.8,
            "repeat_set": 0.6,
            "resume": 0.4,
            "set_level": 0.55,
            "set_reminder": 0.35,
            "skip_exercise": 0.55,
            "start": 0.813,
            "status": 0.7,
            "stop": 0.5,
            "stop_reminder": 0.7,
            "tones_off": 0.8,
            "tones_on": 0.75,
            "warm_up": 0.6,
            "why": 0.8,
            "yes": 0.9,
        },
    ),
    # 440 phrasings of the 22 weakest meanings, sealed (sha256 1f75ae95...) before the third round
    # of grammars. Measured 6 December 2026: 171 of 440 (38.9%) on the model before the round,
    # 227 of 440 (51.6%) after it, 230 (52.3%) after the fifth.
    "second": Batch(
        NLU_DIR / "blind_batch_2.yaml",
        "1f75ae95372e562c3c4eec8832bf8bffeca06b0fb36b89fdb8d6fd636ec43f10",
        230 / 440,
        {
            "brief_coaching": 0.65,
            "change_reminder": 0.3,
            "cool_down": 0.7,
            "credits": 0.5,
            "detailed_coaching": 0.6,
            "easier": 0.6,
            "harder": 0.7,
            "have_equipment": 0.4,
            "list_workouts": 0.7,
            "missing_equipment": 0.55,
            "more_help": 0.45,
            "next": 0.25,
            "pause": 0.35,
            "previous_exercise": 0.4,
            "repeat_set": 0.7,
            "resume": 0.45,
            "set_level": 0.55,
            "set_reminder": 0.25,
            "skip_exercise": 0.4,
            "stop": 0.6,
            "warm_up": 0.6,
            "why": 0.8,
        },
    ),
    # 280 phrasings of 14 more meanings, sealed (sha256 5ec6a897...) before the fourth round of
    # grammars. Measured 6 December 2026: 106 of 280 (37.9%) before the round, 135 (48.2%) after,
    # 136 (48.6%) after the fifth.
    "third": Batch(
        NLU_DIR / "blind_batch_3.yaml",
        "5ec6a89733153431dbde12f91b193c5dcb42bb712f046be27973fdc710c7164c",
        136 / 280,
        {
            "breather": 0.3,
            "explain": 0.45,
            "lighter_day": 0.15,
            "no": 0.75,
            "pain": 0.45,
            "progress": 0.6,
            "ready": 0.4,
            "red_flag": 0.5,
            "start": 0.5,
            "status": 0.55,
            "stop_reminder": 0.3,
            "tones_off": 0.5,
            "tones_on": 0.45,
            "yes": 0.9,
        },
    ),
    # 180 phrasings of the 9 meanings still weakest, sealed (sha256 cd7234fe...) before the fifth
    # round of grammars. Measured 6 December 2026: 34 of 180 (18.9%) before the round, 39 (21.7%)
    # after.
    "fourth": Batch(
        NLU_DIR / "blind_batch_4.yaml",
        "cd7234fedad9b478d4d6754996b160a028c2732245a1d189872080cc88b21c33",
        39 / 180,
        {
            "breather": 0.3,
            "change_reminder": 0.25,
            "lighter_day": 0.0,
            "next": 0.15,
            "pause": 0.25,
            "resume": 0.25,
            "set_reminder": 0.1,
            "skip_exercise": 0.3,
            "stop_reminder": 0.35,
        },
    ),
}


def load_batch(path: Path = BATCH) -> list[tuple[str, str]]:
    """Every (meaning, text) of the batch, in order."""
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(item["meaning"]), str(item["text"])) for item in raw]


def score(library: Library, model: Path, workdir: Path, path: Path = BATCH) -> dict[str, list[str]]:
    """Meaning -> the intent (or error) virtual-alexa gave each of its phrasings, in order."""
    batch = load_batch(path)
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


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_the_batch_is_the_sealed_one(name: str) -> None:
    """The batch is byte for byte what was sealed, and every meaning names an intent."""
    batch = BATCHES[name]
    assert hashlib.sha256(batch.path.read_bytes()).hexdigest() == batch.sha256
    assert {meaning for meaning, _ in load_batch(batch.path)} <= set(MEANINGS)


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_blind_phrasings_reach_the_intent_the_runner_meant(
    library: Library, tmp_path: Path, name: str
) -> None:
    """The blind batch scores at least what was measured, overall and for each meaning."""
    batch = BATCHES[name]
    heard = score(library, MODEL, tmp_path, batch.path)
    overall, each = rates(heard)
    report = f"{overall:.1%} overall\n" + "\n".join(
        f"{m}: {each[m]:.0%}" for m in sorted(each, key=lambda m: each[m])
    )
    print(report)
    assert overall >= batch.overall, report
    low = {m: r for m, r in each.items() if r < batch.each.get(m, 0.0)}
    assert low == {}, report
