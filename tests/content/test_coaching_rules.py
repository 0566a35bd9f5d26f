"""`runner-strength check` catches the coaching faults a coach found by ear, by file and field."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from runner_strength.buildtime.coaching import exercise_problems
from runner_strength.buildtime.loader import ContentError, load_directory

if TYPE_CHECKING:
    from runner_strength.content.model import Library

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _break(content: Path, exercise_id: str, **changes: Any) -> str:
    """Change fields of one exercise file and return every problem `check` reports."""
    path = content / "exercises" / f"{exercise_id}.yaml"
    data = yaml.safe_load(path.read_text())
    for name, value in changes.items():
        if name == "dosage":
            data["dosage"].update(value)
        elif value is None:
            data.pop(name, None)
        else:
            data[name] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ContentError) as caught:
        load_directory(content)
    return str(caught.value)


def test_the_library_keeps_every_coaching_rule(library: Library) -> None:
    """No exercise in content/ breaks a coaching rule."""
    assert {
        e.id: exercise_problems(e) for e in library.exercises.values() if exercise_problems(e)
    } == {}


def test_a_side_plank_must_stress_the_hip_and_shoulder(content_copy: Path) -> None:
    """A side plank whose stresses leave out the hip is rejected: its set-up loads it."""
    message = _break(content_copy, "side_plank_rotation", stresses=["shoulder", "wrist"])
    assert "side_plank_rotation.yaml: stresses: leaves out hip" in message


def test_kneeling_must_stress_the_knee(content_copy: Path) -> None:
    """The ankle rock back kneels: stresses without the knee are rejected."""
    message = _break(content_copy, "ankle_rock_back", stresses=["ankle", "achilles", "calf"])
    assert "ankle_rock_back.yaml: stresses: leaves out knee" in message


def test_muscles_worked_must_be_stressed(content_copy: Path) -> None:
    """An exercise working the hamstrings must list them among its stresses."""
    message = _break(content_copy, "squat", stresses=["glute", "hip", "knee", "quad"])
    assert "squat.yaml: stresses: leaves out hamstring, which its muscles" in message


def test_a_tempo_must_hold_its_pause_and_slow_lowering(content_copy: Path) -> None:
    """Three seconds cannot hold a lift, a squeeze at the top and a slow lowering."""
    message = _break(content_copy, "glute_bridge", dosage={"tempo_seconds": 3})
    assert "glute_bridge.yaml: dosage.tempo_seconds: 3 s cannot hold its cues" in message


def test_a_set_up_instruction_is_not_a_cue(content_copy: Path) -> None:
    """'Breathe in first.' is set-up: cues are said after go, so it is rejected as a cue."""
    plank = yaml.safe_load((content_copy / "exercises" / "plank.yaml").read_text())
    message = _break(content_copy, "back_extension", cues=["Breathe in first.", *plank["cues"]])
    assert "back_extension.yaml: cues[0]: 'Breathe in first.' is a set-up instruction" in message


def test_a_per_side_count_never_switches_sides_mid_set(content_copy: Path) -> None:
    """Six a side, one side then the other: a cue to switch every rep contradicts the count."""
    cossack = yaml.safe_load((content_copy / "exercises" / "cossack_squat.yaml").read_text())
    cues = [*cossack["cues"][:4], "Push back to the middle and switch sides."]
    message = _break(content_copy, "cossack_squat", cues=cues)
    assert "cossack_squat.yaml: cues[4]: switches sides mid-set" in message


def test_alternating_work_says_how_it_is_counted(content_copy: Path) -> None:
    """Walking lunges switch legs every step: without a counting cue, the total is ambiguous."""
    lunge = yaml.safe_load((content_copy / "exercises" / "walking_lunge.yaml").read_text())
    cues = [c for c in lunge["cues"] if "Count" not in c]
    message = _break(content_copy, "walking_lunge", cues=cues)
    assert "walking_lunge.yaml: cues: alternate legs within one count" in message


def test_one_sided_work_names_its_first_side(content_copy: Path) -> None:
    """A per-side exercise without words for its left side is rejected."""
    message = _break(content_copy, "copenhagen_plank", first_side=None)
    assert "copenhagen_plank.yaml: first_side: is required" in message


def test_set_up_and_switch_times_are_checked_against_their_ranges(content_copy: Path) -> None:
    """Set-up and side-switch seconds outside their ranges, or missing, are named by file and field.

    A switch time on work that is not one-sided is refused too.
    """
    message = _break(content_copy, "copenhagen_plank", setup_seconds=40, switch_seconds=None)
    assert "copenhagen_plank.yaml: setup_seconds: must be between 3 and 15, got 40" in message
    assert "copenhagen_plank.yaml: switch_seconds: is required" in message
    message = _break(content_copy, "plank", switch_seconds=5)
    assert "plank.yaml: switch_seconds: only one-sided (per_side) work switches sides" in message


def test_loaded_work_says_how_heavy(content_copy: Path) -> None:
    """A dumbbell exercise without weight guidance is rejected."""
    message = _break(content_copy, "negative_dumbbell_rdl", weight=None)
    assert "negative_dumbbell_rdl.yaml: weight: is required" in message
