"""A coach that knows the runner, driven through the Lambda entry over several sessions and days."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from runner_strength.buildtime import interaction_model as im
from runner_strength.content.model import BODY_AREAS, EQUIPMENT, Level
from runner_strength.engine.progress import Feeling
from runner_strength.narration import conversation
from runner_strength.narration.conversation import Say
from skilltest import Device, FakeClock, Reply, at

if TYPE_CHECKING:
    from runner_strength.alexa.skill import LambdaEntry
    from runner_strength.content.model import Library

REPO_ROOT = Path(__file__).resolve().parents[2]
CONVERSATION_FILE = REPO_ROOT / "content" / "phrases" / "conversation.yaml"
DAY = 24 * 3600
PHYSIO = "physio or a doctor"


@pytest.fixture
def clock() -> FakeClock:
    # Wednesday 18 November 2026, noon UTC.
    return FakeClock(at(2026, 11, 18))


class ZonedEntry:
    """The Lambda entry behind a device whose requests carry its time zone."""

    def __init__(self, entry: LambdaEntry, zone: str | None) -> None:
        self.entry = entry
        self.zone = zone

    def __call__(self, event: dict[str, Any], context: object, /) -> dict[str, Any]:
        """Answer the envelope with `context.System.device.timeZone` set."""
        if self.zone is not None:
            event["context"]["System"]["device"]["timeZone"] = self.zone
        return self.entry(event, context)


def play(echo: Device, reply: Reply) -> list[Reply]:
    """The reply that started a workout, then "ready" until it is done."""
    return [reply, *echo.ready_until_done()]


def short_workout(echo: Device, workout_id: str, name: str) -> list[Reply]:
    """A ten-minute version of a workout (its warm-up included), played to the end."""
    return play(echo, echo.say("StartWorkoutIntent", workout=(workout_id, name), duration="PT10M"))


def spoken(replies: list[Reply]) -> str:
    """Everything the coach said, as one text."""
    return " ".join(r.text for r in replies)


# ---------------------------------------------------------------- progression


def test_too_easy_raises_the_next_sessions_dose(echo: Device, clock: FakeClock) -> None:
    """Double heel taps called too easy after a set are done with more reps the next day."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    start = echo.say("AMAZON.NoIntent")  # no warm-up this time
    assert "double heel tap" in start.text.lower()
    first = echo.say("ReadyIntent")
    assert "10 reps" in first.text
    clock.advance(first.seconds + 5)
    feedback = echo.say("FeedbackIntent", feeling=("too_easy", "too easy"))
    assert "12 reps" in feedback.text
    assert not feedback.ends_session, "the workout carries on"
    echo.ready_until_done()
    clock.advance(DAY)
    echo.launch()
    again = echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    assert "double heel tap" in again.text.lower()
    assert "10" in again.text
    assert "12" in again.text, "the start says what changed since last time"
    set_one = echo.say("ReadyIntent")
    assert "12 reps" in set_one.text


def test_too_hard_after_the_workout_lowers_the_last_exercise(
    echo: Device, clock: FakeClock
) -> None:
    """Feedback as a one-shot just after a workout is about its last exercise, for next time."""
    echo.launch()
    replies = short_workout(echo, "five_basics", "five basics")
    assert replies[-1].finishes_workout
    ending = (replies[-2].text + replies[-1].text).lower()
    assert "plank" in ending, "the ten minutes end on it"
    clock.advance(600)
    hard = echo.say("FeedbackIntent", new_session=True, feeling=("too_hard", "too hard"))
    assert "plank" in hard.text.lower()
    assert "25 seconds" in hard.text
    clock.advance(DAY)
    echo.launch()
    start = echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    assert "plank" in start.text.lower()
    assert "30" in start.text
    assert "25" in start.text


def test_just_right_and_feedback_without_a_set(echo: Device, clock: FakeClock) -> None:
    """Just right keeps the dose; feedback before any set asks for it after one."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    early = echo.say("FeedbackIntent", feeling=("too_easy", "too easy"))
    assert "a set" in early.text.lower()
    clock.advance(echo.say("ReadyIntent").seconds + 3)
    right = echo.say("JustRightIntent")
    assert "walking lunge" in right.text.lower()
    assert not right.ends_session


# ---------------------------------------------------------------- the week


def test_weekly_summary_counts_across_week_boundaries_in_utc(
    echo: Device, clock: FakeClock
) -> None:
    """Sessions on Wednesday and Sunday count for one week; Monday's starts the next one."""
    echo.launch()
    short_workout(echo, "five_basics", "five basics")
    wednesday = echo.say("ProgressIntent", new_session=True)
    assert "counting monday to sunday," in wednesday.text.lower()
    assert "one strength session" in wednesday.text
    assert "earlier today" in wednesday.text.lower()
    clock.now = at(2026, 11, 22, 22)  # Sunday night
    short_workout(echo, "core_and_stability", "core workout")
    sunday = echo.say("ProgressIntent", new_session=True)
    assert "2 strength sessions" in sunday.text
    assert "target of 2 a week" in sunday.text.lower()
    assert "one week on target" in sunday.text.lower()
    clock.now = at(2026, 11, 23, 9)  # Monday morning
    monday = echo.say("ProgressIntent", new_session=True)
    assert "haven't done a strength session" in monday.text or "no strength session" in monday.text
    assert "one week on target" in monday.text.lower(), "last week's target still counts"
    assert "yesterday" in monday.text.lower()


def test_weekly_summary_uses_the_devices_time_zone_when_the_request_carries_it(
    entry: LambdaEntry, clock: FakeClock
) -> None:
    """Late Sunday in Los Angeles is Monday in UTC: the device's zone decides, and it is said."""
    utc_echo = Device(entry, clock=clock, user_id="amzn1.ask.account.UTCRUNNER")
    la_echo = Device(
        ZonedEntry(entry, "America/Los_Angeles"), clock=clock, user_id="amzn1.ask.account.LARUNNER"
    )
    clock.now = at(2026, 11, 23, 5)  # Monday 05:00 UTC, Sunday 21:00 in Los Angeles
    for device in (utc_echo, la_echo):
        device.launch()
        short_workout(device, "five_basics", "five basics")
    clock.now = at(2026, 11, 23, 17)  # Monday 17:00 UTC, Monday 09:00 in Los Angeles
    in_utc = utc_echo.say("ProgressIntent", new_session=True)
    assert "UTC" not in in_utc.text  # an unknown zone is never named
    assert "counting Monday to Sunday," in in_utc.text
    assert "one strength session" in in_utc.text
    in_la = la_echo.say("ProgressIntent", new_session=True)
    assert "in Los Angeles time" in in_la.text
    assert "one strength session" not in in_la.text
    assert "yesterday" in in_la.text.lower()
    # The zone is remembered: a later request without it still counts in Los Angeles time.
    la_echo.handler = entry
    later = la_echo.say("ProgressIntent", new_session=True)
    assert "in Los Angeles time" in later.text


def test_an_unknown_time_zone_falls_back_to_utc_without_naming_a_zone(
    entry: LambdaEntry, clock: FakeClock
) -> None:
    """A time zone name this system does not know is ignored: weeks in UTC, no zone named."""
    echo = Device(ZonedEntry(entry, "Mars/Olympus_Mons"), clock=clock)
    reply = echo.say("ProgressIntent")
    assert "UTC" not in reply.text
    assert "Mars" not in reply.text
    assert "counting Monday to Sunday," in reply.text
    assert "haven't done a workout" in reply.text


def test_launch_for_a_returning_runner_says_why_today(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """The next launch names last time's workout and today's, in one sentence."""
    echo.launch()
    short_workout(echo, "lower_leg_and_hips", "lower leg workout")
    clock.advance(DAY)
    welcome = echo.launch()
    last = library.workout("lower_leg_and_hips").name
    offered = [w for w in library.workouts.values() if f"today is {w.name}" in welcome.text]
    assert last in welcome.text
    assert offered, welcome.text
    assert offered[0].id != "lower_leg_and_hips"


# ---------------------------------------------------------------- pain


def test_a_knee_complaint_swaps_the_exercise_and_the_workout_continues(
    echo: Device, clock: FakeClock
) -> None:
    """Knee pain mid-lunges: lunges stop, glute bridges take over, the workout finishes."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    first = echo.say("ReadyIntent")
    assert "walking lunge" in first.text.lower()
    clock.advance(first.seconds + 3)
    hurt = echo.say("PainIntent", body_area=("knee", "knee"))
    assert "knee" in hurt.text
    assert "glute bridge" in hurt.text.lower()
    assert PHYSIO in hurt.text
    assert not hurt.ends_session
    assert "diagnos" not in hurt.text.lower()
    rest = echo.ready_until_done()
    said = spoken(rest)
    assert "glute bridge" in said.lower()
    assert "walking lunge" not in rest[0].text.lower()
    assert rest[-1].finishes_workout
    # The reminder is said once, and remembered across sessions and days.
    clock.advance(DAY)
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    clock.advance(echo.say("ReadyIntent").seconds + 3)
    again = echo.say("PainIntent", body_area=("achilles", "achilles"))
    assert "achilles" in again.text.lower()
    assert PHYSIO not in again.text


def test_pain_without_a_workout_spares_the_area_today(echo: Device, clock: FakeClock) -> None:
    """Said before starting, a sore knee keeps today's lunges and squats out of five basics."""
    echo.launch()
    said = echo.say("PainIntent", body_area=("knee", "knee"))
    assert PHYSIO in said.text
    replies = play(echo, echo.say("StartWorkoutIntent", workout=("five_basics", "five basics")))
    text = spoken(replies)
    assert "walking lunge" not in text.lower()
    assert "Squat." not in text


# ---------------------------------------------------------------- preferences


def test_equipment_preference_persists(echo: Device, clock: FakeClock) -> None:
    """No band: tomorrow's core workout does frog walks, and the gym brings the band walk back."""
    echo.launch()
    no_band = echo.say("MissingEquipmentIntent", equipment=("band", "band"))
    assert "no band" in no_band.text.lower()
    echo.say("AMAZON.StopIntent")
    clock.advance(DAY)
    welcome = echo.launch()
    assert "Lower legs and hips" not in welcome.text.split("today is")[-1]
    replies = play(
        echo, echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    )
    text = spoken(replies)
    assert "lateral band walk" not in text.lower()
    assert "mini band" not in replies[0].text
    assert "frog walk" in text.lower()
    clock.advance(DAY)
    gym = echo.say("HaveEquipmentIntent", new_session=True)
    assert "gym" in gym.text.lower()
    echo.say("AMAZON.StopIntent")
    clock.advance(DAY)
    echo.launch()
    start = echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    assert "mini band" in start.text


def test_missing_kit_mid_workout_swaps_what_is_left(echo: Device, clock: FakeClock) -> None:
    """Saying there is no band during the core workout swaps the band walk before it comes."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    clock.advance(echo.say("ReadyIntent").seconds + 3)
    swap = echo.say("MissingEquipmentIntent", equipment=("mini_band", "mini band"))
    assert "frog walk" in swap.text.lower()
    assert "Lateral band walk" not in spoken(echo.ready_until_done())


def test_verbosity_preference_persists(echo: Device, clock: FakeClock, library: Library) -> None:
    """Keep it short: tomorrow's first intro is brief; more detail: full even when heard before."""
    why = library.exercise("walking_lunge").why
    echo.launch()
    short = echo.say("BriefCoachingIntent")
    assert "short" in short.text.lower()
    echo.say("AMAZON.StopIntent")
    clock.advance(DAY)
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    brief = echo.say("ReadyIntent")
    assert "walking lunge" in brief.text.lower()
    assert why not in brief.text
    detail = echo.say("DetailedCoachingIntent")
    assert "detail" in detail.text.lower() or "full coaching" in detail.text.lower()
    echo.say("AMAZON.StopIntent")
    clock.advance(DAY)
    echo.launch()
    echo.say("AMAZON.NoIntent")
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    full = echo.say("ReadyIntent")
    assert why in full.text, "heard before, but full coaching was asked for"


def test_level_sets_dosages_and_the_rotation(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """A beginner is offered beginner workouts only, at the low end of each range."""
    echo.launch()
    reply = echo.say("SetLevelIntent", level=("beginner", "beginner"))
    assert "beginner" in reply.text.lower()
    beginner_names = {w.name for w in library.workouts.values() if w.level is Level.BEGINNER}
    for _ in range(4):
        offer = echo.launch()
        offered = {w.name for w in library.workouts.values() if w.name in offer.text}
        assert offered
        assert offered <= beginner_names
        play(echo, echo.say("AMAZON.YesIntent"))
        clock.advance(DAY)
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    lunge = echo.say("ReadyIntent")
    assert "10 reps" in lunge.text
    assert "of 2" in lunge.text, "a set fewer than the three written"
    unknown = echo.say("SetLevelIntent", level="wizard")
    assert "beginner" in unknown.text.lower()


def test_a_long_run_yesterday_makes_today_lighter(echo: Device, clock: FakeClock) -> None:
    """A light day leaves out the heavy RDL and a set of each move, today only."""
    echo.launch()
    light = echo.say("LighterDayIntent")
    assert "lighter" in light.text.lower()
    assert "heavy leg work" in light.text
    replies = play(
        echo, echo.say("StartWorkoutIntent", workout=("strength_with_equipment", "gym workout"))
    )
    assert "light" in replies[0].text.lower()
    assert "Negative dumbbell" not in spoken(replies)
    clock.advance(DAY)
    echo.launch()
    tomorrow = echo.say("StartWorkoutIntent", workout=("strength_with_equipment", "gym workout"))
    assert "light" not in tomorrow.text.lower()


def test_a_lighter_day_mid_workout_lightens_the_rest(echo: Device, clock: FakeClock) -> None:
    """Said during the gym workout, the RDL is left out and the workout carries on to the end."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("strength_with_equipment", "gym workout"))
    clock.advance(echo.say("ReadyIntent").seconds + 3)
    light = echo.say("LighterDayIntent")
    assert "light" in light.text.lower()
    assert not light.ends_session
    rest = echo.ready_until_done()
    assert "Negative dumbbell" not in spoken(rest)


def test_the_sets_just_done_can_be_rated_after_a_lighter_day(
    echo: Device, clock: FakeClock
) -> None:
    """Both double heel tap sets done, then "I'm knackered": "that was too easy" still rates them.

    The light day keeps one set of each move, so the second set just done is no longer in the
    plan; the runner's word about it must not be answered as if no set had been done.
    """
    echo.say("StartWorkoutIntent", new_session=True, workout=("core_and_stability", "core"))
    clock.advance(echo.say("AMAZON.NoIntent").seconds + 2)  # no warm-up
    sets = echo.say("ReadyIntent")
    assert sets.text.count("(beep)") == 2, "the double heel tap's two sets flow on"
    clock.advance(sets.seconds + 2)
    echo.say("LighterDayIntent")
    rated = echo.say("FeedbackIntent", feeling=("too_easy", "too easy"))
    assert "double heel tap" in rated.text, rated.text


# ---------------------------------------------------------------- wording


def _say_keys_used() -> set[str]:
    tree = ast.parse(Path(str(conversation.__file__)).read_text(encoding="utf-8"))
    return {
        Say[node.attr].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Say"
        and node.attr in Say.__members__
    }


def test_every_conversation_phrase_exists_and_is_used(library: Library) -> None:
    """Say lists exactly the keys of conversation.yaml, and conversation.py uses each one."""
    in_yaml = set(yaml.safe_load(CONVERSATION_FILE.read_text(encoding="utf-8")))
    assert {key.value for key in Say} == in_yaml
    assert in_yaml <= set(library.phrases.phrases)
    assert _say_keys_used() == in_yaml


# ---------------------------------------------------------------- the interaction model

NEW_INTENTS = {
    "ProgressIntent": {},
    "FeedbackIntent": {"feeling": "FEELING"},
    "JustRightIntent": {},
    "SetLevelIntent": {"level": "LEVEL"},
    "LighterDayIntent": {},
    "PainIntent": {"body_area": "BODY_AREA"},
    "MissingEquipmentIntent": {"equipment": "EQUIPMENT"},
    "HaveEquipmentIntent": {"equipment": "EQUIPMENT"},
    "BriefCoachingIntent": {},
    "DetailedCoachingIntent": {},
}


def test_the_model_has_the_new_intents_with_their_slots() -> None:
    """Each new intent has ten or more samples and the slot types the handlers read."""
    model = im.load_model()
    intents = {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}
    for name, slots in NEW_INTENTS.items():
        assert len(intents[name]["samples"]) >= 10, name
        assert {s["name"]: s["type"] for s in intents[name].get("slots", [])} == slots, name


def test_vocabulary_slot_types_come_from_the_content() -> None:
    """BODY_AREA, EQUIPMENT and LEVEL hold every content term, named in words, with synonyms."""
    model = im.load_model()
    for type_name, terms in (
        ("BODY_AREA", BODY_AREAS),
        ("EQUIPMENT", EQUIPMENT),
        ("LEVEL", {level.value for level in Level}),
    ):
        values = im.slot_values(model, type_name)
        assert set(values.values()) == set(terms), type_name
    assert im.slot_values(model, "BODY_AREA")["achilles tendon"] == "achilles"
    assert im.slot_values(model, "BODY_AREA")["lower back"] == "lower_back"
    assert im.slot_values(model, "EQUIPMENT")["resistance band"] == "band"
    assert {s["id"] for s in _values(model, "FEELING")} == {f.value for f in Feeling}


def _values(model: dict[str, Any], type_name: str) -> list[dict[str, Any]]:
    types = model["interactionModel"]["languageModel"]["types"]
    values: list[dict[str, Any]] = next(t for t in types if t["name"] == type_name)["values"]
    return values


@pytest.mark.parametrize(
    ("said", "intent", "slots"),
    [
        ("how am i doing", "ProgressIntent", {}),
        ("what did i do last time", "ProgressIntent", {}),
        ("that was too easy", "FeedbackIntent", {"feeling": "too_easy"}),
        ("too hard", "FeedbackIntent", {"feeling": "too_hard"}),
        ("just right", "JustRightIntent", {}),
        ("i'm a beginner", "SetLevelIntent", {"level": "beginner"}),
        ("i did a long run yesterday", "LighterDayIntent", {}),
        ("i have a race on sunday", "LighterDayIntent", {}),
        ("my knee hurts", "PainIntent", {"body_area": "knee"}),
        ("my achilles is sore", "PainIntent", {"body_area": "achilles"}),
        ("i don't have a band", "MissingEquipmentIntent", {"equipment": "band"}),
        ("i'm at the gym", "HaveEquipmentIntent", {}),
        ("keep it short", "BriefCoachingIntent", {}),
        ("give me more detail", "DetailedCoachingIntent", {}),
    ],
)
def test_the_issues_phrases_reach_their_intents(
    said: str, intent: str, slots: dict[str, str]
) -> None:
    """What the issue says a runner says resolves to the intent and slot ids that handle it."""
    utterances = im.load_utterances()
    found = im.match(said, im.load_model(), builtin_phrases=utterances.builtin_phrases)
    assert found is not None, said
    assert found.intent == intent
    assert {name: value_id for name, (_, value_id) in found.slots.items()} == slots
