"""The interruption test: requests said mid-set, placed by their timestamps, via the Lambda entry.

For the first set of every exercise the catalogue's workouts play, a status, a repeat, an easier
and a pain request is said at every 5 s of the set's work part, its timestamp jittered by up to
2 s either way. Where the set should carry on is worked out here from what the Echo Show's screen
is told about the response (each side's timer: its start, length, reps and tempo), not from the
engine's placement: the side being worked at `timestamp - 2 s` (the earliest the runner may have
spoken), and the reps on it finished by then. The set must carry on exactly there, and nothing may
be counted done early.
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pytest

from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.engine import transitions
from runner_strength.engine.serialize import record_from_dict
from runner_strength.engine.state import CarryOn, Side, WorkoutState
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, Reply

if TYPE_CHECKING:
    from collections.abc import Iterator

    from runner_strength.content.model import Library
    from runner_strength.engine.plan import Plan

# Seconds before its timestamp a request may have been spoken (the stamp is whole seconds).
ALLOWANCE = 2
STEP = 5  # a request at every 5 s of the work part
JITTER = 2  # the timestamp is off by up to this many seconds either way
# What is said mid-set (the pain is in a wrist, which a few exercises load).
REQUESTS = ("WorkoutStatusIntent", "AMAZON.RepeatIntent", "EasierIntent", "PainIntent")
# The fast lane's sample: a set of reps on both legs at once, reps per side, a hold per side.
SAMPLE = frozenset({"squat", "single_leg_deadlift", "side_plank"})


@dataclass(frozen=True)
class SideWork:
    """One side's work as the screen is told it: from `start` for `seconds`; reps at `tempo`."""

    side: Side
    start: float
    seconds: float
    reps: int
    tempo: float


@dataclass(frozen=True)
class Expected:
    """Where the set carries on (None: its work was over, so it is done)."""

    carry_on: CarryOn | None


@dataclass
class Tally:
    """Cases run and how many carried on where they should."""

    cases: int = 0
    right: int = 0
    failures: list[str] | None = None


def _state(adapter: MemoryAdapter, echo: Device) -> WorkoutState | None:
    item = next(iter(adapter._items.values()))
    record = record_from_dict(json.loads(item.record))
    return record.active.get(echo.device_id)


def _sides(
    reply: Reply, state_before: WorkoutState, library: Library, *, nth: int = 0
) -> list[SideWork]:
    """Each side's work in the `nth` set the response plays (0: its first), from the timers."""
    screen = reply.screen
    label = screen.get("side", "") if nth == 0 else ""  # the header shows the first set
    plan = transitions.plan_of(library, state_before)
    slot = plan.slots[state_before.position + nth]
    order = list(slot.sides)
    if label == "Right side":
        order = [Side.RIGHT]
    elif label == "Left side":
        order = [Side.LEFT]
    # A response may play the sets after it too; each timer names its set.
    title = f"{library.exercise(slot.exercise_id).name}, set {slot.set_number} of {slot.total_sets}"
    groups: list[list[dict[str, Any]]] = []
    for timer in screen["timers"]:
        if timer["kind"] == "rest" or timer["title"] != title:
            continue
        if timer["kind"] == "pulses" and groups:
            groups[-1].append(timer)  # the pulses end the hold they follow, on the same side
        else:
            groups.append([timer])
    assert len(groups) == len(order), (label, screen["timers"])
    return [
        SideWork(
            side,
            group[0]["start"],
            group[-1]["start"] + group[-1]["seconds"] - group[0]["start"],
            group[0]["reps"] if group[0]["kind"] == "reps" else 0,
            group[0]["tempo"],
        )
        for side, group in zip(order, groups, strict=True)
    ]


def expected_at(sides: list[SideWork], offset: float) -> Expected:
    """Where a request `offset` s into the response finds the set, by the screen's timers."""
    moment = offset - ALLOWANCE
    for index, side in enumerate(sides):
        if moment < side.start:  # before this side's work: the talk, or the switch to it
            return Expected(CarryOn(side.side, 1))
        if moment < side.start + side.seconds - 1e-6:
            if not side.reps:
                return Expected(CarryOn(side.side, 1))  # a hold is done again, whole
            done = min(side.reps, math.floor((moment - side.start) / side.tempo + 1e-9))
            if done < side.reps:
                return Expected(CarryOn(side.side, done + 1))
            if index + 1 < len(sides):
                return Expected(CarryOn(sides[index + 1].side, 1))
    return Expected(None)


def _entry(library: Library) -> tuple[LambdaEntry, MemoryAdapter, FakeClock]:
    clock = FakeClock(1_795_000_000.0)
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    skill = build_skill(library=library, adapter=adapter, clock=clock, rng_for=random.Random)
    return LambdaEntry(skill), adapter, clock


def _first_sets(library: Library, wanted: frozenset[str] | None) -> Iterator[tuple[str, str]]:
    """(workout, exercise) for the first set of each exercise the catalogue's workouts play."""
    seen: set[str] = set()
    for workout_id in sorted(library.workouts):
        for item in library.workout(workout_id).items:
            if item.exercise_id in seen or (wanted is not None and item.exercise_id not in wanted):
                continue
            seen.add(item.exercise_id)
            yield workout_id, item.exercise_id


def _interrupt_every_set(library: Library, wanted: frozenset[str] | None) -> Tally:
    tally = Tally(failures=[])
    targets: dict[str, set[str]] = {}
    for workout_id, exercise_id in _first_sets(library, wanted):
        targets.setdefault(workout_id, set()).add(exercise_id)
    jitter = random.Random(2026)  # a reproducible spread of timestamps
    for workout_id, exercises in sorted(targets.items()):
        _play(library, workout_id, exercises, jitter, tally)
    return tally


def _play(
    library: Library, workout_id: str, exercises: set[str], jitter: random.Random, tally: Tally
) -> None:
    entry, adapter, clock = _entry(library)
    echo = Device(entry, clock=clock, screen=True)
    echo.launch()
    echo.say("StartWorkoutIntent", workout=(workout_id, workout_id.replace("_", " ")))
    echo.say("AMAZON.NoIntent")  # no warm-up
    for _ in range(200):
        clock.now = float(math.floor(clock.now))
        state = _state(adapter, echo)
        if state is None or not exercises:
            return
        plan = transitions.plan_of(library, state)
        slot = plan.slots[state.position]
        if slot.exercise_id in exercises and slot.starts_set:
            exercises.discard(slot.exercise_id)
            several = plan.response_end(state.position) > state.position + 1
            for nth in (0, 1) if several else (0,):  # and a set that follows in the response
                _interrupt_one(
                    library,
                    echo=echo,
                    adapter=adapter,
                    clock=clock,
                    before=state,
                    jitter=jitter,
                    tally=tally,
                    nth=nth,
                )
        reply = echo.say("ReadyIntent")
        if reply.finishes_workout:
            return
        clock.advance(reply.seconds + 2)


def _interrupt_one(  # the Echo, its store and clock, and the test's tallies
    library: Library,
    *,
    echo: Device,
    adapter: MemoryAdapter,
    clock: FakeClock,
    before: WorkoutState,
    jitter: random.Random,
    tally: Tally,
    nth: int = 0,
) -> None:
    """Say each request at every 5 s of one set's work; the store and session are put back after.

    The set is the `nth` the response plays: the sets before it in the response are done.
    """
    items, session, attributes, start = (
        dict(adapter._items),
        echo.session_id,
        json.loads(json.dumps(echo.attributes)),
        clock.now,
    )
    played = echo.say("ReadyIntent")
    sides = _sides(played, before, library, nth=nth)
    # Judged as if the runner had reached this set: the ones before it in the response are done.
    before = replace(before, position=before.position + nth)
    after_set = (dict(adapter._items), json.loads(json.dumps(echo.attributes)))
    work_start = sides[0].start
    work_end = sides[-1].start + sides[-1].seconds
    points = [work_start + STEP * k for k in range(int((work_end - work_start) // STEP) + 1)]
    plan = transitions.plan_of(library, before)
    for intent in REQUESTS:
        for point in points:
            adapter._items = dict(after_set[0])
            echo.session_id = session
            echo.attributes = json.loads(json.dumps(after_set[1]))
            offset = math.floor(point) + jitter.randint(-JITTER, JITTER)
            clock.now = start + offset
            if intent == "PainIntent":
                reply = echo.say(intent, body_area=("wrist", "wrist"))
            else:
                reply = echo.say(intent)
            state = _state(adapter, echo)
            tally.cases += 1
            verdict = _judge(
                library,
                plan=plan,
                intent=intent,
                before=before,
                state=state,
                reply=reply,
                expected=expected_at(sides, offset),
            )
            if verdict is None:
                tally.right += 1
            elif tally.failures is not None:
                tally.failures.append(
                    f"{before.workout_id} {plan.slots[before.position].exercise_id} "
                    f"{intent} at {offset} s: {verdict}"
                )
    adapter._items, echo.session_id, echo.attributes, clock.now = items, session, attributes, start


def _judge(  # noqa: PLR0911  # one return per way a case can go wrong
    library: Library,
    *,
    plan: Plan,
    intent: str,
    before: WorkoutState,
    state: WorkoutState | None,
    reply: Reply,
    expected: Expected,
) -> str | None:
    """None when the set carries on where expected and nothing was counted done early."""
    if state is None:
        return "the workout ended"
    exercise_id = plan.slots[before.position].exercise_id
    if expected.carry_on is None:
        # The work was over: the set is done and the runner is asked about what follows.
        return None if state.position > before.position else f"set not done: {reply.text[-80:]}"
    new_plan = transitions.plan_of(library, state)
    done_before = _sets_done(plan, before)
    if _sets_done(new_plan, state) > done_before:
        return f"counted done early: {reply.text[-120:]}"
    switched = new_plan.performed.get(exercise_id) != plan.performed.get(exercise_id)
    if exercise_id in state.skipped or (switched and intent == "PainIntent"):
        # Spared for the pain: skipped, or a stand-in done in its place from the next set.
        return None if state.carry_on is None else "a swapped exercise still carries on"
    slot = new_plan.slots[state.position]
    if slot.exercise_id != exercise_id or slot.set_index != plan.slots[before.position].set_index:
        return f"carries on elsewhere: slot {state.position}"
    want = expected.carry_on
    if switched:  # easier by another exercise: the interrupted side, afresh
        want = CarryOn(want.side if want.side in slot.sides else slot.sides[0], 1)
    reps = new_plan.dosages[exercise_id].reps
    if reps is not None and reps < want.rep:
        # Easier, with fewer reps than done on this side already: on to the next side (the
        # last rep again when this is the last side).
        later = slot.sides[slot.sides.index(want.side) + 1 :]
        want = CarryOn(later[0], 1) if later else CarryOn(want.side, reps)
    if state.carry_on != want:
        return f"carries on at {state.carry_on}, expected {want}: {reply.text[-100:]}"
    asked = reply.text.rstrip()
    if "carry on" not in asked[-80:]:
        return f"no offer to carry on: {asked[-100:]}"
    return None


def _sets_done(plan: Plan, state: WorkoutState) -> int:
    return sum(
        1
        for slot in plan.slots[: state.position]
        if slot.completes_set and slot.exercise_id not in state.skipped
    )


def test_a_set_interrupted_in_the_sample_carries_on_where_it_was(library: Library) -> None:
    """Reps together, reps per side and a hold per side: every interruption carries on right."""
    tally = _interrupt_every_set(library, SAMPLE)
    print(f"interruption cases: {tally.cases}, carried on right: {tally.right}")
    assert tally.cases > 100
    assert tally.failures == [], "\n".join((tally.failures or [])[:20])
    assert tally.right == tally.cases


@pytest.mark.slow
def test_every_exercise_interrupted_carries_on_where_it_was(library: Library) -> None:
    """The first set of every exercise played: every interruption carries on where it should."""
    tally = _interrupt_every_set(library, None)
    print(f"interruption cases: {tally.cases}, carried on right: {tally.right}")
    assert tally.failures == [], "\n".join((tally.failures or [])[:20])
    assert tally.right == tally.cases


def test_the_played_counts_carry_on_from_the_rep(library: Library) -> None:
    """Ready after a mid-set status counts on from the rep it reached, not from one."""
    echo, clock, reps, _ = _lunges_playing(library)
    clock.advance(math.floor(reps["start"]) + 20)
    offer = echo.say("WorkoutStatusIntent")
    rep = int(re.findall(r"from rep (\d+)", offer.text)[-1])
    whole = SideWork(Side.BOTH, reps["start"], reps["seconds"], reps["reps"], reps["tempo"])
    assert expected_at([whole], math.floor(reps["start"]) + 20).carry_on == CarryOn(Side.BOTH, rep)
    clock.advance(offer.seconds + 1)
    carried = echo.say("ReadyIntent")
    first_go = carried.text.split("(beep)")[1]  # the later sets of the lunge start from 1
    assert first_go.startswith(f" {rep} ["), carried.text


def _lunges_playing(library: Library) -> tuple[Device, FakeClock, dict[str, Any], MemoryAdapter]:
    """Five basics' first set (walking lunges) just asked for; its reps timer from the screen."""
    entry, adapter, clock = _entry(library)
    echo = Device(entry, clock=clock, screen=True)
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    echo.say("AMAZON.NoIntent")
    clock.now = float(math.floor(clock.now))
    played = echo.say("ReadyIntent")
    reps = next(t for t in played.screen["timers"] if t["kind"] == "reps")
    return echo, clock, reps, adapter


def test_repeat_mid_set_says_the_last_count_then_offers_to_carry_on(library: Library) -> None:
    """Repeat, 20 s into the reps, says the count reached, then the rep the set carries on from."""
    echo, clock, reps, _ = _lunges_playing(library)
    clock.advance(math.floor(reps["start"]) + 20)
    reply = echo.say("AMAZON.RepeatIntent")
    said = math.floor((math.floor(reps["start"]) + 20 - reps["start"]) / reps["tempo"]) + 1
    assert re.search(rf"\b{said}\.", reply.text), reply.text
    assert re.search(r"carry on from rep \d+\?$", reply.text.rstrip()), reply.text
    assert reply.asked == "carry_on_set"


def test_a_request_in_the_rest_keeps_the_set_done_and_the_rest_left(library: Library) -> None:
    """Status in the rest: set 2 is next, and the rest's remaining seconds are timed again."""
    echo, clock, reps, _ = _lunges_playing(library)
    rest_start = reps["start"] + reps["seconds"]
    clock.advance(math.floor(rest_start) + 30)
    reply = echo.say("WorkoutStatusIntent")
    assert "set 2 of 3" in reply.text, reply.text
    left = re.search(r"(\d+) seconds (?:of rest left|to go)", reply.text)
    assert left is not None, reply.text
    assert 10 <= int(left.group(1)) <= 40
    assert "(buzz)" in reply.text
    assert reply.asked == "ready"
    (rest,) = reply.screen["timers"]  # the Show's timer restarts with the rest timed again
    assert rest["kind"] == "rest"
    assert abs(rest["seconds"] - int(left.group(1))) <= 1


def test_a_session_ended_mid_set_keeps_the_place_reached(library: Library) -> None:
    """The runner walks off mid-set: the next session offers to carry on from the rep reached."""
    echo, clock, reps, adapter = _lunges_playing(library)
    clock.advance(math.floor(reps["start"]) + 12)
    echo.end_session("USER_INITIATED")
    state = _state(adapter, echo)
    assert state is not None
    assert state.carry_on is not None
    assert state.carry_on.rep > 1
    clock.advance(600)
    echo.launch()
    carried = echo.say("AMAZON.YesIntent")
    assert re.search(rf"\(beep\) {state.carry_on.rep} \[", carried.text), carried.text
