"""What the coach says about weekly reminders, every word from `content/phrases/reminders.yaml`.

Days and times are said the way a person says them: "every Monday and Thursday at 7 in the
morning", "at 6:30 in the evening", "at noon".
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
    from runner_strength.engine.reminder import Reminder

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOON, EVENING = 12, 18


class Tell(StrEnum):
    """Every phrase key in content/phrases/reminders.yaml."""

    OFFER = "reminder_offer"
    OFFER_AGAIN = "reminder_offer_again"
    OFFER_REPROMPT = "reminder_offer_reprompt"
    HELP = "reminder_help"
    FALLBACK = "reminder_fallback"
    CREATED = "reminder_created"
    CHANGED = "reminder_changed"
    UNCHANGED = "reminder_unchanged"
    CURRENT = "reminder_current"
    CHANGE_QUESTION = "reminder_change_question"
    CHANGE_REPROMPT = "reminder_change_reprompt"
    STOPPED = "reminder_stopped"
    NOTHING_TO_STOP = "reminder_nothing_to_stop"
    DECLINED = "reminder_declined"
    REFUSED = "reminder_refused"
    NOT_ANSWERED = "reminder_not_answered"
    PERMISSION_CARD = "reminder_permission_card"
    FAILED = "reminder_failed"
    UNAVAILABLE = "reminder_unavailable"
    SEE_YOU = "reminder_see_you"
    REMINDER_TEXT = "reminder_text"
    WHEN_DAYS = "reminder_when_days"
    TIME_MORNING = "reminder_time_morning"
    TIME_AFTERNOON = "reminder_time_afternoon"
    TIME_EVENING = "reminder_time_evening"
    TIME_NOON = "reminder_time_noon"
    TIME_MIDNIGHT = "reminder_time_midnight"
    AND = "reminder_and"


class ReminderTalk:
    """Speaks about reminders; the random source picks phrase variants."""

    def __init__(self, library: Library, rng: random.Random) -> None:
        self._phrases = PhrasePicker(library.phrases, rng)

    # ------------------------------------------------------------ questions

    def offer(self, reminder: Reminder, *, after_workout: bool) -> Script:
        """Whether to set a weekly reminder on these days at this time."""
        key = Tell.OFFER if after_workout else Tell.OFFER_AGAIN
        return self._ask(self._say(key, when=self.when(reminder)), Tell.OFFER_REPROMPT)

    def aside(self, reminder: Reminder, *, help_asked: bool, missed: bool) -> Script:
        """Help, a repeat or words not understood at the offer: answer, then the offer again."""
        body = Ssml()
        if help_asked:
            body = self._say(Tell.HELP)
        elif missed:
            body = self._say(Tell.FALLBACK)
        offer = self.offer(reminder, after_workout=False)
        return Script(body, None, end_session=False).then(offer)

    def ask_change(self, reminder: Reminder) -> Script:
        """The reminder as it is, and what it should be instead."""
        body = self._say(Tell.CURRENT, when=self.when(reminder))
        return self._ask(
            body.sentence(self._phrases.ssml(Tell.CHANGE_QUESTION)), Tell.CHANGE_REPROMPT
        )

    # ------------------------------------------------------------ results

    def created(self, reminder: Reminder) -> Ssml:
        """A new reminder was set."""
        return self._say(Tell.CREATED, when=self.when(reminder))

    def changed(self, reminder: Reminder) -> Ssml:
        """The reminder now rings at another time."""
        return self._say(Tell.CHANGED, when=self.when(reminder))

    def unchanged(self, reminder: Reminder) -> Ssml:
        """The runner asked for what they already have."""
        return self._say(Tell.UNCHANGED, when=self.when(reminder))

    def stopped(self) -> Ssml:
        """The reminder was deleted."""
        return self._say(Tell.STOPPED)

    def nothing_to_stop(self) -> Ssml:
        """There was no reminder to delete."""
        return self._say(Tell.NOTHING_TO_STOP)

    def declined(self) -> Ssml:
        """The runner said no to the offer."""
        return self._say(Tell.DECLINED)

    def refused(self) -> Ssml:
        """The runner said no to Alexa's permission request."""
        return self._say(Tell.REFUSED)

    def not_answered(self) -> Ssml:
        """The permission request went unanswered."""
        return self._say(Tell.NOT_ANSWERED)

    def permission_card(self) -> Ssml:
        """A card in the Alexa app asks for the permission instead of a voice request."""
        return self._say(Tell.PERMISSION_CARD)

    def failed(self) -> Ssml:
        """The Reminders API failed: an apology, and nothing changed there."""
        return self._say(Tell.FAILED)

    def unavailable(self) -> Ssml:
        """No Alexa services here (the local console)."""
        return self._say(Tell.UNAVAILABLE)

    def see_you(self) -> Ssml:
        """A short close after a reminder was set or stopped."""
        return self._say(Tell.SEE_YOU)

    def reminder_text(self) -> str:
        """What Alexa says when the reminder rings: what it is for and how to start."""
        return self._phrases.say(Tell.REMINDER_TEXT)

    # ------------------------------------------------------------ days and times

    def when(self, reminder: Reminder) -> str:
        """'every Monday and Thursday at 7 in the morning'."""
        names = [DAY_NAMES[d] for d in reminder.days]
        days = (
            names[0]
            if len(names) == 1
            else (f"{', '.join(names[:-1])} {self._phrases.say(Tell.AND)} {names[-1]}")
        )
        return self._phrases.say(
            Tell.WHEN_DAYS, days=days, time=self.clock(reminder.hour, reminder.minute)
        )

    def clock(self, hour: int, minute: int) -> str:
        """A time of day as said aloud: "7", "6:30 in the evening", "noon"."""
        if minute == 0 and hour == NOON:
            return self._phrases.say(Tell.TIME_NOON)
        if minute == 0 and hour == 0:
            return self._phrases.say(Tell.TIME_MIDNIGHT)
        twelve = hour % 12 or 12
        clock = f"{twelve}:{minute:02d}" if minute else str(twelve)
        if hour < NOON:
            return self._phrases.say(Tell.TIME_MORNING, clock=clock)
        if hour < EVENING:
            return self._phrases.say(Tell.TIME_AFTERNOON, clock=clock)
        return self._phrases.say(Tell.TIME_EVENING, clock=clock)

    # ------------------------------------------------------------ pieces

    def _say(self, key: Tell, **fields: str | int) -> Ssml:
        return Ssml().sentence(self._phrases.ssml(key, **fields))

    def _ask(self, body: Ssml, reprompt: Tell) -> Script:
        return Script(body, Ssml().sentence(self._phrases.ssml(reprompt)), end_session=False)
