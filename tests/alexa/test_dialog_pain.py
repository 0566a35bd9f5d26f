"""Pain heard in every form, stand-ins that spare the sore area.

A second report in one workout suggests a stop for today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from runner_strength.console.resolver import ER_MATCH, Resolver
from runner_strength.content.model import BODY_AREAS
from runner_strength.engine.personal import gentler, loads

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from skilltest import Device, FakeClock

# Each area as a runner names it, one word and its plural (the slot's value and a synonym).
SPOKEN = {
    "foot": ("foot", "feet"),
    "ankle": ("ankle", "ankles"),
    "achilles": ("achilles", "achilles tendons"),
    "calf": ("calf", "calves"),
    "shin": ("shin", "shins"),
    "knee": ("knee", "knees"),
    "hamstring": ("hamstring", "hamstrings"),
    "quad": ("quad", "quads"),
    "hip": ("hip", "hips"),
    "groin": ("groin", "groin muscles"),
    "glute": ("glute", "glutes"),
    "lower_back": ("lower back", "lower back muscles"),
    "upper_back": ("upper back", "shoulder blades"),
    "shoulder": ("shoulder", "shoulders"),
    "wrist": ("wrist", "wrists"),
    "neck": ("neck", "neck muscles"),
}
SINGULAR = ("my {} hurts", "my {} is sore", "my {} is hurting", "my {} aches", "i tweaked my {}")
PLURAL = ("my {} hurt", "my {} are sore", "my {} are hurting", "my {} ache", "i tweaked my {}")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    """The console's reading of the generated interaction model."""
    return Resolver.load()


def test_every_area_is_in_the_table() -> None:
    """The phrasings below cover every body area the content knows."""
    assert set(SPOKEN) == BODY_AREAS


@pytest.mark.parametrize("area", sorted(BODY_AREAS))
def test_every_area_is_heard_singular_and_plural(resolver: Resolver, area: str) -> None:
    """'My knee hurts', "my knees hurt", "i tweaked my knee" ... each resolve to PainIntent."""
    one, many = SPOKEN[area]
    phrases = [p.format(one) for p in SINGULAR] + [p.format(many) for p in PLURAL]
    for text in phrases:
        found = resolver.intent(text)
        assert found is not None, text
        assert found.intent == "PainIntent", text
        slot = found.slot("body_area")
        assert slot is not None, text
        assert slot.resolution is not None, text
        assert (slot.resolution.code, slot.resolution.value_id) == (ER_MATCH, area), text


def test_a_stand_in_never_loads_the_sore_area(library: Library) -> None:
    """For every exercise and area, the gentler stand-in neither stresses, works nor warns of it."""
    checked = 0
    for exercise_id in library.exercises:
        for area in BODY_AREAS:
            stand_in = gentler(library, exercise_id, area)
            if stand_in is not None:
                assert not loads(library.exercise(stand_in), area), (exercise_id, area, stand_in)
                checked += 1
    assert checked > 100  # most exercises have a stand-in for most areas


def test_the_copenhagen_plank_loads_the_knee(library: Library) -> None:
    """Its own safety note names the inner knee: it must never stand in for a sore knee."""
    assert loads(library.exercise("copenhagen_plank"), "knee")


def test_no_copenhagen_plank_after_my_knee_hurts(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """After "my knee hurts", the rest of the lower-leg workout never has a Copenhagen plank."""
    items = [i.exercise_id for i in library.workout("lower_leg_and_hips").items]
    assert "copenhagen_plank" in items[1:], "the workout has one to swap out"
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("lower_leg_and_hips", "lower leg workout"))
    first = echo.say("ReadyIntent")
    clock.advance(first.seconds + 5)
    echo.say("PainIntent", body_area=("knee", "knee"))
    replies = echo.ready_until_done()
    heard = " ".join(r.text for r in replies)
    assert "Copenhagen plank" not in heard


def _question(reply: Any) -> str:
    return str((reply.raw.get("sessionAttributes") or {}).get("question", {}).get("question"))


def test_a_second_pain_report_suggests_stopping_for_today(echo: Device, clock: FakeClock) -> None:
    """The second pain report of one workout suggests stopping and seeing a professional."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    first = echo.say("ReadyIntent")
    clock.advance(first.seconds + 5)
    once = echo.say("PainIntent", body_area=("knee", "knees"))
    assert "stop for today" not in once.text.lower()
    assert _question(once) == "ready"
    twice = echo.say("PainIntent", body_area=("shin", "shins"))
    assert _question(twice) == "stop_for_today"
    assert "physio or a doctor" in twice.text
    assert not twice.ends_session
    help_ = echo.say("AMAZON.HelpIntent")
    assert _question(help_) == "stop_for_today", "the question survives help"
    stopped = echo.say("AMAZON.YesIntent")
    assert stopped.ends_session


def test_no_to_stopping_carries_on_gently(echo: Device, clock: FakeClock) -> None:
    """Saying no to stopping goes back to the workout's own question."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    first = echo.say("ReadyIntent")
    clock.advance(first.seconds + 5)
    echo.say("PainIntent", body_area=("knee", "knees"))
    echo.say("PainIntent")
    reply = echo.say("AMAZON.NoIntent")
    assert _question(reply) == "ready"
    assert not reply.ends_session
