from __future__ import annotations

import re

import pytest

from runner_strength.narration.ssml import (
    MAX_AUDIO_SECONDS,
    MAX_SSML_CHARACTERS,
    Ssml,
    escape,
    estimate_seconds,
    plain_text,
    validate_ssml,
)
from runner_strength.narration.timing import BREAK_COST_SECONDS, MAX_BREAK_SECONDS

HOSTILE = 'Tom & Jerry\'s <script>alert("hi")</script> ]]> &amp;'
BREAK = re.compile(r'<break time="(\d+)(ms|s)"/>')


def _breaks(ssml: str) -> list[float]:
    return [int(value) / (1000 if unit == "ms" else 1) for value, unit in BREAK.findall(ssml)]


def test_hostile_text_is_escaped_and_survives_the_round_trip() -> None:
    """Markup characters and quotes in text are escaped, so the SSML stays valid and says them."""
    ssml = Ssml().say(HOSTILE).sentence(HOSTILE).emphasis(HOSTILE).prosody(HOSTILE, 90).build()
    assert validate_ssml(ssml) == []
    assert "<script>" not in ssml
    for entity in ("&amp;", "&lt;", "&gt;", "&quot;", "&apos;"):
        assert entity in ssml
    assert plain_text(ssml).count(HOSTILE) == 4


def test_escape_covers_every_markup_character() -> None:
    """Each of & < > " ' becomes its entity, and the ampersand is escaped first."""
    assert escape("&<>\"'") == "&amp;&lt;&gt;&quot;&apos;"
    assert escape("&lt;") == "&amp;lt;"


def test_characters_xml_forbids_are_dropped() -> None:
    """Control characters would make the document malformed; they are removed instead."""
    ssml = Ssml().say("a\x00b\x07c\x1fd").build()
    assert validate_ssml(ssml) == []
    assert plain_text(ssml) == "abcd"


def test_template_reads_numbers_with_say_as_and_escapes_text() -> None:
    """A phrase's number fields are bare digits (read as cardinals) and its text is escaped."""
    inner = Ssml().say("inner <part>")
    fields: dict[str, str | int | Ssml] = {"set": 2, "name": "A&B", "extra": inner}
    ssml = Ssml().template("Set {set} of {name}, {extra}?", fields)
    built = ssml.build()
    assert "Set 2 of" in built
    assert "say-as" not in built
    assert "A&amp;B" in built
    assert "inner &lt;part&gt;" in built
    assert plain_text(built) == "Set 2 of A&B, inner <part>?"


def test_pause_splits_long_silence_into_breaks_of_at_most_ten_seconds() -> None:
    """A 25 s pause is written as 10 s, 10 s and 5 s breaks."""
    ssml = Ssml().pause(25).build()
    assert _breaks(ssml) == [10, 10, 5]
    assert validate_ssml(ssml) == []


def test_pause_writes_fractions_in_milliseconds() -> None:
    """Sub-second and fractional pauses use whole milliseconds."""
    assert '<break time="250ms"/>' in Ssml().pause(0.25).build()
    assert _breaks(Ssml().pause(12.5).build()) == [10, 2.5]
    assert Ssml().pause(0).build() == "<speak></speak>"


@pytest.mark.parametrize("span", [0.5, 1.0, 9.9, 10.05, 10.1, 10.15, 20.2, 20.25, 33.3, 100.0])
def test_wait_lasts_exactly_the_span_by_the_estimate(span: float) -> None:
    """`wait` picks breaks whose silence plus per-break cost is the span, each at most 10 s."""
    speech = Ssml().wait(span)
    ssml = speech.build()
    assert speech.seconds == pytest.approx(span, abs=0.01)
    assert estimate_seconds(ssml) == pytest.approx(span, abs=0.01)
    assert all(0 < b <= MAX_BREAK_SECONDS for b in _breaks(ssml))


def test_builder_estimate_equals_the_estimate_read_back_from_the_ssml() -> None:
    """What the builder counts while building is what `estimate_seconds` reads from the result."""
    speech = (
        Ssml()
        .say("Hold it there, 45 seconds.")
        .pause(12.3)
        .say_as(21)
        .say_as(3, "ordinal")
        .sentence("Don't stop.")
        .emphasis("now")
        .prosody("slowly now", 80)
        .wait(7.7)
    )
    assert estimate_seconds(speech.build()) == pytest.approx(speech.seconds, abs=0.005)


def test_timeline_places_words_at_their_offsets_and_ends_on_time() -> None:
    """Each fragment starts at its offset (marks show it) and the stretch lasts as long as asked."""
    events = [
        (10.0, Ssml().mark("ten").say("ten seconds")),
        (3.0, Ssml().mark("three").say("three")),
    ]
    speech = Ssml().say("go").timeline(20, events)
    start = speech.seconds - 20
    marks = dict(speech.marks)
    assert marks["three"] - start == pytest.approx(3, abs=0.01)
    assert marks["ten"] - start == pytest.approx(10, abs=0.01)
    assert estimate_seconds(speech.build()) == pytest.approx(speech.seconds, abs=0.01)


def test_marks_carry_through_nesting() -> None:
    """A mark inside an extended fragment keeps its time relative to the whole."""
    inner = Ssml().say("one two").mark("inner")
    outer = Ssml().pause(5).extend(inner)
    assert dict(outer.marks)["inner"] == pytest.approx(5 + BREAK_COST_SECONDS + 0.8)


def test_prosody_rejects_rates_alexa_does_not_accept() -> None:
    """A rate outside 20 to 200 percent is refused when built, not sent to Alexa."""
    with pytest.raises(ValueError, match="outside"):
        Ssml().prosody("fast", 300)


def test_plain_text_shows_breaks_as_timers() -> None:
    """Runs of breaks read as one timer; the text around them is kept."""
    ssml = Ssml().say("Hold.").pause(25).say("Ten seconds left.").pause(0.5).say("Done.").build()
    assert plain_text(ssml) == "Hold. [25 s] Ten seconds left. [0.5 s] Done."


def test_plain_text_refuses_malformed_ssml() -> None:
    """Malformed input is an error, not garbled text."""
    with pytest.raises(ValueError, match="well-formed"):
        plain_text("<speak>a & b</speak>")


def test_validate_accepts_what_the_builder_makes() -> None:
    """Every builder method yields SSML that passes validation."""
    ssml = (
        Ssml()
        .say("a")
        .sentence("b")
        .emphasis("c", "strong")
        .prosody("d", 120)
        .say_as(4)
        .say_as(2, "ordinal")
        .pause(15)
        .build()
    )
    assert validate_ssml(ssml) == []


def test_validate_accepts_alexa_specific_tags() -> None:
    """Alexa's own amazon: tags and the standard ones are allowed."""
    ssml = (
        '<speak><amazon:effect name="whispered">quiet</amazon:effect>'
        '<p><s><sub alias="okay">OK</sub></s></p><w role="amazon:VB">read</w></speak>'
    )
    assert validate_ssml(ssml) == []


@pytest.mark.parametrize(
    ("ssml", "expected"),
    [
        ("<speak>a & b</speak>", "not well-formed"),
        ("<speak><s>open</speak>", "not well-formed"),
        ("<p>no speak root</p>", "root element must be <speak>"),
        ("<speak><speak>twice</speak></speak>", "only be the root"),
        ("<speak><script>x</script></speak>", "<script> is not an Alexa SSML tag"),
        ('<speak><break time="11s"/></speak>', "longer than 10 s"),
        ('<speak><break time="10001ms"/></speak>', "longer than 10 s"),
        ('<speak><break time="soon"/></speak>', "not a time like"),
        ('<speak><break duration="1s"/></speak>', "attribute Alexa does not support: duration"),
        ('<speak><emphasis level="huge">x</emphasis></speak>', "is not one of"),
        ('<speak><say-as interpret-as="roman">4</say-as></speak>', "is not one of"),
    ],
)
def test_validate_names_each_violation(ssml: str, expected: str) -> None:
    """Each kind of broken SSML is reported with a message that names the problem."""
    problems = validate_ssml(ssml)
    assert any(expected in problem for problem in problems), problems


def test_validate_catches_too_many_characters() -> None:
    """The outputSpeech must stay under 8,000 characters."""
    ssml = Ssml().say("word " * 1700).build()
    assert len(ssml) >= MAX_SSML_CHARACTERS
    assert any("characters" in problem for problem in validate_ssml(ssml))


def test_validate_catches_too_much_audio() -> None:
    """Audio files may not add up to more than 240 s; an unknown file counts as the whole 240 s."""
    one_file = '<audio src="https://example.com/a.mp3"/>'
    assert validate_ssml(f"<speak>{one_file}</speak>") == []
    two_files = f"<speak>{one_file}{one_file}</speak>"
    assert any("s of <audio>" in problem for problem in validate_ssml(two_files))
    long_speech = Ssml().pause(MAX_AUDIO_SECONDS + 5).build()
    assert len(long_speech) < MAX_SSML_CHARACTERS
    assert validate_ssml(long_speech) == [], "speech and breaks are bounded by characters"
