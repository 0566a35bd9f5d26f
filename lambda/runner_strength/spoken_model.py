"""The interaction model as words: the committed model read, and typed text matched to its samples.

Runtime code (stdlib only): the local console understands typed text with it, and build time
(`buildtime/interaction_model.py`) checks the model it generates with the same matching. No YAML
and no build-time code, so the console runs on what the skill ships with.
"""

from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

JsonDict = dict[str, Any]

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO_ROOT / "interaction_model"
MODELS_DIR = Path("interactionModels") / "custom"
BUILTIN_PHRASES_FILE = Path(__file__).resolve().parent / "console" / "builtin_phrases.json"
"""Alexa's own phrases for built-in intents, as `build-model` writes them from en.yaml."""

_SLOT_REF = re.compile(r"\{([^{}]*)\}")
_BUILTIN = "AMAZON."


def language_model(model: Mapping[str, Any]) -> Mapping[str, Any]:
    """The model's `interactionModel.languageModel`."""
    result: Mapping[str, Any] = model["interactionModel"]["languageModel"]
    return result


def load_builtin_phrases(path: Path = BUILTIN_PHRASES_FILE) -> dict[str, tuple[str, ...]]:
    """Alexa's own phrases for built-in intents (intent -> phrases), as build-model wrote them."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {str(intent): tuple(str(p) for p in phrases) for intent, phrases in raw.items()}


def load_model(locale: str = "en-US", *, package_dir: Path = PACKAGE_DIR) -> JsonDict:
    """The committed interaction model of one locale, as deployed."""
    path = package_dir / MODELS_DIR / f"{locale}.json"
    model: JsonDict = json.loads(path.read_text(encoding="utf-8"))
    return model


def sample_pairs(
    model: Mapping[str, Any],
    *,
    builtin_phrases: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[str, str]]:
    """Every (intent, utterance pattern) pair, samples first, then the built-ins' own phrases."""
    pairs = [
        (str(intent["name"]), str(sample))
        for intent in language_model(model)["intents"]
        for sample in intent.get("samples", [])
    ]
    pairs += [
        (intent, phrase)
        for intent, phrases in (builtin_phrases or {}).items()
        for phrase in phrases
    ]
    return pairs


def spoken(text: str) -> str:
    """Text as a runner would say it: lower case words, no punctuation but apostrophes.

    "Push-up", "push up" and "r. d. l." become "push up", "push up" and "r d l", so typed text and
    slot values compare the way Alexa's speech recognition would hear them.
    """
    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("-", " ")))


def slot_values(model: Mapping[str, Any], type_name: str) -> dict[str, str]:
    """Every spoken form (see `spoken`) of a custom slot type's values -> the value's id."""
    for slot_type in language_model(model).get("types", []):
        if slot_type["name"] == type_name:
            return {
                spoken(text): str(entry["id"])
                for entry in slot_type["values"]
                for text in (entry["name"]["value"], *entry["name"].get("synonyms", []))
            }
    return {}


@dataclass(frozen=True, slots=True)
class Match:
    """What a typed phrase means to the model: the intent, the pattern it matched and its slots.

    `slots` maps slot name -> (spoken text, resolved id); the id is None for built-in slot types.
    """

    intent: str
    pattern: str
    slots: Mapping[str, tuple[str, str | None]]


def match(
    text: str,
    model: Mapping[str, Any],
    *,
    builtin_phrases: Mapping[str, Sequence[str]] | None = None,
    builtin_accepts: Callable[[str, str], bool] | None = None,
) -> Match | None:
    """The first sample the text fits exactly, most literal words first; None when nothing fits.

    Custom slots only accept their values and synonyms, as Alexa's entity resolution would
    resolve them; built-in slot types (AMAZON.DURATION ...) accept any words, or those
    `builtin_accepts(slot type, words)` takes ("start a core workout" is no duration).
    """
    said = spoken(text)
    prepared = _prepared(model, builtin_phrases)
    first = said.split(" ", 1)[0]
    for index in heapq.merge(prepared.by_first_word.get(first, ()), prepared.slot_first):
        intent, pattern = prepared.pairs[index]
        # Shortest slots first, then longest: "start the {workout} for {duration}" must also read
        # "eight exercises for runners" whole when the shortest split leaves no duration.
        for greedy in (False, True):
            found = _pattern_regex(pattern, greedy=greedy).match(said)
            if found is None:
                break
            slots = _slots(found.groupdict(), prepared, intent, builtin_accepts)
            if slots is not None:
                return Match(intent=intent, pattern=pattern, slots=slots)
    return None


def _slots(
    heard: Mapping[str, str],
    prepared: _Prepared,
    intent: str,
    builtin_accepts: Callable[[str, str], bool] | None,
) -> dict[str, tuple[str, str | None]] | None:
    """Each slot's words and resolved id, or None when a slot does not take its words."""
    slots: dict[str, tuple[str, str | None]] = {}
    for slot, value in heard.items():
        slot_type = prepared.slot_types.get(intent, {}).get(slot, "")
        if slot_type.startswith(_BUILTIN):
            if builtin_accepts is not None and not builtin_accepts(slot_type, value):
                return None
            slots[slot] = (value, None)
        elif (value_id := prepared.values(slot_type).get(value)) is not None:
            slots[slot] = (value, value_id)
        else:
            return None
    return slots


@dataclass
class _Prepared:
    """One model's samples ordered for `match`, indexed by their first word.

    A grammar makes thousands of samples, and the console matches every typed line: only the
    samples that start with the line's first word, or with a slot, can fit it.
    """

    model: Mapping[str, Any]
    builtin_phrases: Mapping[str, Sequence[str]] | None
    pairs: list[tuple[str, str]]
    slot_types: dict[str, dict[str, str]]
    by_first_word: dict[str, list[int]]
    slot_first: list[int]
    _values: dict[str, dict[str, str]] = field(default_factory=dict)

    def values(self, type_name: str) -> dict[str, str]:
        if type_name not in self._values:
            self._values[type_name] = slot_values(self.model, type_name)
        return self._values[type_name]


_PREPARED: dict[tuple[int, int], _Prepared] = {}
_PREPARED_MODELS = 8


def _prepared(
    model: Mapping[str, Any], builtin_phrases: Mapping[str, Sequence[str]] | None
) -> _Prepared:
    """The model made ready for `match`, once per model object (treat a matched model as final)."""
    key = (id(model), id(builtin_phrases))
    found = _PREPARED.get(key)
    # The entry holds the objects themselves, so an id is never reused while it is cached.
    if found is not None and found.model is model and found.builtin_phrases is builtin_phrases:
        return found
    pairs = sample_pairs(model, builtin_phrases=builtin_phrases)
    # Literal words outweigh slots, so "start the set" wins over "start the {workout}".
    pairs.sort(key=lambda pair: -len(_SLOT_REF.sub("", pair[1])))
    by_first_word: dict[str, list[int]] = {}
    slot_first: list[int] = []
    for index, (_, pattern) in enumerate(pairs):
        head = pattern.split(" ", 1)[0]
        words = spoken(head).split()
        if _slot_name(head) or not words:
            slot_first.append(index)
        else:
            by_first_word.setdefault(words[0], []).append(index)
    prepared = _Prepared(
        model=model,
        builtin_phrases=builtin_phrases,
        pairs=pairs,
        slot_types={
            str(intent["name"]): {str(s["name"]): str(s["type"]) for s in intent.get("slots", [])}
            for intent in language_model(model)["intents"]
        },
        by_first_word=by_first_word,
        slot_first=slot_first,
    )
    if len(_PREPARED) >= _PREPARED_MODELS:
        _PREPARED.pop(next(iter(_PREPARED)))
    _PREPARED[key] = prepared
    return prepared


@cache  # the console matches every typed line against every sample
def _pattern_regex(pattern: str, *, greedy: bool = False) -> re.Pattern[str]:
    slot = ".+" if greedy else ".+?"
    parts = [
        f"(?P<{ref}>{slot})" if (ref := _slot_name(word)) else re.escape(spoken(word))
        for word in pattern.split()
    ]
    return re.compile("^" + " ".join(parts) + "$")


def _slot_name(word: str) -> str | None:
    found = _SLOT_REF.fullmatch(word)
    return found.group(1) if found else None
