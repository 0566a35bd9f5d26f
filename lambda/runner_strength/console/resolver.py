"""Typed text -> what Alexa would send: a launch, an intent with resolved slots, or nothing.

The console has no speech recognition; it reads the deployed interaction model instead, in three
stages, each only when the one before found nothing:

1. exact: `interaction_model.match`, the model's own reading (a sample utterance, custom slots only
   taking their values and synonyms), plus a check that a duration slot really holds a duration;
2. forgiving: words compared as tokens with difflib, after expanding contractions ("whats" ->
   "what is"), dropping filler words ("please", "okay"), correcting typos against the model's
   vocabulary and finding slot values anywhere in the text ("explain copenhagen planks please");
3. open slot: a sample whose custom slot heard words that are no value ("explain the moon walk"),
   which Alexa still sends, with entity resolution status ER_SUCCESS_NO_MATCH.

Invocation phrases work as on a device: "open runner strength" is a launch, "ask runner strength to
explain the plank" a one-shot that starts a new session.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from runner_strength.console.durations import alexa_time, iso_duration
from runner_strength.spoken_model import (
    load_builtin_phrases,
    load_model,
    match,
    sample_pairs,
    slot_values,
    spoken,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

BUILTIN_PREFIX = "AMAZON."
DURATION_TYPE = "AMAZON.DURATION"
TIME_TYPE = "AMAZON.TIME"
ER_MATCH = "ER_SUCCESS_MATCH"
ER_NO_MATCH = "ER_SUCCESS_NO_MATCH"

# A forgiving match must share this much of its words with a sample (difflib ratio, 0..1): one word
# changed in four still passes ("how much time is left"), one in three does not ("skip it" is not
# "stop it").
FORGIVING_CUTOFF = 0.75
# A typed word this close to a word the model knows is read as that word ("copenhaggen").
TYPO_CUTOFF = 0.8
TYPO_MIN_LENGTH = 4  # shorter words differ by one letter from too many others ("stop", "skip")
# A run of words this close to a slot value or synonym is read as that value ("plank jack").
VALUE_CUTOFF = 0.85
# Alexa hears any words in a custom slot. The console only takes words that could be a name it
# does not know ("the moon walk"), not a sentence that happens to start like a sample ("what's the
# weather in paris"): a few words, none of them the glue of a sentence.
MAX_OPEN_SLOT_WORDS = 4
_NOT_IN_A_NAME = frozenset(
    {
        "in",
        "on",
        "at",
        "of",
        "to",
        "for",
        "from",
        "with",
        "about",
        "my",
        "your",
        "our",
        "me",
        "you",
        "i",
        "we",
        "it",
        "is",
        "are",
        "was",
        "be",
        "what",
        "how",
        "why",
        "when",
        "where",
        "who",
        "and",
        "or",
        "but",
        "if",
        "this",
        "that",
        "do",
        "does",
        "can",
        "will",
        "would",
        "should",
    }
)

# Said politely or absent-mindedly around a request; they change nothing about what is meant.
_FILLERS = frozenset(
    {"please", "okay", "ok", "um", "uh", "hmm", "oh", "hey", "just", "now", "alexa", "coach"}
)
# Fillers that are an answer when nothing else is said: "okay" alone (or "um, okay") is a yes.
_ANSWERS_ALONE = frozenset({"okay", "ok"})


def _unfilled(said: list[str]) -> list[str]:
    kept = [w for w in said if w not in _FILLERS]
    return kept or [w for w in said if w in _ANSWERS_ALONE]


# Contractions with or without the apostrophe a typist may skip; keys are apostrophe-free.
_CONTRACTIONS: Mapping[str, tuple[str, ...]] = {
    "im": ("i", "am"),
    "ive": ("i", "have"),
    "id": ("i", "would"),
    "whats": ("what", "is"),
    "wheres": ("where", "is"),
    "hows": ("how", "is"),
    "thats": ("that", "is"),
    "its": ("it", "is"),
    "theres": ("there", "is"),
    "lets": ("let", "us"),
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "isnt": ("is", "not"),
    "wont": ("will", "not"),
    "youre": ("you", "are"),
}


def _is_heard_as(slot_type: str, words: str) -> bool:
    """Whether Alexa's built-in slot type would take the words: a duration must be one."""
    return slot_type != DURATION_TYPE or iso_duration(words) is not None


_LAUNCH_VERBS = r"(?:open|launch|start|begin|load|run|play|use)"
_ONE_SHOT_CONNECTORS = ("to", "for", "about", "and", "if", "whether")
_EXIT = frozenset({"exit", "alexa exit"})
_BARE_LAUNCH = frozenset({"open", "launch"})


class Via(StrEnum):
    """Which stage understood the text."""

    EXACT = "exact"
    FORGIVING = "forgiving"
    OPEN_SLOT = "open slot"


class Action(StrEnum):
    """What Alexa would do with the text."""

    LAUNCH = "launch"  # LaunchRequest in a new session
    INTENT = "intent"  # IntentRequest
    EXIT = "exit"  # "exit" ends the skill's session: SessionEndedRequest, USER_INITIATED


@dataclass(frozen=True, slots=True)
class Resolution:
    """Entity resolution of one custom slot: the value's id and written name, or no match."""

    slot_type: str
    value_id: str | None = None
    value_name: str | None = None

    @property
    def code(self) -> str:
        """The status code Alexa's entity resolution reports."""
        return ER_MATCH if self.value_id is not None else ER_NO_MATCH


@dataclass(frozen=True, slots=True)
class Slot:
    """One filled slot: `value` as Alexa sends it (the words heard, or "PT20M" for a duration)."""

    name: str
    value: str
    resolution: Resolution | None = None
    """Set for custom slot types; built-in ones (AMAZON.DURATION) carry no resolution."""


@dataclass(frozen=True, slots=True)
class IntentMatch:
    """The intent a text means, the sample it was read as, its slots and how sure the match is."""

    intent: str
    pattern: str
    slots: tuple[Slot, ...]
    via: Via
    score: float = 1.0

    def slot(self, name: str) -> Slot | None:
        """The filled slot called `name`, if any."""
        return next((s for s in self.slots if s.name == name), None)


@dataclass(frozen=True, slots=True)
class Heard:
    """What the typed text asks of Alexa; `invoked` when it named the skill (a new session)."""

    action: Action
    match: IntentMatch | None = None
    invoked: bool = False


@dataclass(frozen=True, slots=True)
class _Pattern:
    """A sample utterance prepared for the forgiving and open-slot stages."""

    intent: str
    text: str
    words: tuple[str, ...]  # normalised (see `words`), slots as "{name}"
    literals: int
    regex: re.Pattern[str]
    slots: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Span:
    """Words of the input [start, end) that read as a value of a slot type."""

    start: int
    end: int
    value: str  # what goes in the slot: the words typed, or an ISO duration
    resolution: Resolution | None
    similarity: float


def words(text: str) -> list[str]:
    """Text as comparable words: spoken form, no apostrophes or fillers, contractions expanded.

    Typed and sample text both go through this, so "Whats left?" and "what's left" compare equal.
    """
    out: list[str] = []
    for word in spoken(text).split():
        bare = word.replace("'", "")
        out.extend(_CONTRACTIONS.get(bare, (bare,)))
    return _unfilled(out)


class Resolver:
    """Understands typed text the way the interaction model would."""

    def __init__(
        self, model: Mapping[str, Any], builtin_phrases: Mapping[str, Sequence[str]]
    ) -> None:
        self.model = model
        self.builtin_phrases = builtin_phrases
        language = model["interactionModel"]["languageModel"]
        self.invocation = spoken(str(language["invocationName"]))
        self.intent_slots: dict[str, dict[str, str]] = {
            str(intent["name"]): {str(s["name"]): str(s["type"]) for s in intent.get("slots", [])}
            for intent in language["intents"]
        }
        self.value_ids: dict[str, dict[str, str]] = {}
        self.value_names: dict[str, dict[str, str]] = {}
        for slot_type in language.get("types", []):
            name = str(slot_type["name"])
            self.value_ids[name] = slot_values(model, name)
            self.value_names[name] = {
                str(v["id"]): str(v["name"]["value"]) for v in slot_type["values"]
            }

    @classmethod
    def load(cls, locale: str = "en-US") -> Resolver:
        """The resolver for the committed model and Alexa's own phrases for built-in intents."""
        return cls(load_model(locale), load_builtin_phrases())

    # ------------------------------------------------------------ the whole utterance

    def hear(self, text: str) -> Heard | None:
        """What Alexa does with `text`, invocation phrases included; None when nothing fits."""
        said = spoken(text)
        if said.startswith("alexa "):
            said = said.removeprefix("alexa ")  # the wake word is not part of the request
        invocation = re.escape(self.invocation)
        if said in _EXIT:
            return Heard(Action.EXIT)
        if said in _BARE_LAUNCH or re.fullmatch(
            rf"(?:{_LAUNCH_VERBS} (?:up )?|(?:ask|tell) )?{invocation}(?: please)?", said
        ):
            return Heard(Action.LAUNCH, invoked=True)
        found = re.fullmatch(
            rf"(?:(?:ask|tell|use) {invocation}|{_LAUNCH_VERBS} {invocation} and) (?P<rest>.+)",
            said,
        )
        if found is not None:
            return self._one_shot(found["rest"])
        # "start my runner strength workout", "explain planks with runner strength"
        inside = re.fullmatch(
            rf"(?P<before>.*?)\s*(?:(?:with|using|on|from|in) )?{invocation}\s*(?P<after>.*)",
            said,
        )
        if inside is not None:
            rest = f"{inside['before']} {inside['after']}".strip()
            intent = self.intent(rest) if rest else None
            return Heard(Action.INTENT, intent, invoked=True) if intent else None
        intent = self.intent(said)
        return Heard(Action.INTENT, intent) if intent else None

    def _one_shot(self, rest: str) -> Heard | None:
        """The request in "ask runner strength to ...", after the connector, in a new session."""
        first, _, after = rest.partition(" ")
        tries = [after, rest] if first in _ONE_SHOT_CONNECTORS and after else [rest]
        for attempt in tries:
            intent = self.intent(attempt)
            if intent is not None:
                return Heard(Action.INTENT, intent, invoked=True)
        return None

    # ------------------------------------------------------------ the request itself

    def intent(self, text: str) -> IntentMatch | None:
        """The intent and slots `text` means, trying the three stages in order."""
        return self.exact(text) or self.forgiving(text) or self.open_slot(text)

    def _without_fillers(self, text: str) -> str:
        return " ".join(_unfilled(spoken(text).split()))

    def exact(self, text: str) -> IntentMatch | None:
        """The model's own reading of the text (`interaction_model.match`), slots resolved."""
        found = match(
            text, self.model, builtin_phrases=self.builtin_phrases, builtin_accepts=_is_heard_as
        )
        if found is None:
            return None
        slots = []
        types = self.intent_slots.get(found.intent, {})
        for name, (heard, value_id) in found.slots.items():
            slot = self._slot(name, types.get(name, ""), heard, value_id)
            if slot is None:
                return None
            slots.append(slot)
        return IntentMatch(found.intent, found.pattern, tuple(slots), Via.EXACT)

    def _slot(self, name: str, slot_type: str, heard: str, value_id: str | None) -> Slot | None:
        if slot_type == DURATION_TYPE:
            iso = iso_duration(heard)
            return Slot(name, iso) if iso else None
        if slot_type == TIME_TYPE:
            time = alexa_time(heard)
            return Slot(name, time) if time else None
        if slot_type.startswith(BUILTIN_PREFIX):
            return Slot(name, heard)
        names = self.value_names.get(slot_type, {})
        return Slot(name, heard, Resolution(slot_type, value_id, names.get(value_id or "")))

    def forgiving(self, text: str) -> IntentMatch | None:
        """The sample closest to the text word for word, when it is close enough."""
        plain = self.exact(self._without_fillers(text))
        if plain is not None:
            # A sample with a "please" or an "um" around it: no need to compare every sample.
            return dataclasses.replace(plain, via=Via.FORGIVING)
        typed = [self._correct(w) for w in words(text)]
        if not typed:
            return None
        spans = {t: list(self._spans(typed, t)) for t in self._slot_types_in_use}
        best: tuple[tuple[float, int, int], IntentMatch] | None = None
        for pattern in self._patterns:
            types = self.intent_slots.get(pattern.intent, {})
            choices = [spans.get(types.get(slot, ""), []) for slot in pattern.slots]
            for chosen in itertools.product(*choices):
                if not _in_order(chosen):
                    continue
                abstract = _abstract(typed, pattern.slots, chosen)
                # difflib's ratio is at most 2 * shorter / both lengths; skip what cannot win.
                sizes = (len(abstract), len(pattern.words))
                bound = 2 * min(sizes) / sum(sizes)
                if bound < FORGIVING_CUTOFF or (best is not None and bound < best[0][0]):
                    continue
                ratio = difflib.SequenceMatcher(
                    None, abstract, pattern.words, autojunk=False
                ).ratio()
                score = ratio * min((s.similarity for s in chosen), default=1.0)
                covered = sum(s.end - s.start for s in chosen)
                key = (score, covered, pattern.literals)
                if score >= FORGIVING_CUTOFF and (best is None or key > best[0]):
                    slots = tuple(
                        Slot(name, span.value, span.resolution)
                        for name, span in zip(pattern.slots, chosen, strict=True)
                    )
                    best = (
                        key,
                        IntentMatch(
                            pattern.intent, pattern.text, slots, Via.FORGIVING, round(score, 3)
                        ),
                    )
        return best[1] if best else None

    def open_slot(self, text: str) -> IntentMatch | None:
        """A sample whose custom slot holds words that are no value: Alexa's ER_SUCCESS_NO_MATCH."""
        said = self._without_fillers(text)
        for pattern in self._patterns:
            if not pattern.slots or pattern.text == f"{{{pattern.slots[0]}}}":
                # A bare "{exercise}" sample answers "which exercise?" with a known name only;
                # any words at all would fill it, and those are the Fallback's.
                continue
            found = pattern.regex.fullmatch(said)
            if found is None:
                continue
            types = self.intent_slots.get(pattern.intent, {})
            slots = []
            for name in pattern.slots:
                heard = found[name]
                slot_type = types.get(name, "")
                custom = not slot_type.startswith(BUILTIN_PREFIX)
                value_id = self.value_ids.get(slot_type, {}).get(heard) if custom else None
                slot = self._slot(name, slot_type, heard, value_id)
                if slot is None or (custom and value_id is None and not _could_be_name(heard)):
                    break
                slots.append(slot)
            else:
                return IntentMatch(pattern.intent, pattern.text, tuple(slots), Via.OPEN_SLOT, 0.0)
        return None

    # ------------------------------------------------------------ prepared once

    @cached_property
    def _patterns(self) -> list[_Pattern]:
        """Every sample and built-in phrase, most literal words first (as `match` orders them)."""
        patterns = []
        for intent, text in sample_pairs(self.model, builtin_phrases=self.builtin_phrases):
            slot_names = tuple(re.findall(r"\{([A-Za-z_]+)\}", text))
            parts = re.split(r"(\{[A-Za-z_]+\})", text)
            normalised: list[str] = []
            regex = []
            for part in parts:
                if (slot := re.fullmatch(r"\{([A-Za-z_]+)\}", part)) is not None:
                    normalised.append(part)
                    regex.append(f"(?P<{slot[1]}>.+?)")
                elif part.strip():
                    normalised.extend(words(part))
                    literal = [w for w in spoken(part).split() if w not in _FILLERS]
                    regex.append(" ".join(re.escape(w) for w in literal))
            pattern = re.compile(" ".join(r for r in regex if r))
            literals = len(normalised) - len(slot_names)
            patterns.append(
                _Pattern(intent, text, tuple(normalised), literals, pattern, slot_names)
            )
        patterns.sort(key=lambda p: -p.literals)
        return patterns

    @cached_property
    def _slot_types_in_use(self) -> frozenset[str]:
        return frozenset(t for slots in self.intent_slots.values() for t in slots.values())

    @cached_property
    def _value_words(self) -> dict[str, dict[str, str]]:
        """Per custom slot type: every value and synonym as comparable words -> the value id."""
        return {
            slot_type: {" ".join(words(text)): value_id for text, value_id in values.items()}
            for slot_type, values in self.value_ids.items()
        }

    @cached_property
    def _vocabulary(self) -> frozenset[str]:
        known = {w for p in self._patterns for w in p.words if not w.startswith("{")}
        known.update(w for values in self._value_words.values() for v in values for w in v.split())
        return frozenset(known)

    @cached_property
    def _longest_value(self) -> int:
        lengths = [len(v.split()) for values in self._value_words.values() for v in values]
        return max(lengths, default=1) + 1

    def _correct(self, word: str) -> str:
        """A typed word, or the model's word it is a typo of."""
        if word in self._vocabulary or len(word) < TYPO_MIN_LENGTH or word.isdigit():
            return word
        close = difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=TYPO_CUTOFF)
        return close[0] if close else word

    def _spans(self, typed: Sequence[str], slot_type: str) -> Iterator[_Span]:
        """Every run of typed words that reads as a value of `slot_type`."""
        for start in range(len(typed)):
            for end in range(start + 1, min(len(typed), start + self._longest_value) + 1):
                text = " ".join(typed[start:end])
                if slot_type == DURATION_TYPE:
                    if (iso := iso_duration(text)) is not None:
                        yield _Span(start, end, iso, None, 1.0)
                    continue
                if slot_type == TIME_TYPE:
                    if (time := alexa_time(text)) is not None:
                        yield _Span(start, end, time, None, 1.0)
                    continue
                values = self._value_words.get(slot_type)
                if values is None:
                    continue
                value_id = values.get(text)
                similarity = 1.0
                if value_id is None:
                    close = difflib.get_close_matches(text, values, n=1, cutoff=VALUE_CUTOFF)
                    if not close:
                        continue
                    value_id = values[close[0]]
                    similarity = difflib.SequenceMatcher(None, text, close[0]).ratio()
                name = self.value_names.get(slot_type, {}).get(value_id)
                yield _Span(start, end, text, Resolution(slot_type, value_id, name), similarity)


def _could_be_name(heard: str) -> bool:
    """True when words no model value matches could still name an exercise or a workout."""
    said = heard.split()
    return len(said) <= MAX_OPEN_SLOT_WORDS and not _NOT_IN_A_NAME.intersection(said)


def _in_order(spans: Sequence[_Span]) -> bool:
    """True when the spans follow each other without overlapping (slots fill left to right)."""
    return all(a.end <= b.start for a, b in itertools.pairwise(spans))


def _abstract(typed: Sequence[str], names: Sequence[str], spans: Sequence[_Span]) -> list[str]:
    """The typed words with each chosen span replaced by its slot reference."""
    out: list[str] = []
    position = 0
    for name, span in zip(names, spans, strict=True):
        out.extend(typed[position : span.start])
        out.append(f"{{{name}}}")
        position = span.end
    out.extend(typed[position:])
    return out
