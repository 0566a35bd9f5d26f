"""The one module that writes SSML: a small builder that escapes every text, and its checks.

Everything else in the project hands words and seconds to `Ssml`; nothing else writes a tag.
`validate_ssml` checks a response against Alexa's rules (tests and a guard in the narrator use it),
and `plain_text` turns SSML into readable text with the timers shown, for screens and the console.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal
from xml.parsers import expat

from runner_strength.narration.timing import (
    BREAK_COST_SECONDS,
    MAX_AUDIO_TAGS,
    MAX_BREAK_SECONDS,
    SECONDS_PER_WORD,
    TONE_MARKS,
    TONE_SECONDS,
    break_seconds,
    fill,
    number_words,
    speech_seconds,
    split_silence,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

# Alexa rejects a response whose outputSpeech is 8,000 characters or more.
MAX_SSML_CHARACTERS = 8000
# Alexa plays at most 240 seconds of audio files (`<audio>`) in one response. Speech and breaks are
# bounded by the 8,000 characters; the narration also holds each set, with its rest, to 240 s.
MAX_AUDIO_SECONDS = 240.0

# Tags and attributes Alexa's SSML supports (developer.amazon.com, "Speech Synthesis Markup Language
# (SSML) Reference"). Anything else makes Alexa reject the whole response.
ALEXA_TAGS: Mapping[str, frozenset[str]] = {
    "speak": frozenset(),
    "amazon:domain": frozenset({"name"}),
    "amazon:effect": frozenset({"name"}),
    "amazon:emotion": frozenset({"name", "intensity"}),
    "audio": frozenset({"src"}),
    "break": frozenset({"strength", "time"}),
    "emphasis": frozenset({"level"}),
    "lang": frozenset({"xml:lang"}),
    "p": frozenset(),
    "phoneme": frozenset({"alphabet", "ph"}),
    "prosody": frozenset({"rate", "pitch", "volume"}),
    "s": frozenset(),
    "say-as": frozenset({"interpret-as", "format"}),
    "sub": frozenset({"alias"}),
    "voice": frozenset({"name"}),
    "w": frozenset({"role"}),
}
_VALUES: Mapping[tuple[str, str], frozenset[str]] = {
    ("break", "strength"): frozenset({"none", "x-weak", "weak", "medium", "strong", "x-strong"}),
    ("emphasis", "level"): frozenset({"strong", "moderate", "reduced"}),
    ("say-as", "interpret-as"): frozenset(
        {
            "characters",
            "spell-out",
            "cardinal",
            "number",
            "ordinal",
            "digits",
            "fraction",
            "unit",
            "date",
            "time",
            "telephone",
            "address",
            "interjection",
            "expletive",
        }
    ),
}
# Pause lengths the voice uses for a break given by strength only (approximate, for the estimate).
_STRENGTH_SECONDS: Mapping[str, float] = {
    "none": 0.0,
    "x-weak": 0.0,
    "weak": 0.35,
    "medium": 0.35,
    "strong": 0.7,
    "x-strong": 1.0,
}
# Named prosody rates as fractions of normal speed (approximate, for the estimate).
_NAMED_RATES: Mapping[str, float] = {
    "x-slow": 0.6,
    "slow": 0.8,
    "medium": 1.0,
    "fast": 1.25,
    "x-fast": 1.5,
}
_TIME = re.compile(r"^(\d+(?:\.\d+)?)(s|ms)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Characters XML 1.0 forbids outright; hostile or corrupted text must not break the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;"))
_SPACES = re.compile(r"\s+")
_CLOSING = frozenset(".,;:!?")
_MIN_RATE, _MAX_RATE = 20, 200  # percent; outside this Alexa ignores or rejects the rate
# Texts whose markup and length `Ssml.say` remembers: every phrase piece, name and cue in the
# content, with room for what runners say that is spoken back.
_SAID_CACHE_SIZE = 4096

Interpretation = Literal["cardinal", "ordinal"]
EmphasisLevel = Literal["strong", "moderate", "reduced"]


def escape(text: str) -> str:
    """Text made safe inside an SSML element: markup characters escaped, forbidden ones dropped."""
    text = _NOT_XML.sub("", text)
    for char, entity in _ESCAPES:
        text = text.replace(char, entity)
    return text


@lru_cache(maxsize=_SAID_CACHE_SIZE)
def _said(text: str) -> tuple[str, float]:
    """Plain words as markup, with their estimated seconds (pure, so memoised per text)."""
    return escape(text), speech_seconds(text)


def _time_attribute(seconds: float) -> str:
    """A break length as Alexa writes it: whole seconds as `10s`, anything else in milliseconds."""
    millis = round(seconds * 1000)
    return f"{millis // 1000}s" if millis % 1000 == 0 else f"{millis}ms"


class Ssml:
    """A piece of speech under construction that also keeps its estimated length in seconds.

    Every method escapes the text it is given and returns the builder, so calls chain. Fragments
    nest: `sentence`, `emphasis` and `prosody` accept either text or another `Ssml`.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._seconds = 0.0
        self._marks: list[tuple[str, float]] = []

    @property
    def seconds(self) -> float:
        """Estimated seconds this speech takes: words at the documented rate plus every break."""
        return self._seconds

    @property
    def marks(self) -> tuple[tuple[str, float], ...]:
        """Named points in time (seconds from the start), for timing checks; never spoken."""
        return tuple(self._marks)

    def mark(self, name: str) -> Ssml:
        """Remember the current point in time as `name` (never written: Alexa has no <mark>)."""
        self._marks.append((name, self._seconds))
        return self

    def markup(self) -> str:
        """The inner markup, without `<speak>`, for nesting."""
        return _join(self._parts)

    def build(self) -> str:
        """The whole response: `<speak>...</speak>`."""
        return f"<speak>{self.markup()}</speak>"

    def _add(self, markup: str, seconds: float, inner: Ssml | None = None) -> Ssml:
        if inner is not None:
            self._marks.extend((name, self._seconds + at) for name, at in inner.marks)
        if markup:
            self._parts.append(markup)
        self._seconds += seconds
        return self

    def say(self, text: str) -> Ssml:
        """Plain words."""
        markup, seconds = _said(text)
        return self._add(markup, seconds)

    def extend(self, other: Ssml) -> Ssml:
        """Everything in `other`, appended."""
        return self._add(other.markup(), other.seconds, other)

    def sentence(self, content: str | Ssml) -> Ssml:
        """One sentence, `<s>...</s>`, so the voice pauses and intones as at a full stop."""
        inner = _fragment(content)
        return self._add(f"<s>{inner.markup()}</s>", inner.seconds, inner)

    def emphasis(self, content: str | Ssml, level: EmphasisLevel = "moderate") -> Ssml:
        """Words said with emphasis."""
        inner = _fragment(content)
        return self._add(
            f'<emphasis level="{level}">{inner.markup()}</emphasis>', inner.seconds, inner
        )

    def prosody(self, text: str, rate: int) -> Ssml:
        """Words at `rate` percent of normal speed (20 to 200); slower for a countdown, say."""
        if not _MIN_RATE <= rate <= _MAX_RATE:
            raise ValueError(f"prosody rate {rate} percent is outside {_MIN_RATE} to {_MAX_RATE}")
        return self._add(
            f'<prosody rate="{rate}%">{escape(text)}</prosody>', speech_seconds(text, rate / 100)
        )

    def say_as(self, number: int, interpret_as: Interpretation = "cardinal") -> Ssml:
        """A whole number read as a number ("twelve") or an ordinal ("twelfth").

        A bare whole number is read as a cardinal, so only an ordinal carries the tag: a set's
        count is dozens of numbers, and the tag would cost 36 of the 8,000 characters each.
        """
        text = str(int(number))
        if interpret_as != "cardinal":
            text = f'<say-as interpret-as="{interpret_as}">{text}</say-as>'
        return self._add(text, number_words(number) * SECONDS_PER_WORD)

    def audio(self, src: str) -> Ssml:
        """A tone from Alexa's sound library, charged its length (only tones of known length)."""
        if src not in TONE_SECONDS:
            raise ValueError(f"{src!r} is not a tone of known length (timing.TONE_SECONDS)")
        return self._add(f'<audio src="{escape(src)}"/>', TONE_SECONDS[src])

    def pause(self, seconds: float) -> Ssml:
        """Exactly `seconds` of silence, as breaks of at most 10 s each."""
        for chunk in split_silence(seconds):
            self._add(f'<break time="{_time_attribute(chunk)}"/>', break_seconds(chunk))
        return self

    def wait(self, seconds: float) -> Ssml:
        """Let `seconds` pass by the estimate: silence plus the cost of the breaks that make it."""
        for chunk in fill(seconds):
            self._add(f'<break time="{_time_attribute(chunk)}"/>', break_seconds(chunk))
        return self

    def until(self, seconds: float) -> Ssml:
        """Wait until this speech is `seconds` long (no-op when it already is)."""
        return self.wait(seconds - self._seconds)

    def template(self, text: str, fields: Mapping[str, str | int | Ssml]) -> Ssml:
        """A phrase with `{name}` fields filled: text escaped, numbers as say-as, speech as is."""
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            self._say_nonempty(text[position : match.start()])
            value = fields[match.group(1)]
            if isinstance(value, Ssml):
                self.extend(value)
            elif isinstance(value, int):
                self.say_as(value)
            else:
                self._say_nonempty(value)
            position = match.end()
        return self._say_nonempty(text[position:])

    def _say_nonempty(self, text: str) -> Ssml:
        text = text.strip()
        return self.say(text) if text else self

    def timeline(self, seconds: float, events: Sequence[tuple[float, Ssml]]) -> Ssml:
        """A timed stretch of `seconds`: each fragment said `offset` seconds in, silence between.

        When a fragment runs into the next one's offset, the next one simply starts late; the
        stretch still ends on time as long as the words fit, which callers make sure of.
        """
        start = self._seconds
        for offset, fragment in sorted(events, key=lambda event: event[0]):
            self.until(start + offset)
            self.extend(fragment)
        return self.until(start + seconds)


def _join(parts: Iterable[str]) -> str:
    """Parts separated by one space, except before punctuation that closes a phrase."""
    out = ""
    for part in parts:
        if not part:
            continue
        out += part if not out or part[0] in _CLOSING else " " + part
    return out


def _fragment(content: str | Ssml) -> Ssml:
    return content if isinstance(content, Ssml) else Ssml().say(content)


# ---------------------------------------------------------------- reading SSML back


@dataclass(frozen=True, slots=True)
class _Node:
    """One parse event: an element opening or closing, or a run of text."""

    kind: Literal["start", "end", "text"]
    name: str = ""
    attributes: Mapping[str, str] | None = None
    text: str = ""


def _nodes(ssml: str) -> list[_Node]:
    """Parse events in document order; raises ExpatError when the SSML is not well-formed XML.

    Expat without namespace processing reads `amazon:effect` as a plain tag name, as Alexa does
    (Alexa's SSML never declares the `amazon` prefix). The input is our own output, and expat
    refuses external entities by default.
    """
    nodes: list[_Node] = []
    parser = expat.ParserCreate()

    def start(name: str, attributes: dict[str, str]) -> None:
        nodes.append(_Node("start", name, attributes))

    def end(name: str) -> None:
        nodes.append(_Node("end", name))

    def text(data: str) -> None:
        # Expat delivers text in pieces (at every entity); one run of text is one node.
        if nodes and nodes[-1].kind == "text":
            nodes[-1] = _Node("text", text=nodes[-1].text + data)
        else:
            nodes.append(_Node("text", text=data))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.Parse(ssml, True)  # noqa: FBT003  # expat's `isfinal` is positional only
    return nodes


def _break_length(attributes: Mapping[str, str]) -> float | None:
    """Seconds of silence a break asks for, or None when its time is malformed."""
    if "time" in attributes:
        match = _TIME.match(attributes["time"])
        if match is None:
            return None
        value = float(match.group(1))
        return value / 1000 if match.group(2) == "ms" else value
    return _STRENGTH_SECONDS.get(attributes.get("strength", "medium"), 0.0)


def _rate(attributes: Mapping[str, str]) -> float:
    rate = attributes.get("rate", "medium")
    if match := _PERCENT.match(rate):
        return max(float(match.group(1)), 1.0) / 100
    return _NAMED_RATES.get(rate, 1.0)


def _walk(nodes: Sequence[_Node]) -> Iterator[tuple[str, float]]:
    """Yield ("text", seconds) and ("break", silence) in order, honouring prosody and sub."""
    rates = [1.0]
    hidden = 0  # inside <sub>, the alias is said instead of the text
    for node in nodes:
        attributes = node.attributes or {}
        if node.kind == "start":
            if node.name == "prosody":
                rates.append(rates[-1] * _rate(attributes))
            elif node.name == "sub":
                yield "text", speech_seconds(attributes.get("alias", ""), rates[-1])
                hidden += 1
            elif node.name == "break":
                yield "break", _break_length(attributes) or 0.0
            elif node.name == "audio":
                yield "audio", TONE_SECONDS.get(attributes.get("src", ""), 0.0)
        elif node.kind == "end":
            if node.name == "prosody":
                rates.pop()
            elif node.name == "sub":
                hidden -= 1
        elif not hidden:
            yield "text", speech_seconds(node.text, rates[-1])


def estimate_seconds(ssml: str) -> float:
    """Estimated audio length of a whole SSML document: words plus breaks plus break cost."""
    total = 0.0
    for kind, seconds in _walk(_nodes(ssml)):
        total += seconds + (BREAK_COST_SECONDS if kind == "break" else 0.0)
    return total


def _element_problems(node: _Node, depth: int) -> Iterator[str]:
    attributes = node.attributes or {}
    if node.name not in ALEXA_TAGS:
        yield f"<{node.name}> is not an Alexa SSML tag"
        return
    if node.name == "speak" and depth > 0:
        yield "<speak> may only be the root element"
    for attribute, value in attributes.items():
        if attribute not in ALEXA_TAGS[node.name]:
            yield f"<{node.name}> has an attribute Alexa does not support: {attribute}"
        allowed = _VALUES.get((node.name, attribute))
        if allowed is not None and value not in allowed:
            yield f"<{node.name} {attribute}={value!r}> is not one of {', '.join(sorted(allowed))}"
    if node.name == "break":
        length = _break_length(attributes)
        if length is None:
            yield f"<break time={attributes['time']!r}> is not a time like 10s or 500ms"
        elif length > MAX_BREAK_SECONDS:
            yield f"<break> of {length:g} s is longer than {MAX_BREAK_SECONDS:g} s"


def validate_ssml(ssml: str) -> list[str]:
    """Every way `ssml` breaks Alexa's rules; an empty list means it may be sent.

    Checks: shorter than 8,000 characters, well-formed XML, a `<speak>` root, only Alexa's tags
    and attributes, no break over 10 s, at most five `<audio>` tags from the sound library or
    https, and at most 240 s of audio from them.
    """
    problems: list[str] = []
    if len(ssml) >= MAX_SSML_CHARACTERS:
        problems.append(f"{len(ssml)} characters; outputSpeech must be under {MAX_SSML_CHARACTERS}")
    try:
        nodes = _nodes(ssml)
    except expat.ExpatError as error:
        return [*problems, f"not well-formed XML: {error}"]
    if not nodes or nodes[0].kind != "start" or nodes[0].name != "speak":
        problems.append("the root element must be <speak>")
    depth = 0
    audio = 0
    for node in nodes:
        if node.kind == "start":
            problems.extend(_element_problems(node, depth))
            depth += 1
            if node.name == "audio":
                audio += 1
                src = (node.attributes or {}).get("src", "")
                if not src.startswith(("soundbank://", "https://")):
                    problems.append(f"<audio src={src!r}> is neither soundbank:// nor https://")
        elif node.kind == "end":
            depth -= 1
    if audio > MAX_AUDIO_TAGS:
        problems.append(f"{audio} <audio> tags; Alexa plays at most {MAX_AUDIO_TAGS} a response")
    seconds = sum(TONE_SECONDS.get(src, MAX_AUDIO_SECONDS) for src in _audio_sources(nodes))
    if seconds > MAX_AUDIO_SECONDS:
        problems.append(f"{seconds:.0f} s of <audio>; at most {MAX_AUDIO_SECONDS:.0f} s")
    return problems


def _audio_sources(nodes: Sequence[_Node]) -> Iterator[str]:
    for node in nodes:
        if node.kind == "start" and node.name == "audio":
            yield (node.attributes or {}).get("src", "")


def _timer(silence: float) -> str:
    """A run of breaks as a readable timer: `[10 s]`, `[2.5 s]`."""
    rounded = math.floor(silence * 10 + 0.5) / 10
    return f"[{rounded:g} s]"


def plain_text(ssml: str) -> str:
    """What the voice says as readable text: breaks as a timer like `[10 s]`, tones as `(beep)`.

    Raises ValueError when `ssml` is not well-formed.
    """
    try:
        nodes = _nodes(ssml)
    except expat.ExpatError as error:
        raise ValueError(f"not well-formed SSML: {error}") from error
    words: list[str] = []
    silence = 0.0
    for node in nodes:
        if node.kind == "start" and node.name == "break":
            silence += _break_length(node.attributes or {}) or 0.0
        elif node.kind == "start" and node.name == "audio":
            if silence > 0:
                words.append(_timer(silence))
                silence = 0.0
            words.append(TONE_MARKS.get((node.attributes or {}).get("src", ""), "(sound)"))
        elif node.kind == "text" and node.text.strip():
            if silence > 0:
                words.append(_timer(silence))
                silence = 0.0
            words.append(node.text)
        elif node.kind == "start" and node.name in {"s", "p"}:
            words.append(" ")
    if silence > 0:
        words.append(_timer(silence))
    return _join(_SPACES.sub(" ", part).strip() for part in words)
