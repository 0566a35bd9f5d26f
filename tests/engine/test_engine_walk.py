"""Every workout of the real catalogue, walked from start to finish by saying only "ready"."""

from __future__ import annotations

from collections import Counter
from functools import partial
from itertools import pairwise

import pytest

from runner_strength.content.model import (
    SET_TALK_SECONDS,
    SIDE_SWITCH_SECONDS,
    Format,
    Library,
    Workout,
)
from runner_strength.engine import transitions as t
from runner_strength.engine.events import (
    AskReady,
    Event,
    ExerciseIntro,
    SetPerformed,
    WorkoutFinished,
    WorkoutStarted,
)
from runner_strength.engine.plan import (
    INTRO_SECONDS,
    MAX_CHAINED_SETS,
    MAX_RESPONSE_SECONDS,
    build_plan,
    played_seconds,
    quick_target,
    shorten,
)
from runner_strength.engine.serialize import state_from_dict, state_to_dict
from runner_strength.engine.state import Side

START = 1_700_000_000.0
# name -> (quick, target_seconds)
VARIANTS: dict[str, tuple[bool, int | None]] = {
    "full": (False, None),
    "quick": (True, None),
    "twenty_minutes": (False, 20 * 60),
    "ten_minutes": (False, 10 * 60),
}


def _walk(
    library: Library, workout_id: str, *, quick: bool = False, target_seconds: int | None = None
) -> list[tuple[Event, ...]]:
    """Start a workout and say "ready" until it finishes; every outcome's events, in order."""
    outcome = t.start(library, workout_id, START, quick=quick, target_seconds=target_seconds)
    responses = [outcome.events]
    now = START
    for _ in range(1000):
        state = outcome.state
        assert state is not None
        assert t.problems(state, library) == ()
        assert state_from_dict(state_to_dict(state)) == state
        if state.finished:
            return responses
        now += 30.0
        outcome = t.ready(state, library, now)
        responses.append(outcome.events)
    pytest.fail("the walk never finished")


def _expected_sets(workout: Workout) -> Counter[tuple[str, int, Side]]:
    """Every (exercise, set number, side) a workout asks for, computed from the content alone."""
    expected: Counter[tuple[str, int, Side]] = Counter()
    for item in workout.items:
        sets = workout.rounds if workout.format is Format.CIRCUIT else item.dosage.sets
        sides = (Side.LEFT, Side.RIGHT) if item.dosage.per_side else (Side.BOTH,)
        for number in range(1, sets + 1):
            for side in sides:
                expected[(item.exercise_id, number, side)] += 1
    return expected


def _order_key(workout: Workout, performed: SetPerformed) -> tuple[int, int]:
    index = [i.exercise_id for i in workout.items].index(performed.workout_exercise_id)
    if workout.format is Format.CIRCUIT:
        return (performed.set_number, index)
    return (index, performed.set_number)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_workout_walks_to_the_end_with_nothing_lost_or_repeated(
    library: Library, variant: str
) -> None:
    """Saying only "ready" does every set and side of every workout exactly once, then finishes."""
    quick, target_seconds = VARIANTS[variant]
    for workout_id in sorted(library.workouts):
        plan = build_plan(library, workout_id, quick=quick, target_seconds=target_seconds)
        responses = _walk(library, workout_id, quick=quick, target_seconds=target_seconds)
        performed = [e for events in responses for e in events if isinstance(e, SetPerformed)]
        done: Counter[tuple[str, int, Side]] = Counter(
            (p.workout_exercise_id, p.set_number, side) for p in performed for side in p.sides
        )
        assert done == _expected_sets(plan.workout), workout_id
        keys = [_order_key(plan.workout, p) for p in performed]
        assert keys == sorted(keys), f"{workout_id}: sets out of order"
        assert isinstance(responses[0][0], WorkoutStarted)
        assert isinstance(responses[-1][-1], WorkoutFinished)
        summary = responses[-1][-1].summary
        assert summary.completed
        assert summary.exercises_done == plan.exercise_ids()
        assert summary.skipped == ()
        assert summary.sets_done == sum(1 for s in plan.slots if s.completes_set)


def _sets(events: tuple[Event, ...]) -> list[SetPerformed]:
    return [e for e in events if isinstance(e, SetPerformed)]


def test_each_response_plays_one_exercises_sets_and_ends_with_one_question(
    library: Library,
) -> None:
    """A "ready" response plays one to four sets of one exercise or circuit round, then asks."""
    for workout_id in sorted(library.workouts):
        circuit = library.workouts[workout_id].format is Format.CIRCUIT
        for events in _walk(library, workout_id)[1:]:
            performed = _sets(events)
            assert 1 <= len(performed) <= MAX_CHAINED_SETS
            assert isinstance(events[-1], AskReady | WorkoutFinished)
            assert sum(isinstance(e, AskReady | WorkoutFinished) for e in events) == 1
            group = {p.set_number if circuit else p.workout_exercise_id for p in performed}
            assert len(group) == 1, (workout_id, performed)
            for before, after in pairwise(performed):
                assert before.next_preview is not None
                assert before.next_preview.exercise_id == after.exercise_id
                assert before.next_preview.set_number == after.set_number
            last = performed[-1]
            if isinstance(events[-1], AskReady):
                assert last.next_preview == events[-1].next
            else:
                assert last.next_preview is None
                assert last.rest_seconds == 0


def test_sets_flow_on_so_answers_stay_near_one_an_exercise(library: Library) -> None:
    """Over a whole workout the runner answers at most twice more than it has exercises.

    Once per exercise, once more for the workout's last set (it plays alone, finishing the
    workout) and once where a response is full.
    """
    for workout_id in sorted(library.workouts):
        plan = build_plan(library, workout_id)
        answers = len(_walk(library, workout_id)) - 1
        assert answers <= len(plan.workout.items) + 2, workout_id


def test_every_set_fits_the_audio_budget(library: Library) -> None:
    """Talk, intro, work and timed rest of every set stay within the 200 s budget."""
    for workout_id in sorted(library.workouts):
        for events in _walk(library, workout_id)[1:]:
            intros = {e.exercise_id for e in events if isinstance(e, ExerciseIntro)}
            for performed in _sets(events):
                sides = len(performed.sides)
                switch = SIDE_SWITCH_SECONDS if sides == 2 else 0
                work = performed.dosage.side_seconds() * sides + switch
                intro = INTRO_SECONDS if performed.exercise_id in intros else 0
                total = SET_TALK_SECONDS + intro + work + performed.rest_seconds
                assert total <= MAX_RESPONSE_SECONDS, (workout_id, performed)


def test_intros_come_before_each_new_exercise(library: Library) -> None:
    """An intro precedes the first set of each exercise; later sets of it in a row get none."""
    for workout_id in sorted(library.workouts):
        previous = None
        seen: set[str] = set()
        for events in _walk(library, workout_id)[1:]:
            pending: list[ExerciseIntro] = []
            for event in events:
                if isinstance(event, ExerciseIntro):
                    pending.append(event)
                    continue
                if not isinstance(event, SetPerformed):
                    continue
                if event.exercise_id != previous:
                    assert [i.exercise_id for i in pending] == [event.exercise_id]
                    assert pending[0].first_time == (event.exercise_id not in seen)
                else:
                    assert pending == []
                pending = []
                seen.add(event.exercise_id)
                previous = event.exercise_id


@pytest.mark.parametrize("minutes", [8, 10, 15, 20, 25, 30])
def test_a_duration_gives_a_plan_that_fits(library: Library, minutes: int) -> None:
    """A requested duration shortens each workout until its estimate fits, when it can fit."""
    seconds = partial(played_seconds, library)
    for workout in library.workouts.values():
        short = shorten(workout, minutes * 60, seconds)
        minimum = shorten(workout, 1, seconds)
        assert seconds(short) <= max(minutes * 60, seconds(minimum))
        assert short == shorten(workout, minutes * 60, seconds)
        if seconds(workout) <= minutes * 60:
            assert short == workout


def test_quick_is_shorter_and_fits_its_target(library: Library) -> None:
    """'Quick' gives every workout a shortened plan within the quick target."""
    for workout_id, workout in library.workouts.items():
        plan = build_plan(library, workout_id, quick=True)
        assert plan.total_seconds() <= quick_target(library, workout_id)
        assert plan.total_seconds() < played_seconds(library, workout)
        assert len(plan.workout.items) >= 2
