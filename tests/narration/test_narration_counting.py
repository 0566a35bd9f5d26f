"""In-set narration: counts on the beat, every cue reachable, tones, articles, layered explanations.

Unit tests of the narrator's plans and of the content rules behind them; the heard-transcript layer
(test_heard_transcript.py) checks the same things over whole workouts through the Lambda entry.
"""

from __future__ import annotations

import random
import re
import shutil
from typing import TYPE_CHECKING

import pytest
import yaml

from conftest import CONTENT_DIR
from runner_strength.buildtime.loader import ContentError, load_directory
from runner_strength.content.model import (
    EQUIPMENT,
    FIRST_SET_CUES,
    LATER_SET_CUES,
    Mode,
    cue_capacity,
    cue_schedule,
)
from runner_strength.engine import transitions
from runner_strength.engine.events import AskReady, NextUp, Outcome, SetPerformed
from runner_strength.engine.plan import MAX_CHAINED_SETS
from runner_strength.engine.record import UserRecord
from runner_strength.engine.serialize import SCHEMA_VERSION, record_from_dict, record_to_dict
from runner_strength.engine.state import Side
from runner_strength.narration.narrator import Narrator, heard, intro_in_rest
from runner_strength.narration.phrases import Key
from runner_strength.narration.ssml import Ssml, estimate_seconds, plain_text, validate_ssml
from runner_strength.narration.timing import (
    END_TONE,
    GO_TONE,
    MAX_AUDIO_TAGS,
    SWITCH_TONE,
    TONE_SECONDS,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from runner_strength.content.model import Library
    from runner_strength.narration.narrator import Script
    from skilltest import Device, FakeClock

TOLERANCE = 1.0
LONG_CUE = "Drive through the front foot and bring the back leg through."


def _walk(
    library: Library,
    workout_id: str,
    *,
    tones: bool,
    brief: bool = False,
    most: int = MAX_CHAINED_SETS,
) -> Iterator[tuple[Outcome, Script]]:
    narrator = Narrator(library, random.Random(7), tones=tones, brief=brief)
    now = 1_700_000_000.0
    outcome = transitions.start(library, workout_id, now)
    while True:
        script = narrator.script(outcome)
        yield outcome, script
        if script.end_session or outcome.state is None:
            return
        state = heard(outcome.state, script, now)  # as the skill's responder keeps it
        now += script.speech.seconds + 3
        outcome = transitions.ready(state, library, now, most=most)


def _spans(script: Script, kind: str) -> list[float]:
    starts = [at for name, at in script.speech.marks if name == f"{kind}_start"]
    ends = [at for name, at in script.speech.marks if name == f"{kind}_end"]
    return [end - start for start, end in zip(starts, ends, strict=True)]


# ---------------------------------------------------------------- the cue schedule (content)


@pytest.mark.parametrize("cues", range(1, 7))
@pytest.mark.parametrize("sets", range(1, 7))
def test_the_cue_schedule_says_every_cue_in_order_of_sets(cues: int, sets: int) -> None:
    """Every cue index is in some set, new cues come first, and no set repeats one cue."""
    plan = cue_schedule(cues, sets)
    assert len(plan) == sets
    assert {index for spoken in plan for index in spoken} == set(range(cues))
    assert all(len(set(spoken)) == len(spoken) for spoken in plan)
    assert len(plan[0]) == min(cues, max(FIRST_SET_CUES, cues - LATER_SET_CUES * (sets - 1)))
    first_seen = [next(n for n, spoken in enumerate(plan) if i in spoken) for i in range(cues)]
    assert first_seen == sorted(first_seen)


def test_cue_capacity_grows_by_two_a_set() -> None:
    """Four different cues in the first set, two more in each set after it."""
    assert [cue_capacity(sets) for sets in range(4)] == [0, 4, 6, 8]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_check_rejects_an_exercise_with_more_cues_than_its_sets_can_say(tmp_path: Path) -> None:
    """A workout giving the walking lunge one set cannot reach its six cues: check says so."""
    content = _copy(tmp_path)
    path = content / "workouts" / "five_basics.yaml"
    data = yaml.safe_load(path.read_text())
    data["exercises"][0]["sets"] = 1
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(
        ContentError,
        match=r"five_basics.yaml: exercises\[0\]: 'walking_lunge' "
        r"has 6 cues but 1 set\(s\) here speak at most 4",
    ):
        load_directory(content)


def test_said_as_must_end_with_the_name(tmp_path: Path) -> None:
    """A mid-sentence name that is not the exercise's name with an article is rejected."""
    content = _copy(tmp_path)
    path = content / "exercises" / "plank.yaml"
    data = yaml.safe_load(path.read_text())
    data["said_as"] = "the side plank thing"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ContentError, match=r"plank.yaml: said_as: .* must end with the name"):
        load_directory(content)


def test_names_mid_sentence_carry_their_article(library: Library) -> None:
    """'the glute bridge' by default; "the Copenhagen plank" where the content says so."""
    assert library.exercise("glute_bridge").called == "the glute bridge"
    assert library.exercise("copenhagen_plank").called == "the Copenhagen plank"


def test_every_kind_of_kit_is_said_with_an_article_or_as_a_plural(library: Library) -> None:
    """Each equipment word has a phrase: "a mini band", "a bench", "dumbbells"."""
    for item in EQUIPMENT:
        (said,) = library.phrases.variants(f"kit_{item}")
        assert said.startswith(("a ", "an ")) or said.endswith("s"), said


# ---------------------------------------------------------------- counting


def test_a_long_cue_never_takes_the_place_of_a_count(library: Library) -> None:
    """The known bug, "7 ... 8. Drive through ... 10": now 1 to 10 all said, the cue elsewhere."""
    narrator = Narrator(library, random.Random(0))
    plan, unsaid = narrator.rep_plan(10, 3.0, [Ssml().sentence(LONG_CUE)])
    assert plan.counts == tuple(range(1, 11))
    assert [plain_text(cue.build()) for cue in unsaid] == [LONG_CUE]
    assert plan.render().seconds == pytest.approx(30.0, abs=TOLERANCE)


def test_a_short_cue_rides_after_a_number_inside_its_beat(library: Library) -> None:
    """A cue that fits a slow beat follows its number, and the next number is still on time."""
    narrator = Narrator(library, random.Random(0))
    plan, unsaid = narrator.rep_plan(6, 8.0, [Ssml().sentence(LONG_CUE)])
    assert unsaid == []
    assert plan.counts == tuple(range(1, 7))
    assert [beat.at for beat in plan.beats] == [8.0 * rep for rep in range(6)]
    text = plain_text(plan.render().build())
    assert re.search(r"\b4\. " + re.escape(LONG_CUE), text), text  # the middle of six


@pytest.mark.parametrize("tempo", [1.0, 2.0, 3.0, 8.0])
def test_every_count_is_on_its_beat_at_any_tempo(library: Library, tempo: float) -> None:
    """At every tempo in the content's range, 20 reps are 20 numbers, each on its beat."""
    narrator = Narrator(library, random.Random(0))
    plan, _ = narrator.rep_plan(20, tempo, [Ssml().sentence("Stay tall.")])
    assert plan.counts == tuple(range(1, 21))
    rendered = plan.render()
    assert rendered.seconds == pytest.approx(20 * tempo, abs=TOLERANCE)
    said = [
        int(n)
        for n in re.findall(r"\b\d+\b", re.sub(r"\[[^\]]*\]", "", plain_text(rendered.build())))
    ]
    assert said == list(range(1, 21))


def test_how_to_count_is_said_before_counting_starts(library: Library) -> None:
    """The heel tap's "count one rep once both heels have tapped" comes before the first number."""
    note = next(c for c in library.exercise("double_heel_tap").cues if "count" in c)
    for outcome, script in _walk(library, "core_and_stability", tones=True):
        sets = [e for e in outcome.events if isinstance(e, SetPerformed)]
        text = script.to_speech().display
        if sets and sets[0].exercise_id == "double_heel_tap" and note in text:
            counting = re.search(r"\(beep\) 1 ", text)
            assert counting is not None
            assert text.index(note) < counting.start()
            return
    pytest.fail("the heel tap's counting note was never said")


# ---------------------------------------------------------------- tones


@pytest.mark.parametrize("workout_id", ["core_and_stability", "lower_leg_and_hips"])
@pytest.mark.parametrize("tones", [True, False])
def test_holds_and_rests_keep_their_seconds_with_or_without_tones(
    library: Library, workout_id: str, *, tones: bool
) -> None:
    """Every hold and rest lasts its dose within 1 s, the tones' lengths counted inside it."""
    seen = 0
    for outcome, script in _walk(library, workout_id, tones=tones):
        performed = [e for e in outcome.events if isinstance(e, SetPerformed)]
        ssml = script.to_speech().ssml
        assert validate_ssml(ssml) == []
        assert ("<audio" in ssml) == (tones and bool(performed))
        holds = iter(_spans(script, "hold"))
        rests = iter(_spans(script, "rest"))
        for n, event in enumerate(performed):
            if event.dosage.mode is Mode.HOLD:
                for _ in event.sides:
                    assert next(holds) == pytest.approx(event.dosage.hold_seconds, abs=TOLERANCE)
                    seen += 1
            if event.rest_seconds == 0 or event.next_preview is None:
                continue
            rest = next(rests)
            if n + 1 < len(performed):  # a rest inside the response leads into its next set
                following = performed[n + 1]
                new_exercise = following.workout_exercise_id != event.workout_exercise_id
            else:
                new_exercise = intro_in_rest(script.speech) is not None
            if new_exercise:  # the next exercise's intro is rest too: a short rest grows to hold it
                assert rest >= event.rest_seconds - TOLERANCE
            else:
                assert rest == pytest.approx(event.rest_seconds, abs=TOLERANCE)
        assert next(holds, None) is None
        assert next(rests, None) is None
        assert estimate_seconds(ssml) == pytest.approx(script.speech.seconds, abs=0.05)
    assert seen > 0


def test_a_per_side_hold_set_plays_five_distinct_tones_in_order(library: Library) -> None:
    """A set alone in a response: go, switch (ending the left hold), go, hold end, rest end."""
    for outcome, script in _walk(library, "core_and_stability", tones=True, most=1):
        performed = [e for e in outcome.events if isinstance(e, SetPerformed)]
        if performed and performed[0].exercise_id == "side_plank" and len(performed[0].sides) > 1:
            tones = re.findall(r'<audio src="([^"]+)"/>', script.to_speech().ssml)
            assert tones == [GO_TONE, SWITCH_TONE, GO_TONE, END_TONE, END_TONE]
            assert len(set(TONE_SECONDS)) == 3  # three distinct sounds
            return
    pytest.fail("no per-side side plank set")


def test_sets_in_one_response_keep_each_go_and_the_last_rests_end(library: Library) -> None:
    """With five tags for several sets, every set's go tone and the final rest's end tone play."""
    chained = 0
    for workout_id in ("core_and_stability", "janne_eight", "get_strong_to_run"):
        for outcome, script in _walk(library, workout_id, tones=True):
            performed = [e for e in outcome.events if isinstance(e, SetPerformed)]
            if len(performed) < 2:
                continue
            chained += 1
            tones = re.findall(r'<audio src="([^"]+)"/>', script.to_speech().ssml)
            assert len(tones) <= MAX_AUDIO_TAGS
            assert tones.count(GO_TONE) >= len(performed), tones
            if performed[-1].rest_seconds > 0:
                assert tones[-1] == END_TONE, tones
    assert chained > 0


def test_the_console_shows_each_tone_as_its_own_mark() -> None:
    """Screen text and the console show `(beep)`, `(chime)` and `(buzz)` where tones play."""
    speech = Ssml().say("Go.").audio(GO_TONE).say("Switch.").audio(SWITCH_TONE).audio(END_TONE)
    assert plain_text(speech.build()) == "Go. (beep) Switch. (chime) (buzz)"
    assert speech.seconds == pytest.approx(estimate_seconds(speech.build()), abs=0.01)


def test_six_tones_in_one_response_are_refused() -> None:
    """Alexa plays at most five audio tags a response; the checker says so."""
    speech = Ssml()
    for _ in range(6):
        speech.audio(GO_TONE)
    assert any("at most 5" in problem for problem in validate_ssml(speech.build()))


def test_no_beeps_is_remembered_and_beeps_on_brings_them_back(
    echo: Device, clock: FakeClock
) -> None:
    """'No beeps' silences tones from the next set on, in later sessions too, until "beeps on"."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    first = echo.say("ReadyIntent")
    assert "<audio" in first.ssml
    clock.advance(first.seconds + 3)
    off = echo.say("TonesOffIntent")
    assert "beeps" in off.text.lower()
    assert not off.ends_session
    quiet = echo.say("ReadyIntent")
    assert "<audio" not in quiet.ssml
    echo.say("AMAZON.PauseIntent")
    clock.advance(3600)
    echo.say("ResumeWorkoutIntent", new_session=True)
    still_quiet = echo.say("ReadyIntent")
    assert "<audio" not in still_quiet.ssml
    clock.advance(still_quiet.seconds + 3)
    echo.say("TonesOnIntent")
    loud = echo.say("ReadyIntent")
    assert "<audio" in loud.ssml


def test_a_version_two_record_gets_tones_on() -> None:
    """Records stored before version 3 load with timer tones on, and round-trip as version 3."""
    stored = record_to_dict(UserRecord())
    stored["schema_version"] = 2
    del stored["preferences"]["tones"]
    record = record_from_dict(stored)
    assert record.preferences.tones is True
    assert record_to_dict(record)["schema_version"] == SCHEMA_VERSION >= 3


# ---------------------------------------------------------------- explanations in layers


@pytest.mark.parametrize("exercise_id", sorted(load_directory(CONTENT_DIR).exercises))
def test_an_explanation_comes_in_two_layers(library: Library, exercise_id: str) -> None:
    """First about 30 s (what, why, set-up, two or three cues) and an offer; then the rest."""
    exercise = library.exercise(exercise_id)
    narrator = Narrator(library, random.Random(0))
    first = narrator.explanation(exercise)
    first_text = plain_text(first.speech.build())
    assert first.speech.seconds <= 36  # ~30 s, a few seconds of phrasing either way
    assert exercise.setup in first_text
    said = [cue for cue in exercise.cues if cue in first_text]
    assert 2 <= len(said) <= 3  # two or three cues
    assert not any(m in first_text for m in exercise.mistakes)
    offer = narrator.explanation_offer()
    assert offer.to_speech().display.endswith("?")
    assert offer.reprompt is not None
    second = plain_text(narrator.explanation_more(exercise).speech.build())
    for part in (*exercise.mistakes, *exercise.safety):
        assert part in second
    if exercise.easier is not None:
        assert exercise.easier.text in second
    if exercise.harder is not None:
        assert exercise.harder.text in second
    assert all(cue in first_text or cue in second for cue in exercise.cues)


def test_the_explain_response_asks_about_the_second_layer(library: Library) -> None:
    """A one-response explanation ends with the offer of mistakes and easier or harder versions."""
    speech = Narrator(library, random.Random(0)).explain(library.exercise("glute_bridge"))
    offers = library.phrases.variants(Key.EXPLAIN_MORE)
    assert any(speech.display.endswith(offer) for offer in offers)
    assert not speech.end_session


def test_intro_openers_are_never_a_lone_odd_phrase(library: Library) -> None:
    """The words before the cues are a full thought ("Key points."), never "As you go." alone."""
    for opener in library.phrases.variants(Key.INTRO_CUES):
        assert opener != "As you go."
        assert len(opener.split()) >= 2  # at least two words


def test_only_tones_of_known_length_can_be_played() -> None:
    """A sound the timing table does not know cannot be added: its length would be a guess."""
    with pytest.raises(ValueError, match="not a tone of known length"):
        Ssml().audio("soundbank://soundlibrary/musical/amzn_sfx_trumpet_bugle_01")


def test_audio_from_elsewhere_than_the_library_or_https_is_refused() -> None:
    """validate_ssml accepts soundbank and https sources, and names anything else."""
    assert validate_ssml(f'<speak><audio src="{GO_TONE}"/></speak>') == []
    problems = validate_ssml('<speak><audio src="http://example.com/a.mp3"/></speak>')
    assert any("neither soundbank" in problem for problem in problems)


@pytest.mark.parametrize("side", [Side.LEFT, Side.RIGHT])
def test_a_set_split_over_two_responses_counts_each_side_in_full(
    library: Library, side: Side
) -> None:
    """Either half of a split per-side set names its side first, then counts 1 to the dose."""
    exercise = library.exercise("single_leg_deadlift")
    dosage = exercise.dosage
    state = transitions.start(library, "single_leg_strength", 0.0).state
    following = (
        NextUp(exercise.id, 1, 3, (Side.RIGHT,), new_exercise=False)
        if side is Side.LEFT
        else NextUp(exercise.id, 2, 3, (Side.LEFT,), new_exercise=False)
    )
    performed = SetPerformed(
        exercise.id,
        exercise.id,
        1,
        3,
        dosage,
        (side,),
        rest_seconds=0 if side is Side.LEFT else 30,
        rest_prescribed_seconds=30,
        round_end=False,
        next_preview=following,
    )
    script = Narrator(library, random.Random(3)).script(
        Outcome(state, (performed, AskReady(following)))
    )
    text = script.to_speech().display
    side_word = library.phrases.variants(Key.LEFT if side is Side.LEFT else Key.RIGHT)[0]
    counting = re.search(r"\(beep\) 1 ", text)
    assert counting is not None
    assert side_word in text[: counting.start()]
    numbers = [
        int(n) for n in re.findall(r"\b\d+\b", re.sub(r"\[[^\]]*\]", "", text[counting.start() :]))
    ]
    assert numbers[: dosage.reps or 0] == list(range(1, (dosage.reps or 0) + 1))
    assert text.endswith("?")
