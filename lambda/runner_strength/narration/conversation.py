"""What the coach says around workouts: welcome, offers, lists, help, goodbyes and apologies.

`narrator.py` speaks the engine's outcomes; this module speaks the rest of the conversation. Both
build SSML only through `ssml.py` and take every word from `content/phrases/`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from runner_strength.content.model import Format
from runner_strength.narration.narrator import Script
from runner_strength.narration.phrases import Key, PhrasePicker
from runner_strength.narration.ssml import Ssml

if TYPE_CHECKING:
    import random
    from collections.abc import Sequence

    from runner_strength.content.model import Exercise, Library, Workout
    from runner_strength.engine.events import NextUp
    from runner_strength.engine.record import HistoryEntry
    from runner_strength.engine.state import WorkoutState

# Exercises named as examples when a runner asks about one we do not know.
EXAMPLE_EXERCISES = ("plank", "walking_lunge", "copenhagen_plank", "glute_bridge")


class Say(StrEnum):
    """Every phrase key in content/phrases/conversation.yaml."""

    WELCOME_FIRST = "welcome_first"
    HEALTH_NOTE = "health_note"
    WELCOME_RETURNING = "welcome_returning"
    LAST_TIME = "last_time"
    TODAY_IS = "today_is"
    OFFER_QUESTION = "offer_question"
    OFFER_REPROMPT = "offer_reprompt"
    WELCOME_BACK = "welcome_back"
    RESUME_OFFER = "resume_offer"
    RESUME_REPROMPT = "resume_reprompt"
    OFFER_OTHER = "offer_other"
    LIST_INTRO = "list_intro"
    LIST_ITEM = "list_item"
    LIST_QUESTION = "list_question"
    UNKNOWN_WORKOUT = "unknown_workout"
    UNKNOWN_EXERCISE = "unknown_exercise"
    WHICH_EXERCISE = "which_exercise"
    EXERCISE_EXAMPLES = "exercise_examples"
    WHY_EXERCISE = "why_exercise"
    WHY_STRENGTH = "why_strength"
    HELP_MENU = "help_menu"
    HELP_WORKOUT = "help_workout"
    FALLBACK = "fallback"
    MENU_QUESTION = "menu_question"
    MENU_REPROMPT = "menu_reprompt"
    EXPLAIN_MORE = "explain_more_menu"
    GOODBYE_SAVED = "goodbye_saved"
    GOODBYE = "goodbye_plain"
    NOT_SAVED = "not_saved"
    NOT_READY = "not_ready"
    DECLINED = "declined"
    ERROR = "error"
    AND = "and_word"


class Conversation:
    """Speaks the conversation around workouts; the random source picks phrase variants."""

    def __init__(self, library: Library, rng: random.Random) -> None:
        self._library = library
        self._phrases = PhrasePicker(library.phrases, rng)

    # ------------------------------------------------------------ arriving

    def welcome(self, workout: Workout, *, first_time: bool, last: HistoryEntry | None) -> Script:
        """Hello, the one-time health note, and an offer of today's workout."""
        body = Ssml()
        if first_time:
            body.sentence(self._say(Say.WELCOME_FIRST)).sentence(self._say(Say.HEALTH_NOTE))
        else:
            body.sentence(self._say(Say.WELCOME_RETURNING))
        if last is not None and last.workout_id in self._library.workouts:
            body.sentence(
                self._say(Say.LAST_TIME, last=self._library.workout(last.workout_id).name)
            )
        return self._offer(body, workout)

    def welcome_back(self, state: WorkoutState, where: NextUp) -> Script:
        """Where an unfinished workout stopped, and whether to pick it up."""
        workout = self._library.workout(state.workout_id)
        body = Ssml().sentence(
            self._say(
                Say.WELCOME_BACK, workout=workout.name, position=self._position(workout, where)
            )
        )
        question = Ssml().sentence(self._say(Say.RESUME_OFFER))
        return Script(
            body.extend(question),
            Ssml().sentence(self._say(Say.RESUME_REPROMPT)),
            end_session=False,
        )

    def offer(self, workout: Workout) -> Script:
        """After a declined resume: offer a fresh workout instead."""
        return self._offer(Ssml().sentence(self._say(Say.OFFER_OTHER)), workout)

    def list_workouts(self) -> Script:
        """Every workout with its length, then which one."""
        workouts = sorted(self._library.workouts.values(), key=lambda w: w.estimated_seconds())
        items = [
            self._phrases.say(Say.LIST_ITEM, name=w.name, minutes=_minutes(w.estimated_seconds()))
            for w in workouts
        ]
        body = Ssml().sentence(self._say(Say.LIST_INTRO, count=len(workouts)))
        body.sentence(self._list(items))
        return self._ask(body, Say.LIST_QUESTION, Say.LIST_QUESTION)

    # ------------------------------------------------------------ explaining

    def unknown_workout(self, heard: str | None) -> Script:
        """A workout name we do not have, and the ones we do."""
        names = [w.name for w in self._library.workouts.values()]
        body = Ssml().sentence(self._say(Say.UNKNOWN_WORKOUT, heard=heard or ""))
        body.sentence(self._list(names))
        return self._ask(body, Say.LIST_QUESTION, Say.LIST_QUESTION)

    def unknown_exercise(self, heard: str | None) -> Script:
        """An exercise we do not know (or none named), with a few we do."""
        body = Ssml()
        if heard:
            body.sentence(self._say(Say.UNKNOWN_EXERCISE, heard=heard))
        examples = [
            self._library.exercises[e].name
            for e in EXAMPLE_EXERCISES
            if e in self._library.exercises
        ]
        body.sentence(self._say(Say.EXERCISE_EXAMPLES, examples=self._list(examples)))
        return self._ask(body, Say.WHICH_EXERCISE, Say.WHICH_EXERCISE)

    def explain_more(self) -> Script:
        """After an explanation outside a workout: what next."""
        return self._ask(Ssml(), Say.EXPLAIN_MORE, Say.MENU_REPROMPT)

    def why(self, exercise: Exercise | None) -> Script:
        """Why this exercise is in a runner's workout, or why strength work at all."""
        if exercise is None:
            return Script(Ssml().sentence(self._say(Say.WHY_STRENGTH)), None, end_session=False)
        body = (
            Ssml().sentence(self._say(Say.WHY_EXERCISE, name=exercise.name)).sentence(exercise.why)
        )
        return Script(body, None, end_session=False)

    # ------------------------------------------------------------ help and trouble

    def help(self, *, in_workout: bool) -> Script:
        """What can be said here."""
        if in_workout:
            return Script(Ssml().sentence(self._say(Say.HELP_WORKOUT)), None, end_session=False)
        return self._ask(
            Ssml().sentence(self._say(Say.HELP_MENU)), Say.MENU_QUESTION, Say.MENU_REPROMPT
        )

    def fallback(self, *, in_workout: bool) -> Script:
        """Something we cannot do: say so, then what we can."""
        body = Ssml().sentence(self._say(Say.FALLBACK))
        if in_workout:
            return Script(body.sentence(self._say(Say.HELP_WORKOUT)), None, end_session=False)
        return self._ask(
            body.sentence(self._say(Say.HELP_MENU)), Say.MENU_QUESTION, Say.MENU_REPROMPT
        )

    def menu_question(self) -> Script:
        """The open question outside a workout."""
        return self._ask(Ssml(), Say.MENU_QUESTION, Say.MENU_REPROMPT)

    def not_ready(self) -> Script:
        """A no to the ready question: no rush."""
        return Script(Ssml().sentence(self._say(Say.NOT_READY)), None, end_session=False)

    def declined(self) -> Script:
        """A no to a start offer: what else there is."""
        return self._ask(
            Ssml().sentence(self._say(Say.DECLINED)), Say.MENU_QUESTION, Say.MENU_REPROMPT
        )

    def goodbye(self, state: WorkoutState | None, where: NextUp | None) -> Script:
        """Leaving: where the workout is saved and how to come back, or just goodbye."""
        if state is not None and where is not None:
            workout = self._library.workout(state.workout_id)
            position = self._position(workout, where)
            return Script(
                Ssml().sentence(self._say(Say.GOODBYE_SAVED, position=position)),
                None,
                end_session=True,
            )
        return Script(Ssml().sentence(self._say(Say.GOODBYE)), None, end_session=True)

    def not_saved(self) -> Ssml:
        """One sentence: progress may not have been saved this time."""
        return Ssml().sentence(self._say(Say.NOT_SAVED))

    def error(self) -> Script:
        """Something went wrong on our side: apologise and ask again."""
        return self._ask(
            Ssml().sentence(self._say(Say.ERROR)), Say.MENU_QUESTION, Say.MENU_REPROMPT
        )

    # ------------------------------------------------------------ small pieces

    def _say(self, key: Say, **fields: str | int) -> Ssml:
        return self._phrases.ssml(key, **fields)

    def _ask(self, body: Ssml, question: Say, reprompt: Say) -> Script:
        return Script(
            body.sentence(self._say(question)),
            Ssml().sentence(self._say(reprompt)),
            end_session=False,
        )

    def _offer(self, body: Ssml, workout: Workout) -> Script:
        body.sentence(self._say(Say.TODAY_IS, name=workout.name, focus=workout.focus))
        minutes = _minutes(workout.estimated_seconds())
        body.sentence(self._say(Say.OFFER_QUESTION, minutes=minutes))
        reprompt = Ssml().sentence(self._say(Say.OFFER_REPROMPT, name=workout.name))
        return Script(body, reprompt, end_session=False)

    def _position(self, workout: Workout, where: NextUp) -> str:
        key = Key.POSITION_ROUND if workout.format is Format.CIRCUIT else Key.POSITION_SET
        name = (
            self._library.exercises[where.exercise_id].name
            if where.exercise_id in self._library.exercises
            else where.exercise_id
        )
        return self._phrases.say(key, name=name, set=where.set_number, sets=where.total_sets)

    def _list(self, items: Sequence[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self._phrases.say(Say.AND)} {items[-1]}"


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))
