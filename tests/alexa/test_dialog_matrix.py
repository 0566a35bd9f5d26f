"""The pending-question matrix, generated from the dialog table: every question x every intent.

For each question (and each moment between questions) of `dialog_table.PROMPTS`, the runner is
brought there once through the Lambda entry; then every intent of the generated en-US model is
said there, each from the same stored state, and the response is held to the table: the session
stays open except where the table declares an end, and an aside ends with the same question. The
fallback, one short line and the question, fits in 6 s at every question.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from alexa_api_stub import AlexaApiStub
from dialog_reach import REACH, judge, reach
from runner_strength.alexa.dialog_table import PROMPTS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from runner_strength.alexa.dialog import Question
    from runner_strength.content.model import Library

MODEL = (
    Path(__file__).resolve().parents[2] / "interaction_model/interactionModels/custom/en-US.json"
)
INTENTS = sorted(
    i["name"] for i in json.loads(MODEL.read_text())["interactionModel"]["languageModel"]["intents"]
)


@pytest.fixture
def stub() -> Iterator[AlexaApiStub]:
    """Alexa's APIs on loopback (the reminder offer needs them), permission granted."""
    api = AlexaApiStub().start()
    yield api
    api.stop()


def test_the_matrix_covers_every_question_of_the_table() -> None:
    """Every row of the table has a way to reach it here, so the matrix is the whole table."""
    assert set(REACH) == set(PROMPTS)


@pytest.mark.parametrize("question", list(REACH), ids=[q.value for q in REACH])
def test_every_intent_at_every_question_keeps_to_the_table(
    library: Library, stub: AlexaApiStub, question: Question
) -> None:
    """Each intent of the model at this question: open unless an end, an aside asks it again."""
    there = reach(library, question, stub)
    problems = []
    for intent in INTENTS:
        problems += judge(question, intent, there.again().say(intent))
    assert problems == [], "\n".join(problems)
