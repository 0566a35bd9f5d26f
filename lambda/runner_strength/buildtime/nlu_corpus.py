"""The NLU corpus (tests/nlu/corpus.yaml) and the accuracy table every NLU measurement prints.

The corpus is what runners say, each phrase with the intent and slot ids the skill must receive.
Two things judge it: the offline test (Bespoken's virtual-alexa on the generated model, a literal
reading) and `runner-strength nlu-profile` (Alexa's own Utterance Profiler on the deployed model).
Both print `accuracy_table`, so their figures read side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

REPO_ROOT = Path(__file__).resolve().parents[3]
CORPUS_PATH = REPO_ROOT / "tests" / "nlu" / "corpus.yaml"


@dataclass(frozen=True, slots=True)
class Phrase:
    """One corpus line: what the runner says, the intent it must reach and its slot ids."""

    say: str
    intent: str
    slots: Mapping[str, str] = field(default_factory=dict)


def load_corpus(path: Path = CORPUS_PATH) -> list[Phrase]:
    """Every phrase of the corpus file, in order."""
    raw: dict[str, list[str | dict[str, dict[str, str]]]] = yaml.safe_load(
        path.read_text(encoding="utf-8")
    )
    phrases = []
    for intent, items in raw.items():
        for item in items:
            if isinstance(item, str):
                phrases.append(Phrase(item, intent))
            else:
                ((say, slots),) = item.items()
                phrases.append(Phrase(str(say), intent, {str(k): str(v) for k, v in slots.items()}))
    return phrases


def accuracy_table(judged: Sequence[tuple[Phrase, str | None]]) -> str:
    """Per intent and overall: phrases, right, and the rate, as a Markdown table.

    `judged` pairs each phrase with why it missed (None when the intent and slot ids were right).
    Intents are listed worst first, so what needs work reads first.
    """
    per_intent: dict[str, list[int]] = {}
    for phrase, miss in judged:
        counts = per_intent.setdefault(phrase.intent, [0, 0])
        counts[0] += 1
        counts[1] += miss is None
    rows = sorted(per_intent.items(), key=lambda item: (item[1][1] / item[1][0], item[0]))
    lines = ["| intent | phrases | right | rate |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {name} | {n} | {right} | {right / n:.1%} |" for name, (n, right) in rows]
    total = len(judged)
    right = sum(miss is None for _, miss in judged)
    rate = right / total if total else 0.0
    lines.append(f"| **overall** | {total} | {right} | {rate:.1%} |")
    return "\n".join(lines) + "\n"
