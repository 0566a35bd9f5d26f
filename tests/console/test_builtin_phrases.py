"""The console's copy of Alexa's own built-in phrases: JSON written by build-model from en.yaml.

The console runs on runtime code only (no YAML, no build-time code: an import-linter contract), so
it reads the built-in intents' phrases from `console/builtin_phrases.json`, which `build-model`
writes from the utterance file and `build-model --check` holds to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength import cli
from runner_strength.buildtime.interaction_model import load_utterances
from runner_strength.console.resolver import Resolver
from runner_strength.spoken_model import BUILTIN_PHRASES_FILE, load_builtin_phrases

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_the_committed_copy_is_the_utterance_files_built_in_phrases() -> None:
    """Every built-in intent's phrases, as en.yaml lists them, in the committed JSON."""
    assert load_builtin_phrases() == dict(load_utterances().builtin_phrases)


def test_the_console_hears_built_in_phrases_from_the_copy() -> None:
    """'never mind' and 'more help' reach their intents through the JSON copy."""
    resolver = Resolver.load()
    cancel = resolver.intent("never mind")
    assert cancel is not None
    assert cancel.intent == "AMAZON.CancelIntent"
    more = resolver.intent("what else can i say")
    assert more is not None
    assert more.intent == "MoreHelpIntent"


def test_build_model_check_names_a_stale_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy that differs from en.yaml fails `build-model --check`, naming the file."""
    stale = tmp_path / "builtin_phrases.json"
    stale.write_text('{"AMAZON.CancelIntent": ["cancel"]}\n', encoding="utf-8")
    code = cli.main(["build-model", "--check", "--builtin-phrases-file", str(stale)])
    assert code == 1
    assert f"{stale}: differs" in capsys.readouterr().err
    assert BUILTIN_PHRASES_FILE.is_file()
