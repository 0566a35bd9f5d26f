"""Phrase grammars: compact patterns in `content/utterances/grammar.yaml` expanded into samples.

A runner asks the same thing in many shapes ("how do i do an rdl", "um how am i supposed to do
the rdl", "can you show me how to do rdls please"). Writing each shape out by hand is how a model
ends up covering only what someone happened to type, so each intent's phrasings are written as
patterns of carriers, verbs and objects, with optional words before and after:

- `(a|b|c)` says one of the alternatives; `[a|b]` says one of them or nothing;
- `<name>` says any of the patterns listed under `parts.name` (fillers, politeness, objects that
  several intents share); parts may use other parts, never themselves;
- `{slot}` is a slot reference, kept as written for the interaction model;
- every sample is also written with its contractions swapped (`contractions:`: "i'm" <-> "i am"):
  once with every contraction it has spelled out and once with every spelled-out form contracted,
  not in every mixture, so one contraction table does not multiply the model.

Alexa has limits on how much a model may hold, and a grammar multiplies: a single pattern may
expand to at most `MAX_PATTERN_SAMPLES` samples, so a careless product is caught in the file that
wrote it; the interaction model checks the per-intent and whole-model limits.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import yaml

from runner_strength.buildtime.fields import FieldReader, Problem

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

# A pattern that expands beyond this is almost always an accidental product of long lists; split
# it, or move the variety into a part or a slot synonym.
MAX_PATTERN_SAMPLES = 600
_ALLOWED = re.compile(r"^[a-z' .{}_A-Z()\[\]|<>]*$")
_PART_NAME = re.compile(r"^[a-z_]+$")


class GrammarError(ValueError):
    """A pattern cannot be read: unbalanced brackets, an unknown part, a cycle, a bad character."""


@dataclass(frozen=True, slots=True)
class Grammar:
    """Everything in a grammar file, read and type-checked (patterns are expanded by `samples`)."""

    file: str
    parts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    contractions: Mapping[str, str] = field(default_factory=dict)
    intents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def load_grammar(path: Path) -> tuple[Grammar, list[Problem]]:
    """The grammar file and the problems in its shape (each naming the file and the field)."""
    problems: list[Problem] = []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        return Grammar(str(path)), [Problem(str(path), "(file)", f"cannot be read: {error}")]
    r = FieldReader(str(path), raw, problems, spoken=False)
    r.unknown(("parts", "contractions", "intents"))
    parts, contractions, intents = (
        r.mapping(name, required=name == "intents") for name in ("parts", "contractions", "intents")
    )
    grammar = Grammar(
        file=str(path),
        parts={name: parts.texts(name) for name in parts.data},
        contractions={short: contractions.text(short) for short in contractions.data},
        intents={name: intents.texts(name) for name in intents.data},
    )
    problems += [
        Problem(str(path), f"parts.{name}", "part names are lower-case letters and underscores")
        for name in grammar.parts
        if not _PART_NAME.match(str(name))
    ]
    return grammar, problems


def samples(grammar: Grammar) -> tuple[dict[str, list[str]], list[Problem]]:
    """Every intent's samples, in the order written and without repeats, and the problems."""
    problems: list[Problem] = []
    expander = _Expander(grammar.parts)
    out: dict[str, list[str]] = {}
    for intent, patterns in grammar.intents.items():
        found: dict[str, None] = {}
        for index, pattern in enumerate(patterns):
            where = f"intents.{intent}[{index}]"
            try:
                expanded = expander.expand(pattern)
            except GrammarError as error:
                problems.append(Problem(grammar.file, where, str(error)))
                continue
            if len(expanded) > MAX_PATTERN_SAMPLES:
                problems.append(
                    Problem(
                        grammar.file,
                        where,
                        f"expands to {len(expanded)} samples; at most {MAX_PATTERN_SAMPLES} "
                        "(split it, or use a part or a slot synonym)",
                    )
                )
                continue
            for sample in expanded:
                found.update(dict.fromkeys(contracted(sample, grammar.contractions)))
        out[intent] = [s for s in found if s]
    for name in grammar.parts:
        try:
            expander.part(name)
        except GrammarError as error:
            problems.append(Problem(grammar.file, f"parts.{name}", str(error)))
    return out, problems


def contracted(sample: str, contractions: Mapping[str, str]) -> list[str]:
    """The sample as written, with every contraction spelled out, and with every one contracted."""
    forms = [sample]
    longhand = _swap(sample, contractions)
    shorthand = _swap(sample, {long: short for short, long in contractions.items()})
    forms += [f for f in (longhand, shorthand) if f not in forms]
    return forms


def _swap(sample: str, table: Mapping[str, str]) -> str:
    if not table:
        return sample
    words = "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))
    return re.sub(rf"(?<![a-z'])(?:{words})(?![a-z'])", lambda m: table[m.group(0)], sample)


class _Expander:
    """Expands patterns, remembering each part's expansion (parts are shared by many patterns)."""

    def __init__(self, parts: Mapping[str, tuple[str, ...]]) -> None:
        self._parts = parts
        self._done: dict[str, list[str]] = {}
        self._open: list[str] = []

    def part(self, name: str) -> list[str]:
        if name in self._done:
            return self._done[name]
        if name not in self._parts:
            raise GrammarError(f"<{name}> is not listed under parts")
        if name in self._open:
            raise GrammarError(f"<{name}> uses itself ({' -> '.join([*self._open, name])})")
        self._open.append(name)
        try:
            found: dict[str, None] = {}
            for pattern in self._parts[name]:
                found.update(dict.fromkeys(self._raw(pattern)))
        finally:
            self._open.pop()
        self._done[name] = list(found)
        return self._done[name]

    def expand(self, pattern: str) -> list[str]:
        """Every sample the pattern says, spaces tidied, first-written first, no repeats."""
        return list(dict.fromkeys(" ".join(s.split()) for s in self._raw(pattern)))

    def _raw(self, pattern: str) -> list[str]:
        if not _ALLOWED.match(pattern):
            bad = sorted(set(re.sub(r"[a-z' .{}_A-Z()\[\]|<>]", "", pattern)))
            raise GrammarError(f"{pattern!r}: {''.join(bad)!r} is not allowed in a pattern")
        options: list[str] = []
        i = 0
        while True:  # a top-level "|" separates whole alternatives
            alternative, i = self._sequence(pattern, i)
            options += alternative
            if i == len(pattern):
                return options
            if pattern[i] != "|":
                raise GrammarError(f"{pattern!r}: {pattern[i]!r} at {i} closes nothing")
            i += 1

    def _sequence(self, text: str, start: int) -> tuple[list[str], int]:
        """The options of text[start:] up to a `|` or a closing bracket, and where it stopped."""
        pieces: list[list[str]] = []
        literal = ""
        i = start
        while i < len(text) and text[i] not in "|)]":
            char = text[i]
            if char in "([":
                pieces.append([literal])
                literal = ""
                options, i = self._group(text, i)
                pieces.append(options)
                continue
            if char == "<":
                end = text.find(">", i)
                if end < 0:
                    raise GrammarError(f"{text!r}: '<' at {i} is never closed")
                pieces.append([literal])
                literal = ""
                pieces.append(self.part(text[i + 1 : end]))
                i = end + 1
                continue
            if char == ">":
                raise GrammarError(f"{text!r}: '>' at {i} closes nothing")
            literal += char
            i += 1
        pieces.append([literal])
        return ["".join(combo) for combo in itertools.product(*pieces)], i

    def _group(self, text: str, start: int) -> tuple[list[str], int]:
        """`(a|b)` or `[a|b]` at `start`: its options (with "" for `[...]`) and the index after."""
        closing = ")" if text[start] == "(" else "]"
        options: list[str] = [""] if closing == "]" else []
        i = start + 1
        while True:
            alternative, i = self._sequence(text, i)
            if not "".join(alternative).strip() and closing == ")":
                raise GrammarError(f"{text!r}: an empty choice in '(...)' at {start} (use [...])")
            options += alternative
            if i >= len(text):
                raise GrammarError(f"{text!r}: {text[start]!r} at {start} is never closed")
            if text[i] == "|":
                i += 1
                continue
            if text[i] != closing:
                raise GrammarError(f"{text!r}: {text[i]!r} at {i} does not close {text[start]!r}")
            return options, i + 1
