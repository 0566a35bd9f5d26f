from __future__ import annotations

import itertools
import random
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner_strength.cli import main
from runner_strength.content.model import Dosage, Library, Mode
from runner_strength.engine import transitions
from runner_strength.engine.events import (
    AskReady,
    ExerciseIntro,
    NextUp,
    Outcome,
    SetPerformed,
    WorkoutFinished,
)
from runner_strength.engine.plan import MAX_CHAINED_SETS, build_plan
from runner_strength.engine.state import Scope, Side
from runner_strength.narration.narrator import (
    Narrator,
    Script,
    heard,
    intro_in_rest,
)
from runner_strength.narration.phrases import Key
from runner_strength.narration.rehearsal import explain, explain_text, rehearsal
from runner_strength.narration.ssml import (
    MAX_SSML_CHARACTERS,
    Ssml,
    estimate_seconds,
    validate_ssml,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from runner_strength.engine.state import WorkoutState

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKOUT_IDS = sorted(p.stem for p in (REPO_ROOT / "content" / "workouts").glob("*.yaml"))
EXERCISE_IDS = sorted(p.stem for p in (REPO_ROOT / "content" / "exercises").glob("*.yaml"))
# Every response stays this far under Alexa's 8,000 characters, whatever the phrase variants.
SSML_MARGIN_CHARACTERS = MAX_SSML_CHARACTERS - 500
HOLD_IDS = sorted(
    p.stem
    for p in (REPO_ROOT / "content" / "exercises").glob("*.yaml")
    if (yaml.safe_load(p.read_text(encoding="utf-8")).get("dosage") or {}).get("mode") == "hold"
)
TOLERANCE = 1.0  # the bound: timed work and rest within 1 s of the prescription

MOVES: dict[str, Callable[[WorkoutState | None, Library, float], Outcome]] = {
    "ready": transitions.ready,
    "repeat": transitions.repeat,
    "pause": transitions.pause,
    "resume": transitions.resume,
    "next": transitions.next_exercise,
    "previous": transitions.previous_exercise,
    "skip": transitions.skip_exercise,
    "easier": transitions.easier,
    "harder": transitions.harder,
    "status": transitions.status,
    "start over": transitions.start_over,
    "finish": transitions.finish,
}


def _spans(script: Script, kind: str) -> list[float]:
    """Lengths of the stretches between `<kind>_start` and `<kind>_end` marks, in order."""
    starts = [at for name, at in script.speech.marks if name == f"{kind}_start"]
    ends = [at for name, at in script.speech.marks if name == f"{kind}_end"]
    assert len(starts) == len(ends)
    return [end - start for start, end in zip(starts, ends, strict=True)]


def _check_limits(script: Script) -> None:
    """One response within Alexa's limits, with a reprompt whenever the session stays open."""
    speech = script.to_speech()
    assert validate_ssml(speech.ssml) == [], speech.display
    assert estimate_seconds(speech.ssml) == pytest.approx(script.speech.seconds, abs=0.05)
    assert len(speech.ssml) <= SSML_MARGIN_CHARACTERS  # a response of several sets keeps a margin
    if speech.end_session:
        assert speech.reprompt is None
    else:
        assert speech.reprompt is not None
        assert validate_ssml(speech.reprompt) == []


def _check_timing(script: Script, outcome: Outcome) -> None:
    """Every hold, rep set and rest lasts its prescribed seconds within 1 s by the estimate."""
    performed = [e for e in outcome.events if isinstance(e, SetPerformed)]
    holds, reps, rests = _spans(script, "hold"), _spans(script, "reps"), _spans(script, "rest")
    if not performed:
        assert holds == reps == rests == []
        return
    expected_holds: list[float] = []
    expected_reps: list[float] = []
    expected_rests: list[int] = []
    for event in performed:
        dosage = event.dosage
        if dosage.mode is Mode.HOLD:
            expected_holds += [float(dosage.hold_seconds or 0)] * len(event.sides)
        else:
            expected_reps += [(dosage.reps or 0) * (dosage.tempo_seconds or 0)] * len(event.sides)
        if event.rest_seconds > 0 and event.next_preview is not None:
            expected_rests.append(event.rest_seconds)
    assert holds == pytest.approx(expected_holds, abs=TOLERANCE)
    assert reps == pytest.approx(expected_reps, abs=TOLERANCE)
    assert len(rests) == len(expected_rests)
    for rest, prescribed in zip(rests, expected_rests, strict=True):
        if intro_in_rest(script.speech) is None:
            assert rest == pytest.approx(prescribed, abs=TOLERANCE)
        else:  # the next exercise's intro is rest too: a shorter rest grows to hold it
            assert rest >= prescribed - TOLERANCE


def _walk(
    library: Library,
    workout_id: str,
    seed: int,
    heard_before: frozenset[str] = frozenset(),
    *,
    most: int = MAX_CHAINED_SETS,
) -> Iterator[tuple[Outcome, Script]]:
    """Start and "ready" until done; `most=1` is one set a response ("ask me after every set")."""
    narrator = Narrator(library, random.Random(seed))
    now = 1_700_000_000.0
    outcome = transitions.start(library, workout_id, now, heard_before=heard_before)
    while True:
        script = narrator.script(outcome)
        yield outcome, script
        if script.end_session or outcome.state is None:
            return
        state = heard(outcome.state, script, now)  # as the skill's responder keeps it
        now += script.speech.seconds + 3
        outcome = transitions.ready(state, library, now, most=most)


# ---------------------------------------------------------------- whole workouts


@pytest.mark.parametrize("workout_id", WORKOUT_IDS)
@pytest.mark.parametrize("seed", [0, 1])
def test_every_catalogue_workout_narrates_within_limits(
    library: Library, workout_id: str, seed: int
) -> None:
    """Walking a workout by "ready" gives valid SSML, reprompts while open, and a final goodbye."""
    steps = list(_walk(library, workout_id, seed))
    for outcome, script in steps:
        _check_limits(script)
        if any(isinstance(e, SetPerformed) for e in outcome.events) and not script.end_session:
            assert script.to_speech().display.endswith("?")
    assert steps[-1][1].end_session
    performed = sum(isinstance(e, SetPerformed) for o, _ in steps for e in o.events)
    assert performed == len(build_plan(library, workout_id).slots)
    assert performed >= len(steps) - 1  # a response may play several sets


@pytest.mark.parametrize("workout_id", WORKOUT_IDS)
def test_holds_reps_and_rests_match_the_prescription_within_one_second(
    library: Library, workout_id: str
) -> None:
    """In every response of every workout the timed stretches last what the plan prescribes."""
    for outcome, script in _walk(library, workout_id, 5):
        _check_timing(script, outcome)


def test_the_library_has_hold_exercises() -> None:
    """The hold timing test below has holds to check (plank, side plank, Copenhagen plank ...)."""
    assert len(HOLD_IDS) >= 3


@pytest.mark.parametrize("exercise_id", HOLD_IDS)
def test_every_hold_exercise_times_its_whole_range_within_one_second(
    library: Library, exercise_id: str
) -> None:
    """For each hold in the library, every hold length in its range is timed to within 1 s."""
    exercise = library.exercise(exercise_id)
    dosage = exercise.dosage
    assert dosage.mode is Mode.HOLD
    low, high = dosage.hold_range or (dosage.hold_seconds or 0, dosage.hold_seconds or 0)
    narrator = Narrator(library, random.Random(0))
    for seconds in {low, high, dosage.hold_seconds or low, *range(low, high + 1, 5)}:
        for tones in (False, True):
            plan, _ = narrator.hold_plan(
                seconds, [Ssml().sentence(exercise.cues[0])], start=tones, end=tones
            )
            timer = plan.render()
            assert timer.seconds == pytest.approx(seconds, abs=TOLERANCE)
            assert estimate_seconds(timer.build()) == pytest.approx(seconds, abs=TOLERANCE)


def test_a_hold_counts_down_from_five_and_checks_the_time(library: Library) -> None:
    """A 30 s hold hears twenty and ten seconds left, then five to one, in that order."""
    narrator = Narrator(library, random.Random(0))
    text = Script(narrator.hold_plan(30)[0].render(), None, end_session=False).to_speech().display
    positions = [text.index(s) for s in ("20 seconds", "10 seconds", " 5 ", " 4 ", " 3 ", " 2 ")]
    assert positions == sorted(positions)
    assert text.rstrip().endswith("1 [0.5 s]")


def test_per_side_hold_switches_sides_between_two_full_holds(library: Library) -> None:
    """The side plank's set holds left, says switch sides, then holds right, each for the dose."""
    switch_lines = library.phrases.variants(Key.SWITCH_SIDES)
    for outcome, script in _walk(library, "core_and_stability", 2, most=1):
        sets = [e for e in outcome.events if isinstance(e, SetPerformed)]
        if sets and sets[0].exercise_id == "side_plank":
            holds = _spans(script, "hold")
            assert len(holds) == 2
            text = script.to_speech().display
            assert any(line in text for line in switch_lines)
            return
    pytest.fail("core_and_stability has no side plank")


def test_rest_previews_what_comes_next_with_its_first_side(library: Library) -> None:
    """Before a per-side exercise the rest names it and the side it starts on."""
    steps = list(_walk(library, "core_and_stability", 3))
    for (outcome, script), (following, _) in itertools.pairwise(steps):
        done = [e for e in outcome.events if isinstance(e, SetPerformed)]
        upcoming = [e for e in following.events if isinstance(e, SetPerformed)]
        if not done or not upcoming or upcoming[0].exercise_id == done[0].exercise_id:
            continue
        text = script.to_speech().display
        rest = text[text.lower().rfind("rest.") :]  # every rest line ends "rest.", then the preview
        assert library.exercise(upcoming[0].exercise_id).called in rest
        if upcoming[0].sides[0] is Side.LEFT:
            assert library.phrases.variants(Key.LEFT)[0] in rest


# ---------------------------------------------------------------- intros


def _intro_of(outcome: Outcome) -> ExerciseIntro | None:
    return next((e for e in outcome.events if isinstance(e, ExerciseIntro)), None)


def test_intro_is_full_first_and_short_after(library: Library) -> None:
    """The first set's intro (why, set-up) is heard once, in the rest before it or with it."""
    steps = list(_walk(library, "five_basics", 0, most=1))
    first_sets: dict[str, int] = {}
    before = ""
    for outcome, script in steps:
        text = script.to_speech().display
        for event in outcome.events:
            if isinstance(event, SetPerformed):
                exercise = library.exercise(event.exercise_id)
                intro = _intro_of(outcome)
                previewed = intro is not None and intro.previewed
                count = first_sets.setdefault(exercise.id, 0)
                heard = before if previewed else text
                assert (exercise.setup in heard) == (count == 0), (exercise.id, count)
                assert (exercise.why in heard) == (count == 0)
                if previewed:  # said in the rest: the set itself starts at once
                    assert exercise.setup not in text
                first_sets[exercise.id] = count + 1
        before = text
    assert any(count for count in first_sets.values())


def test_circuit_rounds_after_the_first_get_a_short_reminder(library: Library) -> None:
    """In a circuit the later rounds name the exercise and give one cue, without the set-up."""
    before = ""
    for outcome, script in _walk(library, "no_equipment_circuit", 0, most=1):
        text = script.to_speech().display
        for event in outcome.events:
            if isinstance(event, SetPerformed):
                exercise = library.exercise(event.exercise_id)
                intro = _intro_of(outcome)
                heard = before if intro is not None and intro.previewed else text
                assert exercise.called in heard
                assert (exercise.setup in heard) == (event.set_number == 1)
        before = text


def test_intro_heard_in_an_earlier_workout_is_short(library: Library) -> None:
    """An exercise the runner heard before gets its name and a cue, not the whole set-up."""
    workout = library.workout("five_basics")
    first = workout.items[0].exercise_id
    steps = list(_walk(library, "five_basics", 0, heard_before=frozenset({first})))
    text = steps[1][1].to_speech().display
    assert library.exercise(first).called in text
    assert library.exercise(first).setup not in text


def test_intro_gives_three_cues(library: Library) -> None:
    """A full intro says three of its cues before the work; the first set's fourth comes with it.

    An intro said in the rest before the set has its three cues there (and the fourth, when no
    beat of the work has room for it).
    """
    for workout_id in WORKOUT_IDS:
        before = ""
        for outcome, script in _walk(library, workout_id, 0, most=1):
            text = script.to_speech().display
            intro = _intro_of(outcome)
            if intro is not None and intro.first_time:
                exercise = library.exercise(intro.exercise_id)
                if intro.previewed:
                    rest = before[before.rfind("(beep)") :]  # after the last set's work began
                    assert sum(cue in rest for cue in exercise.cues[:3]) == 3, exercise.id
                    the_set = text[: text.lower().rfind("rest.")]  # the rest speaks of the next
                    said = [c for c in exercise.cues if c in rest or c in the_set]
                    assert len(said) == min(4, len(exercise.cues)), exercise.id
                else:
                    before_work = text.split("[")[0]
                    assert sum(cue in before_work for cue in exercise.cues[:3]) == 3, exercise.id
                    the_set = text[: text.lower().rfind("rest.")]  # the rest speaks of the next
                    heard = sum(cue in the_set for cue in exercise.cues)
                    assert heard == min(4, len(exercise.cues))
            before = text


# ---------------------------------------------------------------- budget


def test_a_set_too_long_for_one_response_cuts_its_rest_and_says_so(library: Library) -> None:
    """A long per-side hold with a long rest still fits 240 s: the rest is cut and flagged."""
    state = transitions.start(library, "core_and_stability", 0.0).state
    dosage = Dosage(
        Mode.HOLD, sets=2, per_side=True, rest_seconds=180, hold_seconds=60, hold_range=(15, 60)
    )
    where = NextUp("plank", 1, 2, (Side.BOTH,), new_exercise=True)
    performed = SetPerformed(
        "side_plank",
        "side_plank",
        2,
        2,
        dosage,
        (Side.LEFT, Side.RIGHT),
        rest_seconds=180,
        rest_prescribed_seconds=180,
        round_end=False,
        next_preview=where,
    )
    events = (
        ExerciseIntro("side_plank", first_time=True, heard_before=False),
        performed,
        AskReady(where),
    )
    script = Narrator(library, random.Random(1)).script(Outcome(state, events))
    _check_limits(script)
    assert _spans(script, "hold") == [pytest.approx(60, abs=TOLERANCE)] * 2
    (rest,) = _spans(script, "rest")
    assert rest < 180
    text = script.to_speech().display
    assert any(line in text for line in library.phrases.variants(Key.REST_TAKE_MORE))
    assert text.endswith("?")


# ---------------------------------------------------------------- other moves


def _started(library: Library, workout_id: str = "core_and_stability") -> tuple[Narrator, Outcome]:
    narrator = Narrator(library, random.Random(4))
    return narrator, transitions.start(library, workout_id, 1000.0)


def test_pause_says_where_and_how_to_resume(library: Library) -> None:
    """Pausing mid-set names the exercise and set, says it will be redone, and how to resume."""
    narrator, outcome = _started(library)
    outcome = transitions.ready(outcome.state, library, 1000.0)
    paused = transitions.pause(outcome.state, library, 1010.0)
    script = narrator.script(paused)
    _check_limits(script)
    text = script.to_speech().display
    first = library.workout("core_and_stability").items[0].exercise_id
    assert library.exercise(first).called in text
    assert any(line in text for line in library.phrases.variants(Key.PAUSED_ROLLED_BACK))
    assert any(line in text for line in library.phrases.variants(Key.PAUSED_HOW))
    assert script.end_session, "a paused runner has stepped away: the session closes"


def test_resume_reorients_in_one_sentence_then_does_the_set(library: Library) -> None:
    """After a pause, resume says where we are once and goes straight into the set."""
    narrator, outcome = _started(library)
    outcome = transitions.ready(outcome.state, library, 1000.0)
    paused = transitions.pause(outcome.state, library, 1010.0)
    narrator.script(paused)
    resumed = transitions.resume(paused.state, library, 1100.0)
    script = narrator.script(resumed)
    _check_limits(script)
    _check_timing(script, resumed)
    text = script.to_speech().display
    set_lines = library.phrases.variants(Key.SET_START)
    assert not any(line.split("{")[0] in text for line in set_lines)


def test_status_says_what_is_left_and_asks_to_go_on(library: Library) -> None:
    """Status gives the position, sets and minutes left, and ends with the ready question."""
    narrator, outcome = _started(library)
    outcome = transitions.ready(outcome.state, library, 1000.0)
    script = narrator.script(transitions.status(outcome.state, library, 1200.0))
    _check_limits(script)
    text = script.to_speech().display
    assert "minute" in text
    assert text.endswith("?")


def test_done_summary_gives_time_exercises_and_what_was_skipped(library: Library) -> None:
    """Finishing after a skip names the skipped exercise and ends the session."""
    narrator, outcome = _started(library, "five_basics")
    outcome = transitions.ready(outcome.state, library, 1000.0, most=1)
    skipped_id = library.workout("five_basics").items[1].exercise_id
    outcome = transitions.next_exercise(outcome.state, library, 1200.0)
    outcome = transitions.skip_exercise(outcome.state, library, 1300.0)
    finished = transitions.finish(outcome.state, library, 1500.0)
    assert any(isinstance(e, WorkoutFinished) for e in finished.events)
    script = narrator.script(finished)
    _check_limits(script)
    assert script.end_session
    text = script.to_speech().display
    assert library.exercise(skipped_id).called in text
    assert "8 minutes" in text


@pytest.mark.parametrize("move", sorted(MOVES))
def test_every_move_before_and_after_starting_narrates_within_limits(
    library: Library, move: str
) -> None:
    """Each move, with no workout, just started, mid-set and paused, gives a valid response."""
    narrator, started = _started(library)
    mid = transitions.ready(started.state, library, 1000.0)
    paused = transitions.pause(mid.state, library, 1005.0)
    for state in (None, started.state, mid.state, paused.state):
        outcome = MOVES[move](state, library, 1010.0)
        _check_limits(narrator.script(outcome))


def test_start_over_and_unknown_workout_narrate(library: Library) -> None:
    """Starting the workout over, and asking for a workout that does not exist, both speak."""
    narrator, started = _started(library)
    over = transitions.start_over(started.state, library, 1001.0, Scope.WORKOUT)
    _check_limits(narrator.script(over))
    unknown = transitions.start(library, "no_such_workout", 1000.0)
    script = narrator.script(unknown)
    _check_limits(script)
    assert not script.end_session


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    workout_index=st.integers(0, len(WORKOUT_IDS) - 1),
    seed=st.integers(0, 1000),
    moves=st.lists(st.sampled_from(sorted(MOVES)), max_size=40),
)
def test_random_move_sequences_always_narrate_within_limits(
    library: Library, workout_index: int, seed: int, moves: list[str]
) -> None:
    """Whatever the runner says in whatever order, every response is valid and timed right."""
    narrator = Narrator(library, random.Random(seed))
    now = 1000.0
    outcome = transitions.start(library, WORKOUT_IDS[workout_index], now)
    for move in moves:
        script = narrator.script(outcome)
        _check_limits(script)
        _check_timing(script, outcome)
        now += script.speech.seconds / 2
        outcome = MOVES[move](outcome.state, library, now)
    _check_limits(narrator.script(outcome))


# ---------------------------------------------------------------- explain and rehearse


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_explain_gives_every_detail_of_an_exercise(library: Library, exercise_id: str) -> None:
    """Both layers together have the name, why, set-up, every cue, mistake and safety note."""
    exercise = library.exercise(exercise_id)
    text = explain_text(library, exercise)
    for part in (
        exercise.called,
        exercise.why,
        exercise.setup,
        *exercise.cues,
        *exercise.mistakes,
        *exercise.safety,
    ):
        assert part in text
    if exercise.easier is not None:
        assert exercise.easier.text in text
    assert "[" not in text
    speech = explain(library, exercise)
    assert validate_ssml(speech.ssml) == []
    assert speech.reprompt is not None
    assert not speech.end_session


def test_script_helpers_join_end_and_prefix_responses(library: Library) -> None:
    """`then` keeps the second question, `ending` closes the session, a notice goes first."""
    narrator, started = _started(library)
    body = narrator.explanation(library.exercise("plank"))
    question = narrator.closing(started)
    joined = body.then(question)
    assert joined.reprompt is question.reprompt
    assert not joined.end_session
    assert joined.speech.seconds == pytest.approx(body.speech.seconds + question.speech.seconds)
    _check_limits(joined)
    ended = body.ending()
    assert ended.end_session
    assert ended.reprompt is None
    notice = Ssml().sentence("Heads up.")
    noted = joined.with_notice(notice)
    assert noted.to_speech().display.startswith("Heads up.")
    assert noted.reprompt is joined.reprompt


def test_closing_is_only_the_ready_question(library: Library) -> None:
    """The closing of a start outcome asks about the first exercise, with a reprompt."""
    narrator, started = _started(library)
    closing = narrator.closing(started)
    first = library.workout("core_and_stability").items[0].exercise_id
    text = closing.to_speech().display
    assert text.endswith("?")
    assert library.exercise(first).called in text
    assert closing.reprompt is not None


def test_explain_text_reads_the_same_every_time(library: Library) -> None:
    """Without a random source, the explanation is seeded by the exercise and so stable."""
    exercise = library.exercise("copenhagen_plank")
    assert explain_text(library, exercise) == explain_text(library, exercise)


def test_rehearsal_matches_the_narrator_and_ends_the_session(library: Library) -> None:
    """The rehearsal is start plus ready until done, and its last response says goodbye."""
    said = [who for who, _ in rehearsal(library, "five_basics", random.Random(0))]
    assert said[0] == "start"
    assert set(said[1:]) == {"ready"}
    plan = build_plan(library, "five_basics")
    responses, start = 0, 0
    while start < len(plan.slots):
        start, responses = plan.response_end(start), responses + 1
    assert len(said) == responses + 1


def test_rehearse_command_prints_the_workout_with_timers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`runner-strength rehearse` prints runner and coach lines with timers like [10 s]."""
    assert main(["rehearse", "five basics"]) == 0
    out = capsys.readouterr().out
    assert "RUNNER: ready" in out
    assert "COACH:" in out
    assert re.search(r"\[\d+(\.\d)? s\]", out)


def test_rehearse_command_refuses_an_unknown_workout(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown workout name exits 1 with a message."""
    assert main(["rehearse", "no such workout"]) == 1
    assert "No workout" in capsys.readouterr().err
