"""What a tired runner says, at every question: through virtual-alexa, then the Lambda entry.

Twenty everyday phrasings ("wait", "okay", "what?", "not yet", "skip", "go back", "carry on",
"my chest hurts", ...) are each read by virtual-alexa on the generated en-US.json, literally, as the
strictest reading of the model. The request it builds (intent, slots, resolutions) is then said at
every question and moment of the dialog table, from the same stored state, and the reply is held to
the table as the pending-question matrix holds it; a red flag must end the session with the advice
to stop, wherever it is said.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import virtual_alexa
from alexa_api_stub import AlexaApiStub
from dialog_reach import REACH, judge, reach
from skilltest import event

if TYPE_CHECKING:
    from collections.abc import Iterator

    from runner_strength.alexa.dialog import Question
    from runner_strength.content.model import Library

REPO = Path(__file__).resolve().parents[2]

BREATHER = frozenset({"BreatherIntent"})
YES = frozenset({"AMAZON.YesIntent", "ReadyIntent"})
WHAT = frozenset({"AMAZON.RepeatIntent"})
NOT_YET = frozenset({"AMAZON.NoIntent", "BreatherIntent"})
CARRY_ON = frozenset({"AMAZON.ResumeIntent", "ResumeWorkoutIntent", "ReadyIntent"})
RED_FLAG = frozenset({"RedFlagIntent"})
# The phrasing, and the intents that would each do what the runner meant by it.
PHRASES: dict[str, frozenset[str]] = {
    "wait": BREATHER,
    "hold on": BREATHER,
    "hang on a sec": BREATHER,
    "i need a minute": BREATHER,
    "give me a second": BREATHER,
    "okay": YES,
    "ok": YES,
    "alright": YES,
    "what": WHAT,
    "huh": WHAT,
    "sorry what": WHAT,
    "pardon": WHAT,
    "not yet": NOT_YET,
    "i'm not ready": NOT_YET,
    "skip": frozenset({"AMAZON.NextIntent", "SkipExerciseIntent"}),
    "go back": frozenset({"AMAZON.PreviousIntent"}),
    "carry on": CARRY_ON,
    "keep going": CARRY_ON,
    "my chest hurts": RED_FLAG,
    "i feel dizzy": RED_FLAG,
}


@pytest.fixture(scope="module")
def heard(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each phrasing as the intent (with slots and resolutions) virtual-alexa builds for it."""
    recorded: list[dict[str, Any]] = []

    def record(envelope: dict[str, Any]) -> dict[str, Any]:
        recorded.append(envelope)
        return virtual_alexa.plain_answer(envelope)

    workdir = tmp_path_factory.mktemp("odd")
    results = virtual_alexa.resolve(list(PHRASES), record, workdir, timeout=300)
    # resolve.js posts one request for each phrasing a sample matches, in order.
    posted = iter(r for r in recorded if r["request"].get("type") == "IntentRequest")
    return {
        phrase: next(posted)["request"]["intent"]
        for phrase, result in zip(PHRASES, results, strict=True)
        if result.get("intent")
    }


@pytest.fixture
def stub() -> Iterator[AlexaApiStub]:
    """Alexa's APIs on loopback (the reminder offer needs them), permission granted."""
    api = AlexaApiStub().start()
    yield api
    api.stop()


def test_every_phrasing_reaches_an_intent_that_does_what_was_meant(
    heard: dict[str, dict[str, Any]],
) -> None:
    """Read literally, each of the twenty lands on an intent that means what the runner meant."""
    missed = {
        phrase: heard[phrase]["name"] if phrase in heard else None
        for phrase, meant in PHRASES.items()
        if phrase not in heard or heard[phrase]["name"] not in meant
    }
    assert missed == {}


@pytest.mark.parametrize("question", list(REACH), ids=[q.value for q in REACH])
def test_the_odd_moments_keep_to_the_table_at_every_question(
    library: Library, stub: AlexaApiStub, heard: dict[str, dict[str, Any]], question: Question
) -> None:
    """Each phrasing's own request at this question: the table's meaning; a red flag stops."""
    there = reach(library, question, stub)
    problems: list[str] = []
    for phrase, intent in heard.items():
        request = event("ready")
        request["request"]["intent"] = json.loads(json.dumps(intent))
        reply = there.again().send(request)
        problems += [f"{phrase!r}: {p}" for p in judge(question, intent["name"], reply)]
        if PHRASES[phrase] is RED_FLAG and "stop" not in reply.text.lower():
            problems.append(f"{phrase!r} at {question.value}: no advice to stop: {reply.text!r}")
    assert problems == [], "\n".join(problems)
