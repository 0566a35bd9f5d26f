import importlib
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from runner_strength.alexa.skill import REJECTED, LambdaEntry, build_skill
from runner_strength.content.model import Library
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import EVENTS, Device, FakeClock, Reply, check_response, event


def test_first_launch_welcomes_with_health_note_once(echo: Device) -> None:
    """A first launch gives the one-time health note and offers a workout; later ones do not."""
    first = echo.launch()
    assert "not medical advice" in first.text
    assert not first.ends_session
    echo.say("AMAZON.StopIntent")
    second = echo.launch()
    assert "not medical advice" not in second.text


def test_yes_to_the_offer_starts_the_offered_workout(echo: Device, library: Library) -> None:
    """Saying yes to the launch offer starts the workout that was offered."""
    offer = echo.launch()
    named = [w for w in library.workouts.values() if w.name in offer.text]
    assert len(named) == 1
    started = echo.say("AMAZON.YesIntent")
    assert not started.ends_session
    first_exercise = library.exercise(named[0].items[0].exercise_id).name
    assert first_exercise in started.text or named[0].name in started.text


def test_whole_conversation_through_the_lambda_entry(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """Launch, start, sets, explain mid-workout, pause, resume in a new session, finish."""
    echo.launch()
    start = echo.say("StartWorkoutIntent", workout=("core_and_stability", "core workout"))
    assert "Core and stability" in start.text
    first_set = echo.say("ReadyIntent")
    clock.advance(first_set.seconds + 3)
    second_set = echo.say("ReadyIntent")
    clock.advance(second_set.seconds + 3)
    explained = echo.say("ExplainExerciseIntent", exercise=("copenhagen_plank", "copenhagen plank"))
    assert "Copenhagen plank" in explained.text
    assert not explained.ends_session, "explaining mid-workout keeps the workout going"
    status = echo.say("WorkoutStatusIntent").text
    paused = echo.say("AMAZON.PauseIntent")
    assert "resume" in paused.text.lower()
    where = re.search(r"(the [\w -]+?), set (\d+) of (\d+)", paused.text)
    assert where is not None, paused.text
    position = f"{where.group(1)}, set {where.group(2)} of {where.group(3)}".lower()
    assert position in status.lower(), "the pause names the set the status said was next"
    echo.end_session()
    clock.advance(3 * 3600)
    back = echo.say("ResumeWorkoutIntent", new_session=True)
    assert not back.ends_session
    assert position in back.text.lower(), "hours later, the resume offer names the same set"
    # A paused workout resumes at once; an unpaused one is offered first.
    resumed = echo.say("AMAZON.YesIntent") if "left off" in back.text else back
    assert not resumed.ends_session
    assert where.group(0) in resumed.text, "the set that follows is that exercise, said once"
    replies = echo.ready_until_done()
    summary = replies[-1]
    assert summary.finishes_workout
    assert "minute" in summary.text.lower()


def test_one_shot_explain_answers_and_ends_the_session(echo: Device) -> None:
    """A one-shot explain of the Copenhagen plank answers in full and ends the session."""
    reply = echo.send(event("explain_oneshot"))
    assert "Copenhagen plank" in reply.text
    assert reply.ends_session


def test_explain_no_match_and_empty_slot_get_a_helpful_answer(echo: Device) -> None:
    """An unknown or missing exercise gets examples of known ones and a question, never a crash."""
    echo.launch()
    unknown = echo.send(event("explain_no_match"))
    assert "underwater basket weaving" in unknown.text
    assert "plank" in unknown.text.lower()
    assert not unknown.ends_session
    empty = echo.send(event("explain_empty"))
    assert "explain" in empty.text.lower()
    assert not empty.ends_session


def test_unknown_workout_lists_the_real_ones(echo: Device, library: Library) -> None:
    """Asking for a workout we do not have lists the ones we do."""
    echo.launch()
    reply = echo.send(event("start_workout_no_match"))
    assert "yoga flow" in reply.text
    assert all(w.name in reply.text for w in library.workouts.values())


def test_one_shot_start_starts_a_workout(echo: Device) -> None:
    """A one-shot start (tell runner strength to start my workout) starts at once."""
    reply = echo.send(event("start_workout_oneshot"))
    assert not reply.ends_session
    assert "?" in reply.text


def test_duration_shortens_the_workout(echo: Device, library: Library) -> None:
    """A fifteen-minute request starts a workout shortened to fit, and says so."""
    echo.launch()
    reply = echo.send(event("start_workout_duration"))
    assert not reply.ends_session
    assert any(line in reply.text for line in library.phrases.variants("workout_shortened"))
    minutes = [int(m) for m in re.findall(r"(\d+) minutes", reply.text)]
    assert minutes, reply.text
    assert max(minutes) <= 15, reply.text


def test_help_and_fallback_fit_the_moment(echo: Device) -> None:
    """Help names at most three things for where the runner is; the fallback is one short line."""
    echo.launch()
    offer_help = echo.say("AMAZON.HelpIntent")
    offer_fallback = echo.say("AMAZON.FallbackIntent")
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.NoIntent")  # no warm-up: "shall we do the walking lunge?"
    workout_help = echo.say("AMAZON.HelpIntent")
    workout_fallback = echo.say("AMAZON.FallbackIntent")
    assert offer_help.text.startswith("Say yes or no. Say more help for everything.")
    assert workout_help.text.startswith("Say ready for the next set, easier or harder")
    assert "more help" in workout_help.text
    everything = echo.say("MoreHelpIntent")
    assert "skip this exercise" in everything.text
    for reply in (offer_fallback, workout_fallback):
        assert reply.text.startswith("Sorry, I"), reply.text
        assert reply.seconds <= 6, f"{reply.seconds:.1f} s: {reply.text}"


def test_stop_saves_the_place_and_says_how_to_resume(echo: Device, clock: FakeClock) -> None:
    """Stop mid-workout keeps the position and tells the runner how to come back."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    clock.advance(5)
    echo.say("ReadyIntent")
    clock.advance(400)
    stop = echo.say("AMAZON.StopIntent")
    assert stop.ends_session
    assert "resume my workout" in stop.text
    back = echo.launch()
    assert "left off" in back.text


def test_no_to_resume_offers_a_new_workout(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """Declining to resume ends the old workout and offers the next one in the rotation."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.StopIntent")
    echo.launch()
    offer = echo.say("AMAZON.NoIntent")
    assert not offer.ends_session
    assert any(w.name in offer.text for w in library.workouts.values())
    started = echo.say("AMAZON.YesIntent")
    assert not started.ends_session


def test_no_to_ready_keeps_the_workout_waiting(echo: Device, library: Library) -> None:
    """A no to the ready question is a breather: a minute of quiet, the place held, no end."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    started = echo.say("AMAZON.NoIntent")  # no warm-up: the ready question comes
    reply = echo.say("AMAZON.NoIntent")
    assert not reply.ends_session
    assert any(line in reply.text for line in library.phrases.variants("breather_start"))
    assert "the walking lunge?" in started.text
    assert reply.text.endswith("Ready to carry on?")
    assert "walking lunge" in echo.say("ReadyIntent").text.lower(), "the place was held"


def test_moves_without_a_workout_are_answered(echo: Device) -> None:
    """Next, previous, pause, status and the rest outside a workout get an answer, not an error."""
    echo.launch()
    for intent in (
        "AMAZON.NextIntent",
        "AMAZON.PreviousIntent",
        "AMAZON.PauseIntent",
        "AMAZON.ResumeIntent",
        "AMAZON.RepeatIntent",
        "AMAZON.StartOverIntent",
        "SkipExerciseIntent",
        "EasierIntent",
        "HarderIntent",
        "WorkoutStatusIntent",
        "WhyExerciseIntent",
        "ReadyIntent",
    ):
        reply = echo.say(intent)
        assert reply.ssml, intent


def test_list_workouts_names_each_with_minutes(echo: Device, library: Library) -> None:
    """Listing workouts names every workout with its length and asks which one."""
    echo.launch()
    reply = echo.say("ListWorkoutsIntent")
    heard = reply.text
    while (reply.raw.get("sessionAttributes") or {}).get("question", {}).get(
        "question"
    ) == "list_more":  # three at a time, until all are read
        reply = echo.say("AMAZON.YesIntent")
        heard += reply.text
    assert all(w.name in heard for w in library.workouts.values())
    assert "minutes" in reply.text


def test_skill_disabled_deletes_the_users_item(echo: Device, adapter: MemoryAdapter) -> None:
    """Disabling the skill deletes everything stored for that user."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    assert adapter._items
    reply = echo.send(event("skill_disabled"))
    assert not reply.ssml
    assert not adapter._items


def test_foreign_skill_id_is_rejected(
    library: Library, adapter: MemoryAdapter, clock: FakeClock
) -> None:
    """With SKILL_ID set, a request for another skill gets a logged rejection, not an answer."""
    entry = LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=clock, skill_id="amzn1.ask.skill.other")
    )
    assert entry(event("launch"), None) == REJECTED


@pytest.mark.parametrize("broken", [{}, {"version": "1.0"}, {"request": "nope"}, [], "text", None])
def test_unreadable_envelope_gets_a_clean_rejection(entry: LambdaEntry, broken: object) -> None:
    """A malformed envelope gets a clean error response instead of a traceback."""
    assert entry(broken, None) == REJECTED


@pytest.mark.parametrize("path", sorted(EVENTS.glob("*.json")), ids=lambda p: p.stem)
def test_every_fixture_event_through_lambda_function(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lambda_function.lambda_handler` answers every real-shaped envelope within the rules."""
    monkeypatch.setenv("RUNNER_STRENGTH_DB", str(tmp_path / "state.sqlite3"))
    monkeypatch.delenv("TABLE_NAME", raising=False)
    monkeypatch.delenv("SKILL_ID", raising=False)
    sys.modules.pop("lambda_function", None)
    lambda_function = importlib.import_module("lambda_function")
    reply = Reply(lambda_function.lambda_handler(json.loads(path.read_text()), None))
    check_response(reply)
    if path.stem not in {"session_ended", "session_ended_error", "skill_disabled"}:
        assert reply.ssml, path.stem


def test_starting_on_one_device_keeps_another_devices_workout(
    entry: LambdaEntry, clock: FakeClock, adapter: MemoryAdapter
) -> None:
    """A household's second Echo starting a workout leaves the first Echo's unfinished one alone."""
    kitchen = Device(entry, device_id="amzn1.ask.device.KITCHEN", clock=clock)
    bedroom = Device(entry, device_id="amzn1.ask.device.BEDROOM", clock=clock)
    kitchen.launch()
    kitchen.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    kitchen.say("ReadyIntent")
    clock.advance(400)
    kitchen.say("AMAZON.StopIntent")
    bedroom.say(
        "StartWorkoutIntent", new_session=True, workout=("core_and_stability", "core workout")
    )
    back = kitchen.launch()
    assert "Five basics" in back.text
    assert "left off" in back.text


MODEL = (
    Path(__file__).resolve().parents[2] / "interaction_model/interactionModels/custom/en-US.json"
)
LANGUAGE_MODEL: dict[str, Any] = json.loads(MODEL.read_text(encoding="utf-8"))["interactionModel"][
    "languageModel"
]
SLOT_TYPES: dict[str, list[dict[str, Any]]] = {
    t["name"]: t["values"] for t in LANGUAGE_MODEL["types"]
}
INTENTS: dict[str, dict[str, Any]] = {i["name"]: i for i in LANGUAGE_MODEL["intents"]}


def _filled_slots(intent: dict[str, Any]) -> dict[str, str | tuple[str, str]]:
    """A value for every slot: a resolved content id for our slot types, a raw one for Amazon's."""
    slots: dict[str, str | tuple[str, str]] = {}
    for slot in intent.get("slots", []):
        values = SLOT_TYPES.get(slot["type"])
        if values:
            slots[slot["name"]] = (values[0]["id"], values[0]["name"]["value"])
        else:
            slots[slot["name"]] = "PT10M" if slot["type"] == "AMAZON.DURATION" else "tomorrow"
    return slots


@pytest.mark.parametrize("in_workout", [False, True], ids=["menu", "mid-workout"])
@pytest.mark.parametrize("intent", sorted(INTENTS))
def test_every_intent_in_the_model_reaches_a_handler(
    echo: Device, intent: str, in_workout: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """Each intent of the model, slots filled, is answered by a handler and not the catch-all."""
    echo.launch()
    if in_workout:
        echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
        echo.say("ReadyIntent")
    with caplog.at_level(logging.ERROR, logger="runner_strength"):
        reply = echo.say(intent, new_session=False, **_filled_slots(INTENTS[intent]))
    assert not [r for r in caplog.records if "unhandled error" in r.getMessage()], intent
    assert reply.ssml, intent
