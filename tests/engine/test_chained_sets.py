"""Sets that flow on in one response: an exercise's sets, or a circuit round's stations."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from runner_strength.engine import transitions as t
from runner_strength.engine.events import (
    AskReady,
    ExerciseIntro,
    Interrupted,
    Outcome,
    SetPerformed,
    Status,
)
from runner_strength.engine.pace import ANSWER_SECONDS, QUESTION_SECONDS
from runner_strength.engine.plan import MAX_CHAINED_SETS, build_plan
from runner_strength.engine.schedule import ALLOWANCE
from runner_strength.engine.state import CarryOn, Mark, Part, Side
from runner_strength.narration.narrator import Narrator, heard, timeline_marks

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from runner_strength.engine.state import WorkoutState

T0 = 1_700_000_000.0


def _played(library: Library, workout_id: str, *, most: int = MAX_CHAINED_SETS) -> Outcome:
    """The workout's first "ready" response, narrated and kept as the skill keeps it."""
    begun = t.start(library, workout_id, T0).state
    outcome = t.ready(begun, library, T0, most=most)
    assert outcome.state is not None
    script = Narrator(library, random.Random(0)).script(outcome)
    return Outcome(heard(outcome.state, script, T0), outcome.events)


def _marks(state: WorkoutState | None) -> tuple[Mark, ...]:
    assert state is not None
    assert state.last_set is not None
    return state.last_set.marks


def _first(marks: tuple[Mark, ...], slot: int, part: Part) -> Mark:
    return next(m for m in marks if m.slot == slot and m.part is part)


def _sets_done(state: WorkoutState | None, library: Library) -> int:
    status = t.status(state, library, T0).events[0]
    assert isinstance(status, Status)
    return status.sets_done


def _kinds(outcome: Outcome) -> list[type]:
    return [type(event) for event in outcome.events]


def test_ready_plays_all_three_sets_of_the_walking_lunge_and_asks_once(library: Library) -> None:
    """Five basics' first "ready" plays the lunge's three sets, then asks about the squat."""
    outcome = _played(library, "five_basics")
    assert _kinds(outcome) == [ExerciseIntro, SetPerformed, SetPerformed, SetPerformed, AskReady]
    performed = [e for e in outcome.events if isinstance(e, SetPerformed)]
    assert [p.set_number for p in performed] == [1, 2, 3]
    ask = outcome.events[-1]
    assert isinstance(ask, AskReady)
    assert (ask.next.exercise_id, ask.next.set_number) == ("squat", 1)
    assert _sets_done(outcome.state, library) == 3
    assert sorted({m.slot for m in _marks(outcome.state)}) == [0, 1, 2]


def test_asked_after_every_set_plays_one_set(library: Library) -> None:
    """With `most=1` (the runner's "ask me after every set") a response plays one set."""
    outcome = _played(library, "five_basics", most=1)
    assert _kinds(outcome) == [ExerciseIntro, SetPerformed, AskReady]
    assert _sets_done(outcome.state, library) == 1


def test_a_request_in_the_second_sets_work_carries_that_set_on(library: Library) -> None:
    """Mid-way through set 2, set 1 stays done, set 2 carries on from its rep, set 3 waits."""
    outcome = _played(library, "five_basics")
    work = _first(_marks(outcome.state), 1, Part.WORK)
    now = T0 + work.at + 4 * work.beat + ALLOWANCE + 0.1  # four reps certainly over
    placed = t.interrupt(outcome.state, library, now)
    event = placed.events[0]
    assert isinstance(event, Interrupted)
    assert (event.where.set_number, event.where.carry_on) == (2, CarryOn(Side.BOTH, 5))
    assert _sets_done(placed.state, library) == 1
    carried = t.ready(placed.state, library, now + 10)
    performed = [e for e in carried.events if isinstance(e, SetPerformed)]
    assert [(p.set_number, p.first_rep) for p in performed] == [(2, 5), (3, 1)]
    assert _sets_done(carried.state, library) == 3


def test_a_request_in_the_rest_between_two_sets_keeps_the_rest_and_the_next_set(
    library: Library,
) -> None:
    """In the rest after set 1 the set is done, the rest left is said, and set 2 is next."""
    outcome = _played(library, "five_basics")
    marks = _marks(outcome.state)
    rest = _first(marks, 0, Part.REST)
    after = _first(marks, 1, Part.LEAD)
    now = T0 + rest.at + ALLOWANCE + 10
    placed = t.interrupt(outcome.state, library, now)
    event = placed.events[0]
    assert isinstance(event, Interrupted)
    assert event.part is Part.REST
    assert event.rest_left == round(after.at - (rest.at + ALLOWANCE + 10))
    assert (event.where.exercise_id, event.where.set_number) == ("walking_lunge", 2)
    assert _sets_done(placed.state, library) == 1


def test_ready_said_during_a_set_of_several_goes_on_to_the_next_one(library: Library) -> None:
    """Ready said in set 1's work ends it; the next ready plays sets 2 and 3, not the squat."""
    outcome = _played(library, "five_basics")
    work = _first(_marks(outcome.state), 0, Part.WORK)
    now = T0 + work.at + 5
    moved = t.moved_on(outcome.state, library, now)
    assert moved is not None
    assert _sets_done(moved, library) == 1
    following = t.ready(moved, library, now + 1)
    performed = [e for e in following.events if isinstance(e, SetPerformed)]
    assert [(p.exercise_id, p.set_number) for p in performed] == [
        ("walking_lunge", 2),
        ("walking_lunge", 3),
    ]


def test_ready_said_in_the_last_set_of_a_response_changes_nothing(library: Library) -> None:
    """In the response's last set "ready" is the question's answer: the position is already next."""
    outcome = _played(library, "five_basics")
    work = _first(_marks(outcome.state), 2, Part.WORK)
    assert t.moved_on(outcome.state, library, T0 + work.at + 5) == outcome.state


def test_a_circuit_cut_short_leaves_its_later_stations_unintroduced(library: Library) -> None:
    """Stopped in the second station, the later stations are neither done nor introduced."""
    outcome = _played(library, "no_equipment_circuit")
    performed = [e for e in outcome.events if isinstance(e, SetPerformed)]
    assert len(performed) > 2
    assert len({p.set_number for p in performed}) == 1
    marks = _marks(outcome.state)
    work = _first(marks, 1, Part.WORK)
    placed = t.interrupt(outcome.state, library, T0 + work.at + ALLOWANCE + 1)
    assert placed.state is not None
    third = performed[2]
    assert third.exercise_id not in placed.state.introduced
    assert third.workout_exercise_id not in placed.state.done
    carried = t.ready(placed.state, library, T0 + work.at + 20)
    performed = [e for e in carried.events if isinstance(e, SetPerformed)]
    assert performed[0].slot == 1
    assert performed[0].carried_on
    assert len(performed) > 1  # the round flows on from the station carried on
    intros = [e.exercise_id for e in carried.events if isinstance(e, ExerciseIntro)]
    assert intros[0] == third.exercise_id  # the third station is introduced when it comes


def test_pause_in_a_later_set_of_a_response_resumes_with_that_set(library: Library) -> None:
    """Paused in set 3's work, resume plays set 3 again, not the next exercise."""
    outcome = _played(library, "five_basics")
    work = _first(_marks(outcome.state), 2, Part.WORK)
    now = T0 + work.at + 3
    placed = t.interrupt(outcome.state, library, now)
    paused = t.pause(placed.state, library, now)
    resumed = t.resume(paused.state, library, now + 600)
    performed = [e for e in resumed.events if isinstance(e, SetPerformed)]
    assert next((p.exercise_id, p.set_number) for p in performed) == ("walking_lunge", 3)


def test_the_length_model_drops_the_questions_and_answers_inside_a_response(
    library: Library,
) -> None:
    """A slot that flows on has no question and no answer in the played seconds."""
    plan = build_plan(library, "five_basics")
    end = plan.response_end(0)
    assert end == 3
    for index in range(end - 1):
        assert plan.played[index] == plan.alone[index] - QUESTION_SECONDS
    assert plan.played[end - 1] == plan.alone[end - 1] + ANSWER_SECONDS


def test_the_marks_of_a_response_follow_its_sets_in_order(library: Library) -> None:
    """Each set's lead, work and rest marks come in order, slot after slot, ending in END."""
    begun = t.start(library, "five_basics", T0).state
    outcome = t.ready(begun, library, T0)
    script = Narrator(library, random.Random(0)).script(outcome)
    marks = timeline_marks(script.speech)
    assert [m.at for m in marks] == sorted(m.at for m in marks)
    assert [m.slot for m in marks] == sorted(m.slot for m in marks)
    assert marks[-1].part is Part.END
