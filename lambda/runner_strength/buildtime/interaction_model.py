"""Generate the Alexa skill package (manifest and interaction models) from content and utterances.

The package under `interaction_model/` is what the ASK CLI deploys (`skill.json` plus
`interactionModels/custom/<locale>.json`). Nothing in it is written by hand:

- wording (invocation name, sample utterances, store listing) comes from
  `content/utterances/en.yaml`, and each intent's phrase grammar in
  `content/utterances/grammar.yaml` expands into more samples (buildtime/grammar.py);
- the EXERCISE and WORKOUT slot types come from the content library (value = name,
  synonyms = aliases, id = content id), so a new exercise is speakable as soon as it validates;
  the synonyms add every name and alias in singular and plural, hyphenated, joined and apart
  ("push up", "push-ups", "pushups") and letter by letter ("r. d. l."), following the
  `spoken_forms:` rules of the utterance file;
- the BODY_AREA, EQUIPMENT and LEVEL slot types come from the content vocabularies (`stresses`,
  `equipment` and `level` in content/SCHEMA.md; id = the term), with the spoken synonyms listed
  under `vocabulary:` in the utterance file;
- the rest of the manifest (privacy flags, locales, events) is configuration in this module.

`check_model` and `check_manifest` hold Alexa's rules for what the build produces; `build-model`
refuses to write a package that breaks them, and the tests run them on the committed files.
`load_model`, `sample_pairs` and `match` let the local console understand typed text the way the
model would.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from runner_strength.buildtime import grammar, release
from runner_strength.buildtime.fields import FieldReader, Problem, field_names
from runner_strength.content.model import BODY_AREAS, EQUIPMENT, Level
from runner_strength.spoken_model import (
    MODELS_DIR,
    PACKAGE_DIR,
    Match,
    language_model,
    load_model,
    match,
    sample_pairs,
    slot_values,
    spoken,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from runner_strength.content.model import Exercise, Library, Workout

# The model read as words lives with the runtime code (spoken_model.py; the console uses it too).
# Build time checks what it generates with the same matching; these names stay importable from
# here for the CLI and the tests (the module's own names need no listing).
__all__ = [
    "MODELS_DIR",
    "PACKAGE_DIR",
    "Match",
    "load_model",
    "match",
    "sample_pairs",
    "slot_values",
    "spoken",
]

REPO_ROOT = Path(__file__).resolve().parents[3]
UTTERANCES_PATH = REPO_ROOT / "content" / "utterances" / "en.yaml"
# Each intent's phrase grammar (buildtime/grammar.py), read with the utterance file beside it.
GRAMMAR_FILE = "grammar.yaml"
MANIFEST_FILE = Path("skill.json")
# Name-free launch phrases live outside the skill package until the skill is live and eligible
# for Alexa's name-free interaction toolkit (see `build_name_free`).
NAME_FREE_FILE = REPO_ROOT / "docs" / "name_free_interaction.json"
NAME_FREE_CONTAINER = "_nameFreeInteraction"
# "In your skill, specify up to five skill launch phrases" and up to five per intent (NFI toolkit).
MAX_NAME_FREE_PHRASES = 5

# Every English locale shares the English wording; the country is where the store lists it.
LOCALES: Mapping[str, str] = {
    "en-US": "US",
    "en-GB": "GB",
    "en-CA": "CA",
    "en-AU": "AU",
    "en-IN": "IN",
}

# The deployment replaces this: the ASK CLI's cfn-deployer writes the stack's SkillEndpoint output
# (infra/template.yaml) into apis.custom.endpoint.uri. Set it to None to leave the endpoint out, the
# form the ASK CLI's own templates ship, if the first import of a new skill rejects the placeholder.
# No endpoint: the ASK CLI cfn-deployer writes the Lambda ARN here after it deploys infra/, and a
# placeholder ARN makes a first `ask deploy` fail its trigger check (alexa/ask-cli#365).
ENDPOINT_URI: str | None = None
# The privacy and terms URLs come from release.yaml (buildtime/release.py): example.com
# placeholders until its hosting is filled in (`check --release` fails till then).
# The store icons, in the skill package (tools/make_icons.py draws them); the ASK CLI uploads them.
SMALL_ICON_URI = "file://assets/images/icon-108.png"
LARGE_ICON_URI = "file://assets/images/icon-512.png"
CATEGORY = "EXERCISE_AND_WORKOUT"
# Not in the committed manifest: ask-resources.json lists them under userConfig.skillEvents, and
# `ask deploy` (ASK CLI 2.28+) writes manifest.events with the function as its endpoint. A committed
# `events` block without an endpoint, or "events" in targetEndpoint, breaks the deploy.
SUBSCRIBED_EVENTS = ("SKILL_DISABLED",)
# Weekly reminders (alexa/reminding.py); the runner grants it by voice when first asked. Skill
# personalisation: Alexa then sends the personId of a recognised voice, so each runner of a
# household keeps a record of their own (persistence/base.py `storage_key`).
PERMISSIONS = ("alexa::alerts:reminders:skill:readwrite", "alexa::person_id:read")

# ---------------------------------------------------------------- Alexa's limits and rules
# Interaction model limits table ("Create the Interaction Model for Your Skill"): 140 characters per
# slot value and per synonym (the console's own error says "Slot value length exceeds the limit of
# 140 characters"), at most 250 intents.
MAX_SLOT_VALUE_CHARS = 140
MAX_INTENTS = 250
# A ceiling well above anything a runner says in one breath; the published table was not reachable
# to confirm Alexa's own per-utterance figure, so this stays conservative.
MAX_UTTERANCE_CHARS = 200
# Alexa refuses an interaction model over 1,000,000 characters; a model that grows towards that
# starts losing breadth in a hurry, so the build keeps a quarter of it free in the file as written
# (`model_json`: one value a line, no indentation). Whether Alexa counts the whitespace of what
# it is sent is not documented, so the same model indented by two spaces a level (a third larger)
# must stay under the hard limit too.
MAX_MODEL_CHARS = 1_000_000
MODEL_CHAR_BUDGET = 750_000
# Samples per intent: a ceiling of ours, well under what the model size allows, so no one intent's
# grammar crowds out the others.
MAX_SAMPLES_PER_INTENT = 2_500

# Invocation name requirements ("Choose the Invocation Name for a Custom Skill"): no launch phrases,
# connecting words or wake words, and a two-word name may not use an article or a preposition.
_INVOCATION_FORBIDDEN = frozenset(
    {
        "alexa",
        "amazon",
        "echo",
        "computer",
        "skill",
        "app",
        "launch",
        "ask",
        "tell",
        "load",
        "begin",
        "enable",
        "open",
        "start",
        "play",
        "run",
        "use",
        "to",
        "from",
        "by",
        "if",
        "and",
        "whether",
        "for",
        "about",
        "with",
    }
)
_TWO_WORD_FORBIDDEN = frozenset({"the", "a", "an", "for", "to", "of"})
# Lower-case letters, possessive apostrophes, "a. b." style abbreviations, single spaces.
_SPOKEN_WORD = r"(?:[a-z]+(?:'[a-z]+)*|[a-z]\.)"
_INVOCATION = re.compile(rf"^{_SPOKEN_WORD}(?: {_SPOKEN_WORD})+$")
# Rules for sample utterances: words as above (numbers spelled out, no other punctuation) and
# {slot} references.
_SLOT_REF = re.compile(r"\{([^{}]*)\}")
_UTTERANCE_WORD = rf"(?:{_SPOKEN_WORD}|\{{[A-Za-z_]+\}})"
_UTTERANCE = re.compile(rf"^{_UTTERANCE_WORD}(?: {_UTTERANCE_WORD})*$")
# Slot values are sent to the skill in written form, so capitals and word-internal hyphens are
# allowed there ("Push-up"), unlike in utterances.
_VALUE_WORD = r"[A-Za-z]+(?:['-][A-Za-z]+)*\.?"
_SLOT_VALUE = re.compile(rf"^{_VALUE_WORD}(?: {_VALUE_WORD})*$")
# Intent, slot and slot type names: letters and underscores; built-ins carry the AMAZON. prefix.
_NAME = re.compile(r"^[A-Za-z_]+$")
_BUILTIN = "AMAZON."
_EXAMPLE_PHRASE = re.compile(r"^Alexa, (?P<launch>open|ask|tell|launch|start) (?P<rest>.+)$")
_ONE_SHOT_CONNECTORS = ("to ", "for ", "about ", "")

JsonDict = dict[str, Any]


class ModelError(ValueError):
    """The utterance data or the generated model breaks a rule; `problems` lists every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} interaction model problem(s):\n{lines}")


# ---------------------------------------------------------------- the utterance data


@dataclass(frozen=True, slots=True)
class SlotValue:
    """One value of a custom slot type: the id handlers receive, the written value, its synonyms."""

    id: str
    value: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Publishing:
    """The skill's store listing, the same for every English locale."""

    name: str
    summary: str
    description: str
    example_phrases: tuple[str, ...]
    keywords: tuple[str, ...]
    testing_instructions: str


@dataclass(frozen=True, slots=True)
class SpokenForms:
    """How speech recognition may write a name, from `spoken_forms:` in the utterance file.

    `spellings` are groups of ways Alexa may write one word or pair ("push up", "push-up",
    "pushup"); `letters` are initialisms runners say letter by letter ("rdl" -> "r d l");
    `uninflected` are head words with no singular or plural of their own ("strength").
    """

    spellings: tuple[tuple[str, ...], ...] = ()
    letters: Mapping[str, str] = field(default_factory=dict)
    uninflected: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Utterances:
    """Everything spoken in `content/utterances/en.yaml`, read and type-checked."""

    invocation_name: str
    slot_types: Mapping[str, str]
    types: Mapping[str, tuple[SlotValue, ...]]
    intents: Mapping[str, tuple[str, ...]]
    builtin_phrases: Mapping[str, tuple[str, ...]]
    publishing: Publishing
    # Slot type -> vocabulary term -> what runners call it (see VOCABULARY_SLOT_TYPES).
    vocabulary: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    spoken_forms: SpokenForms = field(default_factory=SpokenForms)
    # Name-free interaction: "LAUNCH" -> skill launch phrases; an intent name -> its phrases.
    name_free: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def load_utterances(path: Path = UTTERANCES_PATH) -> Utterances:
    """Read the utterance file and the grammar beside it; ModelError lists every problem.

    An intent's samples are the ones written out in the utterance file, then the ones its
    grammar (`GRAMMAR_FILE` in the same folder, when there is one) expands to, without repeats.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ModelError([f"{path}: cannot be read: {error}"]) from error
    problems: list[Problem] = []
    r = FieldReader(str(path), raw, problems, spoken=False)
    r.unknown(field_names(Utterances, leave_out=(), renamed={"slot_types": "slots"}))
    slots, intents = r.mapping("slots"), r.mapping("intents")
    types, builtins = r.mapping("types", required=False), r.mapping("builtin_phrases")
    vocabulary = r.mapping("vocabulary", required=False)
    utterances = Utterances(
        invocation_name=r.text("invocation_name"),
        slot_types={name: slots.text(name) for name in slots.data},
        types={name: _slot_values(types, name) for name in types.data},
        intents={name: intents.texts(name, required=False) for name in intents.data},
        builtin_phrases={name: builtins.texts(name, required=False) for name in builtins.data},
        publishing=_publishing(r.mapping("publishing")),
        vocabulary={
            name: {term: terms.texts(term, required=False) for term in terms.data}
            for name in vocabulary.data
            if (terms := vocabulary.mapping(name))
        },
        name_free=_name_free(r.mapping("name_free", required=False)),
        spoken_forms=_spoken_forms(r.mapping("spoken_forms", required=False)),
    )
    problems += [
        Problem(str(path), "spoken_forms.spellings", f"{list(group)!r} needs two or more spellings")
        for group in utterances.spoken_forms.spellings
        if len(group) < 2  # one spelling has nothing to swap with
    ]
    grammar_path = path.with_name(GRAMMAR_FILE)
    if grammar_path.is_file():
        utterances, from_grammar = _with_grammar(utterances, grammar_path)
        problems += from_grammar
    if problems:
        raise ModelError([str(problem) for problem in problems])
    return utterances


def _with_grammar(utterances: Utterances, path: Path) -> tuple[Utterances, list[Problem]]:
    """The utterances with each intent's grammar samples after its written ones."""
    rules, problems = grammar.load_grammar(path)
    expanded, more = grammar.samples(rules)
    problems += more
    problems += [
        Problem(str(path), f"intents.{name}", "is no intent of the utterance file")
        for name in expanded
        if name not in utterances.intents
    ]
    intents = {
        name: tuple(dict.fromkeys([*samples, *expanded.get(name, [])]))
        for name, samples in utterances.intents.items()
    }
    return replace(utterances, intents=intents), problems


def _publishing(r: FieldReader) -> Publishing:
    r.unknown(field_names(Publishing, leave_out=()))
    return Publishing(
        name=r.text("name"),
        summary=r.text("summary"),
        description=r.text("description"),
        example_phrases=r.texts("example_phrases", required=False),
        keywords=r.texts("keywords", required=False),
        testing_instructions=r.text("testing_instructions"),
    )


def _name_free(r: FieldReader) -> dict[str, tuple[str, ...]]:
    """The name-free phrases: LAUNCH for the skill's launch phrases, then each intent's own."""
    r.unknown(("launch", "intents"))
    intents = r.mapping("intents", required=False)
    launch = {"LAUNCH": r.texts("launch")} if "launch" in r.data else {}
    return {**launch, **{name: intents.texts(name) for name in intents.data}}


def _spoken_forms(r: FieldReader) -> SpokenForms:
    r.unknown(field_names(SpokenForms, leave_out=()))
    letters = r.mapping("letters", required=False)
    return SpokenForms(
        spellings=r.text_lists("spellings"),
        letters={word: letters.text(word) for word in letters.data},
        uninflected=frozenset(r.texts("uninflected", required=False)),
    )


def _slot_values(r: FieldReader, name: str) -> tuple[SlotValue, ...]:
    values = []
    for entry in r.items(name):
        entry.unknown(field_names(SlotValue, leave_out=()))
        values.append(
            SlotValue(
                id=entry.text("id"),
                value=entry.text("value"),
                synonyms=entry.texts("synonyms", required=False),
            )
        )
    return tuple(values)


# ---------------------------------------------------------------- slot types built from content


def _initialisms(phrase: str) -> str:
    """Write spelled-out letters as "r. d. l." so Alexa recognises them.

    Alexa's custom slot type guidance: initialisms are recognised reliably in capitals or as
    letters followed by periods; bare lower-case letters ("r d l", as aliases are written) are not.
    """
    words = phrase.split(" ")
    out = []
    for index, word in enumerate(words):
        in_run = len(word) == 1 and any(
            0 <= n < len(words) and len(words[n]) == 1 for n in (index - 1, index + 1)
        )
        out.append(f"{word}." if in_run else word)
    return " ".join(out)


def _plural(word: str) -> str | None:
    if len(word) == 1 or word.endswith(("s", "ing", ".")) or "'" in word:
        return None
    if word.endswith(("ch", "sh", "x")):
        return f"{word}es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return f"{word[:-1]}ies"
    return f"{word}s"


def _singular(word: str) -> str | None:
    if not word.endswith("s") or word.endswith(("ss", "us", "is")) or "'" in word:
        return None
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("ies"):
        return f"{word[:-3]}y"
    return word[:-1]


# A name's head noun comes before these ("side plank with rotation", "calf raises on a step").
_PREPOSITIONS = frozenset({"with", "on", "in"})


def _inflections(phrase: str, uninflected: frozenset[str]) -> list[str]:
    """The phrase with its head noun in the other number: the last word, or the one before "with".

    "Side plank with rotation" -> "side planks with rotation"; "push ups" -> "push up".
    """
    words = phrase.split(" ")
    head = next(
        (i - 1 for i, word in enumerate(words) if word in _PREPOSITIONS and i > 0), len(words) - 1
    )
    word = words[head]
    if word in uninflected:
        return []
    return [
        " ".join([*words[:head], other, *words[head + 1 :]])
        for other in (_plural(word), _singular(word))
        if other and other not in uninflected
    ]


def _spelling_forms(phrase: str, spellings: Iterable[Sequence[str]]) -> list[str]:
    """The phrase with each word or pair of `spellings` written every way it may be written."""
    forms = [phrase]
    for group in spellings:
        alternatives = "|".join(re.escape(g) for g in sorted(group, key=len, reverse=True))
        pattern = re.compile(rf"\b(?:{alternatives})(?=s?\b)")
        # Deduplicated at each step (the same forms, in the same order, as deduplicating once at
        # the end): otherwise every group multiplies the list, matching or not. A replacement
        # string reads backslashes as escapes; spellings are words, but be sure.
        forms = list(
            dict.fromkeys(
                pattern.sub(spelling.replace("\\", "\\\\"), form) if pattern.search(form) else form
                for form in forms
                for spelling in group
            )
        )
    return forms


def _spelled(phrase: str, letters: Mapping[str, str]) -> str:
    """Initialisms said letter by letter: "single leg rdls" -> "single leg r d ls"."""
    words = []
    for word in phrase.split(" "):
        if word in letters:
            words.append(letters[word])
        elif word.endswith("s") and word[:-1] in letters:
            words.append(f"{letters[word[:-1]]}s")
        else:
            words.append(word)
    return " ".join(words)


def _name_forms(record: Exercise | Workout, forms: SpokenForms) -> tuple[list[str], list[str]]:
    """A record's explicit names (name and aliases) and the forms generated from them.

    Generated: every name and alias in singular and plural, with each word of `spellings`
    written every way (apart, hyphenated, joined), initialisms as "r. d. l." (`_initialisms`).
    """
    explicit = [record.name.lower(), *(_initialisms(alias) for alias in record.aliases)]
    generated: list[str] = []
    for phrase in (record.name.lower(), *record.aliases):
        spelled = _spelled(phrase, forms.letters)
        for numbered in (spelled, *_inflections(spelled, forms.uninflected)):
            generated += [_initialisms(f) for f in _spelling_forms(numbered, forms.spellings)]
    return explicit, generated


def _content_values(
    records: Iterable[Exercise | Workout], forms: SpokenForms = SpokenForms()
) -> tuple[SlotValue, ...]:
    """One value per record (id = content id, value = name); synonyms = aliases, then their forms.

    A generated form that sounds like another record's name, alias or generated form is left out:
    Alexa could not tell the two apart, and an author's alias always wins over a generated guess.
    """
    ordered = sorted(records, key=lambda r: r.id)
    names = {record.id: _name_forms(record, forms) for record in ordered}
    owners: dict[str, set[str]] = {}
    for record_id, (explicit, generated) in names.items():
        for text in (*explicit, *generated):
            owners.setdefault(spoken(text), set()).add(record_id)
    values = []
    for record in ordered:
        explicit, generated = names[record.id]
        seen = {record.name.lower()}
        synonyms = []
        for index, synonym in enumerate([*explicit, *generated]):
            is_alias = index < len(explicit)
            if synonym.lower() in seen or (not is_alias and owners[spoken(synonym)] != {record.id}):
                continue
            seen.add(synonym.lower())
            synonyms.append(synonym)
        values.append(SlotValue(id=record.id, value=record.name, synonyms=tuple(synonyms)))
    return tuple(values)


# Slot type name -> how to build its values from the library. A new content-backed type (body
# areas, equipment ...) is one entry here plus a slot that uses it in the utterance file.
CONTENT_SLOT_TYPES: Mapping[str, Callable[[Library, SpokenForms], tuple[SlotValue, ...]]] = {
    "EXERCISE": lambda library, forms: _content_values(library.exercises.values(), forms),
    "WORKOUT": lambda library, forms: _content_values(library.workouts.values(), forms),
}
# Slot type name -> the content vocabulary its values are: one value per term (id = the term,
# value = the term in words), synonyms from the utterance file's `vocabulary:`.
VOCABULARY_SLOT_TYPES: Mapping[str, frozenset[str]] = {
    "BODY_AREA": BODY_AREAS,
    "EQUIPMENT": EQUIPMENT,
    "LEVEL": frozenset(level.value for level in Level),
}


def _vocabulary_values(
    type_name: str, terms: frozenset[str], synonyms: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[SlotValue, ...], list[str]]:
    """One slot value per term with its synonyms, and the problems (synonyms for no term)."""
    problems = [
        f"vocabulary.{type_name}.{term}: not a term of the content vocabulary"
        for term in sorted(set(synonyms) - terms)
    ]
    values = tuple(
        SlotValue(id=term, value=term.replace("_", " "), synonyms=synonyms.get(term, ()))
        for term in sorted(terms)
    )
    return values, problems


# ---------------------------------------------------------------- building the package


def build_interaction_model(library: Library, utterances: Utterances) -> JsonDict:
    """The interaction model (one locale's file) as a dict, raising ModelError on broken data."""
    problems: list[str] = []
    intents: list[JsonDict] = []
    used_types: set[str] = set()
    for name, samples in utterances.intents.items():
        referenced = {ref for sample in samples for ref in _SLOT_REF.findall(sample)}
        problems += [
            f"intent {name}: {{{ref}}} is not listed under slots"
            for ref in sorted(referenced - set(utterances.slot_types))
        ]
        slots = [
            {"name": slot, "type": slot_type}
            for slot, slot_type in utterances.slot_types.items()
            if slot in referenced
        ]
        used_types.update(slot["type"] for slot in slots)
        intent: JsonDict = {"name": name}
        if slots:
            intent["slots"] = slots
        intent["samples"] = list(samples)
        intents.append(intent)
    types: list[JsonDict] = []
    generated = set(CONTENT_SLOT_TYPES) | set(VOCABULARY_SLOT_TYPES)
    problems += [
        f"vocabulary.{type_name}: not a vocabulary slot type"
        for type_name in sorted(set(utterances.vocabulary) - set(VOCABULARY_SLOT_TYPES))
    ]
    for type_name in sorted(used_types - {t for t in used_types if t.startswith(_BUILTIN)}):
        if type_name in generated and type_name in utterances.types:
            problems.append(f"slot type {type_name}: comes from content; remove it from types")
        if type_name in CONTENT_SLOT_TYPES:
            values = CONTENT_SLOT_TYPES[type_name](library, utterances.spoken_forms)
        elif type_name in VOCABULARY_SLOT_TYPES:
            values, wrong = _vocabulary_values(
                type_name,
                VOCABULARY_SLOT_TYPES[type_name],
                utterances.vocabulary.get(type_name, {}),
            )
            problems += wrong
        elif type_name in utterances.types:
            values = utterances.types[type_name]
        else:
            problems.append(f"slot type {type_name}: has no values (add it under types)")
            continue
        types.append({"name": type_name, "values": [_type_value(v) for v in values]})
    problems += [
        f"slot type {type_name}: no slot uses it"
        for type_name in sorted(set(utterances.types) - used_types)
    ]
    if problems:
        raise ModelError(problems)
    language_model: JsonDict = {
        "invocationName": utterances.invocation_name,
        "intents": intents,
        "types": types,
    }
    return {"interactionModel": {"languageModel": language_model}}


def _type_value(value: SlotValue) -> JsonDict:
    name: JsonDict = {"value": value.value}
    if value.synonyms:
        name["synonyms"] = list(value.synonyms)
    return {"id": value.id, "name": name}


# the Echo Show screen. Documents are saved in the package (response/display/); the
# viewports are the standard hub (round, small, medium, large, extra large) and TV profiles.
APL_INTERFACE: JsonDict = {
    "type": "ALEXA_PRESENTATION_APL",
    "supportedViewports": [
        {
            "mode": "HUB",
            "shape": "ROUND",
            "minWidth": 480,
            "maxWidth": 599,
            "minHeight": 480,
            "maxHeight": 599,
        },
        {
            "mode": "HUB",
            "shape": "RECTANGLE",
            "minWidth": 960,
            "maxWidth": 1279,
            "minHeight": 480,
            "maxHeight": 599,
        },
        {
            "mode": "HUB",
            "shape": "RECTANGLE",
            "minWidth": 960,
            "maxWidth": 1279,
            "minHeight": 600,
            "maxHeight": 959,
        },
        {
            "mode": "HUB",
            "shape": "RECTANGLE",
            "minWidth": 1280,
            "maxWidth": 1920,
            "minHeight": 600,
            "maxHeight": 1279,
        },
        {
            "mode": "HUB",
            "shape": "RECTANGLE",
            "minWidth": 1920,
            "maxWidth": 2560,
            "minHeight": 1080,
            "maxHeight": 1920,
        },
        {
            "mode": "TV",
            "shape": "RECTANGLE",
            "minWidth": 960,
            "maxWidth": 960,
            "minHeight": 540,
            "maxHeight": 540,
        },
    ],
}


def build_manifest(utterances: Utterances, endpoint_uri: str | None = ENDPOINT_URI) -> JsonDict:
    """The skill manifest (`skill.json`) as a dict."""
    listing = utterances.publishing
    endpoint = {"endpoint": {"uri": endpoint_uri}} if endpoint_uri else {}
    urls = release.policy_urls()
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {
                    locale: {
                        "name": listing.name,
                        "smallIconUri": SMALL_ICON_URI,
                        "largeIconUri": LARGE_ICON_URI,
                        "summary": listing.summary,
                        "description": listing.description,
                        "examplePhrases": list(listing.example_phrases),
                        "keywords": list(listing.keywords),
                    }
                    for locale in LOCALES
                },
                "isAvailableWorldwide": False,
                "distributionCountries": sorted(LOCALES.values()),
                "distributionMode": "PUBLIC",
                "category": CATEGORY,
                "testingInstructions": listing.testing_instructions,
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {
                    locale: {
                        "privacyPolicyUrl": urls.privacy,
                        "termsOfUseUrl": urls.terms,
                    }
                    for locale in LOCALES
                },
            },
            "apis": {"custom": {**endpoint, "interfaces": [APL_INTERFACE]}},
            "permissions": [{"name": name} for name in PERMISSIONS],
        }
    }


def to_json(data: JsonDict) -> str:
    """The one way package files are written, so regenerating them is byte-for-byte stable."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def model_json(model: JsonDict) -> str:
    """An interaction model as written: one value a line, unindented.

    Every sample costs its length and about 4 characters instead of 21 (the model's size is
    what limits its breadth), and a change still reads as a diff of whole lines.
    """
    return json.dumps(model, indent=0, ensure_ascii=False) + "\n"


def build_name_free(utterances: Utterances) -> JsonDict:
    """The `_nameFreeInteraction` container: skill and intent launch phrases without the name.

    Alexa's name-free interaction toolkit takes it inside the interaction model, next to
    `languageModel`, but only for a skill that is live and found eligible; before that a model
    build may refuse it. So it is written to `NAME_FREE_FILE`, and `build-model --with-name-free`
    puts it into every locale's model once the skill qualifies.
    """
    points: list[JsonDict] = []
    for name, phrases in utterances.name_free.items():
        point: JsonDict = (
            {"type": "LAUNCH"} if name == "LAUNCH" else {"type": "INTENT", "name": name}
        )
        point["sampleUtterances"] = [{"format": "RAW_TEXT", "value": p} for p in phrases]
        points.append(point)
    return {"ingressPoints": points}


def check_name_free(
    container: Mapping[str, Any],
    model: Mapping[str, Any],
    builtin_phrases: Mapping[str, Sequence[str]],
) -> list[str]:
    """The toolkit's rules: at most five complete phrases a point, no slots, real custom intents.

    An intent's phrase must also be one of its own samples, so the intent the runner reaches by
    name-free speech is one the skill already understands with that wording.
    """
    problems = []
    intents = {str(i["name"]) for i in _language_model(model)["intents"]}
    for point in container.get("ingressPoints", []):
        where = f"name_free {point.get('name', 'launch')}"
        phrases = [str(u["value"]) for u in point.get("sampleUtterances", [])]
        if not phrases or len(phrases) > MAX_NAME_FREE_PHRASES:
            problems.append(f"{where}: {len(phrases)} phrases; 1 to {MAX_NAME_FREE_PHRASES}")
        name = point.get("name")
        if point.get("type") == "INTENT" and (name not in intents or name.startswith(_BUILTIN)):
            problems.append(f"{where}: not a custom intent of the model")
        for phrase in phrases:
            if not _UTTERANCE.match(phrase) or _SLOT_REF.search(phrase):
                problems.append(f"{where}: {phrase!r}: lower-case words only, no slots")
            elif point.get("type") == "INTENT" and (
                (found := match(phrase, model, builtin_phrases=builtin_phrases)) is None
                or found.intent != name
            ):
                problems.append(f"{where}: {phrase!r} is no sample of {name}")
    return problems


def build_package(
    library: Library, utterances: Utterances, *, name_free: bool = False
) -> dict[Path, str]:
    """Every package file (path relative to the package directory -> text), checked by the rules.

    With `name_free`, every locale's model carries the `_nameFreeInteraction` container (only for
    a live skill that Alexa found eligible; see `build_name_free`). Raises ModelError listing
    every rule the result would break, so nothing broken is written.
    """
    model = build_interaction_model(library, utterances)
    manifest = build_manifest(utterances)
    problems = check_model(model, utterances.builtin_phrases)
    problems += check_manifest(manifest, model, utterances.builtin_phrases)
    container = build_name_free(utterances)
    problems += check_name_free(container, model, utterances.builtin_phrases)
    if problems:
        raise ModelError(problems)
    if name_free:
        model["interactionModel"][NAME_FREE_CONTAINER] = container
    model_text = model_json(model)
    files = {MANIFEST_FILE: to_json(manifest)}
    files.update({MODELS_DIR / f"{locale}.json": model_text for locale in LOCALES})
    return files


def keep_unowned(on_disk: object, generated: object) -> object:
    """`generated`, plus every key of `on_disk` that build-model does not generate.

    build-model owns the keys it writes; everything else in skill.json belongs to someone else
    and survives a rebuild: `apis.custom.endpoint` and `events` (written by `ask deploy` from the
    stack's SkillEndpoint and ask-resources.json's skillEvents), regional endpoints, and any field
    a publisher added by hand. Lists are values, so a generated list replaces the one on disk.
    """
    if not isinstance(on_disk, dict) or not isinstance(generated, dict):
        return generated
    merged = {key: keep_unowned(on_disk.get(key), value) for key, value in generated.items()}
    merged.update({key: value for key, value in on_disk.items() if key not in generated})
    return merged


def _with_unowned(relative: Path, text: str, target: Path) -> str:
    """The text to write: for skill.json, what is on disk and not build-model's is kept."""
    if relative != MANIFEST_FILE or not target.is_file():
        return text
    try:
        on_disk = json.loads(target.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return text
    merged = keep_unowned(on_disk, json.loads(text))
    return to_json(merged) if isinstance(merged, dict) else text


def write_package(files: Mapping[Path, str], package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Write the files that changed (skill.json keeps what others wrote); the paths written."""
    written = []
    for relative, generated in files.items():
        target = package_dir / relative
        text = _with_unowned(relative, generated, target)
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def _up_to_date(relative: Path, on_disk: str, generated: str) -> bool:
    """Whether the file on disk is what build-model writes (skill.json: plus what it keeps)."""
    if relative != MANIFEST_FILE:
        return on_disk == generated
    current = json.loads(on_disk)
    return bool(current == keep_unowned(current, json.loads(generated)))


def package_differences(files: Mapping[Path, str], package_dir: Path = PACKAGE_DIR) -> list[str]:
    """How the package on disk differs from `files`: missing, changed and unexpected model files."""
    differences = []
    for relative, text in files.items():
        target = package_dir / relative
        if not target.is_file():
            differences.append(f"{relative}: missing")
        elif not _up_to_date(relative, target.read_text(encoding="utf-8"), text):
            differences.append(f"{relative}: differs from what build-model generates")
    # A locale file nobody generates would still be deployed by the ASK CLI.
    models = package_dir / MODELS_DIR
    present = {p.relative_to(package_dir) for p in models.glob("*.json")}
    differences += [
        f"{extra}: not generated (stale locale?)" for extra in sorted(present - set(files))
    ]
    return differences


# ---------------------------------------------------------------- Alexa's rules


def _language_model(model: Mapping[str, Any]) -> Mapping[str, Any]:
    return language_model(model)


def _shape(sample: str) -> str:
    """The sample with every slot reference alike, so "start {a}" and "start {b}" collide."""
    return _SLOT_REF.sub("{}", sample.lower())


def check_model(
    model: Mapping[str, Any], builtin_phrases: Mapping[str, Sequence[str]]
) -> list[str]:
    """Every way the interaction model breaks Alexa's rules or ours (empty when it is sound)."""
    language = _language_model(model)
    problems = _check_invocation(str(language.get("invocationName", "")))
    intents: list[Mapping[str, Any]] = language.get("intents", [])
    types = {t["name"]: t for t in language.get("types", [])}
    if len(intents) > MAX_INTENTS:
        problems.append(f"{len(intents)} intents; Alexa allows {MAX_INTENTS}")
    if (size := len(model_json(dict(model)))) > MODEL_CHAR_BUDGET:
        problems.append(
            f"the model is {size:,} characters; the budget is {MODEL_CHAR_BUDGET:,} "
            f"(Alexa refuses {MAX_MODEL_CHARS:,}): use slot synonyms or tighter grammars"
        )
    if (indented := len(to_json(dict(model)))) > MAX_MODEL_CHARS:
        problems.append(
            f"the model indented is {indented:,} characters, over the {MAX_MODEL_CHARS:,} Alexa "
            "refuses should it count whitespace: use slot synonyms or tighter grammars"
        )
    owners: dict[str, str] = {}
    for builtin, phrases in builtin_phrases.items():
        for phrase in phrases:
            owners.setdefault(_shape(phrase), builtin)
    seen_names: set[str] = set()
    for intent in intents:
        name = str(intent["name"])
        if name in seen_names:
            problems.append(f"intent {name}: defined twice")
        seen_names.add(name)
        local = name.removeprefix(_BUILTIN) if name.startswith(_BUILTIN) else name
        if not _NAME.match(local):
            problems.append(f"intent {name}: names use letters and underscores only")
        problems += _check_intent(intent, types, owners)
        if (count := len(intent.get("samples", []))) > MAX_SAMPLES_PER_INTENT:
            problems.append(
                f"intent {name}: {count} samples; at most {MAX_SAMPLES_PER_INTENT} an intent"
            )
    for type_name, slot_type in types.items():
        problems += _check_slot_type(type_name, slot_type)
    return problems


def _check_invocation(name: str) -> list[str]:
    problems = []
    if not _INVOCATION.match(name):
        problems.append(
            f"invocation name {name!r}: two or more lower-case words, letters, "
            "apostrophes and abbreviation periods only"
        )
    words = name.split()
    if forbidden := sorted(set(words) & _INVOCATION_FORBIDDEN):
        problems.append(f"invocation name {name!r}: must not contain {', '.join(forbidden)}")
    if len(words) == 2 and set(words) & _TWO_WORD_FORBIDDEN:
        problems.append(
            f"invocation name {name!r}: a two-word name may not use an article or a preposition"
        )
    return problems


def _check_intent(
    intent: Mapping[str, Any], types: Mapping[str, Any], owners: dict[str, str]
) -> list[str]:
    name = str(intent["name"])
    problems = []
    slots = {str(s["name"]): str(s["type"]) for s in intent.get("slots", [])}
    for slot, slot_type in slots.items():
        if not _NAME.match(slot):
            problems.append(f"intent {name}: slot {slot!r}: names use letters and underscores only")
        if not slot_type.startswith(_BUILTIN) and slot_type not in types:
            problems.append(
                f"intent {name}: slot {slot} has type {slot_type}, which is not defined"
            )
    samples: list[str] = intent.get("samples", [])
    if not samples and not name.startswith(_BUILTIN):
        problems.append(f"intent {name}: has no sample utterances")
    shapes = Counter(_shape(s) for s in samples)
    problems += [
        f"intent {name}: {shape!r} appears {count} times"
        for shape, count in shapes.items()
        if count > 1
    ]
    used: set[str] = set()
    for sample in samples:
        where = f"intent {name}: {sample!r}"
        if not _UTTERANCE.match(sample):
            problems.append(
                f"{where}: only lower-case words, spaces, apostrophes, abbreviation "
                "periods and {slot} references (spell numbers out)"
            )
        if len(sample) > MAX_UTTERANCE_CHARS:
            problems.append(f"{where}: {len(sample)} characters; at most {MAX_UTTERANCE_CHARS}")
        refs = _SLOT_REF.findall(sample)
        for ref in refs:
            if ref not in slots:
                problems.append(f"{where}: {{{ref}}} is not a slot of this intent")
        if len(refs) != len(set(refs)):
            problems.append(f"{where}: names a slot twice")
        used.update(refs)
        owner = owners.setdefault(_shape(sample), name)
        if owner != name:
            problems.append(f"{where}: already belongs to {owner}")
    for slot in sorted(set(slots) - used):
        problems.append(f"intent {name}: slot {slot} appears in no sample")
    return problems


def _check_slot_type(type_name: str, slot_type: Mapping[str, Any]) -> list[str]:
    problems = []
    if not _NAME.match(type_name):
        problems.append(f"slot type {type_name}: names use letters and underscores only")
    values: list[Mapping[str, Any]] = slot_type.get("values", [])
    if not values:
        problems.append(f"slot type {type_name}: has no values")
    ids: set[str] = set()
    owners: dict[str, str] = {}
    for entry in values:
        value_id = str(entry.get("id", ""))
        where = f"slot type {type_name}: {value_id or '(no id)'}"
        if not value_id or value_id in ids:
            problems.append(f"{where}: every value needs an id of its own")
        ids.add(value_id)
        texts = [str(entry["name"]["value"]), *entry["name"].get("synonyms", [])]
        if len({t.lower() for t in texts}) != len(texts):
            problems.append(f"{where}: repeats a value or synonym")
        for text in texts:
            if len(text) > MAX_SLOT_VALUE_CHARS:
                problems.append(
                    f"{where}: {text!r} is {len(text)} characters; at most {MAX_SLOT_VALUE_CHARS}"
                )
            if not _SLOT_VALUE.match(text):
                problems.append(
                    f"{where}: {text!r}: letters, spaces, apostrophes, periods and "
                    "word-internal hyphens only"
                )
            # Alexa hears "Push-up" and "push up" alike, so they may not name two values.
            owner = owners.setdefault(spoken(text), value_id)
            if owner != value_id:
                problems.append(f"{where}: {text!r} is already a value or synonym of {owner}")
    return problems


def check_manifest(
    manifest: Mapping[str, Any],
    model: Mapping[str, Any],
    builtin_phrases: Mapping[str, Sequence[str]],
) -> list[str]:
    """Manifest rules that span files: locales match the models, example phrases really work."""
    body = manifest["manifest"]
    language = _language_model(model)
    invocation = str(language["invocationName"])
    problems = []
    listed = set(body["publishingInformation"]["locales"])
    if listed != set(LOCALES):
        problems.append(f"manifest: locales {sorted(listed)}; the package builds {sorted(LOCALES)}")
    for locale, listing in body["publishingInformation"]["locales"].items():
        for index, phrase in enumerate(listing.get("examplePhrases", [])):
            if problem := _check_example_phrase(
                phrase, invocation, model, builtin_phrases, first=index == 0
            ):
                problems.append(f"manifest: {locale}: example phrase {phrase!r}: {problem}")
    return problems


def _check_example_phrase(
    phrase: str,
    invocation: str,
    model: Mapping[str, Any],
    builtin_phrases: Mapping[str, Sequence[str]],
    *,
    first: bool,
) -> str | None:
    """Why an example phrase would fail certification, or None when it works."""
    found = _EXAMPLE_PHRASE.match(phrase)
    if found is None or not found["rest"].lower().startswith(invocation):
        return f"must be 'Alexa, <open|ask|tell> {invocation} ...'"
    request = found["rest"][len(invocation) :].strip().lower()
    if first and request:
        return "the first example phrase only opens the skill"
    if not request:
        return None if found["launch"] in {"open", "launch", "start"} else "says nothing to do"
    for connector in _ONE_SHOT_CONNECTORS:
        if request.startswith(connector) and match(
            request.removeprefix(connector), model, builtin_phrases=builtin_phrases
        ):
            return None
    return "matches no sample utterance with a known slot value"


# ---------------------------------------------------------------- helpers for the local console
