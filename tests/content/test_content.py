import json
import shutil
from pathlib import Path

import pytest
import yaml

from runner_strength.buildtime.loader import ContentError, compile_to, load_directory
from runner_strength.cli import main
from runner_strength.content.compiled import COMPILED_PATH, CompiledContentError, load_compiled
from runner_strength.content.model import (
    PULSE_SWITCH_SECONDS,
    SIDE_SWITCH_SECONDS,
    Dosage,
    Format,
    Library,
    Mode,
)
from runner_strength.engine.plan import workout_seconds

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"

# Every movement of the five sources, in each article's order, by the id it has in content/
# (the seated calf raise and 003's hold-and-pulse bridge are exercises of their own).
SOURCE_EXERCISES = {
    "000_e29b8790add9e4a5": [
        "calf_raise",
        "glute_bridge",
        "walking_lunge",
        "frog_walk",
        "side_plank_rotation",
        "mountain_climber",
        "alternating_step_up",
        "bulgarian_split_squat",
    ],
    "001_4fbeb7d2e7af2cd2": ["walking_lunge", "squat", "plank", "push_up", "back_extension"],
    "002_25fdc854e3232644": [
        "tibialis_raise",
        "seated_calf_raise",
        "calf_raise",
        "stationary_lunge",
        "single_leg_deadlift",
        "cossack_squat",
        "copenhagen_plank",
    ],
    "003_015f5eaf6d85d2b9": [
        "double_heel_tap",
        "plank",
        "side_plank",
        "cable_row",
        "push_up",
        "stationary_lunge",
        "step_up",
        "bridge_hold_and_pulse",
        "lateral_band_walk",
        "overhead_squat",
    ],
    "004_b9262e817484d66c": [
        "half_kneeling_hamstring_lift",
        "tibialis_posterior_band",
        "single_leg_roller_hamstring_curl",
        "step_down",
        "negative_dumbbell_rdl",
        "kettlebell_get_up",
        "single_leg_calf_raise",
        "single_leg_partial_squat_abduction",
        "ankle_rock_back",
        "prone_psoas_march",
    ],
}


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _edit(path: Path, change: dict[str, object]) -> None:
    data = yaml.safe_load(path.read_text())
    data.update(change)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize(("source_id", "exercise_ids"), SOURCE_EXERCISES.items())
def test_every_source_exercise_is_present_and_credits_its_source(
    library: Library, source_id: str, exercise_ids: list[str]
) -> None:
    """Each movement of each source exists by id and lists that source among its credits."""
    for exercise_id in exercise_ids:
        assert exercise_id in library.exercises, exercise_id
        assert source_id in library.exercise(exercise_id).sources, exercise_id


def test_every_exercise_comes_from_a_source(library: Library) -> None:
    """No exercise is invented: each one is claimed by the source map above."""
    claimed = {e for ids in SOURCE_EXERCISES.values() for e in ids}
    assert set(library.exercises) == claimed


def test_merged_exercises_credit_every_source(library: Library) -> None:
    """Movements described by several sources are one exercise crediting all of them."""
    assert set(library.exercise("walking_lunge").sources) == {
        "000_e29b8790add9e4a5",
        "001_4fbeb7d2e7af2cd2",
    }
    assert set(library.exercise("stationary_lunge").sources) == {
        "002_25fdc854e3232644",
        "003_015f5eaf6d85d2b9",
    }


def test_sources_list_each_articles_movements_in_order(library: Library) -> None:
    """sources.yaml names each article's movements in the article's order, as read above."""
    for source_id, exercise_ids in SOURCE_EXERCISES.items():
        assert list(library.sources[source_id].movements) == exercise_ids


@pytest.mark.parametrize("source_id", sorted(SOURCE_EXERCISES))
def test_each_article_has_a_workout_with_all_its_movements_in_order(
    library: Library, source_id: str
) -> None:
    """Article -> movements -> workout: a workout crediting the article holds them all, in order."""
    movements = list(library.sources[source_id].movements)
    holders = [
        w
        for w in library.workouts.values()
        if source_id in w.sources
        and [i.exercise_id for i in w.items if i.exercise_id in movements] == movements
    ]
    assert holders, f"no workout holds every movement of {source_id} in order"
    assert any(w.sources[0] == source_id for w in holders), "its own workout credits it first"


def test_workout_sources_are_exactly_its_exercises_sources(library: Library) -> None:
    """Each workout credits every article its exercises come from, and no other."""
    for workout in library.workouts.values():
        used = {s for i in workout.items for s in library.exercise(i.exercise_id).sources}
        assert set(workout.sources) == used, workout.id


def test_workout_leaving_out_a_source_is_rejected(content_copy: Path) -> None:
    """A workout whose sources omit an article one of its exercises comes from names the file."""
    _edit(
        content_copy / "workouts" / "single_leg_strength.yaml",
        {"sources": ["002_25fdc854e3232644", "003_015f5eaf6d85d2b9", "004_b9262e817484d66c"]},
    )
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    assert (
        "content/workouts/single_leg_strength.yaml: sources: leaves out '000_e29b8790add9e4a5'"
        in str(caught.value)
    )


def test_article_movement_missing_from_sources_yaml_is_rejected(content_copy: Path) -> None:
    """An exercise crediting an article that does not list it as a movement is an error."""
    data = yaml.safe_load((content_copy / "sources.yaml").read_text())
    data["sources"][2]["movements"].remove("seated_calf_raise")
    (content_copy / "sources.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    assert (
        "content/exercises/seated_calf_raise.yaml: sources: credits '002_25fdc854e3232644'"
        in str(caught.value)
    )


def test_article_workouts_use_the_articles_dosages(library: Library) -> None:
    """002's calf raises are high volume seated and standing; 003's bridge holds, then pulses."""
    top_six = {i.exercise_id: i.dosage for i in library.workout("top_six").items}
    assert top_six["seated_calf_raise"].reps == top_six["calf_raise"].reps == 20
    rev_up = {i.exercise_id: i.dosage for i in library.workout("rev_up_to_run").items}
    bridge = rev_up["bridge_hold_and_pulse"]
    assert bridge.mode is Mode.HOLD
    assert bridge.hold_range == (30, 60)
    assert bridge.hold_seconds is not None
    assert 30 <= bridge.hold_seconds <= 60
    assert bridge.pulses is not None
    assert 10 <= bridge.pulses <= 20
    assert (rev_up["step_up"].sets, rev_up["step_up"].reps) == (2, 10)
    assert (rev_up["stationary_lunge"].sets, rev_up["stationary_lunge"].reps) == (2, 10)
    assert rev_up["side_plank"].hold_seconds == 15


def test_hold_with_pulses_times_the_pulses() -> None:
    """A hold ending in pulses lasts the hold, a short switch and every pulse at its tempo."""
    dosage = Dosage(
        Mode.HOLD,
        2,
        per_side=False,
        rest_seconds=45,
        hold_seconds=30,
        hold_range=(30, 60),
        tempo_seconds=1.5,
        pulses=15,
    )
    assert dosage.side_seconds() == 30 + PULSE_SWITCH_SECONDS + 15 * 1.5


def test_no_equipment_circuit_needs_no_equipment(library: Library) -> None:
    """The workout called no-equipment needs nothing, and runners asking for one get it."""
    assert library.workout_equipment(library.workout("no_equipment_circuit")) == frozenset()
    found = library.find_workout("no equipment workout")
    assert found is not None
    assert found.id == "no_equipment_circuit"


def test_spoken_names_are_unique_across_exercises(library: Library) -> None:
    """No name or alias points at two exercises, so a spoken request is never ambiguous."""
    seen: dict[str, str] = {}
    for exercise in library.exercises.values():
        for spoken in exercise.spoken_names():
            assert seen.setdefault(spoken, exercise.id) == exercise.id, spoken


@pytest.mark.parametrize(
    ("spoken", "expected"),
    [
        ("copenhagen plank", "copenhagen_plank"),
        ("Copenhagen", "copenhagen_plank"),
        ("tib raises", "tibialis_raise"),
        ("hip bridge", "glute_bridge"),
        ("Side Planks", "side_plank"),
        ("R D L", "negative_dumbbell_rdl"),
        ("bulgarian outcome", "bulgarian_split_squat"),
        ("single_leg_deadlift", "single_leg_deadlift"),
    ],
)
def test_find_exercise_by_name_alias_plural_or_id(
    library: Library, spoken: str, expected: str
) -> None:
    """A runner's words find the exercise whatever the case, plural or form used."""
    found = library.find_exercise(spoken)
    assert found is not None
    assert found.id == expected


def test_unknown_exercise_is_none(library: Library) -> None:
    """An unknown name finds nothing rather than a wrong guess."""
    assert library.find_exercise("underwater basket weaving") is None


def test_duplicate_alias_names_both_files(content_copy: Path) -> None:
    """An alias claimed by two exercises is reported against the second file and field."""
    _edit(content_copy / "exercises" / "squat.yaml", {"aliases": ["copenhagen"]})
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    messages = [str(p) for p in caught.value.problems]
    assert any(
        "exercises/squat.yaml: aliases[0]: 'copenhagen' is already used by exercise "
        "'copenhagen_plank'"
        in m
        or "exercises/copenhagen_plank.yaml" in m
        for m in messages
    ), messages


def test_broken_field_names_file_and_field(content_copy: Path) -> None:
    """A bad dosage value is reported with the file, the dotted field path and the reason."""
    path = content_copy / "exercises" / "plank.yaml"
    data = yaml.safe_load(path.read_text())
    data["dosage"]["hold_seconds"] = 500
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    assert (
        "content/exercises/plank.yaml: dosage.hold_seconds: must be between 5 and 120, got 500"
        in str(caught.value)
    )


def test_all_problems_are_reported_at_once(content_copy: Path) -> None:
    """Several broken files give several problems in one error, not one at a time."""
    _edit(content_copy / "exercises" / "squat.yaml", {"category": "arms", "cues": ["Only one."]})
    _edit(
        content_copy / "workouts" / "five_basics.yaml",
        {"exercises": [{"exercise": "no_such_move"}]},
    )
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    text = str(caught.value)
    assert "squat.yaml: category: must be one of" in text
    assert "squat.yaml: cues: must have 3 to 6 entries, has 1" in text
    assert "five_basics.yaml: exercises[0].exercise: 'no_such_move' is not an exercise id" in text


def test_unspeakable_characters_are_rejected(content_copy: Path) -> None:
    """Symbols a speech engine stumbles over are caught at load time."""
    _edit(content_copy / "exercises" / "squat.yaml", {"why": "Legs & lungs <3"})
    with pytest.raises(
        ContentError, match=r"squat.yaml: why: has characters a speech engine stumbles over"
    ):
        load_directory(content_copy)


def test_unreadable_yaml_names_the_file(content_copy: Path) -> None:
    """A YAML syntax error names the file it is in."""
    (content_copy / "exercises" / "squat.yaml").write_text("id: [unclosed\n")
    with pytest.raises(ContentError, match=r"exercises/squat.yaml: \(file\): cannot be read"):
        load_directory(content_copy)


def test_id_must_match_file_name(content_copy: Path) -> None:
    """An id that differs from its file name is rejected."""
    _edit(content_copy / "exercises" / "squat.yaml", {"id": "deep_squat"})
    with pytest.raises(
        ContentError, match=r"squat.yaml: id: 'deep_squat' must equal the file name 'squat'"
    ):
        load_directory(content_copy)


def test_rep_override_outside_range_is_rejected(content_copy: Path) -> None:
    """A workout cannot prescribe more reps than the exercise's safe range."""
    path = content_copy / "workouts" / "five_basics.yaml"
    data = yaml.safe_load(path.read_text())
    data["exercises"][1]["reps"] = 49
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match=r"five_basics.yaml: exercises\[1\].reps: 49 is outside"):
        load_directory(content_copy)


def test_work_seconds_adds_both_sides_and_the_switch() -> None:
    """One set's work is both sides' work plus the switch between them."""
    hold = Dosage(
        Mode.HOLD, sets=2, per_side=True, rest_seconds=30, hold_seconds=20, hold_range=(10, 40)
    )
    assert hold.work_seconds() == 20 * 2 + SIDE_SWITCH_SECONDS
    reps = Dosage(
        Mode.REPS,
        sets=3,
        per_side=False,
        rest_seconds=45,
        reps=10,
        reps_range=(8, 12),
        tempo_seconds=3,
    )
    assert reps.work_seconds() == 30


def test_workout_lengths_are_between_ten_minutes_and_an_hour(library: Library) -> None:
    """Every catalogue workout plays (by the engine's timing) for ten minutes to an hour."""
    for workout in library.workouts.values():
        assert 10 * 60 <= workout_seconds(library, workout.id) <= 60 * 60, workout.id


def test_workout_equipment_is_the_union_of_its_exercises(library: Library) -> None:
    """A workout's equipment is computed from its exercises, never typed by hand."""
    for workout in library.workouts.values():
        expected = set().union(*(library.exercise(i.exercise_id).equipment for i in workout.items))
        assert library.workout_equipment(workout) == expected
    assert library.workout_equipment(library.workout("five_basics")) == frozenset()


def test_catalogue_has_five_workouts_of_both_formats(library: Library) -> None:
    """At least five workouts exist, with both straight sets and circuits."""
    assert len(library.workouts) >= 5
    assert {w.format for w in library.workouts.values()} == {Format.CIRCUIT, Format.STRAIGHT}


def test_compiled_artefact_matches_content(tmp_path: Path) -> None:
    """The shipped library.json equals a fresh compile of content/ (else run `make content`)."""
    fresh = compile_to(CONTENT_DIR, tmp_path / "library.json")
    shipped = COMPILED_PATH.read_text(encoding="utf-8")
    assert shipped == fresh, "library.json is stale: run `runner-strength build-content`"


def test_compiled_artefact_loads_the_same_library(library: Library) -> None:
    """The artefact the skill ships with reads back into exactly the validated library."""
    compiled = load_compiled()
    assert compiled == library
    assert compiled._exercise_names == library._exercise_names
    assert compiled._workout_names == library._workout_names
    assert {e.file for e in compiled.exercises.values()} == {
        e.file for e in library.exercises.values()
    }


def test_compiled_artefact_of_another_format_is_refused(tmp_path: Path) -> None:
    """An artefact of another format fails with an error that says to rebuild it."""
    stale = tmp_path / "library.json"
    stale.write_text(json.dumps({"format": 2, "sources": []}), encoding="utf-8")
    with pytest.raises(CompiledContentError, match="build-content"):
        load_compiled(stale)


def test_cli_exercises_json_lists_every_movement_with_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`runner-strength exercises --json` lists every exercise with its sources."""
    assert main(["exercises", "--json"]) == 0
    listed = {row["id"]: row["sources"] for row in json.loads(capsys.readouterr().out)}
    for source_id, ids in SOURCE_EXERCISES.items():
        for exercise_id in ids:
            assert source_id in listed[exercise_id]


def test_cli_workouts_json_reports_computed_duration(
    library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    """`runner-strength workouts --json` reports each workout's computed duration."""
    assert main(["workouts", "--json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    for workout in library.workouts.values():
        assert rows[workout.id]["estimated_seconds"] == workout_seconds(library, workout.id)


def test_cli_check_exits_1_listing_every_problem(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`runner-strength check` on broken content exits 1 and prints each problem."""
    _edit(content_copy / "exercises" / "squat.yaml", {"level": "expert", "muscles": "legs"})
    assert main(["--content", str(content_copy), "check"]) == 1
    err = capsys.readouterr().err
    assert "squat.yaml: level: must be one of" in err
    assert "squat.yaml: muscles: must be a list" in err


def _link(content: Path, exercise_id: str, side: str, target: str | None) -> None:
    path = content / "exercises" / f"{exercise_id}.yaml"
    data = yaml.safe_load(path.read_text())
    data[side] = {"text": data[side]["text"], "exercise": target}
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_harder_link_to_a_lighter_exercise_is_rejected(content_copy: Path) -> None:
    """A harder link to a lighter exercise names the file and the field."""
    _link(content_copy, "squat", "harder", "plank")
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    assert "content/exercises/squat.yaml: harder.exercise: 'plank' is light, lighter than" in str(
        caught.value
    )


def test_easier_link_to_a_heavier_exercise_is_rejected(content_copy: Path) -> None:
    """An easier link to a heavier exercise names the file and the field."""
    _link(content_copy, "single_leg_deadlift", "easier", "negative_dumbbell_rdl")
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    assert (
        "content/exercises/single_leg_deadlift.yaml: easier.exercise: "
        "'negative_dumbbell_rdl' is heavy, heavier than"
    ) in str(caught.value)


def test_a_pair_pointing_both_ways_is_rejected(content_copy: Path) -> None:
    """Two exercises each naming the other as harder are reported on both files."""
    _link(content_copy, "squat", "harder", "stationary_lunge")
    _link(content_copy, "stationary_lunge", "harder", "squat")
    with pytest.raises(ContentError) as caught:
        load_directory(content_copy)
    message = str(caught.value)
    assert (
        "content/exercises/squat.yaml: harder.exercise: 'stationary_lunge' names this "
        "exercise as harder too"
    ) in message
    assert "content/exercises/stationary_lunge.yaml: harder.exercise: 'squat' names" in message


def test_progression_links_agree_with_intensity(library: Library) -> None:
    """Every shipped harder link is at least as intense, every easier one at most as intense."""
    order = ["light", "moderate", "heavy"]
    for exercise in library.exercises.values():
        rank = order.index(exercise.intensity.value)
        for side, option in (("harder", exercise.harder), ("easier", exercise.easier)):
            if option is None or option.exercise is None:
                continue
            linked = order.index(library.exercise(option.exercise).intensity.value)
            assert linked >= rank if side == "harder" else linked <= rank, exercise.id
    harder = library.exercise("single_leg_deadlift").harder
    assert harder is not None
    assert harder.exercise is None  # a two-legged deadlift is no step up from one leg


def test_coach_reviewed_content_errors_are_fixed(library: Library) -> None:
    """Old errors: muscles are muscles, set-up agrees with cues, the slip is warned of."""
    assert "shoulder blades" not in library.exercise("back_extension").muscles
    heel_taps = library.exercise("double_heel_tap")
    assert "neutral" in heel_taps.setup
    assert not any("against the floor" in cue for cue in heel_taps.cues)
    assert any("slip" in line for line in library.exercise("tibialis_raise").safety)
    rdl = library.exercise("negative_dumbbell_rdl")
    assert len([cue for cue in rdl.cues if "three" in cue]) == 2  # three down, three held
    assert not any("five" in cue for cue in rdl.cues)
    assert rdl.dosage.tempo_seconds == 3 + 3 + 2  # and two seconds to stand up
