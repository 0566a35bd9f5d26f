"""Which of our names a runner meant, when Alexa heard words it could not resolve.

Alexa sends a custom slot it could not match to any value with `ER_SUCCESS_NO_MATCH` and the words
it heard: a typo of its transcription ("copenhagan plank"), a sound-alike ("coping hagen plank",
"romanian dead lift"), part of a name ("the copenhagen", "turkish get up"), or something we do not
have ("banana"). `NameIndex.nearest` scores every name, alias and spoken form of each candidate
against those words three ways and keeps the best:

- spelling: the words run together, compared by edit distance ("deadlift" is "dead lift");
- sound: the same, on a phonetic key of the words (`sound_key`, a small Metaphone-like code), so
  "coping hagen" is close to "copenhagen";
- tokens: the words one by one, each matched to the name's words by spelling or sound, scored as
  the balance of how much of what was heard is in the name and how much of the name was heard
  ("bulgarian splits" is most of "bulgarian split squat").

`closest` turns the scores into what the coach does: ask about one name, offer two that are
equally near, or say the words are far from everything. Pure: no I/O, no Alexa, no YAML, so the
skill and the local console use the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from runner_strength.content.model import Library

# A name this near what was heard is asked about ("Did you mean ...?").
NEAR = 0.6
# Names within this of the best are as near as it: two of them are both offered.
TIE = 0.1
# A name too far to ask about, that shares a word with what was heard and scores this, is named
# as the nearest we have ("calf stretch": the calf raise); with none, the coach names examples.
NEARBY = 0.4
# The longest run of heard words compared whole with a name ("turkish getups" holds "get up").
MAX_RUN_WORDS = 4
# A heard word counts as a name's word at this similarity (spelling or sound).
WORD_MATCH = 0.75
# What was heard is compared up to this many characters: a spoken name is a few words, and the
# comparison costs the product of the two lengths.
MAX_HEARD_CHARACTERS = 120
# Word pairs whose similarity is remembered: the names' words are few, and a turn that resolves
# nothing compares each heard word with every word of every name.
SIMILARITY_CACHE_SIZE = 65_536
# Sound-alike scores count a little below spelling: a phonetic key loses detail.
SOUND_WEIGHT = 0.95
# Keys are short, so only nearly the same key is a sound-alike ("lower leg" is not "lateral walk").
SOUND_MATCH = 0.85

# Words around a name that say nothing about which one: articles, "my", "exercise", "one".
_CARRIERS = frozenset(
    {"the", "a", "an", "my", "your", "that", "this", "some", "one", "exercise", "exercises"}
)
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> tuple[str, ...]:
    """Comparable words: lower case, apostrophes and hyphens gone, no carriers, no plural "s".

    A name made only of carrier words keeps them ("the one" stays a name to compare).
    """
    said = _WORD.findall(text.lower().replace("'", "").replace("-", " "))
    kept = [w for w in said if w not in _CARRIERS] or said
    return tuple(_singular(w) for w in kept)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# ---------------------------------------------------------------- sound and spelling


_SOUND_RULES: tuple[tuple[str, str], ...] = (
    # Order matters: longer spellings first, so "sch" is not read as "s" + "ch".
    (r"^[kgp](?=n)|^w(?=r)", ""),
    (r"sch", "sk"),
    (r"tch", "x"),
    (r"ch|sh", "x"),
    (r"ph", "f"),
    (r"th", "0"),
    (r"dge|dgi|dgy", "j"),
    (r"ck", "k"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"q", "k"),
    (r"x", "ks"),
    (r"g(?=[eiy])", "j"),
    (r"gh(?![aeiou])", ""),
    (r"z", "s"),
    (r"v", "f"),
    (r"b", "p"),
    (r"d", "t"),
    (r"g", "k"),
    (r"h(?![aeiou])", ""),
    (r"[wy](?![aeiou])", ""),
)
_SOUND_PATTERNS = tuple((re.compile(p), r) for p, r in _SOUND_RULES)
_VOWELS = re.compile(r"[aeiouyhw]")


def sound_key(text: str) -> str:
    """A phonetic key: what is left of the words when spellings of one sound are made one.

    Like Metaphone, much simplified: consonants folded by sound (voiced with unvoiced, "ph" with
    "f", soft "c" with "s"), vowels dropped after the first letter, doubled letters made single.
    "Copenhagen" and "coping hagen" both give "KPNKN".
    """
    letters = "".join(_WORD.findall(text.lower()))
    if not letters:
        return ""
    first_vowel = letters[0] in "aeiou"
    for pattern, replacement in _SOUND_PATTERNS:
        letters = pattern.sub(replacement, letters)
    if not letters:
        return ""
    head, rest = letters[0], _VOWELS.sub("", letters[1:])
    key = ("A" if first_vowel else head) + rest
    folded = [key[0]]
    for ch in key[1:]:
        if ch != folded[-1]:
            folded.append(ch)
    return "".join(folded).upper()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions from a to b."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@lru_cache(maxsize=SIMILARITY_CACHE_SIZE)
def similarity(a: str, b: str) -> float:
    """1 for the same text, 0 for nothing in common: edit distance over the longer length."""
    if not a or not b:
        return 0.0
    return 1.0 - edit_distance(a, b) / max(len(a), len(b))


# ---------------------------------------------------------------- one name form


@dataclass(frozen=True, slots=True)
class _Form:
    """One way a name is said, prepared for comparison."""

    words: tuple[str, ...]
    compact: str  # the words run together
    sound: str  # the phonetic key of the words run together
    word_sounds: tuple[str, ...]


def _form(text: str) -> _Form:
    said = words(text)
    compact = "".join(said)
    return _Form(said, compact, sound_key(compact), tuple(sound_key(w) for w in said))


def _word_score(heard: str, heard_sound: str, form: _Form) -> tuple[float, int]:
    """How well one heard word matches its best word of the form, and which word that is."""
    best, index = 0.0, -1
    for i, (word, sound) in enumerate(zip(form.words, form.word_sounds, strict=True)):
        score = similarity(heard, word)
        if len(sound) >= 3 and len(heard_sound) >= 3:  # two-letter keys match too much
            score = max(score, _sounds_like(heard_sound, sound))
        if score > best:
            best, index = score, i
    return (best, index) if best >= WORD_MATCH else (0.0, -1)


def _sounds_like(heard: str, name: str) -> float:
    """The sound-alike score of two phonetic keys: 0 unless they are nearly the same."""
    alike = similarity(heard, name)
    return SOUND_WEIGHT * alike if alike >= SOUND_MATCH else 0.0


def _score(heard: _Form, form: _Form) -> tuple[float, bool]:
    """How near what was heard is to one form of a name (0..1), and whether a word is shared."""
    spelling = similarity(heard.compact, form.compact)
    sound = _sounds_like(heard.sound, form.sound) if len(form.sound) >= 3 else 0.0
    matched = 0.0
    used: set[int] = set()
    for word, word_sound in zip(heard.words, heard.word_sounds, strict=True):
        score, index = _word_score(word, word_sound, form)
        if index >= 0 and index not in used:
            used.add(index)
            matched += score
    precision = matched / len(heard.words) if heard.words else 0.0
    recall = matched / len(form.words) if form.words else 0.0
    tokens = 2 * precision * recall / (precision + recall) if matched else 0.0
    run = _run_score(heard, form)
    return max(spelling, sound, tokens, run), bool(matched) or run > 0


def _run_score(heard: _Form, form: _Form) -> float:
    """The whole name heard as a run of some of the words, written together or apart.

    "turkish getups" holds "get up" as its second word: scored as the words scored one by one
    would be, had "getup" been heard as the name's two words.
    """
    best = 0.0
    count = len(heard.words)
    for start in range(count):
        for end in range(start + 1, min(count, start + MAX_RUN_WORDS) + 1):
            if end - start == count:
                continue  # the whole of what was heard is the spelling measure's
            alike = similarity("".join(heard.words[start:end]), form.compact)
            if alike >= SOUND_MATCH:
                precision = alike * (end - start) / count
                best = max(best, 2 * precision * alike / (precision + alike))
    return best


# ---------------------------------------------------------------- the index


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name's id and how near it is to what was heard."""

    id: str
    score: float
    shares_a_word: bool = False


@dataclass(frozen=True, slots=True)
class Closest:
    """What to do with words that resolved to nothing.

    `asked` holds the ids to ask about: one ("Did you mean the Copenhagen plank?") or two
    ("the side plank or the side plank with rotation?"); empty when the words are far from
    everything, and `nearby` then names what the library has that comes nearest.
    """

    asked: tuple[str, ...]
    nearby: tuple[str, ...] = ()


class NameIndex:
    """Every spoken form of a set of names (id -> forms), searchable by nearness."""

    def __init__(self, names: Mapping[str, Iterable[str]]) -> None:
        self._forms: tuple[tuple[str, _Form], ...] = tuple(
            (name_id, form)
            for name_id, texts in names.items()
            for form in dict.fromkeys(_form(t) for t in (name_id.replace("_", " "), *texts))
            if form.words
        )

    def nearest(self, heard: str, limit: int = 3) -> list[Candidate]:
        """The `limit` ids nearest to `heard`, nearest first (ties by id, so the order is fixed)."""
        said = _form(heard[:MAX_HEARD_CHARACTERS])
        if not said.words:
            return []
        best: dict[str, tuple[float, bool]] = {}
        for name_id, form in self._forms:
            score, shared = _score(said, form)
            known, known_shared = best.get(name_id, (-1.0, False))
            best[name_id] = (max(score, known), shared or known_shared)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        return [
            Candidate(name_id, round(score, 3), shared)
            for name_id, (score, shared) in ranked[:limit]
        ]

    def closest(self, heard: str) -> Closest:
        """One name to ask about, two equally near, or none (with the nearest few named)."""
        found = self.nearest(heard)
        return closest(found)


def closest(found: Sequence[Candidate]) -> Closest:
    """What the coach asks about, from candidates nearest first."""
    if not found or found[0].score < NEAR:
        return Closest((), tuple(c.id for c in found if c.score >= NEARBY and c.shares_a_word))
    tied = [c.id for c in found if c.score >= max(NEAR, found[0].score - TIE)]
    return Closest(tuple(tied[:2]))


def exercise_names(library: Library) -> NameIndex:
    """Every exercise by its name and aliases."""
    return NameIndex({e.id: (e.name, *e.aliases) for e in library.exercises.values()})


def workout_names(library: Library) -> NameIndex:
    """Every workout by its name and aliases."""
    return NameIndex({w.id: (w.name, *w.aliases) for w in library.workouts.values()})


def term_names(
    terms: Iterable[str], synonyms: Mapping[str, Sequence[str]] | None = None
) -> NameIndex:
    """A vocabulary's terms ("mini_band" as "mini band"), with any synonyms given."""
    known = synonyms or {}
    return NameIndex({term: tuple(known.get(term, ())) for term in terms})


# A vocabulary term (a body area, a piece of kit) is taken without a question from this score, when
# no other term is as near: "calfs", "dumb bells", "my achilles tendon".
SURE_TERM = 0.65


def sure_term(heard: str, terms: Iterable[str]) -> str | None:
    """The one term of a small vocabulary the words clearly stand for, or None.

    No question is asked for these: a pain report acts at once (the hurting exercise stops
    whatever the area), and kit is remembered and changed with a word, so a near-certain reading
    helps more than a "did you mean your calf?" would.
    """
    found = term_names(terms).nearest(heard, limit=2)
    if not found or found[0].score < SURE_TERM:
        return None
    if len(found) > 1 and found[1].score > found[0].score - TIE:
        return None
    return found[0].id


# The indexes of the libraries in use (one per process, a few in tests), built on first need: a
# Library holds mappings, so it cannot key a cache itself.
_INDEXES: dict[int, tuple[Library, NameIndex, NameIndex]] = {}
_MAX_INDEXES = 8


def indexes(library: Library) -> tuple[NameIndex, NameIndex]:
    """The exercise and workout indexes of `library`, built once."""
    held = _INDEXES.get(id(library))
    if held is None or held[0] is not library:
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.clear()
        held = (library, exercise_names(library), workout_names(library))
        _INDEXES[id(library)] = held
    return held[1], held[2]
