"""Checking the dialog table and drawing it: `dialog_table.check` and `dialog_table.mermaid`.

Both take the table's rows as they are given, so the table stays the one place questions are
declared and this module declares none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa.dialog import Question
from runner_strength.alexa.dialog_terms import ENDS

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from runner_strength.alexa.dialog_terms import Prompt


def problems(
    prompts: Mapping[Question, Prompt],
    general: Mapping[str, str],
    flows: Collection[str],
    phrase_keys: Collection[str],
) -> list[str]:
    """What is wrong with a table: unknown flows or phrase keys, questions without a row."""
    problems = [f"{q.value}: no row" for q in Question if q not in prompts]
    for question, prompt in prompts.items():
        named = [m.flow for m in prompt.means.values() if m.flow is not None]
        problems += [
            f"{question.value}: flow {f!r} does not exist"
            for f in (*named, *prompt.asked_by)
            if f not in flows and f not in _ASKED_OUTSIDE_FLOWS
        ]
        if not prompt.asked_by:
            problems.append(f"{question.value}: no flow asks it (unreachable)")
        keys = (*prompt.wording, *((prompt.reprompt,) if prompt.reprompt else ()))
        problems += [
            f"{question.value}: phrase key {k!r} does not exist"
            for k in keys
            if k not in phrase_keys and k not in _WORDED_IN_CODE
        ]
    problems += [
        f"{intent}: flow {f!r} does not exist" for intent, f in general.items() if f not in flows
    ]
    problems += [
        f"{intent}: flow {m.flow!r} does not exist"
        for intent, m in ENDS.items()
        if m.flow not in flows
    ]
    return problems


# Askers that are request types, not intents' flows: the launch and the workout's own start.
_ASKED_OUTSIDE_FLOWS = frozenset(
    {
        "launch",
        "start",
        "offer_next",
        "goodbye",
        "set_reminder",
        "explain",
        "explain_more",
        "second_chance",  # a handler that heard a name it could not resolve (second_chance.py)
    }
)
# Questions the narrator words from the workout (en.yaml's set keys) rather than one phrase key.
_WORDED_IN_CODE = frozenset({"ask_ready", "reminder_offer", "reminder_offer_reprompt"})


def flowchart(prompts: Mapping[Question, Prompt]) -> str:
    """A table as a Mermaid flowchart: each question, and the intents that answer or end it."""
    lines = ["flowchart LR"]
    for question, prompt in prompts.items():
        name = question.value
        lines.append(f'    {name}(["{name}"])' if prompt.moment else f'    {name}{{"{name}"}}')
        by_flow: dict[tuple[str, str], list[str]] = {}
        for intent, m in prompt.means.items():
            if m.flow is not None:
                by_flow.setdefault((m.role.value, m.flow), []).append(_short(intent))
        for (role, flow), intents in sorted(by_flow.items()):
            said = ", ".join(intents)
            lines.append(f'    {name} -- "{role}: {said}" --> flow_{flow}["{flow}"]')
    lines.append('    ends["end at every question: stop, cancel, home, pause, red flag"]')
    lines.append('    aside["aside at every question: any other intent, then the same question"]')
    return "\n".join(lines) + "\n"


def _short(intent: str) -> str:
    return intent.removeprefix("AMAZON.").removesuffix("Intent")
