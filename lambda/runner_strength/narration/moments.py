"""What the coach says at the dialog's own moments: red flags, the safety check, the breather.

Its wording is content/phrases/dialog.yaml; like the rest of narration it builds SSML only through
`ssml.py`, so every word is escaped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from runner_strength.narration.narrator import Script
from runner_strength.narration.phrases import PhrasePicker
from runner_strength.narration.ssml import Ssml

if TYPE_CHECKING:
    import random

    from runner_strength.content.model import Library


class DialogSay(StrEnum):
    """Every phrase key in content/phrases/dialog.yaml."""

    RED_FLAG_STOP = "red_flag_stop"
    RED_FLAG_EMERGENCY = "red_flag_emergency"
    RED_FLAG_STOPPED = "red_flag_stopped"
    RED_FLAG_NO_WORKOUT = "red_flag_no_workout"
    SAFETY_CHECK_QUESTION = "safety_check_question"
    SAFETY_CHECK_REPROMPT = "safety_check_reprompt"
    SAFETY_CHECK_WELL = "safety_check_well"
    SAFETY_CHECK_UNWELL = "safety_check_unwell"
    BREATHER_START = "breather_start"
    BREATHER_BACK = "breather_back"
    BREATHER_REPROMPT = "breather_reprompt"
    BREATHER_WHENEVER = "breather_whenever"
    REPLACED_UNSTARTED = "replaced_unstarted"


BREATHER_SECONDS = 60
"""The quiet of a breather: about a minute, in breaks of at most 10 s (`Ssml.pause`)."""


class MomentTalk:
    """The dialog's own lines, a variant picked by the turn's random source."""

    def __init__(self, library: Library, rng: random.Random) -> None:
        self._phrases = PhrasePicker(library.phrases, rng)

    def red_flag(self, *, stopped: bool) -> Script:
        """Stop, sit or lie down, call for help for the chest or breathing; the session ends."""
        body = Ssml().sentence(self._say(DialogSay.RED_FLAG_STOP))
        body.sentence(self._say(DialogSay.RED_FLAG_EMERGENCY))
        after = DialogSay.RED_FLAG_STOPPED if stopped else DialogSay.RED_FLAG_NO_WORKOUT
        body.sentence(self._say(after))
        return Script(body, None, end_session=True)

    def safety_check(self) -> Script:
        """After a safety stop: are you well today? (asked before anything is suggested)."""
        return self._ask(DialogSay.SAFETY_CHECK_QUESTION, DialogSay.SAFETY_CHECK_REPROMPT)

    def safety_well(self) -> Script:
        """Yes, I'm well: start gently (the day's offer follows)."""
        return Script(
            Ssml().sentence(self._say(DialogSay.SAFETY_CHECK_WELL)), None, end_session=False
        )

    def safety_unwell(self) -> Script:
        """No: rest today and see a doctor; the session ends."""
        return Script(
            Ssml().sentence(self._say(DialogSay.SAFETY_CHECK_UNWELL)), None, end_session=True
        )

    def breather(self, question: Script | None) -> Script:
        """A minute of quiet, then "ready to carry on?" (or `question`, the one still waiting)."""
        body = Ssml().sentence(self._say(DialogSay.BREATHER_START)).pause(BREATHER_SECONDS)
        held = Script(body, None, end_session=False)
        if question is not None:
            whenever = Ssml().sentence(self._say(DialogSay.BREATHER_WHENEVER))
            return held.then(Script(whenever, None, end_session=False)).then(question)
        return held.then(self.breather_back())

    def breather_back(self) -> Script:
        """Ready to carry on? (asked again after an aside, too)."""
        return self._ask(DialogSay.BREATHER_BACK, DialogSay.BREATHER_REPROMPT)

    def replaced(self, workout: str) -> Ssml:
        """A workout with no set done, set aside for the one just asked for."""
        return Ssml().sentence(self._say(DialogSay.REPLACED_UNSTARTED, workout=workout))

    def _ask(self, question: DialogSay, reprompt: DialogSay) -> Script:
        return Script(
            Ssml().sentence(self._say(question)),
            Ssml().sentence(self._say(reprompt)),
            end_session=False,
        )

    def _say(self, key: DialogSay, **fields: str | int | Ssml) -> Ssml:
        return self._phrases.ssml(key, **fields)
