from __future__ import annotations

import ast
import itertools
import random
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import CONTENT_DIR
from runner_strength.buildtime.loader import ContentError, load_directory
from runner_strength.content.model import Library, PhraseBook
from runner_strength.narration import narrator, phrases, ssml
from runner_strength.narration.phrases import Key, PhrasePicker

REPO_ROOT = Path(__file__).resolve().parents[2]
PHRASES_FILE = REPO_ROOT / "content" / "phrases" / "en.yaml"
NARRATION_DIR = Path(str(narrator.__file__)).parent
NARRATION_MODULES = (narrator, phrases, ssml)  # the workout narration; its wording is en.yaml
PICKER_METHODS = {"say", "ssml", "pick", "_sentence"}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLURAL = re.compile(r"\{([a-z_]+):([^{}|:]*)\|([^{}|:]*)\}")
KEY_LIKE = re.compile(r"^[a-z][a-z0-9_]*$")
TWO_WORDS = re.compile(r"[A-Za-z]{2,} +[A-Za-z]{2,}")

BOOK = PhraseBook(
    {
        "greet": ("Hello {name}.", "Hi {name}.", "Hey {name}."),
        "single": ("Only one.",),
        "count": ("{n} reps.",),
    }
)


def _source(module: object) -> ast.Module:
    return ast.parse(Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8"))


def _en_keys() -> set[str]:
    return set(yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8")))


def _keys_referenced() -> set[str]:
    """Every `Key.NAME` any narration module mentions, as phrase keys."""
    found: set[str] = set()
    for path in sorted(NARRATION_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Key"
                and node.attr in Key.__members__
            ):
                found.add(Key[node.attr].value)
    return found


def test_every_key_in_code_is_in_en_yaml_and_every_yaml_key_is_used(library: Library) -> None:
    """Key lists exactly the phrases in en.yaml, and the narration code uses every one of them."""
    in_yaml = _en_keys()
    assert in_yaml <= set(library.phrases.phrases)
    assert {key.value for key in Key} == in_yaml
    assert _keys_referenced() == in_yaml


def test_phrases_are_only_looked_up_through_key() -> None:
    """No narration code passes a bare string as a phrase key, which the key test could not see."""
    bare = [
        f"{module.__name__}: {node.args[0].value}"
        for module in NARRATION_MODULES
        for node in ast.walk(_source(module))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in PICKER_METHODS
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and KEY_LIKE.match(node.args[0].value)
    ]
    assert bare == []


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the constant nodes that are docstrings."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_the_narrator_has_no_spoken_english_of_its_own() -> None:
    """Outside docstrings, no string in narrator.py holds two words: all wording is in en.yaml."""
    tree = _source(narrator)
    docstrings = _docstrings(tree)
    worded = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and TWO_WORDS.search(node.value)
    ]
    assert worded == []


def test_each_key_has_one_to_four_short_variants_and_most_have_several(library: Library) -> None:
    """Wording varies (2 to 4 variants where natural) and every line stays short enough to say."""
    book = {key: library.phrases.variants(key) for key in _en_keys()}
    assert all(1 <= len(variants) <= 4 for variants in book.values())
    varied = [key for key, variants in book.items() if len(variants) >= 2]
    assert len(varied) >= 0.85 * len(book)
    # Measured as said: a `{sets:set|sets}` form is one word.
    said = [PLURAL.sub(r"\3", v) for variants in book.values() for v in variants]
    assert all(len(variant) <= 90 for variant in said)


def test_every_variant_fills_with_its_keys_fields(library: Library) -> None:
    """Each variant of each key renders valid SSML when given its placeholders' fields."""
    for key in _en_keys():
        for variant in library.phrases.variants(key):
            fields = dict.fromkeys(PLACEHOLDER.findall(variant), "x")
            built = ssml.Ssml().sentence(ssml.Ssml().template(variant, fields)).build()
            assert ssml.validate_ssml(built) == [], (key, variant)


def test_questions_end_with_a_question_mark(library: Library) -> None:
    """The closing questions are questions, so every set response ends with one."""
    for key in (Key.ASK_SET, Key.ASK_LAST_SET, Key.ASK_ROUND, Key.ASK_SIDE, Key.ASK_EXERCISE):
        assert all(v.endswith("?") for v in library.phrases.variants(key)), key


def test_picker_never_repeats_the_previous_variant_of_a_key() -> None:
    """Two picks in a row of a key with several variants always differ."""
    picker = PhrasePicker(BOOK, random.Random(7))
    picks = [picker.say("greet", name="Sam") for _ in range(200)]
    assert all(a != b for a, b in itertools.pairwise(picks))
    assert set(picks) == {"Hello Sam.", "Hi Sam.", "Hey Sam."}


def test_picker_repeats_a_key_with_one_variant() -> None:
    """A key with a single variant is said the same way every time."""
    picker = PhrasePicker(BOOK, random.Random(7))
    assert [picker.say("single") for _ in range(3)] == ["Only one."] * 3


def test_same_seed_same_wording() -> None:
    """The passed-in random source alone decides the wording."""
    first = PhrasePicker(BOOK, random.Random(3))
    second = PhrasePicker(BOOK, random.Random(3))
    assert [first.say("greet", name="a") for _ in range(20)] == [
        second.say("greet", name="a") for _ in range(20)
    ]


def test_missing_field_fails_loudly() -> None:
    """A phrase asked for without one of its fields raises, naming the field."""
    picker = PhrasePicker(BOOK, random.Random(1))
    with pytest.raises(KeyError, match="name"):
        picker.say("greet")
    with pytest.raises(KeyError, match="n"):
        picker.ssml("count")


def test_unexpected_field_fails_loudly() -> None:
    """A misspelt field is refused rather than silently ignored."""
    picker = PhrasePicker(BOOK, random.Random(1))
    with pytest.raises(TypeError, match="nme"):
        picker.say("greet", name="a", nme="b")


def test_unknown_key_fails_loudly() -> None:
    """Asking for a phrase that does not exist names the key."""
    with pytest.raises(KeyError, match="nope"):
        PhrasePicker(BOOK, random.Random(1)).say("nope")


def test_ssml_reads_number_fields_as_numbers() -> None:
    """Numbers in a phrase are bare digits, read as cardinals, in speech and in plain text."""
    picker = PhrasePicker(BOOK, random.Random(1))
    assert picker.say("count", n=12) == "12 reps."
    assert picker.ssml("count", n=12).build() == "<speak>12 reps.</speak>"


def test_a_count_of_one_is_said_in_the_singular(library: Library) -> None:
    """A count said with `{sets:set|sets}` is "1 set" but "5 sets": the shape of any workout."""
    picker = PhrasePicker(library.phrases, random.Random(0))
    for _ in library.phrases.variants(Key.WORKOUT_SHAPE):
        one = picker.say(Key.WORKOUT_SHAPE, exercises=1, sets=1, minutes=1)
        assert "1 exercise" in one
        assert "1 set" in one
        assert "1 minute" in one
        assert not re.search(r"\b1 (exercises|sets|minutes)\b", one), one
        many = picker.say(Key.WORKOUT_SHAPE, exercises=2, sets=5, minutes=12)
        assert "2 exercises" in many
        assert "5 sets" in many
        assert "12 minutes" in many


def test_a_singular_form_needs_its_number() -> None:
    """A `{field:one|many}` form said without its number is refused, naming the field."""
    book = PhraseBook({"shape": ("{sets:set|sets} to do.",)})
    with pytest.raises(KeyError, match="sets"):
        PhrasePicker(book, random.Random(0)).say("shape")


def test_the_loader_refuses_a_singular_form_without_its_number(tmp_path: Path) -> None:
    """A phrase file's `{sets:set|sets}` with no `{sets}` in the variant fails, by file and key."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    with (content / "phrases" / "conversation.yaml").open("a") as phrases_file:
        phrases_file.write('odd_count:\n  - "Only {sets:set|sets} left."\n')
    with pytest.raises(ContentError, match=r"conversation.yaml: odd_count: .*\{sets\}"):
        load_directory(content)
