"""The workout as lived, measured from what Alexa plays: talk before "go", rests, answers.

Read from the SSML of a whole play (the start, then every "ready"), with the clock moving by each
response's estimated audio and `ANSWER_SECONDS` for the runner's "ready". Used by the heard
transcript tests, and run as a script to print the figures for the ten catalogue workouts:

    .venv/bin/python tests/timeline_figures.py
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from runner_strength.narration.phrases import Key
from runner_strength.narration.timing import (
    BREAK_COST_SECONDS,
    GO_TONE,
    TONE_SECONDS,
    speech_seconds,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from runner_strength.content.model import Library
    from runner_strength.engine.plan import Plan

# Seconds a runner takes to say "ready" once the question is over.
ANSWER_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Piece:
    """One thing played: words (`text`), a break, or a tone, with its estimated seconds."""

    kind: str  # "text", "break" or "audio"
    seconds: float
    text: str = ""


def pieces(ssml: str) -> list[Piece]:
    """What an SSML response plays, in order (sentences as one text piece each)."""
    out: list[Piece] = []
    parser = expat.ParserCreate()

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "break":
            time = attributes.get("time", "0ms")
            value = float(time[:-2]) / 1000 if time.endswith("ms") else float(time[:-1])
            out.append(Piece("break", value + BREAK_COST_SECONDS))
        elif name == "audio":
            src = attributes.get("src", "")
            out.append(Piece("audio", TONE_SECONDS.get(src, 0.0), src))

    def text(data: str) -> None:
        if out and out[-1].kind == "text" and not out[-1].text.endswith((".", "?", "!")):
            previous = out.pop()
            data = previous.text + data
        if data.strip():
            out.append(Piece("text", speech_seconds(data), data.strip()))

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.Parse(ssml, True)  # expat's `isfinal` is positional only
    return out


@dataclass
class Figures:
    """One play's figures."""

    talk_before_go: list[float] = field(default_factory=list)  # words said after a "ready"
    wait_before_go: list[float] = field(default_factory=list)  # everything after a "ready"
    first_of_exercise: list[bool] = field(default_factory=list)  # per entry of the two above
    rests: list[tuple[float, int]] = field(default_factory=list)  # (got, prescribed) per slot
    setups: list[float] = field(default_factory=list)  # silence just before each "go"
    switches: list[float] = field(default_factory=list)  # "switch sides" to the next "go"
    answers: int = 0  # "ready" said from the first set on


class _Words:
    def __init__(self, library: Library) -> None:
        self.go = frozenset(library.phrases.variants(Key.GO)) | frozenset(
            library.phrases.variants(Key.HOLD_START)
        )
        self.done = frozenset(library.phrases.variants(Key.REPS_DONE)) | frozenset(
            library.phrases.variants(Key.HOLD_DONE)
        )
        self.switch = frozenset(library.phrases.variants(Key.SWITCH_SIDES))


def measure(
    library: Library, plan: Plan, responses: Sequence[str], *, asked_first: bool = True
) -> Figures:
    """The figures of one play: `responses` are the SSML of every response after the start.

    `asked_first`: the first response answers the start's question (so its talk counts).
    """
    words = _Words(library)
    figures = Figures(answers=len(responses))
    clock = 0.0
    done_at: float | None = None
    switch_at: float | None = None
    exercises_seen: set[str] = set()
    rest_index = 0
    rests = [
        plan.timing(index, intro=False).rest_prescribed
        for index in range(len(plan.slots))
        if index != len(plan.slots) - 1
    ]
    # Which slot's first "go" opens an exercise (first sets in the order played).
    opens = [
        slot.exercise_id not in exercises_seen and not exercises_seen.add(slot.exercise_id)  # type: ignore[func-returns-value]
        for slot in plan.slots
        if slot.starts_set
    ]
    starts = 0
    for number, ssml in enumerate(responses):
        response_start = clock
        first_go = True
        silence = 0.0
        talk = 0.0
        for piece in pieces(ssml):
            if piece.kind == "text" and piece.text in words.go:
                now = clock
                if first_go and (number > 0 or asked_first):
                    figures.talk_before_go.append(talk)
                    figures.wait_before_go.append(now - response_start)
                    figures.first_of_exercise.append(starts < len(opens) and opens[starts])
                first_go = False
                figures.setups.append(silence)
                if switch_at is not None:
                    figures.switches.append(now - switch_at)
                    switch_at = None
                elif done_at is not None:
                    prescribed = rests[rest_index] if rest_index < len(rests) else 0
                    figures.rests.append((now - done_at, prescribed))
                    rest_index += 1
                    done_at = None
                    starts += 1
                else:
                    starts += 1
            elif piece.kind == "text" and piece.text in words.done:
                done_at = clock + piece.seconds
            elif piece.kind == "text" and piece.text in words.switch:
                switch_at = clock
            if piece.kind == "break":
                silence += piece.seconds
            elif not (piece.kind == "audio" and piece.text == GO_TONE):
                silence = 0.0
            if piece.kind == "text" and first_go:
                talk += piece.seconds
            clock += piece.seconds
        clock += ANSWER_SECONDS
    return figures


def _summary(values: Sequence[float]) -> str:
    if not values:
        return "-"
    return f"median {statistics.median(values):.1f} s, max {max(values):.1f} s"


def main() -> None:
    """Play the ten catalogue workouts (full, standard coaching, no warm-up) and print figures."""
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    import random  # noqa: PLC0415  # only the script needs these

    from conftest import CONTENT_DIR  # noqa: PLC0415
    from runner_strength.alexa.skill import LambdaEntry, build_skill  # noqa: PLC0415
    from runner_strength.buildtime.loader import load_directory  # noqa: PLC0415
    from runner_strength.engine.plan import build_plan  # noqa: PLC0415
    from runner_strength.persistence.memory import MemoryAdapter  # noqa: PLC0415
    from skilltest import Device, FakeClock  # noqa: PLC0415

    library = load_directory(CONTENT_DIR)
    clock = FakeClock()
    entry = LambdaEntry(
        build_skill(
            library=library,
            adapter=MemoryAdapter(clock=clock, ttl_days=365),
            clock=clock,
            rng_for=random.Random,
        )
    )
    first: list[float] = []
    later: list[float] = []
    waits: list[float] = []
    over: list[float] = []
    total = 0
    for number, workout_id in enumerate(sorted(library.workouts)):
        device = Device(entry, clock=clock, user_id=f"amzn1.ask.account.FIGURES{number:04d}")
        workout = library.workout(workout_id)
        device.say("StartWorkoutIntent", new_session=True, workout=(workout_id, workout.name))
        straight_in = device.say(
            "AMAZON.NoIntent"
        )  # no warm-up: the first set's intro, its question
        clock.advance(straight_in.seconds + ANSWER_SECONDS)
        replies = device.ready_until_done()
        plan = build_plan(library, workout_id)
        figures = measure(library, plan, [reply.ssml for reply in replies])
        for talk, opening in zip(figures.talk_before_go, figures.first_of_exercise, strict=True):
            (first if opening else later).append(talk)
        waits += figures.wait_before_go
        extra = [got - prescribed for got, prescribed in figures.rests if prescribed > 0]
        over += extra
        total += figures.answers
        print(
            f"{workout_id:26} exercises {len(workout.items):2}  answers {figures.answers:3}"
            f"  talk before go {_summary(figures.talk_before_go)}"
            f"  rest got - prescribed {_summary(extra)}"
        )
    print(f"answers in all: {total}")
    print(f"talk before go, first set of an exercise: {_summary(first)}")
    print(f"talk before go, later sets: {_summary(later)}")
    print(f"everything after a ready until go (talk and set-up): {_summary(waits)}")
    print(f"rest got minus prescribed: {_summary(over)}, min {min(over):.1f} s")


if __name__ == "__main__":
    main()
