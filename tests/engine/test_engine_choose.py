"""Choosing a workout when none is named: a deterministic, seedable rotation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.engine.choose import choose_workout, rotation

if TYPE_CHECKING:
    from runner_strength.content.model import Library


def test_no_history_starts_the_rotation(library: Library) -> None:
    """With no history the first workout of the rotation is chosen, the same every time."""
    assert choose_workout(library, []).id == rotation(library)[0] == min(library.workouts)
    assert choose_workout(library, [], seed=7) == choose_workout(library, [], seed=7)


def test_the_next_workout_follows_the_last_one_done(library: Library) -> None:
    """The choice is the workout after the most recent one in the rotation, wrapping at the end."""
    order = rotation(library, seed=3)
    for index, workout_id in enumerate(order):
        history = [order[(index + 2) % len(order)], workout_id]
        expected = order[(index + 1) % len(order)]
        assert choose_workout(library, history, seed=3).id == expected


def test_following_the_rotation_visits_every_workout_once_per_cycle(library: Library) -> None:
    """Choosing repeatedly, each choice added to the history, goes through the whole catalogue."""
    history: list[str] = []
    for _ in range(len(library.workouts)):
        history.append(choose_workout(library, history, seed=11).id)
    assert sorted(history) == sorted(library.workouts)
    assert choose_workout(library, history, seed=11).id == history[0]


def test_a_seed_gives_a_stable_order_of_its_own(library: Library) -> None:
    """The same seed always gives the same order; different seeds can give different ones."""
    assert rotation(library, seed=5) == rotation(library, seed=5)
    assert sorted(rotation(library, seed=5)) == sorted(library.workouts)
    assert len({rotation(library, seed=s) for s in range(20)}) > 1


def test_unknown_workouts_in_the_history_are_passed_over(library: Library) -> None:
    """A workout id no longer in the catalogue does not disturb the rotation."""
    order = rotation(library)
    assert choose_workout(library, [order[0], "retired_workout"]).id == order[1]
    assert choose_workout(library, ["retired_workout"]).id == order[0]


def test_a_filter_skips_workouts_it_does_not_allow(library: Library) -> None:
    """Workouts the filter rejects are passed over; a filter rejecting all is ignored."""
    order = rotation(library)
    banned = order[1]
    chosen = choose_workout(library, [order[0]], allowed=lambda w: w.id != banned)
    assert chosen.id == order[2 % len(order)]
    assert choose_workout(library, [order[0]], allowed=lambda _: False).id == order[1]
