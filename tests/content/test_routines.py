"""The guided warm-up and cool-down, through the Lambda entry: offered, taken, skipped, kept."""

import json
import random
import re
import shutil
from pathlib import Path

import pytest
import yaml

from runner_strength.buildtime.loader import ContentError, load_directory
from runner_strength.content.model import Library, RoutineKind, RoutineMove
from runner_strength.engine.record import Preferences, RoutineChoice, UserRecord
from runner_strength.engine.serialize import record_from_dict, record_to_dict
from runner_strength.narration import routine as routine_module
from runner_strength.narration.routine import RoutineSay
from skilltest import Device, FakeClock, Reply

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
# Alexa plays at most 240 s of audio in one response.
MAX_AUDIO_SECONDS = 240
DAY = 86_400


def _start(echo: Device, workout_id: str = "five_basics", duration: str | None = None) -> Reply:
    echo.launch()
    return echo.say(
        "StartWorkoutIntent", workout=(workout_id, workout_id.replace("_", " ")), duration=duration
    )


def _name(library: Library, move: RoutineMove) -> str:
    """How a move is named mid-sentence: its own name, or the exercise's ("the glute bridge")."""
    return move.name or library.exercise(move.exercise_id).called


def _counted_moves(reply: Reply, library: Library, kind: RoutineKind) -> list[str]:
    """The routine's moves the runner heard, each named and counted or timed."""
    return [
        _name(library, move)
        for move in library.routines[kind].moves
        if _name(library, move) in reply.text
    ]


def _expected(library: Library, kind: RoutineKind, workout_id: str) -> list[str]:
    workout = library.workout(workout_id)
    ids = frozenset(i.exercise_id for i in workout.items)
    areas = frozenset(a for i in ids for a in library.exercise(i).stresses)
    return [_name(library, m) for m in library.routines[kind].moves_for(ids, areas)]


# ---------------------------------------------------------------- warm-up


def test_a_started_workout_offers_the_warm_up_and_yes_plays_it(
    echo: Device, library: Library
) -> None:
    """Start asks about a warm-up; yes plays every move, counted, then asks for the first set."""
    start = _start(echo)
    assert start.asked == "warm_up_offer"
    assert "warm-up" in start.text
    assert start.text.rstrip().endswith("?")
    warm = echo.say("AMAZON.YesIntent")
    heard = _counted_moves(warm, library, RoutineKind.WARM_UP)
    assert heard == _expected(library, RoutineKind.WARM_UP, "five_basics")
    assert "wrist and shoulder circles" in heard, "planks and push-ups today: wrists first"
    assert re.search(r"\b3 \[0\.5 s\] 2 \[0\.5 s\] 1\b", warm.text), "each move is timed"
    assert 150 <= warm.seconds <= MAX_AUDIO_SECONDS - 30, "about three minutes, in one response"
    assert warm.asked == "warmed_up"
    assert "walking lunge?" in warm.text.lower()
    first = echo.say("ReadyIntent")
    assert "set 1 of 3" in first.text.lower()


def test_no_to_the_warm_up_goes_straight_to_the_first_set(echo: Device) -> None:
    """No skips the warm-up: the first exercise's intro and its question, nothing timed."""
    _start(echo)
    reply = echo.say("AMAZON.NoIntent")
    assert reply.asked == "ready"
    assert "walking lunge?" in reply.text.lower()
    assert "[" not in reply.text, "no pause, count or timer: the warm-up was not played"


def test_ready_at_the_offer_starts_the_first_set(echo: Device) -> None:
    """Saying ready instead of answering means straight in: the first set is performed."""
    _start(echo)
    reply = echo.say("ReadyIntent")
    assert "walking lunge" in reply.text.lower()
    assert "set 1 of 3" in reply.text.lower()
    assert "warm-up" not in reply.text.lower()


def test_skip_the_warm_up_by_voice(echo: Device) -> None:
    """'Skip the warm up' (even after starting it) goes to the first set's question."""
    _start(echo)
    echo.say("WarmUpIntent")
    reply = echo.say("SkipRoutineIntent", routine=("warm_up", "warm up"))
    assert reply.asked == "ready"
    assert "walking lunge?" in reply.text.lower()


def test_next_said_over_the_warm_up_skips_the_warm_up_not_the_first_exercise(
    echo: Device,
) -> None:
    """'Alexa, next' interrupting the warm-up lands on the first exercise, which is not skipped."""
    _start(echo)
    echo.say("AMAZON.YesIntent")
    reply = echo.say("AMAZON.NextIntent")
    assert "walking lunge?" in reply.text.lower()
    first = echo.say("ReadyIntent")
    assert "walking lunge" in first.text.lower()
    assert "set 1 of 3" in first.text.lower()


def test_never_warm_up_is_remembered_across_sessions(echo: Device, clock: FakeClock) -> None:
    """'Never warm up' is kept: the next day's start asks for the first set straight away."""
    _start(echo)
    said = echo.say("NeverRoutineIntent", routine=("warm_up", "warm up"))
    assert "warm-up" in said.text
    assert said.asked == "ready", "the offer is answered: on to the first set"
    clock.advance(DAY)
    again = _start(echo, "core_and_stability")
    assert again.asked == "ready"
    assert "warm-up" not in again.text.lower()
    assert "double heel tap?" in again.text.lower()


def test_always_warm_up_plays_it_at_every_start_within_the_audio_limit(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """'Always warm up': each start plays the warm-up in the same response, under 240 s."""
    echo.launch()
    echo.say("AlwaysRoutineIntent", routine=("warm_up", "warm up"))
    for workout_id in sorted(library.workouts):
        clock.advance(DAY)
        reply = _start(echo, workout_id)
        heard = _counted_moves(reply, library, RoutineKind.WARM_UP)
        assert heard == _expected(library, RoutineKind.WARM_UP, workout_id), workout_id
        assert reply.seconds <= MAX_AUDIO_SECONDS - 10, (workout_id, reply.seconds)
        assert reply.asked == "warmed_up"
        first = library.exercise(library.workout(workout_id).items[0].exercise_id).name
        assert reply.text.rstrip().endswith("?")
        assert first.lower() in reply.text.split("warm")[-1].lower(), workout_id


# ---------------------------------------------------------------- cool-down


def _finish_short(echo: Device) -> Reply:
    """A five-minute workout, warm-up declined, played to its last set."""
    _start(echo, "five_basics", duration="PT5M")
    echo.say("AMAZON.NoIntent")
    for _ in range(50):
        reply = echo.say("ReadyIntent")
        if reply.finishes_workout:
            if echo.clock is not None:  # the runner answers once the last set has played
                echo.clock.advance(reply.seconds + 2)
            return reply
    raise AssertionError("the workout did not finish")


def test_the_last_set_offers_a_cool_down_and_yes_plays_it(echo: Device, library: Library) -> None:
    """After the summary a cool-down is offered; yes plays each move and says goodbye."""
    last = _finish_short(echo)
    assert last.asked == "cool_down_offer"
    assert not last.ends_session
    assert "minute" in last.text
    cool = echo.say("CoolDownIntent")
    moves = library.routines[RoutineKind.COOL_DOWN].moves
    assert _counted_moves(cool, library, RoutineKind.COOL_DOWN) == [
        _name(library, m) for m in moves
    ]
    assert "Hold 30 seconds on each side" in cool.text, "the hip stretch is held a side"
    assert "kneel on your left knee" in cool.text, "the first side in words"
    assert cool.ends_session
    assert 120 <= cool.seconds <= MAX_AUDIO_SECONDS - 20


def test_no_to_the_cool_down_says_goodbye(echo: Device) -> None:
    """No to the cool-down ends the session kindly."""
    assert _finish_short(echo).asked == "cool_down_offer"
    bye = echo.say("AMAZON.NoIntent")
    assert bye.ends_session
    assert bye.seconds < 10


def test_never_cool_down_ends_with_the_summary(echo: Device, clock: FakeClock) -> None:
    """'Never cool down' is remembered: the last set's reply ends the session with no offer."""
    echo.launch()
    echo.say("NeverRoutineIntent", routine=("cool_down", "cool down"))
    clock.advance(60)
    last = _finish_short(echo)
    assert last.ends_session
    assert "cool-down" not in last.text.lower()


def test_always_cool_down_announces_it_and_ready_plays_it(
    echo: Device, clock: FakeClock, library: Library
) -> None:
    """'Always cool down': the summary says the cool-down is next, and ready plays it."""
    echo.launch()
    echo.say("AlwaysRoutineIntent", routine=("cool_down", "cool down"))
    clock.advance(60)
    last = _finish_short(echo)
    assert last.asked == "cool_down_offer"
    assert any(v.split("{")[0] in last.text for v in library.phrases.variants("cool_down_always"))
    cool = echo.say("ReadyIntent")
    assert _counted_moves(cool, library, RoutineKind.COOL_DOWN)
    assert cool.ends_session


# ---------------------------------------------------------------- storage and content


def test_a_version_two_record_gets_the_routine_defaults() -> None:
    """A record stored before the preference existed loads with ask for both."""
    data = record_to_dict(UserRecord(preferences=Preferences(quick=True)))
    data["schema_version"] = 2
    for key in ("warm_up", "cool_down"):
        del data["preferences"][key]
    record = record_from_dict(json.loads(json.dumps(data)))
    assert record.preferences.warm_up is RoutineChoice.ASK
    assert record.preferences.cool_down is RoutineChoice.ASK
    assert record.preferences.quick
    chosen = UserRecord(
        preferences=Preferences(warm_up=RoutineChoice.NEVER, cool_down=RoutineChoice.ALWAYS)
    )
    assert record_from_dict(record_to_dict(chosen)) == chosen


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _move(content: Path, index: int, change: dict[str, object]) -> None:
    path = content / "routines" / "warm_up.yaml"
    data = yaml.safe_load(path.read_text())
    data["moves"][index] = change
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_routines_use_library_moves_at_easy_doses_and_no_kit(library: Library) -> None:
    """Library moves need no kit and stay at most at their own dose; every move has a set-up."""
    assert set(library.routines) == set(RoutineKind)
    for routine in library.routines.values():
        for move in routine.moves:
            assert move.setup
            if not move.exercise_id:
                continue
            exercise = library.exercise(move.exercise_id)
            assert exercise.equipment == frozenset()
            if move.dosage.reps is not None:
                assert move.dosage.reps <= (exercise.dosage.reps or 0)
    warm_up = library.routines[RoutineKind.WARM_UP]
    assert 150 <= warm_up.estimated_seconds() <= 205, "about three minutes"


def test_the_warm_up_raises_the_heart_rate_then_preps_the_day(library: Library) -> None:
    """Two minutes moving first; then ramp-ups before the big lifts, wrists before planks."""
    warm_up = library.routines[RoutineKind.WARM_UP]
    general = warm_up.general()
    assert all(m.moving for m in general)
    assert sum(m.dosage.work_seconds() for m in general) >= 120
    prep = {w: _expected(library, RoutineKind.WARM_UP, w)[len(general) :] for w in library.workouts}
    assert prep["strength_with_equipment"] == ["a practice get up without the bell"]
    assert prep["top_six"] == ["a light practice set of hip hinges"]
    assert prep["five_basics"] == ["wrist and shoulder circles"]
    assert prep["lower_leg_and_hips"] == ["the half kneeling ankle rock back"]
    assert all(prep.values()), "every workout gets its prep"


def test_the_cool_down_is_static_stretches_held_half_a_minute(library: Library) -> None:
    """Every cool-down move is a held stretch of at least 30 s a side, its position named."""
    for move in library.routines[RoutineKind.COOL_DOWN].moves:
        assert not move.moving
        assert move.dosage.reps is None
        assert (move.dosage.hold_seconds or 0) >= 30
        assert move.setup
        assert "stretch" in move.name


def test_a_routine_move_needing_kit_or_too_much_is_rejected(content_copy: Path) -> None:
    """A kit-needing move, a heavy one and reps above the exercise's own are named by field."""
    setup = "Stand tall."
    _move(content_copy, 2, {"exercise": "step_up", "reps": 4, "setup": setup})
    _move(content_copy, 3, {"exercise": "squat", "reps": 15, "setup": setup})
    _move(content_copy, 4, {"exercise": "plank", "setup": setup})
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    message = str(caught.value)
    assert "content/routines/warm_up.yaml: moves[2].exercise: 'step_up' needs bench" in message
    assert "content/routines/warm_up.yaml: moves[3].reps: 15 is more than" in message
    assert "content/routines/warm_up.yaml: moves[4].reps: give reps, seconds" in message


def test_a_thin_warm_up_or_a_moving_cool_down_is_rejected(content_copy: Path) -> None:
    """Less than two minutes of moving, or a cool-down move that is not a held stretch, fail."""
    _move(content_copy, 0, {"move": "march", "name": "marching", "setup": "Stand.", "seconds": 30})
    path = content_copy / "routines" / "cool_down.yaml"
    data = yaml.safe_load(path.read_text())
    data["moves"][1] = {"move": "walk", "name": "walking", "setup": "Stand.", "seconds": 30}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    message = str(caught.value)
    assert "warm_up.yaml: moves: move for 90 s; a warm-up raises the heart rate" in message
    assert "cool_down.yaml: moves[1]: a cool-down stretch is a static hold" in message


def test_a_missing_routine_file_is_reported(content_copy: Path) -> None:
    """Without cool_down.yaml the check fails, naming the directory."""
    (content_copy / "routines" / "cool_down.yaml").unlink()
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    assert "content/routines: (directory): has no cool_down.yaml" in str(caught.value)


def test_routine_phrases_are_exactly_the_keys_the_code_says() -> None:
    """RoutineSay lists exactly routines.yaml's keys, and narration/routine.py uses each one."""
    keys = set(yaml.safe_load((CONTENT_DIR / "phrases" / "routines.yaml").read_text()))
    assert {key.value for key in RoutineSay} == keys
    source = Path(routine_module.__file__).read_text(encoding="utf-8")
    unused = [key.name for key in RoutineSay if f"RoutineSay.{key.name}" not in source]
    assert unused == []


def test_the_routine_slot_names_exactly_the_content_routines(library: Library) -> None:
    """The ROUTINE slot's ids in the utterance file are the routines' ids in content/routines."""
    utterances = yaml.safe_load((CONTENT_DIR / "utterances" / "en.yaml").read_text())
    ids = {value["id"] for value in utterances["types"]["ROUTINE"]}
    assert ids == {kind.value for kind in library.routines}


def test_a_sore_area_keeps_routine_moves_that_load_it_out(library: Library) -> None:
    """A sore knee: no kneeling stretch in the cool-down, no kneeling ankle rocks in the warm-up."""
    talk = routine_module.RoutineTalk(library, random.Random(0))
    knee = frozenset({"knee"})
    cool = talk.moves(RoutineKind.COOL_DOWN, sore=knee)
    assert "a kneeling hip flexor stretch" not in [m.name for m in cool]
    assert len(cool) == len(library.routines[RoutineKind.COOL_DOWN].moves) - 1
    warm = talk.moves(RoutineKind.WARM_UP, "lower_leg_and_hips", sore=knee)
    assert all("knee" not in m.stresses for m in warm)
    assert "ankle_rock_back" not in [m.exercise_id for m in warm]
    played = talk.play(RoutineKind.COOL_DOWN, sore=knee).speech
    assert "kneel" not in played.markup().lower()
    assert "hamstring stretch" in played.markup()
