"""How reminders are spoken: every phrase key used, days and times said as a person says them."""

from __future__ import annotations

import ast
import random
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from runner_strength.engine.reminder import Reminder
from runner_strength.narration import reminders
from runner_strength.narration.reminders import ReminderTalk, Tell
from runner_strength.narration.ssml import plain_text

if TYPE_CHECKING:
    from runner_strength.content.model import Library

PHRASES = Path(__file__).resolve().parents[2] / "content" / "phrases" / "reminders.yaml"


def test_every_reminder_phrase_exists_and_is_used(library: Library) -> None:
    """Tell lists exactly the keys of reminders.yaml, and reminders.py uses each one."""
    in_yaml = set(yaml.safe_load(PHRASES.read_text(encoding="utf-8")))
    assert {key.value for key in Tell} == in_yaml
    assert in_yaml <= set(library.phrases.phrases)
    tree = ast.parse(Path(str(reminders.__file__)).read_text(encoding="utf-8"))
    used = {
        Tell[node.attr].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Tell"
        and node.attr in Tell.__members__
    }
    assert used == in_yaml


@pytest.mark.parametrize(
    ("reminder", "said"),
    [
        (Reminder((3,), 7), "every Thursday at 7 in the morning"),
        (Reminder((0, 3), 18, 30), "every Monday and Thursday at 6:30 in the evening"),
        (Reminder((0, 2, 4), 12), "every Monday, Wednesday and Friday at noon"),
        (Reminder((5,), 12, 30), "every Saturday at 12:30 in the afternoon"),
        (Reminder((6,), 0), "every Sunday at midnight"),
        (Reminder((1,), 0, 15), "every Tuesday at 12:15 in the morning"),
        (Reminder((4,), 17, 5), "every Friday at 5:05 in the afternoon"),
    ],
)
def test_days_and_times_are_said_as_a_person_says_them(
    library: Library, reminder: Reminder, said: str
) -> None:
    """Weekdays joined with "and", hours on a 12-hour clock with the part of the day."""
    assert ReminderTalk(library, random.Random(1)).when(reminder) == said


def test_the_offer_is_one_question_with_a_reprompt(library: Library) -> None:
    """The offer ends with its question and its reprompt says how to answer."""
    script = ReminderTalk(library, random.Random(2)).offer(Reminder((3,), 7), after_workout=True)
    speech = script.to_speech()
    assert not speech.end_session
    assert speech.ssml.count("?") == 1
    assert plain_text(speech.ssml).rstrip().endswith("?")
    assert speech.reprompt is not None
    assert "Saturday at 9" in speech.reprompt
