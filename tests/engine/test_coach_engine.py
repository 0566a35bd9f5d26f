"""The pure pieces of a coach that knows the runner: progression, fitting, swaps, the week."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from runner_strength.content.model import EQUIPMENT, Format, Level
from runner_strength.engine import transitions as t
from runner_strength.engine.events import AskReady, SetPerformed, Swapped, SwapReason
from runner_strength.engine.personal import (
    doable,
    fit_workout,
    gentler,
    heavy_lower_body,
    kit_free,
    with_implied,
)
from runner_strength.engine.plan import build_plan
from runner_strength.engine.progress import (
    Change,
    Dose,
    ExerciseProgress,
    Feeling,
    level_dose,
    next_dose,
)
from runner_strength.engine.record import (
    HistoryEntry,
    Preferences,
    UserRecord,
    Verbosity,
    merge,
    with_feeling,
)
from runner_strength.engine.serialize import SCHEMA_VERSION, record_from_dict, record_to_dict
from runner_strength.engine.state import Adjustment, WorkoutState
from runner_strength.engine.stats import day_end, weekly_summary

if TYPE_CHECKING:
    from runner_strength.content.model import Library

LA = ZoneInfo("America/Los_Angeles")
T0 = 1_700_000_000.0

# One set a response, as with "ask me after every set": these tests follow single sets. Sets that
# flow on in one response are tests/engine/test_chained_sets.py's.
ready_one = partial(t.ready, most=1)
resume_one = partial(t.resume, most=1)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> float:
    """Epoch seconds of a UTC moment."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


def item(library: Library, workout_id: str, exercise_id: str) -> Any:
    """One workout item."""
    return next(i for i in library.workout(workout_id).items if i.exercise_id == exercise_id)


# ---------------------------------------------------------------- progression


def test_too_easy_climbs_reps_then_a_set_then_stops_at_the_top(library: Library) -> None:
    """Too easy adds reps up to the range's top, then one extra set, then holds at the top."""
    dose = Dose("double_heel_tap", 10)
    steps = []
    for _ in range(4):
        step = next_dose(library, dose, Feeling.TOO_EASY, base_sets=2, sets_count=True)
        steps.append(step.change)
        dose = step.dose
    assert steps == [Change.MORE, Change.MORE_SETS, Change.AT_TOP, Change.AT_TOP]
    assert dose == Dose("double_heel_tap", 12, extra_sets=1)


def test_too_easy_at_the_top_moves_to_the_harder_linked_exercise(library: Library) -> None:
    """A side plank at a minute with its extra set becomes the rotation at its own reps."""
    held = next_dose(
        library, Dose("side_plank", 15), Feeling.TOO_EASY, base_sets=2, sets_count=True
    )
    assert held.dose == Dose("side_plank", 20)
    top = next_dose(
        library, Dose("side_plank", 60, 1), Feeling.TOO_EASY, base_sets=2, sets_count=True
    )
    assert top.change is Change.HARDER_EXERCISE
    assert top.dose == Dose("side_plank_rotation", 8)


def test_too_hard_walks_down_to_the_easier_exercise(library: Library) -> None:
    """Too hard takes reps off, then a set, then switches to the easier linked exercise."""
    dose = Dose("copenhagen_plank", 15)
    changes = []
    for _ in range(3):
        step = next_dose(library, dose, Feeling.TOO_HARD, base_sets=2, sets_count=True)
        changes.append(step.change)
        dose = step.dose
    assert changes == [Change.LESS, Change.FEWER_SETS, Change.EASIER_EXERCISE]
    assert dose == Dose("side_plank", 15)


def test_just_right_keeps_the_dose_and_circuits_skip_the_set_step(library: Library) -> None:
    """Just right changes nothing; in a circuit the top of the range goes straight to the link."""
    same = next_dose(
        library, Dose("calf_raise", 12), Feeling.JUST_RIGHT, base_sets=3, sets_count=True
    )
    assert same.dose == Dose("calf_raise", 12)
    assert same.change is Change.SAME
    circuit = next_dose(
        library, Dose("calf_raise", 25), Feeling.TOO_EASY, base_sets=3, sets_count=False
    )
    assert circuit.dose == Dose("single_leg_calf_raise", 10)


def test_a_linked_exercise_needing_missing_kit_is_not_offered(library: Library) -> None:
    """Without a step, a calf raise at its top stays there instead of going single leg."""
    step = next_dose(
        library,
        Dose("calf_raise", 25, 1),
        Feeling.TOO_EASY,
        base_sets=3,
        sets_count=True,
        usable=lambda e: "step" not in e.equipment,
    )
    assert step.change is Change.AT_TOP


def test_level_decides_where_an_exercise_starts(library: Library) -> None:
    """Beginners start low with a set fewer or on the easier link; advanced high or harder."""
    calf = item(library, "lower_leg_and_hips", "calf_raise")
    copenhagen = item(library, "lower_leg_and_hips", "copenhagen_plank")
    plank = item(library, "five_basics", "plank")
    lunge = item(library, "five_basics", "walking_lunge")
    assert level_dose(library, lunge, Level.BEGINNER) == Dose("walking_lunge", 10, -1)
    assert level_dose(library, copenhagen, Level.BEGINNER) == Dose("side_plank", 15)
    assert level_dose(library, calf, Level.ADVANCED) == Dose("single_leg_calf_raise", 10)
    assert level_dose(library, plank, Level.ADVANCED) == Dose("plank", 60)
    assert level_dose(library, plank, Level.INTERMEDIATE) == Dose("plank", 30)
    assert level_dose(library, plank, None) == Dose("plank", 30)


# ---------------------------------------------------------------- fitting a workout


def test_next_times_dose_from_feedback_shapes_the_plan(library: Library) -> None:
    """Progress from feedback becomes adjustments and set counts, and a change to announce."""
    progress = {
        "double_heel_tap": ExerciseProgress(
            last=Dose("double_heel_tap", 10),
            next=Dose("double_heel_tap", 12, 1),
            feeling=Feeling.TOO_EASY,
        )
    }
    workout = library.workout("core_and_stability")
    day = fit_workout(library, workout, progress=progress)
    assert day.adjustments == {"double_heel_tap": Adjustment("double_heel_tap", 12)}
    assert day.set_counts == {"double_heel_tap": 3}
    (change,) = day.changes
    assert (change.before.amount, change.after.amount) == (10, 12)
    assert (change.sets_before, change.sets_after) == (2, 3)
    plan = build_plan(library, workout.id, adjustments=day.adjustments, set_counts=day.set_counts)
    assert plan.dosages["double_heel_tap"].reps == 12
    assert sum(1 for s in plan.slots if s.exercise_id == "double_heel_tap") == 3


def test_a_light_day_drops_heavy_leg_work_and_a_set_of_everything(library: Library) -> None:
    """Light: the heavy RDL is left out and every other exercise loses a set (down to one)."""
    workout = library.workout("strength_with_equipment")
    day = fit_workout(library, workout, light=True)
    assert day.omitted == {"negative_dumbbell_rdl"}
    plan = build_plan(library, workout.id, omitted=day.omitted, light=True)
    full = build_plan(library, workout.id)
    assert all(not heavy_lower_body(library.exercise(e)) for e in plan.performed.values())
    for written in plan.workout.items:
        before = full.dosages[written.exercise_id].sets
        assert plan.dosages[written.exercise_id].sets == max(1, before - 1)
    assert plan.estimated_seconds() < full.estimated_seconds()
    circuit = build_plan(library, "no_equipment_circuit", light=True)
    assert circuit.workout.format is Format.CIRCUIT
    assert circuit.workout.rounds == library.workout("no_equipment_circuit").rounds - 1


def test_missing_kit_swaps_to_linked_variants_and_filters_the_rotation(library: Library) -> None:
    """No band: band walks become frog walks, and workouts whose kit has no variant drop out."""
    day = fit_workout(library, library.workout("core_and_stability"), missing=frozenset({"band"}))
    assert day.adjustments["lateral_band_walk"].exercise_id == "frog_walk"
    assert day.refitted == ("lateral_band_walk",)
    rotation = {
        w.id
        for w in library.workouts.values()
        if doable(library, w, level=None, missing=frozenset({"band"}))
    }
    assert "lower_leg_and_hips" not in rotation
    assert "core_and_stability" in rotation
    bare = {
        w.id for w in library.workouts.values() if doable(library, w, level=None, missing=EQUIPMENT)
    }
    assert bare == {"core_and_stability", "five_basics", "no_equipment_circuit"}
    assert with_implied({"band"}) == {"band", "mini_band"}


def test_level_filters_the_rotation(library: Library) -> None:
    """A beginner's rotation holds only beginner workouts; an advanced runner's holds all."""
    beginner = {
        w.id
        for w in library.workouts.values()
        if doable(library, w, level=Level.BEGINNER, missing=frozenset())
    }
    assert beginner == {w.id for w in library.workouts.values() if w.level is Level.BEGINNER}
    advanced = {
        w.id
        for w in library.workouts.values()
        if doable(library, w, level=Level.ADVANCED, missing=frozenset())
    }
    assert advanced == set(library.workouts)


def test_a_sore_area_is_spared_from_the_start(library: Library) -> None:
    """A knee that hurt today: no exercise of the day's five basics loads the knee."""
    workout = library.workout("five_basics")
    day = fit_workout(library, workout, sore=frozenset({"knee"}))
    plan = build_plan(library, workout.id, adjustments=day.adjustments, omitted=day.omitted)
    assert all("knee" not in library.exercise(e).stresses for e in plan.performed.values())


# ---------------------------------------------------------------- stand-ins


def test_gentler_picks_a_similar_exercise_that_spares_the_area(library: Library) -> None:
    """Knee pain on lunges: a hip exercise that needs no kit and spares the knee."""
    chosen = gentler(library, "walking_lunge", "knee")
    assert chosen == "glute_bridge"
    assert "knee" not in library.exercise(chosen).stresses
    second = gentler(library, "squat", "knee", exclude=frozenset({"glute_bridge"}))
    assert second is not None
    assert "knee" not in library.exercise(second).stresses
    assert gentler(library, "walking_lunge", "knee", exclude=frozenset(library.exercises)) is None


def test_kit_free_prefers_the_linked_variant(library: Library) -> None:
    """A Bulgarian split squat without a bench becomes its easier link, the stationary lunge."""
    assert kit_free(library, "bulgarian_split_squat", frozenset({"bench"})) == "stationary_lunge"


def test_a_knee_complaint_swaps_the_current_exercise_and_the_workout_goes_on(
    library: Library,
) -> None:
    """Mid-lunges, knee pain swaps the lunges (and the squats to come); ready does the stand-in."""
    started = t.start(library, "five_basics", T0)
    first = ready_one(started.state, library, T0 + 5)
    assert any(
        isinstance(e, SetPerformed) and e.exercise_id == "walking_lunge" for e in first.events
    )
    hurt = t.swap_out(
        first.state,
        library,
        T0 + 200,
        avoid=lambda e: "knee" in e.stresses,
        stand_in=lambda doing, taken: gentler(library, doing, "knee", exclude=taken),
        reason=SwapReason.PAIN,
        area="knee",
    )
    swapped = hurt.events[0]
    assert isinstance(swapped, Swapped)
    assert swapped.current
    assert swapped.swaps[0] == ("walking_lunge", "glute_bridge")
    assert [old for old, _ in swapped.swaps] == ["walking_lunge", "squat"]
    ask = hurt.events[-1]
    assert isinstance(ask, AskReady)
    assert (ask.next.exercise_id, ask.next.set_number) == ("glute_bridge", 2)
    assert hurt.state is not None
    assert t.problems(hurt.state, library) == ()
    after = ready_one(hurt.state, library, T0 + 300)
    performed = next(e for e in after.events if isinstance(e, SetPerformed))
    assert performed.exercise_id == "glute_bridge"


def test_with_no_stand_in_the_exercise_is_skipped_and_the_workout_goes_on(
    library: Library,
) -> None:
    """When nothing spares the area, the exercise is left out and the next one is asked for."""
    started = t.start(library, "five_basics", T0)
    hurt = t.swap_out(
        started.state,
        library,
        T0 + 10,
        avoid=lambda e: "knee" in e.stresses,
        stand_in=lambda *_: None,
        reason=SwapReason.PAIN,
        area="knee",
    )
    swapped = hurt.events[0]
    assert isinstance(swapped, Swapped)
    assert swapped.dropped == ("walking_lunge", "squat")
    ask = hurt.events[-1]
    assert isinstance(ask, AskReady)
    assert ask.next.exercise_id == "plank"


def test_lighten_mid_workout_leaves_out_heavy_work_and_carries_on(library: Library) -> None:
    """Lightening after the first set leaves out the RDL and keeps the runner where they were."""
    started = t.start(library, "strength_with_equipment", T0)
    first = ready_one(started.state, library, T0 + 5)
    light = t.lighten(first.state, library, T0 + 300)
    assert light.state is not None
    assert light.state.light
    assert "negative_dumbbell_rdl" in light.state.omitted
    assert t.problems(light.state, library) == ()
    ask = light.events[-1]
    assert isinstance(ask, AskReady)
    assert ask.next.exercise_id != "negative_dumbbell_rdl"
    again = t.lighten(light.state, library, T0 + 301)
    assert again.state == light.state


# ---------------------------------------------------------------- the week


def entry(ended_at: float, *, finished: bool = True, done: int = 5) -> HistoryEntry:
    """A history entry ending at `ended_at`."""
    return HistoryEntry(
        id=f"h{ended_at}",
        workout_id="five_basics",
        started_at=ended_at - 900,
        ended_at=ended_at,
        finished=finished,
        exercises_done=tuple(f"e{n}" for n in range(done)),
    )


def test_sessions_count_monday_to_sunday() -> None:
    """Sunday night and Monday morning fall in different weeks; the week starts on Monday."""
    sunday = at(2026, 11, 22, 23, 30)  # a Sunday
    monday = at(2026, 11, 23, 0, 30)
    week = weekly_summary([entry(sunday), entry(monday)], at(2026, 11, 25), UTC)
    assert week.sessions == 1
    assert week.left == 1
    assert week.last is not None
    assert week.last.ended_at == monday
    assert week.days_since_last == 2


def test_the_time_zone_decides_which_week_a_session_is_in() -> None:
    """Monday 05:00 UTC is Sunday evening in Los Angeles: last week there, this week in UTC."""
    session = at(2026, 11, 23, 5)
    now = at(2026, 11, 23, 20)
    assert weekly_summary([entry(session)], now, UTC).sessions == 1
    in_la = weekly_summary([entry(session)], now, LA)
    assert in_la.sessions == 0
    assert in_la.days_since_last == 1


def test_streak_counts_whole_weeks_on_target() -> None:
    """Two on-target weeks before this one, and this one on target, make a streak of three."""
    sessions = [
        at(2026, 11, 3),
        at(2026, 11, 5),
        at(2026, 11, 10),
        at(2026, 11, 12),
        at(2026, 11, 17),
        at(2026, 11, 19, 8),
    ]
    week = weekly_summary([entry(s) for s in sessions], at(2026, 11, 19, 20), UTC)
    assert (week.sessions, week.streak) == (2, 3)
    midweek = weekly_summary([entry(s) for s in sessions[:-1]], at(2026, 11, 18), UTC)
    assert (midweek.sessions, midweek.streak) == (1, 2)
    gap = weekly_summary([entry(s) for s in sessions[:2] + sessions[4:]], at(2026, 11, 20), UTC)
    assert gap.streak == 1


def test_an_abandoned_attempt_counts_only_with_most_of_a_session() -> None:
    """Stopping after one exercise is not a session; stopping after three is."""
    now = at(2026, 11, 20)
    short = entry(at(2026, 11, 19), finished=False, done=1)
    most = entry(at(2026, 11, 18), finished=False, done=3)
    assert weekly_summary([short], now, UTC).sessions == 0
    assert weekly_summary([short, most], now, UTC).sessions == 1


def test_day_end_is_local_midnight_across_daylight_saving() -> None:
    """The end of a day is the next local midnight, even on the night the clocks change."""
    before_change = at(2026, 11, 1, 6)  # 23:00 on 31 October in Los Angeles, still summer time
    end = day_end(before_change, LA)
    assert datetime.fromtimestamp(end, LA).strftime("%Y-%m-%d %H:%M") == "2026-11-01 00:00"
    assert day_end(at(2026, 11, 23, 10), UTC) == at(2026, 11, 24, 0)


# ---------------------------------------------------------------- the record


V1_RECORD: dict[str, Any] = {
    "schema_version": 1,
    "active": {
        "kitchen": {
            "id": "1-five_basics",
            "workout_id": "five_basics",
            "started_at": 1.0,
            "updated_at": 2.0,
            "position": 3,
            "quick": False,
            "target_seconds": None,
            "adjustments": {"squat": {"exercise_id": "squat", "amount": 10}},
            "skipped": [],
            "done": ["walking_lunge"],
            "introduced": ["walking_lunge"],
            "heard_before": [],
            "last_set": None,
            "paused": True,
            "paused_at": 2.0,
            "rolled_back": False,
            "finished": False,
        },
    },
    "health_note_heard": True,
    "intros_heard": ["plank"],
    "preferences": {"quick": True, "target_minutes": 20},
    "history": [
        {
            "id": "0-core",
            "workout_id": "core_and_stability",
            "started_at": 0.0,
            "ended_at": 0.5,
            "finished": True,
            "exercises_done": ["plank"],
            "skipped": [],
        }
    ],
    "updated_at": 2.0,
}


def test_a_version_one_record_loads_with_everything_new_empty() -> None:
    """A record written before version 2 loads through the migrations, new fields at defaults."""
    assert SCHEMA_VERSION >= 3  # version 3 adds the tones preference
    record = record_from_dict(json.loads(json.dumps(V1_RECORD)))
    assert record.preferences == Preferences(quick=True, target_minutes=20)
    assert record.preferences.verbosity is Verbosity.STANDARD
    assert record.progress == {}
    assert not record.pain_note_heard
    assert record.light_until is None
    assert record.history[0].feelings == ()
    state = record.active["kitchen"]
    assert (state.position, state.light, state.omitted, state.set_counts) == (
        3,
        False,
        frozenset(),
        {},
    )
    assert record_from_dict(record_to_dict(record)) == record


def test_a_version_two_state_loads_with_navigation_and_pain_at_defaults() -> None:
    """A version 2 active workout loads with its version 3 fields at their declared defaults."""
    v2 = record_to_dict(record_from_dict(json.loads(json.dumps(V1_RECORD))))
    v2["schema_version"] = 2
    for state in v2["active"].values():
        for key in ("undo_skip", "return_to", "pain_reports"):
            del state[key]
    state = record_from_dict(v2).active["kitchen"]
    assert (state.undo_skip, state.return_to, state.pain_reports) == (None, None, 0)
    assert state.position == 3  # as stored


def test_everything_new_round_trips() -> None:
    """Preferences, progress, feelings, light days, sore areas and fitted states survive JSON."""
    state = WorkoutState(
        id="s",
        workout_id="five_basics",
        started_at=1.0,
        updated_at=2.0,
        set_counts={"squat": 2},
        omitted=frozenset({"plank"}),
        light=True,
    )
    record = UserRecord(
        active={"kitchen": state},
        preferences=Preferences(
            level=Level.BEGINNER,
            missing_equipment=frozenset({"band"}),
            verbosity=Verbosity.SHORT,
            time_zone="Europe/Berlin",
        ),
        history=(replace(entry(5.0), feelings=(("e1", Feeling.TOO_EASY),)),),
        progress={
            "plank": ExerciseProgress(
                last=Dose("plank", 30),
                last_at=4.0,
                next=Dose("plank", 35, 1),
                feeling=Feeling.TOO_EASY,
                feeling_at=4.0,
                updated_at=4.0,
            )
        },
        pain_note_heard=True,
        light_until=9.0,
        sore_until={"knee": 9.0},
    )
    assert record_from_dict(json.loads(json.dumps(record_to_dict(record)))) == record


def test_merge_keeps_the_newer_progress_per_exercise() -> None:
    """Two devices' feedback on different exercises both survive; the newer wins per exercise."""
    ours = UserRecord(
        progress={
            "plank": ExerciseProgress(next=Dose("plank", 35), updated_at=5),
            "squat": ExerciseProgress(next=Dose("squat", 10), updated_at=9),
        },
        updated_at=9,
    )
    theirs = UserRecord(
        progress={"plank": ExerciseProgress(next=Dose("plank", 40), updated_at=7)},
        pain_note_heard=True,
        light_until=3.0,
        sore_until={"knee": 4.0},
        updated_at=7,
    )
    merged = merge(ours, theirs)
    assert merged.progress["plank"].next == Dose("plank", 40)
    assert merged.progress["squat"].next == Dose("squat", 10)
    assert merged.pain_note_heard
    assert (merged.light_until, merged.sore_until) == (3.0, {"knee": 4.0})


def test_feedback_after_a_workout_lands_in_its_history_entry() -> None:
    """'Too easy' said after the last workout ended is added to that workout's feelings."""
    last = HistoryEntry("w", "five_basics", 0.0, 100.0, finished=True, exercises_done=("plank",))
    record = UserRecord(history=(last,))
    progress = ExerciseProgress(
        last=Dose("plank", 30),
        last_at=100.0,
        next=Dose("plank", 35),
        feeling=Feeling.TOO_EASY,
        feeling_at=150.0,
        updated_at=150.0,
    )
    updated = with_feeling(record, "plank", progress)
    assert updated.history[-1].feelings == (("plank", Feeling.TOO_EASY),)
    assert updated.progress["plank"] == progress


@pytest.mark.parametrize("level", [None, *Level])
def test_every_workout_fits_every_level_without_breaking_its_state(
    library: Library, level: Level | None
) -> None:
    """Fitted at any level, with or without kit, on a light day, every workout walks to its end."""
    for workout in library.workouts.values():
        for missing, light in ((frozenset(), False), (EQUIPMENT, True)):
            day = fit_workout(library, workout, level=level, missing=missing, light=light)
            outcome = t.start(library, workout.id, T0, day=day)
            now = T0
            for _ in range(200):
                assert outcome.state is not None
                assert t.problems(outcome.state, library) == ()
                if outcome.state.finished:
                    break
                now += 30
                outcome = ready_one(outcome.state, library, now)
            else:
                pytest.fail(f"{workout.id} never finished")
