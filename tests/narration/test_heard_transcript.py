"""What the runner hears: every catalogue workout, every version, played through the Lambda entry.

Each play is a fresh runner who sets the coaching (standard, brief or detailed), starts a workout
(full, quick, 10 or 20 minutes) and says "ready" until it ends. The assertions read the SSML as
spoken, the way a runner with headphones hears it: every rep number in order for every set and
side, every cue of every exercise at least once, one question closing every open response, names
and kit with their articles, no "UTC", and every response inside Alexa's limits. The plays are made
once per module and shared by the tests below, which keeps the whole layer to a few seconds.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from conftest import CONTENT_DIR
from reliability_kit import stored_record
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.buildtime.loader import load_directory
from runner_strength.content.model import Mode
from runner_strength.engine.plan import CHAIN_BUDGET_SECONDS, quick_target
from runner_strength.engine.transitions import plan_of
from runner_strength.narration.phrases import Key
from runner_strength.narration.ssml import MAX_AUDIO_SECONDS, estimate_seconds, validate_ssml
from runner_strength.narration.timing import MAX_AUDIO_TAGS, TONE_SECONDS
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, Reply
from timeline_figures import measure

if TYPE_CHECKING:
    from runner_strength.content.model import Library
    from runner_strength.engine.plan import Plan

VERSIONS = ("full", "quick", "10 minutes", "20 minutes")
COACHING = ("standard", "brief", "detailed")
_TIMER = re.compile(r"\[[^\]]*\]")
_AUDIO = re.compile(r'<audio src="([^"]*)"/>')
_BREAK = re.compile(r'<break time="(\d+)(ms|s)"/>')
_NUMBER = re.compile(r"\b\d+\b")
# Characters a response stays under, leaving a margin below Alexa's 8,000.
SSML_MARGIN_CHARACTERS = 7500


@dataclass(frozen=True)
class Play:
    """One workout played to the end: which version, and every workout response as heard."""

    workout_id: str
    version: str
    coaching: str
    exercises: tuple[str, ...]  # the exercises the plan gives, in order
    reps: tuple[int, ...]  # the reps the plan counts, side by side, in order
    replies: tuple[Reply, ...]  # the start, then every "ready"
    plan: Plan  # the plan as started

    @property
    def sets(self) -> tuple[Reply, ...]:
        """The replies to "ready" (the start has no set).

        With a time budget the start plays the warm-up, a routine heard by its own tests, whose
        counts and names are not the workout's.
        """
        return self.replies[1:]

    @property
    def name(self) -> str:
        """A readable id for failure messages."""
        return f"{self.workout_id} ({self.version}, {self.coaching})"


def _minutes(library: Library, workout_id: str, version: str) -> int | None:
    if version == "full":
        return None
    if version == "quick":  # the quick version's target, asked for as a duration
        return max(1, quick_target(library, workout_id) // 60)
    return int(version.split(maxsplit=1)[0])


@dataclass(frozen=True)
class Version:
    """Which workout, cut how, coached how."""

    workout_id: str
    version: str
    coaching: str


def _play(  # the skill, its store and clock, and which play
    entry: LambdaEntry,
    adapter: MemoryAdapter,
    clock: FakeClock,
    library: Library,
    *,
    number: int,
    which: Version,
) -> Play:
    workout_id, version, coaching = which.workout_id, which.version, which.coaching
    user_id = f"amzn1.ask.account.HEARD{number:04d}"
    device = Device(entry, clock=clock, user_id=user_id)
    if coaching != "standard":
        intent = "BriefCoachingIntent" if coaching == "brief" else "DetailedCoachingIntent"
        device.say(intent, new_session=True)
    minutes = _minutes(library, workout_id, version)
    slots: dict[str, str | tuple[str, str] | None] = {
        "workout": (workout_id, library.workout(workout_id).name)
    }
    if minutes is not None:
        slots["duration"] = f"PT{minutes}M"
    start = device.say("StartWorkoutIntent", new_session=True, **slots)
    # The plan as started: a time budget holds the warm-up, so the workout gets what is left.
    record = stored_record(adapter, user_id)
    assert record is not None
    (state,) = record.active.values()
    plan = plan_of(library, state)
    replies = [start, *device.ready_until_done()]
    performed = tuple(
        dict.fromkeys(plan.performed.get(slot.exercise_id, slot.exercise_id) for slot in plan.slots)
    )
    reps = tuple(
        plan.dosages[slot.exercise_id].reps or 0
        for slot in plan.slots
        for _ in slot.sides
        if plan.dosages[slot.exercise_id].mode is Mode.REPS
    )
    return Play(workout_id, version, coaching, performed, reps, tuple(replies), plan)


@pytest.fixture(scope="module")
def heard_library() -> Library:
    """The real content library (module scope, so the plays below can share it)."""
    return load_directory(CONTENT_DIR)


@pytest.fixture(scope="module")
def plays(heard_library: Library) -> list[Play]:
    """Every catalogue workout in every version and coaching style, played once."""
    clock = FakeClock()
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    entry = LambdaEntry(
        build_skill(library=heard_library, adapter=adapter, clock=clock, rng_for=random.Random)
    )
    versions = [
        Version(workout_id, version, coaching)
        for workout_id in sorted(heard_library.workouts)
        for version in VERSIONS
        for coaching in COACHING
    ]
    return [
        _play(entry, adapter, clock, heard_library, number=number, which=which)
        for number, which in enumerate(versions)
    ]


def _plain(reply: Reply) -> str:
    """What is said, with the timers taken out (tones stay as marks like `(beep)`)."""
    return re.sub(r"\s+", " ", _TIMER.sub(" ", reply.text)).strip()


def _alternation(library: Library, key: Key) -> str:
    return "|".join(
        re.escape(v) for v in sorted(library.phrases.variants(key), key=len, reverse=True)
    )


def _counted_sequences(library: Library, text: str) -> list[list[int]]:
    """The numbers said between each "go" and the end of that side's reps, in order."""
    go = _alternation(library, Key.GO)
    end = "|".join((_alternation(library, Key.REPS_DONE), _alternation(library, Key.SWITCH_SIDES)))
    pattern = re.compile(rf"(?:{go})(?: \(beep\))? (.*?)(?={end})")
    return [[int(n) for n in _NUMBER.findall(segment)] for segment in pattern.findall(text)]


def test_every_version_of_every_workout_was_played(
    plays: list[Play], heard_library: Library
) -> None:
    """Every workout, four versions, three coaching styles: each played to its end.

    The end either closes the session or offers the cool-down.
    """
    assert len(plays) == len(heard_library.workouts) * len(VERSIONS) * len(COACHING)
    for play in plays:
        last = play.replies[-1]
        assert last.ends_session or last.asked == "cool_down_offer", play.name
        assert len(play.replies) >= 2, play.name  # a start and at least one set


def test_every_rep_number_is_said_in_order_for_every_set_and_side(
    plays: list[Play], heard_library: Library
) -> None:
    """Each counted side runs 1, 2, 3 ... to the prescribed rep: nothing skipped or out of order.

    The sides counted, and how far, are exactly the rep sides the workout's plan prescribes.
    """
    for play in plays:
        counted = []
        for reply in play.sets:
            text = _plain(reply)
            for numbers in _counted_sequences(heard_library, text):
                assert numbers == list(range(1, len(numbers) + 1)), (play.name, numbers, text)
                counted.append(len(numbers))
        assert tuple(counted) == play.reps, play.name


def test_per_side_sets_count_both_sides_to_the_same_number(
    plays: list[Play], heard_library: Library
) -> None:
    """A per-side rep set counts the left and the right side to the same last rep."""
    switch = re.compile(_alternation(heard_library, Key.SWITCH_SIDES))
    pairs = 0
    for play in plays:
        for reply in play.replies:
            text = _plain(reply)
            sequences = _counted_sequences(heard_library, text)
            if switch.search(text) and len(sequences) == 2:  # left and right
                assert sequences[0][-1] == sequences[1][-1], (play.name, text)
                pairs += 1
    assert pairs > 0


def test_every_cue_of_every_exercise_is_heard_across_its_sets(
    plays: list[Play], heard_library: Library
) -> None:
    """Whatever the version, every cue of every exercise done is said at least once."""
    for play in plays:
        heard = " ".join(_plain(reply) for reply in play.replies)
        for exercise_id in play.exercises:
            for cue in heard_library.exercise(exercise_id).cues:
                assert cue in heard, (play.name, exercise_id, cue)


def test_every_open_response_ends_with_exactly_one_question(plays: list[Play]) -> None:
    """A response that keeps the microphone open asks one question, at its very end."""
    for play in plays:
        for reply in play.replies:
            if reply.ends_session:
                continue
            text = _plain(reply)
            assert text.endswith("?"), (play.name, text[-200:])
            assert text.count("?") == 1, (play.name, text)


def test_exercise_names_are_said_with_their_article(
    plays: list[Play], heard_library: Library
) -> None:
    """Outside the exercise's own sentences, a name always comes with "the" (or a, your ...)."""
    names = sorted(
        {e.name.lower() for e in heard_library.exercises.values()}, key=len, reverse=True
    )
    content = sorted(
        {
            text.lower()
            for e in heard_library.exercises.values()
            for text in (e.why, e.setup, *e.cues, *e.mistakes, *e.safety)
        },
        key=len,
        reverse=True,
    )
    workout_names = [w.name.lower() for w in heard_library.workouts.values()]
    for play in plays:
        for reply in play.replies:
            text = _plain(reply).lower()
            for line in (*content, *workout_names):
                text = text.replace(line, " ")
            for name in names:
                text = re.sub(rf"\b(?:the|a|an|your) {re.escape(name)}\b", " ", text)
                assert not re.search(rf"\b{re.escape(name)}\b", text), (play.name, name, text)


def test_equipment_is_said_with_its_article(plays: list[Play], heard_library: Library) -> None:
    """The kit list at the start reads "a bench, dumbbells and a step", never "bench"."""
    singular = (
        "step",
        "bench",
        "box",
        "chair",
        "wall",
        "mini band",
        "kettlebell",
        "cable machine",
        "foam roller",
        "slider",
        "towel",
        "resistance band",
    )
    lines = [v.split("{")[0] for v in heard_library.phrases.variants(Key.WORKOUT_EQUIPMENT)]
    for play in plays:
        start = _plain(play.replies[0])
        for line in lines:
            if line in start:
                kit = start[start.index(line) + len(line) :].split(".")[0]
                for item in singular:
                    for match in re.finditer(rf"\b{item}\b", kit):
                        before = kit[: match.start()].split()
                        assert before, (play.name, kit)
                        assert before[-1] in {"a", "an"}, (play.name, kit)


def test_no_time_zone_name_is_spoken(plays: list[Play]) -> None:
    """Nothing in a workout says "UTC" (the time zone is no business of a set)."""
    for play in plays:
        for reply in play.replies:
            assert "UTC" not in reply.ssml, play.name


def test_every_response_is_inside_alexas_limits(plays: list[Play]) -> None:
    """Under 7,500 characters (8,000 less a margin), breaks of 10 s at most and five tones at most.

    A response of several sets stays inside the length `Plan.response_end` allows it, with 40 s for
    the estimate's error. (check_response, run on every reply as it arrives, also holds each
    response under 24 KB.)
    """
    longest = 0.0
    for play in plays:
        for reply in play.replies:
            ssml = reply.ssml
            assert len(ssml) < SSML_MARGIN_CHARACTERS, play.name  # Alexa's limit is 8,000
            assert validate_ssml(ssml) == [], play.name
            assert estimate_seconds(ssml) <= CHAIN_BUDGET_SECONDS + 40, play.name
            longest = max(longest, estimate_seconds(ssml))
            for value, unit in _BREAK.findall(ssml):
                assert int(value) / (1000 if unit == "ms" else 1) <= 10, play.name
            tones = _AUDIO.findall(ssml)
            assert len(tones) <= MAX_AUDIO_TAGS, play.name
            for src in tones:
                assert src.startswith("soundbank://soundlibrary/"), src
                assert src in TONE_SECONDS, src
    assert longest > MAX_AUDIO_SECONDS, "sets flow on past 240 s of speech in one response"


def test_tones_mark_go_switch_and_end(plays: list[Play]) -> None:
    """With tones on (the default), sets are heard with a beep at go and a buzz at a rest's end."""
    marks = " ".join(reply.text for play in plays for reply in play.replies)
    for mark in ("(beep)", "(chime)", "(buzz)"):
        assert mark in marks


def test_no_exercise_is_named_twice_in_one_response(
    plays: list[Play], heard_library: Library
) -> None:
    """Within one response an exercise is named once for its stretch; after that it is "it".

    A response of several sets may name an exercise again once another has been named (a circuit
    round that starts over with it); never twice in a row. The closing summary of a finished
    workout lists what was done, and is read on its own; the question that ends a whole rest
    names what comes next, a minute after the rest introduced it.
    """
    after_rest = re.compile(
        "|".join(
            re.escape(v.lower()).replace(re.escape("{name}"), r"[^?]*")
            for v in heard_library.phrases.variants(Key.ASK_AFTER_REST)
        )
    )
    done = re.compile(
        "|".join(
            (_alternation(heard_library, Key.DONE), _alternation(heard_library, Key.DONE_EARLY))
        ).lower()
    )
    names = sorted(
        {e.called.lower() for e in heard_library.exercises.values()}, key=len, reverse=True
    )
    content = sorted(
        {
            text.lower()
            for e in heard_library.exercises.values()
            for text in (e.why, e.setup, *e.cues, *e.mistakes, *e.safety)
        },
        key=len,
        reverse=True,
    )
    for play in plays:
        for reply in play.sets:
            text = after_rest.sub(" ", done.split(_plain(reply).lower())[0])
            for line in content:
                text = text.replace(line, " ")
            said: list[tuple[int, str]] = []
            for name in names:  # longest first, so "side plank" is not also "plank"
                pattern = re.compile(rf"\b{re.escape(name)}\b")
                said.extend((found.start(), name) for found in pattern.finditer(text))
                text = pattern.sub(lambda found: " " * len(found.group()), text)
            in_order = [name for _, name in sorted(said)]
            for before, after in itertools.pairwise(in_order):
                assert before != after, (play.name, after, _plain(reply))


# After "ready", the most a runner hears before "go" (the set-up silence aside): a set whose
# exercise was introduced in the rest before, and a later set of the same exercise.
FIRST_SET_TALK_SECONDS = 8.0
LATER_SET_TALK_SECONDS = 5.0


def test_after_a_rest_the_set_starts_within_seconds_of_ready(
    plays: list[Play], heard_library: Library
) -> None:
    """After a whole rest, "ready" hears at most 8 s (5 s for a later set) before "go".

    The rest said what comes (the next exercise's whole intro, or the reminder); only the first
    set of a play follows the start's question instead of a rest.
    """
    for play in plays:
        figures = measure(heard_library, play.plan, [reply.ssml for reply in play.sets])
        talks = list(zip(figures.talk_before_go, figures.first_of_exercise, strict=True))
        assert len(talks) == len(play.sets), play.name  # every "ready" leads to a "go"
        for number, (talk, first) in enumerate(talks[1:], start=1):
            limit = FIRST_SET_TALK_SECONDS if first else LATER_SET_TALK_SECONDS
            assert talk <= limit, (play.name, number, talk, play.sets[number].text[:200])


def test_a_workout_needs_at_most_two_answers_more_than_its_exercises(plays: list[Play]) -> None:
    """An exercise's sets, and a circuit round's stations, flow on: a question comes between them.

    Only when a response is full (four sets, or about seven minutes) is there a question inside
    an exercise, so "ready" is said at most the number of exercises plus two times.
    """
    for play in plays:
        assert len(play.sets) <= len(play.exercises) + 2, (play.name, len(play.sets))


def test_a_whole_rest_ends_by_naming_what_comes(plays: list[Play], heard_library: Library) -> None:
    """A rest played to its end before a new exercise asks by name, never "ready for it?"."""
    unnamed = {v.lower() for v in heard_library.phrases.variants(Key.ASK_EXERCISE_NAMED)}
    asked = 0
    for play in plays:
        for reply in play.sets:
            text = _plain(reply)
            if "(buzz)" in text and not reply.finishes_workout:
                question = text.rsplit("(buzz)", 1)[1].strip().lower()
                assert question not in unnamed, (play.name, text[-120:])
                asked += "?" in question
    assert asked > 0
