"""The workout transitions and the plan, on a small hand-made library and on random ones."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runner_strength.content.model import (
    SET_TALK_SECONDS,
    SIDE_SWITCH_SECONDS,
    Category,
    Dosage,
    Exercise,
    Format,
    Intensity,
    Level,
    Library,
    Mode,
    Option,
    PhraseBook,
    Workout,
    WorkoutItem,
)
from runner_strength.engine import transitions as t
from runner_strength.engine.events import (
    Adjusted,
    AskReady,
    ExerciseIntro,
    MovedBack,
    MovedOn,
    NextUp,
    NotAllowed,
    Outcome,
    Paused,
    Reason,
    Repeated,
    Resumed,
    SetPerformed,
    Skipped,
    StartedOver,
    Status,
    WorkoutFinished,
    WorkoutStarted,
)
from runner_strength.engine.plan import (
    INTRO_SECONDS,
    MAX_RESPONSE_SECONDS,
    build_plan,
    played_seconds,
    remap,
    shorten,
    step_amount,
)
from runner_strength.engine.serialize import state_from_dict, state_to_dict
from runner_strength.engine.state import Adjustment, Direction, Phase, Scope, Side, WorkoutState

T0 = 1_700_000_000.0
Transition = Callable[[WorkoutState | None, Library, float], Outcome]

# ---------------------------------------------------------------- building libraries

# One set a response, as with "ask me after every set": these tests follow single sets. Sets that
# flow on in one response are tests/engine/test_chained_sets.py's.
ready_one = partial(t.ready, most=1)
resume_one = partial(t.resume, most=1)


def reps(
    reps: int,
    low: int,
    high: int,
    *,
    sets: int = 3,
    per_side: bool = False,
    rest: int = 30,
    tempo: float = 3.0,
) -> Dosage:
    """A rep dosage."""
    return Dosage(
        Mode.REPS,
        sets,
        per_side=per_side,
        rest_seconds=rest,
        reps=reps,
        reps_range=(low, high),
        tempo_seconds=tempo,
    )


def hold(
    seconds: int, low: int, high: int, *, sets: int = 2, per_side: bool = False, rest: int = 30
) -> Dosage:
    """A hold dosage."""
    return Dosage(
        Mode.HOLD,
        sets,
        per_side=per_side,
        rest_seconds=rest,
        hold_seconds=seconds,
        hold_range=(low, high),
    )


def exercise(
    exercise_id: str, dosage: Dosage, *, easier: str | None = None, harder: str | None = None
) -> Exercise:
    """An exercise with placeholder wording and optional easier and harder links."""
    return Exercise(
        id=exercise_id,
        name=exercise_id.replace("_", " "),
        aliases=(),
        sources=("s",),
        category=Category.LEGS,
        muscles=("legs",),
        why="Why.",
        equipment=frozenset(),
        setup="Set up.",
        cues=("One.", "Two.", "Three."),
        mistakes=("Mistake.",),
        dosage=dosage,
        easier=Option("Easier.", easier),
        harder=Option("Harder.", harder),
        variants=(),
        safety=("Careful.",),
        stresses=frozenset(),
        level=Level.BEGINNER,
        intensity=Intensity.MODERATE,
    )


def item(ex: Exercise, sets: int | None = None) -> WorkoutItem:
    """A workout item of `ex` at its own dosage, optionally with another set count."""
    return WorkoutItem(ex.id, ex.dosage if sets is None else replace(ex.dosage, sets=sets))


def workout(
    workout_id: str,
    items: list[WorkoutItem],
    *,
    circuit: bool = False,
    rounds: int = 1,
    round_rest: int = 0,
) -> Workout:
    """A workout of `items`."""
    return Workout(
        id=workout_id,
        name=workout_id,
        aliases=(),
        sources=("s",),
        focus="Focus.",
        description="Description.",
        level=Level.BEGINNER,
        format=Format.CIRCUIT if circuit else Format.STRAIGHT,
        rounds=rounds if circuit else 1,
        round_rest_seconds=round_rest if circuit else 0,
        items=tuple(items),
    )


def make_library(exercises: list[Exercise], workouts: list[Workout]) -> Library:
    """A library of these exercises and workouts."""
    return Library(
        sources={},
        exercises={e.id: e for e in exercises},
        workouts={w.id: w for w in workouts},
        phrases=PhraseBook({}),
    )


def small_library() -> Library:
    """A hand-made library whose numbers the tests below rely on.

    - squat: 10 reps (8..12) at 3 s, 3 sets, 30 s rest; easier chair_squat, harder jump_squat
    - side_plank: 30 s hold (10..45) per side, 2 sets, 20 s rest; easier plank
    - plank: 30 s hold (20..60), 2 sets; harder side_plank
    - bridge: 12 reps (12..12), 3 sets, no links: at both bounds at once
    - long_hold: 120 s (60..120) per side, 2 sets, 60 s rest: too long for one response;
      easier plank
    Workouts: `straight` (squat, side_plank, bridge: 8 slots), `circuit` (squat, plank, bridge;
    2 rounds, 60 s round rest: 6 slots), `long` (long_hold, one set of bridge: 5 slots).
    """
    squat = exercise("squat", reps(10, 8, 12), easier="chair_squat", harder="jump_squat")
    chair = exercise("chair_squat", reps(12, 8, 15), harder="squat")
    jump = exercise("jump_squat", reps(8, 6, 10), easier="squat")
    side_plank = exercise("side_plank", hold(30, 10, 45, per_side=True, rest=20), easier="plank")
    plank = exercise("plank", hold(30, 20, 60), harder="side_plank")
    bridge = exercise("bridge", reps(12, 12, 12))
    long_hold = exercise("long_hold", hold(120, 60, 120, per_side=True, rest=60), easier="plank")
    return make_library(
        [squat, chair, jump, side_plank, plank, bridge, long_hold],
        [
            workout("straight", [item(squat), item(side_plank), item(bridge)]),
            workout(
                "circuit",
                [item(squat), item(plank), item(bridge)],
                circuit=True,
                rounds=2,
                round_rest=60,
            ),
            workout("long", [item(long_hold), item(bridge, sets=1)]),
        ],
    )


LIB = small_library()


def started(workout_id: str = "straight", **options: bool) -> WorkoutState:
    """A freshly started workout of the small library."""
    state = t.start(LIB, workout_id, T0, quick=options.get("quick", False)).state
    assert state is not None
    return state


def after_readies(count: int, workout_id: str = "straight") -> WorkoutState:
    """A workout after `count` "ready"s, one minute apart (each set's audio over)."""
    state = started(workout_id)
    for n in range(count):
        state = state_of(run(ready_one, state, T0 + 60 * (n + 1)))
    return state


def run(transition: Transition, state: WorkoutState | None, now: float) -> Outcome:
    """Apply a transition and check the outcome's general promises."""
    outcome = transition(state, LIB, now)
    assert outcome.events
    if outcome.state is not None:
        assert t.problems(outcome.state, LIB) == ()
    return outcome


def state_of(outcome: Outcome) -> WorkoutState:
    """The outcome's state, which must be there."""
    assert outcome.state is not None
    return outcome.state


def kinds(outcome: Outcome) -> list[type]:
    """The event types of an outcome, in order."""
    return [type(e) for e in outcome.events]


def refused(outcome: Outcome) -> Reason:
    """The reason of the outcome's NotAllowed (fails when it has none)."""
    first = outcome.events[0]
    assert isinstance(first, NotAllowed), outcome.events
    return first.reason


def start_over_workout(state: WorkoutState | None, library: Library, now: float) -> Outcome:
    """Start the whole workout over."""
    return t.start_over(state, library, now, Scope.WORKOUT)


ALL: dict[str, Transition] = {
    "ready": ready_one,
    "repeat": t.repeat,
    "pause": t.pause,
    "resume": resume_one,
    "next": t.next_exercise,
    "previous": t.previous_exercise,
    "skip": t.skip_exercise,
    "start_over": t.start_over,
    "start_over_workout": start_over_workout,
    "easier": t.easier,
    "harder": t.harder,
    "status": t.status,
    "finish": t.finish,
}


# ---------------------------------------------------------------- start and ready


def test_start_asks_for_the_first_set() -> None:
    """Starting a workout announces it and asks about the first set of the first exercise."""
    outcome = t.start(LIB, "straight", T0)
    assert outcome.events == (
        WorkoutStarted(
            "straight",
            exercise_count=3,
            total_sets=8,
            estimated_seconds=build_plan(LIB, "straight").total_seconds(),
            full_seconds=played_seconds(LIB, LIB.workout("straight")),
            shortened=False,
            equipment=frozenset(),
        ),
        AskReady(NextUp("squat", 1, 3, (Side.BOTH,), new_exercise=True)),
    )
    assert outcome.state is not None
    assert outcome.state.position == 0
    assert outcome.state.phase_at(T0) is Phase.INTRO


def test_start_of_an_unknown_workout_is_not_allowed() -> None:
    """Starting a workout the library lacks gives no state and an UNKNOWN_WORKOUT refusal."""
    outcome = t.start(LIB, "no_such_workout", T0)
    assert outcome.state is None
    assert refused(outcome) is Reason.UNKNOWN_WORKOUT


def test_quick_start_is_marked_shortened() -> None:
    """A quick start tells the narrator the workout was shortened and by how much."""
    event = t.start(LIB, "straight", T0, quick=True).events[0]
    assert isinstance(event, WorkoutStarted)
    assert event.shortened
    assert event.estimated_seconds < event.full_seconds


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_move_without_a_workout_is_not_allowed(name: str) -> None:
    """With no active workout every transition refuses with NO_WORKOUT and no state."""
    outcome = ALL[name](None, LIB, T0)
    assert outcome.state is None
    assert refused(outcome) is Reason.NO_WORKOUT


@pytest.mark.parametrize("name", sorted(set(ALL) - {"status", "start_over_workout"}))
def test_every_move_after_the_end_is_not_allowed(name: str) -> None:
    """Once finished, every move but status and starting over refuses with FINISHED."""
    state = run(t.finish, started(), T0 + 10).state
    outcome = run(ALL[name], state, T0 + 20)
    assert refused(outcome) is Reason.FINISHED
    assert outcome.state == state
    assert kinds(outcome) == [NotAllowed]


def test_ready_performs_one_set_and_points_at_the_next() -> None:
    """Ready introduces the exercise, performs set one with its rest and asks about set two."""
    outcome = run(ready_one, started(), T0 + 5)
    intro, performed, ask = outcome.events
    assert intro == ExerciseIntro("squat", first_time=True, heard_before=False)
    assert isinstance(performed, SetPerformed)
    assert (performed.exercise_id, performed.set_number, performed.total_sets) == ("squat", 1, 3)
    assert performed.dosage.reps == 10
    assert performed.sides == (Side.BOTH,)
    assert performed.rest_seconds == performed.rest_prescribed_seconds == 30
    assert ask == AskReady(NextUp("squat", 2, 3, (Side.BOTH,), new_exercise=False))
    assert performed.next_preview == ask.next
    state = outcome.state
    assert state is not None
    assert state.position == 1
    assert state.last_set is not None
    lead = SET_TALK_SECONDS + INTRO_SECONDS
    assert state.last_set.started_at == T0 + 5
    assert state.last_set.work_ends == lead + 30
    assert state.last_set.audio_ends == lead + 30 + 30


def test_intro_is_marked_heard_before_from_the_record() -> None:
    """An exercise whose intro the runner heard in an earlier workout is marked heard_before."""
    state = t.start(LIB, "straight", T0, heard_before=frozenset({"squat"})).state
    intro = run(ready_one, state, T0 + 1).events[0]
    assert intro == ExerciseIntro("squat", first_time=True, heard_before=True)


def test_phase_follows_the_clock() -> None:
    """After a set the phase is work, then rest, then ready, derived from the time passed in."""
    state = run(ready_one, started(), T0).state
    assert state is not None
    assert state.phase_at(T0 + 10) is Phase.WORK
    assert state.phase_at(T0 + 80) is Phase.REST
    assert state.phase_at(T0 + 200) is Phase.READY
    assert state_of(run(t.finish, state, T0 + 300)).phase_at(T0 + 300) is Phase.DONE


def test_the_last_set_finishes_the_workout_without_a_rest() -> None:
    """The last ready performs the last set with no rest and ends with the summary."""
    state = after_readies(7)
    outcome = run(ready_one, state, T0 + 1000)
    performed, finished = outcome.events
    assert isinstance(performed, SetPerformed)
    assert performed.rest_seconds == 0
    assert performed.next_preview is None
    assert isinstance(finished, WorkoutFinished)
    assert finished.summary.completed
    assert finished.summary.sets_done == 8
    assert finished.summary.exercises_done == ("squat", "side_plank", "bridge")
    assert outcome.state is not None
    assert outcome.state.finished


# ---------------------------------------------------------------- pause and resume


def test_pause_during_work_rolls_the_set_back_and_resume_repeats_it() -> None:
    """A pause while a set is still being worked undoes it; resume re-orients and repeats it."""
    state = run(ready_one, started(), T0).state
    paused = run(t.pause, state, T0 + 10)
    assert paused.events == (
        Paused(NextUp("squat", 1, 3, (Side.BOTH,), new_exercise=False), rolled_back=True),
    )
    assert paused.state is not None
    assert paused.state.position == 0
    resumed = run(resume_one, paused.state, T0 + 100)
    assert kinds(resumed) == [Resumed, SetPerformed, AskReady]
    first = resumed.events[0]
    assert isinstance(first, Resumed)
    assert first.rolled_back
    assert first.paused_seconds == 90
    performed = resumed.events[1]
    assert isinstance(performed, SetPerformed)
    assert performed.set_number == 1
    assert resumed.state is not None
    assert resumed.state.position == 1
    assert not resumed.state.paused


@pytest.mark.parametrize("offset", [80.0, 104.0, 500.0])
def test_pause_during_rest_or_after_keeps_the_set_done(offset: float) -> None:
    """A pause in the rest after a set, or after its audio, keeps the set; resume goes on."""
    state = run(ready_one, started(), T0).state
    paused = run(t.pause, state, T0 + offset)
    assert paused.state is not None
    assert paused.state.position == 1
    assert not paused.state.rolled_back
    performed = run(resume_one, paused.state, T0 + offset + 5).events[1]
    assert isinstance(performed, SetPerformed)
    assert performed.set_number == 2


def test_pause_before_the_first_set_resumes_with_it() -> None:
    """A pause before any set keeps the position; resume performs the first set."""
    paused = run(t.pause, started(), T0 + 1)
    assert paused.events == (
        Paused(NextUp("squat", 1, 3, (Side.BOTH,), new_exercise=True), rolled_back=False),
    )
    assert kinds(run(resume_one, paused.state, T0 + 2)) == [
        Resumed,
        ExerciseIntro,
        SetPerformed,
        AskReady,
    ]


def test_pause_twice_and_resume_unpaused_are_not_allowed() -> None:
    """Pausing a paused workout or resuming a running one is refused and changes nothing."""
    state = started()
    assert refused(run(resume_one, state, T0 + 1)) is Reason.NOTHING_PAUSED
    assert run(resume_one, state, T0 + 1).state == state
    paused = run(t.pause, state, T0 + 2).state
    again = run(t.pause, paused, T0 + 3)
    assert refused(again) is Reason.ALREADY_PAUSED
    assert again.state == paused
    assert kinds(again) == [NotAllowed]  # paused: no question about the next set


def test_ready_while_paused_resumes() -> None:
    """Saying ready during a pause resumes and performs the set."""
    paused = run(t.pause, run(ready_one, started(), T0).state, T0 + 10).state
    assert kinds(run(ready_one, paused, T0 + 20)) == [Resumed, SetPerformed, AskReady]


def test_pause_during_an_interrupted_repeat_does_not_roll_back() -> None:
    """Interrupting a repeat of an older set keeps the position, so no set runs twice."""
    back = run(t.previous_exercise, after_readies(4), T0 + 500).state  # at squat 1; did plank 1
    repeated = run(t.repeat, back, T0 + 510).state
    paused = run(t.pause, repeated, T0 + 515).state
    assert paused is not None
    assert paused.position == 0
    assert not paused.rolled_back


# ---------------------------------------------------------------- status


def test_status_counts_what_is_left() -> None:
    """Status gives sets done and left, exercises left and the computed seconds left."""
    plan = build_plan(LIB, "straight")
    status = run(t.status, started(), T0 + 7)
    assert status.events[0] == Status(
        where=NextUp("squat", 1, 3, (Side.BOTH,), new_exercise=True),
        sets_done=0,
        sets_left=8,
        exercises_left=3,
        seconds_left=plan.estimated_seconds(),
        elapsed_seconds=7,
        paused=False,
    )
    assert isinstance(status.events[-1], AskReady)
    later = run(t.status, after_readies(3), T0 + 400).events[0]
    assert isinstance(later, Status)
    assert (later.sets_done, later.sets_left, later.exercises_left) == (3, 5, 2)
    assert later.seconds_left == plan.estimated_seconds(3)


def test_status_keeps_a_pause() -> None:
    """Status during a pause reports it and leaves the workout paused."""
    paused = run(t.pause, started(), T0 + 1).state
    outcome = run(t.status, paused, T0 + 2)
    assert kinds(outcome) == [Status]
    assert outcome.state == paused


# ---------------------------------------------------------------- repeat, next, previous


def test_repeat_redoes_the_last_set_and_keeps_the_position() -> None:
    """Repeat performs the last performed set again and then asks about the same next set."""
    assert refused(run(t.repeat, started(), T0)) is Reason.NOTHING_TO_REPEAT
    outcome = run(t.repeat, after_readies(2), T0 + 500)
    assert kinds(outcome) == [Repeated, SetPerformed, AskReady]
    assert outcome.events[0] == Repeated("squat", 2)
    performed = outcome.events[1]
    assert isinstance(performed, SetPerformed)
    assert performed.set_number == 2
    assert outcome.state is not None
    assert outcome.state.position == 2


def test_next_goes_to_the_next_exercise_and_stops_at_the_last() -> None:
    """Next moves to the first set of the next exercise; after the last one it is refused."""
    outcome = run(t.next_exercise, after_readies(1), T0 + 100)
    assert outcome.events == (
        MovedOn("squat", NextUp("side_plank", 1, 2, (Side.LEFT, Side.RIGHT), new_exercise=True)),
        AskReady(NextUp("side_plank", 1, 2, (Side.LEFT, Side.RIGHT), new_exercise=True)),
    )
    on_bridge = run(t.next_exercise, outcome.state, T0 + 110).state
    refusal = run(t.next_exercise, on_bridge, T0 + 120)
    assert refused(refusal) is Reason.AT_END
    assert refusal.state == on_bridge
    assert isinstance(refusal.events[-1], AskReady)


def test_next_in_a_circuit_goes_to_the_next_exercise_of_the_round() -> None:
    """In a circuit, next moves to the next exercise in the round."""
    outcome = run(t.next_exercise, started("circuit"), T0 + 1)
    assert outcome.state is not None
    assert outcome.state.position == 1
    assert isinstance(outcome.events[0], MovedOn)
    assert outcome.events[0].where.exercise_id == "plank"


def test_previous_goes_back_to_the_previous_exercise_and_stops_at_the_first() -> None:
    """Previous returns to the first set of the exercise before; before the first it is refused."""
    on_side_plank = after_readies(4)
    outcome = run(t.previous_exercise, on_side_plank, T0 + 500)
    assert kinds(outcome) == [MovedBack, AskReady]
    assert outcome.state is not None
    assert outcome.state.position == 0
    refusal = run(t.previous_exercise, after_readies(1), T0 + 500)
    assert refused(refusal) is Reason.AT_START


# ---------------------------------------------------------------- skip and start over


def test_skip_in_a_circuit_skips_the_exercise_in_every_round() -> None:
    """A skipped circuit exercise is left out of every later round and named in the summary."""
    outcome = run(t.skip_exercise, started("circuit"), T0 + 1)
    assert outcome.events[0] == Skipped("squat")
    state = outcome.state
    performed: list[str] = []
    now = T0 + 10
    while state is not None and not state.finished:
        now += 60
        result = run(ready_one, state, now)
        performed += [e.exercise_id for e in result.events if isinstance(e, SetPerformed)]
        state = result.state
    assert performed == ["plank", "bridge", "plank", "bridge"]
    last = result.events[-1]
    assert isinstance(last, WorkoutFinished)
    assert last.summary.skipped == ("squat",)
    assert last.summary.exercises_done == ("plank", "bridge")


def test_skipping_the_last_exercise_finishes_the_workout_early() -> None:
    """Skipping when nothing else is left ends the workout with a summary."""
    on_bridge = run(
        t.next_exercise, run(t.next_exercise, after_readies(1), T0 + 100).state, T0 + 110
    ).state
    outcome = run(t.skip_exercise, on_bridge, T0 + 120)
    assert kinds(outcome) == [Skipped, WorkoutFinished]
    finished = outcome.events[1]
    assert isinstance(finished, WorkoutFinished)
    assert not finished.summary.completed
    assert finished.summary.skipped == ("bridge",)
    assert finished.summary.exercises_done == ("squat",)


def test_previous_brings_back_a_skipped_exercise() -> None:
    """Going back to a skipped exercise un-skips it."""
    skipped = run(t.skip_exercise, started(), T0 + 1).state
    back = run(t.previous_exercise, skipped, T0 + 2).state
    assert back is not None
    assert back.skipped == frozenset()
    assert back.position == 0


@pytest.mark.parametrize(("readies", "expected"), [(2, 0), (3, 0), (4, 3), (0, 0)])
def test_start_over_restarts_the_exercise_in_progress(readies: int, expected: int) -> None:
    """Start over goes to the exercise's first set: the current one, or the one just finished."""
    outcome = run(t.start_over, after_readies(readies), T0 + 1000)
    assert kinds(outcome) == [StartedOver, AskReady]
    assert outcome.state is not None
    assert outcome.state.position == expected


def test_start_over_in_a_circuit_restarts_that_exercise_set() -> None:
    """In a circuit, start over redoes the set of the exercise just done in this round."""
    outcome = run(t.start_over, after_readies(2, "circuit"), T0 + 1000)
    assert outcome.state is not None
    assert outcome.state.position == 1


def test_start_over_the_workout_resets_progress() -> None:
    """Starting the workout over goes back to the first set and forgets skips."""
    state = state_of(run(t.skip_exercise, after_readies(2), T0 + 500))
    outcome = run(start_over_workout, state, T0 + 600)
    assert outcome.events[0] == StartedOver(
        Scope.WORKOUT, NextUp("squat", 1, 3, (Side.BOTH,), new_exercise=True)
    )
    assert outcome.state is not None
    assert outcome.state.position == 0
    assert outcome.state.skipped == frozenset()
    assert outcome.state.id == state.id


def test_start_over_after_the_end_is_a_new_attempt() -> None:
    """Starting over a finished workout begins a new attempt with a new id."""
    finished = run(t.finish, after_readies(1), T0 + 100).state
    assert finished is not None
    outcome = run(start_over_workout, finished, T0 + 200)
    assert outcome.state is not None
    assert not outcome.state.finished
    assert outcome.state.id != finished.id


def test_finish_ends_early_with_a_summary() -> None:
    """Finishing early ends the workout and says what was done."""
    outcome = run(t.finish, after_readies(1), T0 + 600)
    assert kinds(outcome) == [WorkoutFinished]
    finished = outcome.events[0]
    assert isinstance(finished, WorkoutFinished)
    summary = finished.summary
    assert (summary.elapsed_seconds, summary.sets_done, summary.completed) == (600, 1, False)
    assert summary.exercises_done == ("squat",)


# ---------------------------------------------------------------- easier and harder


def test_easier_steps_reps_then_switches_to_the_linked_exercise() -> None:
    """Easier lowers the reps inside the safe range, then switches to the easier exercise."""
    state = after_readies(1)
    first = run(t.easier, state, T0 + 100)
    assert first.events[0] == Adjusted(
        "squat",
        Direction.EASIER,
        replace(build_plan(LIB, "straight").dosages["squat"], reps=8),
        switched_to=None,
        previous_exercise_id="squat",
    )
    second = run(t.easier, first.state, T0 + 110)
    adjusted = second.events[0]
    assert isinstance(adjusted, Adjusted)
    assert adjusted.switched_to == "chair_squat"
    assert adjusted.new_dosage.reps == 12
    assert adjusted.new_dosage.sets == 3
    performed = run(ready_one, second.state, T0 + 120)
    assert kinds(performed)[:2] == [ExerciseIntro, SetPerformed]
    done = performed.events[1]
    assert isinstance(done, SetPerformed)
    assert (done.exercise_id, done.workout_exercise_id, done.set_number) == (
        "chair_squat",
        "squat",
        2,
    )


def test_easier_then_harder_returns_to_the_workout_dosage() -> None:
    """Harder after easier undoes the adjustment entirely."""
    easier = run(t.easier, started(), T0 + 1).state
    harder = run(t.harder, easier, T0 + 2).state
    assert harder is not None
    assert harder.adjustments == {}


def test_adjusting_at_a_bound_without_a_link_is_not_allowed() -> None:
    """An exercise at the edge of its range with no linked exercise refuses to go further."""
    on_bridge = run(t.next_exercise, run(t.next_exercise, started(), T0).state, T0).state
    assert refused(run(t.harder, on_bridge, T0 + 1)) is Reason.AT_HARDEST
    assert refused(run(t.easier, on_bridge, T0 + 1)) is Reason.AT_EASIEST


def test_adjustments_target_the_exercise_just_done_when_it_comes_again() -> None:
    """Easier right after a circuit set adjusts that exercise; after its last set, the next one."""
    circuit = run(t.easier, after_readies(1, "circuit"), T0 + 100).events[0]
    assert isinstance(circuit, Adjusted)
    assert circuit.exercise_id == "squat"
    straight = run(t.easier, after_readies(3), T0 + 400).events[0]
    assert isinstance(straight, Adjusted)
    assert straight.exercise_id == "side_plank"


def test_switching_to_a_one_sided_exercise_remaps_a_split_set() -> None:
    """When an adjustment turns split per-side slots into one, the position follows the set."""
    state = after_readies(1, "long")  # the left side of set one is done
    assert state.position == 1
    switched = None
    for n in range(20):
        outcome = run(t.easier, state, T0 + 200 + n)
        state = state_of(outcome)
        event = outcome.events[0]
        assert isinstance(event, Adjusted)
        if event.switched_to is not None:
            switched = event.switched_to
            break
    assert switched == "plank"
    assert state.position == 0
    performed = run(ready_one, state, T0 + 300).events[1]
    assert isinstance(performed, SetPerformed)
    assert (performed.exercise_id, performed.set_number, performed.sides) == (
        "plank",
        1,
        (Side.BOTH,),
    )


# ---------------------------------------------------------------- the plan


def test_straight_sets_finish_an_exercise_before_the_next() -> None:
    """Straight sets list every set of one exercise, then the next."""
    plan = build_plan(LIB, "straight")
    assert [(s.exercise_id, s.set_number) for s in plan.slots] == [
        ("squat", 1),
        ("squat", 2),
        ("squat", 3),
        ("side_plank", 1),
        ("side_plank", 2),
        ("bridge", 1),
        ("bridge", 2),
        ("bridge", 3),
    ]
    assert [s.sides for s in plan.slots][3] == (Side.LEFT, Side.RIGHT)
    assert [s.final for s in plan.slots] == [False] * 7 + [True]


def test_plans_are_memoised_per_library_object_and_parameters() -> None:
    """Equal parameters give the very same plan; another library, even an equal one, its own."""
    adjustments = {"squat": Adjustment("chair_squat", 12), "bridge": Adjustment("bridge", 12)}
    plan = build_plan(LIB, "straight", adjustments=adjustments, set_counts={"squat": 2})
    reordered = dict(reversed(adjustments.items()))
    assert build_plan(LIB, "straight", adjustments=reordered, set_counts={"squat": 2}) is plan
    assert build_plan(LIB, "straight", adjustments=adjustments) != plan
    other = build_plan(
        small_library(), "straight", adjustments=adjustments, set_counts={"squat": 2}
    )
    assert other is not plan
    assert other == plan
    assert plan.estimated_seconds(2, frozenset({"bridge"})) == other.estimated_seconds(
        2, frozenset({"bridge"})
    )


def test_a_circuit_does_one_set_of_each_exercise_per_round() -> None:
    """A circuit lists one set of each exercise per round, the round rest after each round."""
    plan = build_plan(LIB, "circuit")
    assert [(s.exercise_id, s.set_number) for s in plan.slots] == [
        ("squat", 1),
        ("plank", 1),
        ("bridge", 1),
        ("squat", 2),
        ("plank", 2),
        ("bridge", 2),
    ]
    assert [s.round_end for s in plan.slots] == [False, False, True, False, False, False]
    assert plan.timing(2, intro=False).rest_prescribed == 60


def test_a_long_per_side_set_is_split_into_one_response_per_side() -> None:
    """A per-side set too long for one response becomes a left and a right response."""
    plan = build_plan(LIB, "long")
    assert [s.sides for s in plan.slots] == [(Side.LEFT,), (Side.RIGHT,)] * 2 + [(Side.BOTH,)]
    outcome = run(ready_one, started("long"), T0)
    left = outcome.events[1]
    assert isinstance(left, SetPerformed)
    assert (left.sides, left.rest_seconds) == ((Side.LEFT,), 0)
    assert outcome.events[-1] == AskReady(NextUp("long_hold", 1, 2, (Side.RIGHT,), False))
    right = run(ready_one, outcome.state, T0 + 300)
    assert kinds(right) == [SetPerformed, AskReady]
    assert right.events[0] == replace(
        left,
        sides=(Side.RIGHT,),
        rest_seconds=60,
        rest_prescribed_seconds=60,
        next_preview=NextUp("long_hold", 2, 2, (Side.LEFT,), False),
        slot=1,
    )
    for index in range(len(plan.slots)):
        assert plan.timing(index, intro=True).total <= MAX_RESPONSE_SECONDS


def test_pause_during_a_split_side_repeats_only_that_side() -> None:
    """Interrupting the left side of a split set rolls back to the left side alone."""
    state = run(ready_one, started("long"), T0).state
    paused = run(t.pause, state, T0 + 60).events[0]
    assert paused == Paused(NextUp("long_hold", 1, 2, (Side.LEFT,), False), rolled_back=True)


def test_shorten_cuts_rounds_then_exercises_and_never_below_one_set() -> None:
    """Shortening drops rounds or sets first, then exercises, down to one set of one exercise."""
    seconds = partial(played_seconds, LIB)
    straight = LIB.workout("straight")
    two_sets = shorten(straight, seconds(straight) - 1, seconds)
    assert [i.dosage.sets for i in two_sets.items] == [3, 2, 2]
    minimum = shorten(straight, 1, seconds)
    assert [(i.exercise_id, i.dosage.sets) for i in minimum.items] == [("squat", 1)]
    circuit = LIB.workout("circuit")
    assert shorten(circuit, seconds(circuit) - 1, seconds).rounds == 1
    assert shorten(circuit, seconds(circuit), seconds) == circuit


def test_step_amount_stays_in_the_safe_range() -> None:
    """Easier and harder steps stop at the content's range and say so with None."""
    assert step_amount(reps(10, 8, 12), easier=True) == 8
    assert step_amount(reps(9, 8, 12), easier=True) == 8
    assert step_amount(reps(8, 8, 12), easier=True) is None
    assert step_amount(hold(40, 10, 45), easier=False) == 45
    assert step_amount(hold(45, 10, 45), easier=False) is None


def test_remap_keeps_a_position_at_the_end() -> None:
    """Remapping the end of one plan gives the end of the other."""
    plan = build_plan(LIB, "long")
    assert remap(plan, plan, len(plan.slots)) == len(plan.slots)
    assert [remap(plan, plan, i) for i in range(len(plan.slots))] == list(range(5))


# ---------------------------------------------------------------- random workouts


@st.composite
def dosages(draw: st.DrawFn) -> Dosage:
    """A dosage inside the loader's limits, one side's work at most 125 s."""
    sets = draw(st.integers(1, 6))
    per_side = draw(st.booleans())
    rest = draw(st.integers(0, 180))
    if draw(st.booleans()):
        low = draw(st.integers(1, 20))
        high = draw(st.integers(low, 25))
        return reps(
            draw(st.integers(low, high)),
            low,
            high,
            sets=sets,
            per_side=per_side,
            rest=rest,
            tempo=draw(st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0])),
        )
    low = draw(st.integers(5, 60))
    high = draw(st.integers(low, 120))
    return hold(draw(st.integers(low, high)), low, high, sets=sets, per_side=per_side, rest=rest)


@st.composite
def libraries(draw: st.DrawFn) -> Library:
    """A random library: 2 to 8 exercises with random links, 1 to 3 workouts of them."""
    count = draw(st.integers(2, 8))
    ids = [f"ex_{n}" for n in range(count)]
    links = st.one_of(st.none(), st.sampled_from(ids))
    exercises = []
    for exercise_id in ids:
        easier, harder = draw(links), draw(links)
        exercises.append(
            exercise(
                exercise_id,
                draw(dosages()),
                easier=None if easier == exercise_id else easier,
                harder=None if harder == exercise_id else harder,
            )
        )
    workouts = []
    for number in range(draw(st.integers(1, 3))):
        chosen = draw(
            st.lists(
                st.sampled_from(exercises),
                min_size=2,
                max_size=min(count, 6),
                unique_by=lambda e: e.id,
            )
        )
        circuit = draw(st.booleans())
        items = [item(e) if circuit else item(e, draw(st.integers(1, 6))) for e in chosen]
        workouts.append(
            workout(
                f"w_{number}",
                items,
                circuit=circuit,
                rounds=draw(st.integers(1, 6)),
                round_rest=draw(st.integers(0, 300)),
            )
        )
    return make_library(exercises, workouts)


def _check_outcome(library: Library, before: WorkoutState | None, outcome: Outcome) -> None:
    """The promises every outcome keeps."""
    state = outcome.state
    assert outcome.events
    assert state is not None
    assert t.problems(state, library) == ()
    assert state_from_dict(json.loads(json.dumps(state_to_dict(state)))) == state
    if any(isinstance(e, NotAllowed) for e in outcome.events):
        assert state == before
    if state.paused:
        assert not any(isinstance(e, AskReady) for e in outcome.events)
    elif not state.finished:
        assert isinstance(outcome.events[-1], AskReady)
    if state.finished and before is not None and not before.finished:
        assert isinstance(outcome.events[-1], WorkoutFinished)
    intro = any(isinstance(e, ExerciseIntro) for e in outcome.events)
    for event in outcome.events:
        if isinstance(event, SetPerformed):
            sides = len(event.sides)
            work = event.dosage.side_seconds() * sides + (SIDE_SWITCH_SECONDS if sides == 2 else 0)
            talk = SET_TALK_SECONDS + (INTRO_SECONDS if intro else 0)
            assert talk + work + event.rest_seconds <= MAX_RESPONSE_SECONDS
            assert 0 <= event.rest_seconds <= event.rest_prescribed_seconds


@settings(max_examples=200, deadline=None)
@given(
    library=libraries(),
    data=st.data(),
    quick=st.booleans(),
    target=st.one_of(st.none(), st.integers(60, 3600)),
    moves=st.lists(st.tuples(st.sampled_from(sorted(ALL)), st.floats(0, 400)), max_size=40),
)
def test_random_moves_keep_the_state_valid(
    library: Library,
    data: st.DataObject,
    quick: bool,
    target: int | None,
    moves: list[tuple[str, float]],
) -> None:
    """Any sequence of moves on any workout keeps a valid, serialisable state and never raises."""
    workout_id = data.draw(st.sampled_from(sorted(library.workouts)))
    now = T0
    outcome = t.start(library, workout_id, now, quick=quick, target_seconds=target)
    _check_outcome(library, None, outcome)
    for name, delay in moves:
        now += delay
        before = outcome.state
        outcome = ALL[name](before, library, now)
        _check_outcome(library, before, outcome)


@settings(max_examples=200, deadline=None)
@given(library=libraries(), data=st.data())
def test_random_workouts_walk_to_the_end_by_ready(library: Library, data: st.DataObject) -> None:
    """Any workout said through by "ready" does every set and side once and then finishes."""
    workout_id = data.draw(st.sampled_from(sorted(library.workouts)))
    plan = build_plan(library, workout_id)
    outcome = t.start(library, workout_id, T0)
    done: Counter[tuple[str, int, Side]] = Counter()
    now = T0
    while outcome.state is not None and not outcome.state.finished:
        before = outcome.state
        now += 1
        outcome = ready_one(before, library, now)
        _check_outcome(library, before, outcome)
        for e in outcome.events:
            if isinstance(e, SetPerformed):
                done.update((e.workout_exercise_id, e.set_number, side) for side in e.sides)
    expected: Counter[tuple[str, int, Side]] = Counter()
    for it in plan.workout.items:
        sets = plan.workout.rounds if plan.workout.format is Format.CIRCUIT else it.dosage.sets
        sides = (Side.LEFT, Side.RIGHT) if it.dosage.per_side else (Side.BOTH,)
        expected.update((it.exercise_id, n, side) for n in range(1, sets + 1) for side in sides)
    assert done == expected
    assert isinstance(outcome.events[-1], WorkoutFinished)


@settings(max_examples=200, deadline=None)
@given(library=libraries(), data=st.data(), target=st.integers(1, 4000))
def test_shortened_plans_fit_any_target_they_can(
    library: Library, data: st.DataObject, target: int
) -> None:
    """Shortening fits the target whenever one set of one exercise does, deterministically."""
    seconds = partial(played_seconds, library)
    full = library.workout(data.draw(st.sampled_from(sorted(library.workouts))))
    short = shorten(full, target, seconds)
    assert short == shorten(full, target, seconds)
    assert seconds(short) <= max(target, seconds(shorten(full, 1, seconds)))
    assert seconds(short) <= seconds(full)
    assert {i.exercise_id for i in short.items} <= {i.exercise_id for i in full.items}


def test_pause_after_skipping_the_interrupted_exercise_does_not_roll_back(library: Library) -> None:
    """Skipping the exercise whose set is playing, then pausing, keeps the skip: no rollback."""
    outcome = t.start(library, "five_basics", 1000.0)
    outcome = ready_one(outcome.state, library, 1001.0)
    outcome = t.skip_exercise(outcome.state, library, 1002.0)
    paused = t.pause(outcome.state, library, 1003.0)
    assert paused.state is not None
    assert t.problems(paused.state, library) == ()
    assert not paused.state.rolled_back


@pytest.mark.parametrize("direction", [t.harder, t.easier])
def test_a_dose_changed_in_a_workout_cut_to_time_keeps_its_sets_and_exercises(
    library: Library, direction: Callable[[WorkoutState | None, Library, float], Outcome]
) -> None:
    """Harder or easier in a workout cut to a budget never cuts it again around the new dose."""
    for workout_id in sorted(library.workouts):
        full = build_plan(library, workout_id).total_seconds()
        for target in (full // 3, 2 * full // 3):
            outcome = t.start(library, workout_id, T0, target_seconds=target)
            state = outcome.state
            assert state is not None
            before = t.plan_of(library, state)
            now = T0
            while state is not None and not state.finished:
                now += 60
                if state.position % 2:  # every other slot: each exercise, at less cost
                    state = ready_one(state, library, now).state
                    continue
                changed = direction(state, library, now).state
                assert changed is not None
                assert t.problems(changed, library) == ()
                assert t.plan_of(library, changed).workout.items == before.workout.items, (
                    workout_id,
                    target,
                )
                state = ready_one(changed, library, now).state
