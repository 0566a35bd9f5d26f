"""The dialog table is whole, consistent with the flows and phrases, and drawn up to date."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from runner_strength.alexa import dialog_table
from runner_strength.alexa.dialog import Question
from runner_strength.alexa.dialog_table import PROMPTS, flow_for, meaning
from runner_strength.alexa.dialog_terms import Role
from runner_strength.alexa.flows import FLOWS

if TYPE_CHECKING:
    from runner_strength.content.model import Library

DOC = Path(__file__).resolve().parents[2] / "docs" / "dialog.md"


def test_the_table_checks_clean(library: Library) -> None:
    """Every question has a row, every flow named exists, every phrase key named exists."""
    assert dialog_table.check(FLOWS, library.phrases.phrases) == []


def test_a_row_naming_a_missing_flow_is_refused(library: Library) -> None:
    """The check is real: without a flow the table names, it reports that flow."""
    flows = {name: flow for name, flow in FLOWS.items() if name != "carry_on"}
    problems = dialog_table.check(flows, library.phrases.phrases)
    assert any("'carry_on' does not exist" in p for p in problems), problems


def test_unlisted_intents_are_asides_and_ends_hold_everywhere() -> None:
    """An intent a row does not name is the aside; stop, pause and a red flag end at every row."""
    for question in Question:
        assert meaning(question, "SomeIntentNoRowNames").role is Role.ASIDE
        for intent in ("AMAZON.StopIntent", "AMAZON.PauseIntent", "RedFlagIntent"):
            assert meaning(question, intent).role is Role.END


def test_next_and_previous_are_declared_at_every_set_question() -> None:
    """'Next'/"skip" and "previous"/"go back" each mean one declared thing at a set question."""
    assert flow_for(Question.READY, "AMAZON.NextIntent") == "ready"
    assert flow_for(Question.READY, "AMAZON.PreviousIntent") == "redo_last_set"
    assert flow_for(Question.WARM_UP_OFFER, "AMAZON.NextIntent") == "skip_warm_up"
    # mid-set, what a moment does not list means what it means at the set question after it
    assert flow_for(Question.SET_PLAYING, "AMAZON.PreviousIntent") == "redo_last_set"
    assert PROMPTS[Question.SET_PLAYING].means["EasierIntent"].flow == "easier"


def test_the_diagram_in_the_docs_is_drawn_from_the_table() -> None:
    """docs/dialog.md shows the table as it is now (redrawn by the module itself)."""
    page = DOC.read_text(encoding="utf-8")
    assert dialog_table.BEGIN in page
    assert page == dialog_table.drawn(page), (
        "docs/dialog.md is stale: run .venv/bin/python -m runner_strength.alexa.dialog_table "
        "docs/dialog.md"
    )
