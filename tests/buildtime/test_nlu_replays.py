"""The `ask dialog --replay` files of the core journeys, checked on the generated model.

tests/nlu/replays/ holds one file per journey in the ASK CLI's replay format (skillId, locale,
type "text", userInput), to replay against the deployed skill after `ask deploy` (docs/nlu.md).
Here each user line goes through Bespoken's virtual-alexa on the generated en-US model and on to
the Lambda entry, as the NLU corpus test does, and must reach the intent (and slot ids) the journey
needs; a journey that only works by luck on a device fails here first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import virtual_alexa

if TYPE_CHECKING:
    from runner_strength.content.model import Library

# node and virtual-alexa start in about 5 s: the slow lane (docs/testing.md).
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
NLU_DIR = REPO / "tests" / "nlu"
REPLAYS = NLU_DIR / "replays"
MODELS = REPO / "interaction_model" / "interactionModels" / "custom"
NODE_TIMEOUT_S = 300
LAUNCH = "LaunchRequest"
START = ("StartWorkoutIntent", {"workout": "five_basics"})
INTO_THE_FIRST_SET = [(LAUNCH, {}), START, ("AMAZON.NoIntent", {}), ("ReadyIntent", {})]

# What each line of each journey must reach: the intent, and the slot ids it carries.
JOURNEYS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "start_a_workout": [
        *INTO_THE_FIRST_SET,
        ("WorkoutStatusIntent", {}),
        ("AMAZON.PauseIntent", {}),
    ],
    "explain_an_exercise": [
        (LAUNCH, {}),
        ("ExplainExerciseIntent", {"exercise": "copenhagen_plank"}),
        ("AMAZON.YesIntent", {}),
        ("AMAZON.NoIntent", {}),
        ("AMAZON.StopIntent", {}),
    ],
    "resume_a_paused_workout": [
        *INTO_THE_FIRST_SET,
        ("AMAZON.PauseIntent", {}),
        ("ResumeWorkoutIntent", {}),
        ("ReadyIntent", {}),
        ("AMAZON.StopIntent", {}),
    ],
    "red_flag": [*INTO_THE_FIRST_SET, ("RedFlagIntent", {})],
    "breather": [
        *INTO_THE_FIRST_SET,
        ("BreatherIntent", {}),
        ("AMAZON.YesIntent", {}),
        ("AMAZON.StopIntent", {}),
    ],
}


def _replay(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPLAYS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_every_replay_file_is_a_journey_and_in_the_ask_cli_format() -> None:
    """One file per journey, each with the keys `ask dialog --replay` reads, text input."""
    assert {p.stem for p in REPLAYS.glob("*.json")} == set(JOURNEYS)
    for name, expected in JOURNEYS.items():
        replay = _replay(name)
        assert set(replay) == {"skillId", "locale", "type", "userInput"}, name
        assert replay["skillId"].startswith("amzn1.ask.skill."), name
        assert replay["type"] == "text", name
        assert (MODELS / f"{replay['locale']}.json").is_file(), name
        assert len(replay["userInput"]) == len(expected), name
        assert replay["userInput"][0] == "open runner strength", name


@pytest.fixture(scope="module")
def heard(library: Library, tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """Every replay line, in order, as virtual-alexa resolved it on the generated model."""
    lines = [line for name in JOURNEYS for line in _replay(name)["userInput"]]
    return virtual_alexa.resolve(
        lines,
        virtual_alexa.lambda_entry(library),
        tmp_path_factory.mktemp("replays"),
        model=MODELS / "en-US.json",
        timeout=NODE_TIMEOUT_S,
    )


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_each_replay_line_reaches_the_intent_its_journey_needs(
    heard: list[Any], journey: str
) -> None:
    """Every user line of the replay resolves to its intent and slot ids on the generated model."""
    start = sum(
        len(_replay(name)["userInput"]) for name in list(JOURNEYS)[: list(JOURNEYS).index(journey)]
    )
    lines = _replay(journey)["userInput"]
    got = [
        (
            r.get("intent") or r.get("request"),
            {name: slot.get("id") for name, slot in (r.get("slots") or {}).items()},
        )
        for r in heard[start : start + len(lines)]
    ]
    wrong = [
        f"{line!r}: want {want}, got {have}"
        for line, want, have in zip(lines, JOURNEYS[journey], got, strict=True)
        if want != have
    ]
    assert wrong == []
