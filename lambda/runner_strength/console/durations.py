"""Typed durations ("twenty minutes", "an hour and a half") as Alexa's AMAZON.DURATION values.

Alexa sends a duration slot as an ISO-8601 duration ("PT20M"), never as the words heard; the
console does the same conversion so the skill reads exactly what it would read on a real device.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_ONES: Mapping[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a": 1,
    "an": 1,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
}
_TENS: Mapping[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNITS: Mapping[str, int] = {
    "second": 1,
    "seconds": 1,
    "sec": 1,
    "secs": 1,
    "minute": 60,
    "minutes": 60,
    "min": 60,
    "mins": 60,
    "hour": 3600,
    "hours": 3600,
    "hr": 3600,
    "hrs": 3600,
}
_HALF_OF: Mapping[str, int] = {"half an hour": 1800, "half a minute": 30, "half hour": 1800}
_MINUTE, _HOUR = 60, 3600


def _number(words: Sequence[str]) -> tuple[int, int] | None:
    """The number the words start with and how many words it took ("twenty five" -> 25, 2)."""
    if not words:
        return None
    if words[0].isdecimal():
        return int(words[0]), 1
    for phrase in sorted(_ONES, key=len, reverse=True):
        size = len(phrase.split())
        if " ".join(words[:size]) == phrase:
            return _ONES[phrase], size
    tens = _TENS.get(words[0])
    if tens is None:
        return None
    ones = _ONES.get(words[1]) if len(words) > 1 else None
    if ones is not None and 0 < ones < 10 and words[1] not in {"a", "an"}:
        return tens + ones, 2
    return tens, 1


def duration_seconds(text: str) -> int | None:
    """Seconds in a spoken duration, or None when the words are not one.

    Takes groups like "one hour", "twenty five minutes", "10 min", joined by "and", a trailing
    "and a half" ("an hour and a half"), and "half an hour".
    """
    words = re.findall(r"[a-z0-9]+", text.lower().replace("-", " "))
    total, position, last_unit = 0, 0, 0
    while position < len(words):
        rest = words[position:]
        if position and rest[0] == "and":
            if rest[1:3] == ["a", "half"] and last_unit:
                total += last_unit // 2
                position += 3
                continue
            position += 1
            rest = rest[1:]
        half = next((p for p in _HALF_OF if " ".join(rest).startswith(p)), None)
        if half is not None:
            total += _HALF_OF[half]
            position += len(half.split())
            last_unit = 0
            continue
        number = _number(rest)
        if number is None or number[1] >= len(rest) or rest[number[1]] not in _UNITS:
            return None
        value, used = number
        last_unit = _UNITS[rest[used]]
        total += value * last_unit
        position += used + 1
    return total or None


def iso_duration(text: str) -> str | None:
    """A spoken duration as AMAZON.DURATION sends it ("twenty minutes" -> "PT20M"); else None."""
    seconds = duration_seconds(text)
    if seconds is None:
        return None
    hours, rest = divmod(seconds, _HOUR)
    minutes, seconds = divmod(rest, _MINUTE)
    parts = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return "PT" + parts + (f"{seconds}S" if seconds else "")


_DAY_PARTS: Mapping[str, str] = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "tonight": "NI",
}
_AFTERNOON_WORDS = frozenset(
    {"pm", "p.m.", "in the afternoon", "in the evening", "at night", "tonight"}
)
_MORNING_WORDS = frozenset({"am", "a.m.", "in the morning"})
_NOON, _HOURS_A_DAY, _MINUTES_AN_HOUR = 12, 24, 60


def alexa_time(text: str) -> str | None:
    """A spoken time of day as Alexa's AMAZON.TIME value ("09:00", "18:30", "EV"), else None.

    Takes "nine", "9", "nine thirty", "9:30", "seven in the morning", "six pm", "noon",
    "midnight" and the parts of the day ("evening"). A bare hour is read as Alexa reads it.
    """
    lowered = " ".join(text.lower().replace("o'clock", "").split())
    named = {**_DAY_PARTS, "noon": "12:00", "midday": "12:00", "midnight": "00:00"}
    if lowered in named:
        return named[lowered]
    suffix = next(
        (
            s
            for s in sorted(_AFTERNOON_WORDS | _MORNING_WORDS, key=len, reverse=True)
            if lowered.endswith(" " + s)
        ),
        None,
    )
    core = lowered.removesuffix(" " + suffix) if suffix else lowered
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", core)
    if clock:
        hour, minute = int(clock[1]), int(clock[2])
    else:
        words = core.split()
        first = _number(words)
        if first is None:
            return None
        hour, used = first
        rest = words[used:]
        minute = 0
        if rest:
            second = _number(rest)
            if second is None or second[1] != len(rest):
                return None
            minute = second[0]
    if suffix in _AFTERNOON_WORDS and hour < _NOON:
        hour += _NOON
    elif suffix in _MORNING_WORDS and hour == _NOON:
        hour = 0
    if not (0 <= hour < _HOURS_A_DAY and 0 <= minute < _MINUTES_AN_HOUR):
        return None
    return f"{hour:02d}:{minute:02d}"
