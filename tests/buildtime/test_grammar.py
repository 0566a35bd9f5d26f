"""Phrase grammars: patterns expand into samples, and every mistake is named by file and field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from runner_strength.buildtime import grammar as gr
from runner_strength.buildtime import interaction_model as im

if TYPE_CHECKING:
    from runner_strength.content.model import Library

REPO = Path(__file__).resolve().parents[2]
UTTERANCES = REPO / "content" / "utterances"


def _grammar(tmp_path: Path, text: str) -> tuple[dict[str, list[str]], list[str]]:
    path = tmp_path / "grammar.yaml"
    path.write_text(text, encoding="utf-8")
    rules, problems = gr.load_grammar(path)
    expanded, more = gr.samples(rules)
    return expanded, [str(p) for p in problems + more]


def test_choices_options_and_parts_expand_in_written_order(tmp_path: Path) -> None:
    """`(a|b)` picks one, `[a]` may be left out, `<part>` says any of a part's patterns."""
    expanded, problems = _grammar(
        tmp_path,
        """
parts:
  lead: ["[okay|um]"]
  how: [how do i do, "how (should|do) i do"]
intents:
  ExplainExerciseIntent:
    - "<lead> <how> [a|an] {exercise} [please]"
  StartWorkoutIntent:
    - "start|begin (my|a) workout"
""",
    )
    assert problems == []
    explain = expanded["ExplainExerciseIntent"]
    assert explain[0] == "how do i do {exercise}"
    assert "okay how should i do an {exercise} please" in explain
    assert "um how do i do a {exercise}" in explain
    assert len(explain) == len(set(explain)) == 3 * 2 * 3 * 2  # "how do i do" is said once
    assert expanded["StartWorkoutIntent"] == ["start", "begin my workout", "begin a workout"]


def test_contractions_are_written_both_ways_but_not_in_every_mixture(tmp_path: Path) -> None:
    """A contraction gives its long form and back; two give all-short and all-long, not four."""
    expanded, problems = _grammar(
        tmp_path,
        """
contractions: {"i'm": i am, "i've": i have}
intents:
  LighterDayIntent:
    - i'm tired and i've run
    - i am sore
""",
    )
    assert problems == []
    assert expanded["LighterDayIntent"] == [
        "i'm tired and i've run",
        "i am tired and i have run",
        "i am sore",
        "i'm sore",
    ]
    assert gr.contracted("time's up", {"i'm": "i am"}) == ["time's up"]  # no part of a word


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(a|b", "'(' at 0 is never closed"),
        ("a)b", "')' at 1 closes nothing"),
        ("<nowhere> a", "<nowhere> is not listed under parts"),
        ("(|a)", "an empty choice"),
        ("a # b", "'#' is not allowed"),
        ("[a|b] <loop>", "<loop> uses itself (loop -> again -> loop)"),
    ],
)
def test_broken_patterns_are_named_by_file_and_field(
    tmp_path: Path, pattern: str, message: str
) -> None:
    """Each unreadable pattern is a problem naming the file, the intent and the pattern's index."""
    _, problems = _grammar(
        tmp_path,
        f"""
parts:
  loop: ["<again>"]
  again: ["<loop> x"]
intents:
  StartWorkoutIntent:
    - start
    - "{pattern}"
""",
    )
    where = f"{tmp_path / 'grammar.yaml'}: intents.StartWorkoutIntent[1]: "
    assert any(p.startswith(where) and message in p for p in problems), problems


def test_a_pattern_that_explodes_is_refused(tmp_path: Path) -> None:
    """A careless product of long lists is caught in the pattern that wrote it."""
    words = "|".join(f"w{'x' * i}" for i in range(30)).replace("w", "a")
    _, problems = _grammar(
        tmp_path, f'intents:\n  StartWorkoutIntent:\n    - "({words}) ({words})"\n'
    )
    assert len(problems) == 1
    assert "intents.StartWorkoutIntent[0]: expands to 900 samples" in problems[0]


def test_grammar_shape_errors_name_the_field(tmp_path: Path) -> None:
    """Unknown fields, a list where a mapping belongs and bad part names are each reported."""
    _, problems = _grammar(
        tmp_path,
        """
colour: blue
parts:
  Lead: [okay]
contractions: [i'm]
intents:
  StartWorkoutIntent: start
""",
    )
    joined = "\n".join(problems)
    assert "colour: unknown field" in joined
    assert "parts.Lead: part names are lower-case" in joined
    assert "contractions: must be a mapping" in joined
    assert "intents.StartWorkoutIntent: must be a list" in joined


def _utterance_folder(tmp_path: Path, grammar_text: str) -> Path:
    folder = tmp_path / "utterances"
    folder.mkdir(parents=True)
    shutil.copy(UTTERANCES / "en.yaml", folder / "en.yaml")
    (folder / im.GRAMMAR_FILE).write_text(grammar_text, encoding="utf-8")
    return folder / "en.yaml"


def test_grammar_samples_follow_the_written_ones_without_repeats(tmp_path: Path) -> None:
    """The utterance file's own samples come first; a grammar sample that repeats one is dropped."""
    written = im.load_utterances(_utterance_folder(tmp_path, "intents: {}\n"))
    ready_grammar = """
contractions: {"i'm": i am}
intents:
  ReadyIntent: ["[okay] (ready|i'm ready) now"]
"""
    path = _utterance_folder(tmp_path / "g", ready_grammar)
    grown = im.load_utterances(path)
    ready = grown.intents["ReadyIntent"]
    assert ready[: len(written.intents["ReadyIntent"])] == written.intents["ReadyIntent"]
    assert "okay i'm ready now" in ready
    assert "okay i am ready now" in ready
    assert len(ready) == len(set(ready))


def test_a_grammar_for_no_intent_or_a_sample_in_two_intents_is_an_error(
    tmp_path: Path, library: Library
) -> None:
    """An unknown intent names the grammar file; a sample two intents share names both."""
    with pytest.raises(im.ModelError) as unknown:
        im.load_utterances(_utterance_folder(tmp_path, "intents:\n  NapIntent: [have a nap]\n"))
    assert "grammar.yaml: intents.NapIntent: is no intent of the utterance file" in str(
        unknown.value
    )
    two = """
intents:
  BreatherIntent: ["(give me|i need) a moment now"]
  ReadyIntent: [i need a moment now]
"""
    path = _utterance_folder(tmp_path / "two", two)
    with pytest.raises(im.ModelError) as shared:
        im.build_package(library, im.load_utterances(path))
    assert "intent BreatherIntent: 'i need a moment now': already belongs to ReadyIntent" in str(
        shared.value
    )


def test_the_model_size_and_samples_per_intent_are_held_to_their_limits(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the character budget, the hard limit indented, or the per-intent ceiling: no build."""
    utterances = im.load_utterances()
    model = im.build_interaction_model(library, utterances)
    size = len(im.model_json(model))
    indented = len(im.to_json(model))
    assert size < im.MODEL_CHAR_BUDGET < im.MAX_MODEL_CHARS
    assert indented < im.MAX_MODEL_CHARS
    monkeypatch.setattr(im, "MODEL_CHAR_BUDGET", size - 1)
    monkeypatch.setattr(im, "MAX_MODEL_CHARS", indented - 1)
    monkeypatch.setattr(im, "MAX_SAMPLES_PER_INTENT", 10)
    problems = im.check_model(model, utterances.builtin_phrases)
    assert any(f"the model is {size:,} characters" in p for p in problems)
    assert any(f"the model indented is {indented:,} characters" in p for p in problems)
    start = json.dumps(len(utterances.intents["StartWorkoutIntent"]))
    assert f"intent StartWorkoutIntent: {start} samples; at most 10 an intent" in problems
