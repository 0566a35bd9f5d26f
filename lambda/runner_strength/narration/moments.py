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
    from collections.abc import Sequence

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
    HELP_SET = "help_set"
    HELP_MENU = "help_start"
    HELP_ANSWER = "help_answer"
    HELP_WHICH = "help_which"
    HELP_MORE_HINT = "help_more_hint"
    FALLBACK_SHORT = "fallback_short"
    SHORT_RESUME = "short_resume"
    SHORT_RESUME_OR_NEW = "short_resume_or_new"
    SHORT_ANOTHER_EXERCISE = "short_another_exercise"
    SHORT_START_OVER = "short_start_over"
    SHORT_SAFETY_CHECK = "short_safety_check"
    SHORT_EXPLAIN_DEEPER = "short_explain_deeper"
    SHORT_DELETE_DATA = "short_delete_data"
    DELETE_DATA_QUESTION = "delete_data_question"
    DELETE_DATA_REPROMPT = "delete_data_reprompt"
    DATA_DELETED = "data_deleted"
    DATA_KEPT = "data_kept"
    DATA_NOT_DELETED = "data_not_deleted"
    REMINDER_LEFT = "reminder_left"
    DID_YOU_MEAN_ONE = "did_you_mean_one"
    DID_YOU_MEAN_TWO = "did_you_mean_two"
    DID_YOU_MEAN_REPROMPT = "did_you_mean_reprompt"
    WHICH_OF_TWO = "which_of_two"
    DID_YOU_MEAN_NO = "did_you_mean_no"


class HelpFor(StrEnum):
    """Where the runner is, for help: each has at most three things to say."""

    SET = "set"  # a workout going: ready, easier or harder, a breather
    MENU = "menu"  # nothing asked: start, list, explain
    ANSWER = "answer"  # a yes-or-no question waits
    WHICH = "which"  # "which exercise?" waits


_HELP = {
    HelpFor.SET: DialogSay.HELP_SET,
    HelpFor.MENU: DialogSay.HELP_MENU,
    HelpFor.ANSWER: DialogSay.HELP_ANSWER,
    HelpFor.WHICH: DialogSay.HELP_WHICH,
}


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

    def help(self, where: HelpFor) -> Script:
        """At most three things to say here, and "say more help for everything"."""
        body = (
            Ssml().sentence(self._say(_HELP[where])).sentence(self._say(DialogSay.HELP_MORE_HINT))
        )
        return Script(body, None, end_session=False)

    def fallback(self) -> Script:
        """Not understood: one short line (the question follows)."""
        return Script(Ssml().sentence(self._say(DialogSay.FALLBACK_SHORT)), None, end_session=False)

    def did_you_mean(self, names: Sequence[str]) -> Script:
        """Did you mean the Copenhagen plank? Or which of two names (said mid-sentence)."""
        if len(names) >= 2:
            question = self._say(DialogSay.DID_YOU_MEAN_TWO, first=names[0], second=names[1])
        else:
            question = self._say(DialogSay.DID_YOU_MEAN_ONE, first=names[0])
        return Script(
            Ssml().sentence(question),
            Ssml().sentence(self._say(DialogSay.DID_YOU_MEAN_REPROMPT)),
            end_session=False,
        )

    def which_of_two(self, first: str, second: str) -> Script:
        """Yes to a question that offered two names: which one."""
        return Script(
            Ssml().sentence(self._say(DialogSay.WHICH_OF_TWO, first=first, second=second)),
            Ssml().sentence(self._say(DialogSay.DID_YOU_MEAN_REPROMPT)),
            end_session=False,
        )

    def never_mind(self) -> Script:
        """No to "did you mean ...?": nothing done (the next question follows)."""
        return Script(
            Ssml().sentence(self._say(DialogSay.DID_YOU_MEAN_NO)), None, end_session=False
        )

    def short(self, key: DialogSay, **fields: str) -> Ssml:
        """A waiting question in a few words, for after "sorry, I missed that"."""
        return Ssml().sentence(self._say(key, **fields))

    def delete_question(self) -> Script:
        """Asked to delete my data: what goes, and yes or no."""
        return self._ask(DialogSay.DELETE_DATA_QUESTION, DialogSay.DELETE_DATA_REPROMPT)

    def deleted(self, *, reminder_left: bool) -> Script:
        """Everything kept about the runner is gone (but a reminder Alexa would not remove)."""
        body = Ssml().sentence(self._say(DialogSay.DATA_DELETED))
        if reminder_left:
            body.sentence(self._say(DialogSay.REMINDER_LEFT))
        return Script(body, None, end_session=True)

    def not_deleted(self) -> Script:
        """The store could not be reached: nothing deleted, try later; the session ends."""
        body = Ssml().sentence(self._say(DialogSay.DATA_NOT_DELETED))
        return Script(body, None, end_session=True)

    def kept(self) -> Script:
        """No to deleting: nothing changed (the workout's or the menu's question follows)."""
        return Script(Ssml().sentence(self._say(DialogSay.DATA_KEPT)), None, end_session=False)

    def _ask(self, question: DialogSay, reprompt: DialogSay) -> Script:
        return Script(
            Ssml().sentence(self._say(question)),
            Ssml().sentence(self._say(reprompt)),
            end_session=False,
        )

    def _say(self, key: DialogSay, **fields: str | int | Ssml) -> Ssml:
        return self._phrases.ssml(key, **fields)
