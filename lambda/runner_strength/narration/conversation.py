"""What the coach says around workouts: welcome, offers, lists, help, goodbyes and apologies.

`narrator.py` speaks the engine's outcomes; this module speaks the rest of the conversation. Both
build SSML only through `ssml.py` and take every word from `content/phrases/`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from runner_strength.content.model import Format, Level, Mode
from runner_strength.engine.events import SwapReason
from runner_strength.engine.plan import workout_seconds
from runner_strength.engine.progress import Change, Feeling
from runner_strength.engine.record import Verbosity
from runner_strength.engine.state import Direction
from runner_strength.narration.narrator import Script
from runner_strength.narration.phrases import Key, PhrasePicker
from runner_strength.narration.ssml import Ssml

if TYPE_CHECKING:
    import random
    from collections.abc import Sequence

    from runner_strength.content.model import Exercise, Library, Source, Workout
    from runner_strength.engine.events import NextUp, Swapped
    from runner_strength.engine.progress import Step
    from runner_strength.engine.record import HistoryEntry
    from runner_strength.engine.state import WorkoutState
    from runner_strength.engine.stats import WeekSummary

# Exercises named as examples when a runner asks about one we do not know.
EXAMPLE_EXERCISES = ("plank", "walking_lunge", "copenhagen_plank", "glute_bridge")
# Longer lists are read this many at a time, each group followed by a question.
LIST_GROUP = 3


class Say(StrEnum):
    """Every phrase key in content/phrases/conversation.yaml."""

    WELCOME_FIRST = "welcome_first"
    HEALTH_NOTE = "health_note"
    WELCOME_RETURNING = "welcome_returning"
    TODAY_IS = "today_is"
    OFFER_QUESTION = "offer_question"
    OFFER_REPROMPT = "offer_reprompt"
    BUDGET_TOO_SHORT = "budget_too_short"
    BUDGET_TOO_SHORT_NO_WARM_UP = "budget_too_short_no_warm_up"
    BUDGET_TOO_LONG = "budget_too_long"
    BUDGET_WITH_WARM_UP = "budget_with_warm_up"
    WELCOME_BACK = "welcome_back"
    RESUME_OFFER = "resume_offer"
    RESUME_REPROMPT = "resume_reprompt"
    OFFER_OTHER = "offer_other"
    LIST_INTRO = "list_intro"
    LIST_ITEM = "list_item"
    LIST_QUESTION = "list_question"
    UNKNOWN_WORKOUT = "unknown_workout"
    UNKNOWN_EXERCISE = "unknown_exercise"
    EXERCISE_NEAREST = "exercise_nearest"
    WHICH_EXERCISE = "which_exercise"
    EXERCISE_EXAMPLES = "exercise_examples"
    WHY_EXERCISE = "why_exercise"
    WHY_STRENGTH = "why_strength"
    HELP_MENU = "help_menu"
    HELP_WORKOUT = "help_workout"
    HELP_MENU_MORE = "help_menu_more"
    HELP_WORKOUT_MORE = "help_workout_more"
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
    # knowing the runner
    ROTATION_WHY = "rotation_why"
    OFFER_LIGHT = "offer_light"
    WEEK_NONE = "week_none"
    WEEK_ONE = "week_one"
    WEEK_MANY = "week_many"
    SCOPE_WEEK = "scope_week"
    SCOPE_ZONE = "scope_zone"
    TARGET_MET = "target_met"
    TARGET_NONE = "target_none"
    TARGET_ONE_LEFT = "target_one_left"
    TARGET_LEFT = "target_left"
    STREAK_ONE = "streak_one"
    STREAK_MANY = "streak_many"
    LAST_TODAY = "last_today"
    LAST_YESTERDAY = "last_yesterday"
    LAST_DAYS = "last_days"
    LAST_NONE = "last_none"
    FEEDBACK_EASY = "feedback_easy"
    FEEDBACK_HARD = "feedback_hard"
    FEEDBACK_RIGHT = "feedback_right"
    NEXT_SECONDS = "next_seconds"
    NEXT_REPS = "next_reps"
    NEXT_MORE_SETS = "next_more_sets"
    NEXT_FEWER_SETS = "next_fewer_sets"
    NEXT_HARDER = "next_harder"
    NEXT_EASIER = "next_easier"
    NEXT_KEEP = "next_keep"
    NEXT_AT_TOP = "next_at_top"
    NEXT_AT_BOTTOM = "next_at_bottom"
    NOW_HARDER = "now_harder"
    NOW_EASIER = "now_easier"
    FEEDBACK_NOTHING = "feedback_nothing"
    LEVEL_BEGINNER = "level_beginner"
    LEVEL_INTERMEDIATE = "level_intermediate"
    LEVEL_ADVANCED = "level_advanced"
    LEVEL_QUESTION = "level_question"
    FROM_NEXT_WORKOUT = "from_next_workout"
    VERBOSITY_SHORT = "verbosity_short"
    VERBOSITY_DETAILED = "verbosity_detailed"
    KIT_MISSING = "kit_missing"
    KIT_NONE = "kit_none"
    KIT_HAVE = "kit_have"
    KIT_GYM = "kit_gym"
    KIT_UNKNOWN = "kit_unknown"
    LIGHT_SET = "light_set"
    LIGHT_NOW = "light_now"
    LIGHT_ALREADY = "light_already"
    PAIN_SORRY = "pain_sorry"
    PAIN_SORRY_GENERAL = "pain_sorry_general"
    PAIN_NOTE = "pain_note"
    PAIN_TODAY = "pain_today"
    SWAP_NOW = "swap_now"
    SWAP_LATER = "swap_later"
    DROP_NOW = "drop_now"
    DROP_LATER = "drop_later"
    SWAP_KIT = "swap_kit"
    SWAP_MORE_ONE = "swap_more_one"
    SWAP_MORE = "swap_more"
    SWAP_NONE_PAIN = "swap_none_pain"
    SWAP_NONE_KIT = "swap_none_kit"
    # where an exercise comes from
    CREDIT_EXERCISE = "credit_exercise"
    CREDIT_ALSO = "credit_also"
    CREDIT_BY = "credit_by"
    CREDIT_ARTICLE = "credit_article"
    CREDIT_ALL = "credit_all"
    CREDIT_LISTED = "credit_listed"
    CREDIT_ASK = "credit_ask"
    CREDIT_WORKOUT = "credit_workout"
    WEIGHT_FOR = "weight_for"
    WEIGHT_BODYWEIGHT = "weight_bodyweight"
    WEIGHT_GENERAL = "weight_general"
    CREDIT_WORKOUT_ALSO = "credit_workout_also"
    # pending questions
    RESUME_OR_NEW_PAUSED = "resume_or_new_paused"
    RESUME_OR_NEW_GOING = "resume_or_new_going"
    RESUME_OR_NEW_QUESTION = "resume_or_new_question"
    RESUME_OR_NEW_REPROMPT = "resume_or_new_reprompt"
    OFFER_AGAIN = "offer_again"
    OFFER_INSTEAD = "offer_instead"
    DECLINE_GOODBYE = "decline_goodbye"
    START_OVER_QUESTION = "start_over_question"
    START_OVER_REPROMPT = "start_over_reprompt"
    START_OVER_KEPT = "start_over_kept"
    WHICH_EXERCISE_REPROMPT = "which_exercise_reprompt"
    SKIP_UNDO = "skip_undo"
    NOT_READY_SKIP = "not_ready_skip"
    LIST_MORE = "list_more"
    LIST_MORE_REPROMPT = "list_more_reprompt"
    LIST_MORE_INTRO = "list_more_intro"
    PAIN_AGAIN = "pain_again"
    STOP_QUESTION = "stop_question"
    STOP_REPROMPT = "stop_reprompt"


_LEVEL_SAYS = {
    Level.BEGINNER: Say.LEVEL_BEGINNER,
    Level.INTERMEDIATE: Say.LEVEL_INTERMEDIATE,
    Level.ADVANCED: Say.LEVEL_ADVANCED,
}
_NEXT_TIME = {
    Change.MORE_SETS: Say.NEXT_MORE_SETS,
    Change.FEWER_SETS: Say.NEXT_FEWER_SETS,
    Change.SAME: Say.NEXT_KEEP,
    Change.AT_TOP: Say.NEXT_AT_TOP,
    Change.AT_BOTTOM: Say.NEXT_AT_BOTTOM,
}
_FEEDBACK = {
    Feeling.TOO_EASY: Say.FEEDBACK_EASY,
    Feeling.TOO_HARD: Say.FEEDBACK_HARD,
    Feeling.JUST_RIGHT: Say.FEEDBACK_RIGHT,
}
# Days since the last workout that have their own words; more are counted.
_TODAY, _YESTERDAY = 0, 1


class Conversation:
    """Speaks the conversation around workouts; the random source picks phrase variants."""

    def __init__(self, library: Library, rng: random.Random) -> None:
        self._library = library
        self._phrases = PhrasePicker(library.phrases, rng)

    # ------------------------------------------------------------ arriving

    def welcome(  # what today's offer depends on, all by keyword
        self,
        workout: Workout,
        *,
        first_time: bool,
        last: HistoryEntry | None,
        light: bool = False,
        seconds: int | None = None,
    ) -> Script:
        """Hello, the one-time health note, and an offer of today's workout with why it is next."""
        body = Ssml()
        if first_time:
            body.sentence(self._say(Say.WELCOME_FIRST)).sentence(self._say(Say.HEALTH_NOTE))
        else:
            body.sentence(self._say(Say.WELCOME_RETURNING))
        previous = last.workout_id if last is not None else None
        return self._offer(
            body,
            workout,
            light=light,
            seconds=seconds,
            after=self._library.workouts.get(previous or ""),
        )

    def suggest(
        self, workout: Workout, *, light: bool = False, seconds: int | None = None
    ) -> Script:
        """Today's workout offered on its own, after something else was said."""
        return self._offer(Ssml(), workout, light=light, seconds=seconds)

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

    # ------------------------------------------------------------ time budgets

    def budget_too_short(
        self, workout: Workout, *, asked: int, seconds: int, warm_up: bool
    ) -> Script:
        """A budget shorter than the shortest sensible session: that session, offered."""
        key = Say.BUDGET_TOO_SHORT if warm_up else Say.BUDGET_TOO_SHORT_NO_WARM_UP
        body = Ssml().sentence(
            self._say(key, asked=asked, name=workout.name, minutes=_minutes(seconds))
        )
        reprompt = Ssml().sentence(self._say(Say.OFFER_REPROMPT, name=workout.name))
        return Script(body, reprompt, end_session=False)

    def budget_too_long(self, seconds: int) -> Ssml:
        """A budget longer than the longest workout: how long the longest is, said first."""
        return Ssml().sentence(self._say(Say.BUDGET_TOO_LONG, minutes=_minutes(seconds)))

    def budget_with_warm_up(self, total_seconds: float) -> Script:
        """The whole session's length inside a budget, its warm-up (announced next) counted."""
        line = self._say(Say.BUDGET_WITH_WARM_UP, minutes=_minutes(total_seconds))
        return Script(Ssml().sentence(line), None, end_session=False)

    # ------------------------------------------------------------ pending questions

    def resume_question(self, state: WorkoutState, where: NextUp) -> Script:
        """The resume offer asked again: where the workout stopped, and whether to pick it up."""
        return Script(
            self._where_stopped(state, where).sentence(self._say(Say.RESUME_OFFER)),
            Ssml().sentence(self._say(Say.RESUME_REPROMPT)),
            end_session=False,
        )

    def resume_or_new(self, state: WorkoutState, where: NextUp, new: Workout) -> Script:
        """A start while a workout is unfinished: start the new one (a yes), the old one kept?"""
        workout = self._library.workout(state.workout_id)
        names = {"workout": workout.name, "new": new.name}
        return Script(
            self._where_stopped(state, where).sentence(
                self._say(Say.RESUME_OR_NEW_QUESTION, new=new.name)
            ),
            Ssml().sentence(self._say(Say.RESUME_OR_NEW_REPROMPT, **names)),
            end_session=False,
        )

    def offer_again(self, workout: Workout) -> Script:
        """The start offer asked again, short."""
        return Script(
            Ssml().sentence(self._say(Say.OFFER_AGAIN, name=workout.name)),
            Ssml().sentence(self._say(Say.OFFER_REPROMPT, name=workout.name)),
            end_session=False,
        )

    def offer_instead(self, workout: Workout, *, seconds: int | None = None) -> Script:
        """After a no to a start offer: one other workout, once."""
        body = Ssml().sentence(self._say(Say.OFFER_INSTEAD, name=workout.name, focus=workout.focus))
        minutes = _minutes(
            workout_seconds(self._library, workout.id) if seconds is None else seconds
        )
        body.sentence(self._say(Say.OFFER_QUESTION, minutes=minutes))
        reprompt = Ssml().sentence(self._say(Say.OFFER_REPROMPT, name=workout.name))
        return Script(body, reprompt, end_session=False)

    def decline_goodbye(self) -> Script:
        """A second no to a start offer (or a no to the menu): leave it there, kindly."""
        return Script(Ssml().sentence(self._say(Say.DECLINE_GOODBYE)), None, end_session=True)

    def which_exercise(self) -> Script:
        """Which exercise shall I explain?"""
        return self._ask(Ssml(), Say.WHICH_EXERCISE, Say.WHICH_EXERCISE_REPROMPT)

    def start_over_question(self, workout: Workout) -> Script:
        """Starting the whole workout over loses the sets done: ask first."""
        return Script(
            Ssml().sentence(self._say(Say.START_OVER_QUESTION, workout=workout.name)),
            Ssml().sentence(self._say(Say.START_OVER_REPROMPT, workout=workout.name)),
            end_session=False,
        )

    def start_over_kept(self) -> Script:
        """A no to starting over: carry on from here."""
        return self._statement(Say.START_OVER_KEPT)

    def pain_again(self) -> Script:
        """Something hurt a second time this workout: suggest stopping and seeing a professional."""
        return self._statement(Say.PAIN_AGAIN)

    def stop_question(self) -> Script:
        """Shall we stop for today?"""
        return self._ask(Ssml(), Say.STOP_QUESTION, Say.STOP_REPROMPT)

    def skip_undo(self) -> Script:
        """After a skip: how to undo it."""
        return self._statement(Say.SKIP_UNDO)

    def _where_stopped(self, state: WorkoutState, where: NextUp) -> Ssml:
        workout = self._library.workout(state.workout_id)
        key = Say.RESUME_OR_NEW_PAUSED if state.paused else Say.RESUME_OR_NEW_GOING
        return Ssml().sentence(
            self._say(key, workout=workout.name, position=self._position(workout, where))
        )

    def list_workouts(self, start: int = 0) -> tuple[Script, int | None]:
        """The workouts with their lengths, shortest first, three at a time.

        Returns the script and, when some are still unread, where the next group starts: the
        script then asks whether to hear them, else which workout.
        """
        lengths = {w: workout_seconds(self._library, w) for w in self._library.workouts}
        workouts = sorted(self._library.workouts.values(), key=lambda w: lengths[w.id])
        items = [
            self._phrases.say(Say.LIST_ITEM, name=w.name, minutes=_minutes(lengths[w.id]))
            for w in workouts
        ]
        group = items[start : start + LIST_GROUP]
        body = Ssml()
        if start == 0:
            body.sentence(self._say(Say.LIST_INTRO, count=len(workouts)))
            body.sentence(f"{self._list(group)}.")
        else:
            body.sentence(f"{self._phrases.say(Say.LIST_MORE_INTRO)} {self._list(group)}.")
        after = start + len(group)
        rest = len(items) - after
        if rest <= 0:
            return self._ask(body, Say.LIST_QUESTION, Say.LIST_QUESTION), None
        script = Script(
            body.sentence(self._say(Say.LIST_MORE, count=min(rest, LIST_GROUP))),
            Ssml().sentence(self._say(Say.LIST_MORE_REPROMPT, count=min(rest, LIST_GROUP))),
            end_session=False,
        )
        return script, after

    def list_question(self) -> Script:
        """Which workout would you like?"""
        return self._ask(Ssml(), Say.LIST_QUESTION, Say.LIST_QUESTION)

    def list_more_question(self, start: int) -> Script:
        """The question after a group of workouts, asked again."""
        rest = min(len(self._library.workouts) - start, LIST_GROUP)
        return Script(
            Ssml().sentence(self._say(Say.LIST_MORE, count=rest)),
            Ssml().sentence(self._say(Say.LIST_MORE_REPROMPT, count=rest)),
            end_session=False,
        )

    # ------------------------------------------------------------ explaining

    def unknown_workout(self, heard: str | None) -> Script:
        """A workout name we do not have, and the ones we do."""
        names = [w.name for w in self._library.workouts.values()]
        body = Ssml().sentence(self._say(Say.UNKNOWN_WORKOUT, heard=heard or ""))
        body.sentence(self._list(names))
        return self._ask(body, Say.LIST_QUESTION, Say.LIST_QUESTION)

    def unknown_exercise(self, heard: str | None, nearby: Sequence[str] = ()) -> Script:
        """An exercise we do not know (or none named), with the nearest we have, or a few."""
        body = Ssml()
        if heard:
            body.sentence(self._say(Say.UNKNOWN_EXERCISE, heard=heard))
        body.sentence(self._instead(nearby))
        return self._ask(body, Say.WHICH_EXERCISE, Say.WHICH_EXERCISE_REPROMPT)

    def not_an_exercise(self, heard: str, *, examples: bool, nearby: Sequence[str] = ()) -> Script:
        """Words that name no exercise, said while another question waits: no new question."""
        body = Ssml().sentence(self._say(Say.UNKNOWN_EXERCISE, heard=heard))
        if examples or nearby:
            body.sentence(self._instead(nearby))
        return Script(body, None, end_session=False)

    def _instead(self, nearby: Sequence[str]) -> Ssml:
        """The exercises nearest to words that named none (names mid-sentence), else examples."""
        if nearby:
            return self._say(Say.EXERCISE_NEAREST, names=self._list(nearby))
        return self._say(Say.EXERCISE_EXAMPLES, examples=self._examples())

    def explain_more(self) -> Script:
        """After an explanation outside a workout: what next."""
        return self._ask(Ssml(), Say.EXPLAIN_MORE, Say.MENU_REPROMPT)

    def why(self, exercise: Exercise | None) -> Script:
        """Why this exercise is in a runner's workout, or why strength work at all."""
        if exercise is None:
            return Script(Ssml().sentence(self._say(Say.WHY_STRENGTH)), None, end_session=False)
        body = Ssml().sentence(self._say(Say.WHY_EXERCISE, name=exercise.called))
        body.sentence(exercise.why)
        return Script(body, None, end_session=False)

    def credits(self, exercise: Exercise | None) -> Script:
        """Where an exercise comes from (each article and its author), or every article we use."""
        if exercise is None:
            body = Ssml().sentence(self._say(Say.CREDIT_ALL, count=len(self._library.sources)))
            for source in self._library.sources.values():
                body.sentence(
                    self._say(Say.CREDIT_LISTED, title=source.said, credit=source.credit)
                    if source.author
                    else f"{source.said}."
                )
            return Script(body.sentence(self._say(Say.CREDIT_ASK)), None, end_session=False)
        sources = [self._library.sources[s] for s in exercise.sources if s in self._library.sources]
        body = Ssml()
        for index, source in enumerate(sources):
            if index == 0:
                body.sentence(
                    self._say(Say.CREDIT_EXERCISE, name=exercise.name, source=self._source(source))
                )
            else:
                body.sentence(self._say(Say.CREDIT_ALSO, source=self._source(source)))
        return Script(body, None, end_session=False)

    def weight(self, exercise: Exercise | None) -> Script:
        """How heavy to go: the exercise's own guidance, body weight only, or the general rule."""
        body = Ssml()
        if exercise is None:
            body.sentence(self._say(Say.WEIGHT_GENERAL))
        elif exercise.weight:
            body.sentence(self._say(Say.WEIGHT_FOR, name=exercise.called)).sentence(exercise.weight)
        else:
            called = exercise.called[:1].upper() + exercise.called[1:]
            body.sentence(self._say(Say.WEIGHT_BODYWEIGHT, name=called))
        return Script(body, None, end_session=False)

    def workout_credits(self, workout: Workout) -> Script:
        """Where a workout comes from: its own article first, then the others its moves are from."""
        sources = [self._library.sources[s] for s in workout.sources if s in self._library.sources]
        body = Ssml()
        if sources:
            body.sentence(
                self._say(Say.CREDIT_WORKOUT, name=workout.name, source=self._source(sources[0]))
            )
        if len(sources) > 1:
            others = [self._source(source) for source in sources[1:]]
            listed = (
                others[0] if len(others) == 1 else f"{', '.join(others[:-1])}, and {others[-1]}"
            )
            body.sentence(self._say(Say.CREDIT_WORKOUT_ALSO, sources=listed))
        return Script(body, None, end_session=False)

    def _source(self, source: Source) -> str:
        """An article named as the runner hears it: its title, and its author where it has one."""
        if source.author:
            return self._phrases.say(Say.CREDIT_BY, title=source.said, credit=source.credit)
        return self._phrases.say(Say.CREDIT_ARTICLE, title=source.said)

    # ------------------------------------------------------------ help and trouble

    def help(self, *, in_workout: bool) -> Script:
        """What can be said here."""
        if in_workout:
            body = Ssml().sentence(self._say(Say.HELP_WORKOUT))
            return Script(body.sentence(self._say(Say.HELP_WORKOUT_MORE)), None, end_session=False)
        body = Ssml().sentence(self._say(Say.HELP_MENU)).sentence(self._say(Say.HELP_MENU_MORE))
        return self._ask(body, Say.MENU_QUESTION, Say.MENU_REPROMPT)

    def help_body(self, *, in_workout: bool) -> Script:
        """What can be said here, with no question: one is added after it."""
        if in_workout:
            return self.help(in_workout=True)
        body = Ssml().sentence(self._say(Say.HELP_MENU)).sentence(self._say(Say.HELP_MENU_MORE))
        return Script(body, None, end_session=False)

    def fallback_body(self, *, in_workout: bool) -> Script:
        """Something we cannot do, and what we can, with no question: one is added after it."""
        body = Ssml().sentence(self._say(Say.FALLBACK))
        key = Say.HELP_WORKOUT if in_workout else Say.HELP_MENU
        return Script(body.sentence(self._say(key)), None, end_session=False)

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

    def not_ready(self, *, skip_hint: bool = False) -> Script:
        """A no to the ready question: no rush (and, the first time, how to leave it out)."""
        body = Ssml().sentence(self._say(Say.NOT_READY))
        if skip_hint:
            body.sentence(self._say(Say.NOT_READY_SKIP))
        return Script(body, None, end_session=False)

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

    # ------------------------------------------------------------ knowing the runner

    def progress(self, week: WeekSummary, zone: str | None) -> Script:
        """Sessions this week against the target, the streak, the last workout and when.

        `zone` is the IANA time zone weeks were counted in; None when it is not known, and then
        no zone is named (weeks were counted in UTC, which a runner should never hear).
        """
        if zone is None:
            scope = self._say(Say.SCOPE_WEEK)
        else:
            scope = self._say(Say.SCOPE_ZONE, zone=zone.rsplit("/", 1)[-1].replace("_", " "))
        body = Ssml()
        if week.sessions == 0:
            body.sentence(self._say(Say.WEEK_NONE, scope=scope))
        elif week.sessions == 1:
            body.sentence(self._say(Say.WEEK_ONE, scope=scope))
        else:
            body.sentence(self._say(Say.WEEK_MANY, scope=scope, count=week.sessions))
        if week.left == 0:
            body.sentence(self._say(Say.TARGET_MET, target=week.target))
        elif week.sessions == 0:
            body.sentence(self._say(Say.TARGET_NONE, target=week.target))
        elif week.left == 1:
            body.sentence(self._say(Say.TARGET_ONE_LEFT, target=week.target))
        else:
            body.sentence(self._say(Say.TARGET_LEFT, left=week.left, target=week.target))
        if week.streak == 1:
            body.sentence(self._say(Say.STREAK_ONE))
        elif week.streak > 1:
            body.sentence(self._say(Say.STREAK_MANY, weeks=week.streak))
        body.extend(self._last_workout(week))
        return Script(body, None, end_session=False)

    def _last_workout(self, week: WeekSummary) -> Ssml:
        last, days = week.last, week.days_since_last
        if last is None or days is None:
            return Ssml().sentence(self._say(Say.LAST_NONE))
        workout = self._library.workouts.get(last.workout_id)
        name = workout.name if workout is not None else last.workout_id.replace("_", " ")
        if days <= _TODAY:
            return Ssml().sentence(self._say(Say.LAST_TODAY, name=name))
        if days == _YESTERDAY:
            return Ssml().sentence(self._say(Say.LAST_YESTERDAY, name=name))
        return Ssml().sentence(self._say(Say.LAST_DAYS, name=name, days=days))

    def feedback(
        self, feeling: Feeling, exercise_id: str, step: Step, hint: Direction | None
    ) -> Script:
        """Feedback heard: what it changes next time, and (`hint`) how to change it right now."""
        body = Ssml().sentence(self._say(_FEEDBACK[feeling], name=self._exercise(exercise_id)))
        dose = step.dose
        if step.change in {Change.MORE, Change.LESS}:
            exercise = self._library.exercises.get(dose.exercise_id)
            if exercise is not None and exercise.dosage.mode is Mode.HOLD:
                body.sentence(self._say(Say.NEXT_SECONDS, seconds=dose.amount))
            else:
                body.sentence(self._say(Say.NEXT_REPS, reps=dose.amount))
        elif step.change in {Change.HARDER_EXERCISE, Change.EASIER_EXERCISE}:
            key = Say.NEXT_HARDER if step.change is Change.HARDER_EXERCISE else Say.NEXT_EASIER
            body.sentence(self._say(key, name=self._exercise(dose.exercise_id)))
        else:
            body.sentence(self._say(_NEXT_TIME[step.change]))
        if hint is not None:
            body.sentence(self._say(Say.NOW_HARDER if hint is Direction.HARDER else Say.NOW_EASIER))
        return Script(body, None, end_session=False)

    def feedback_nothing(self) -> Script:
        """Feedback with no set to pin it on."""
        return self._statement(Say.FEEDBACK_NOTHING)

    def level_set(self, level: Level) -> Script:
        """The runner's level, and what it means for their workouts."""
        return self._statement(_LEVEL_SAYS[level])

    def level_question(self) -> Script:
        """Which level, when it was not understood."""
        return self._ask(Ssml(), Say.LEVEL_QUESTION, Say.LEVEL_QUESTION)

    def from_next_workout(self) -> Script:
        """A change that waits for the next workout."""
        return self._statement(Say.FROM_NEXT_WORKOUT)

    def verbosity_set(self, verbosity: Verbosity) -> Script:
        """Short cues or full coaching from now on."""
        short = verbosity is Verbosity.SHORT
        return self._statement(Say.VERBOSITY_SHORT if short else Say.VERBOSITY_DETAILED)

    def equipment_missing(self, equipment: str | None) -> Script:
        """Kit the runner lacks (None: no kit at all)."""
        if equipment is None:
            return self._statement(Say.KIT_NONE)
        return Script(
            Ssml().sentence(self._say(Say.KIT_MISSING, equipment=_spoken(equipment))),
            None,
            end_session=False,
        )

    def equipment_available(self, equipment: str | None) -> Script:
        """Kit the runner has again (None: a gym, everything)."""
        if equipment is None:
            return self._statement(Say.KIT_GYM)
        return Script(
            Ssml().sentence(self._say(Say.KIT_HAVE, equipment=_spoken(equipment))),
            None,
            end_session=False,
        )

    def equipment_unknown(self) -> Script:
        """Equipment named but not understood."""
        return self._statement(Say.KIT_UNKNOWN)

    def light_day(self, *, in_workout: bool, already: bool) -> Script:
        """A lighter session today, said plainly."""
        if already:
            return self._statement(Say.LIGHT_ALREADY)
        return self._statement(Say.LIGHT_NOW if in_workout else Say.LIGHT_SET)

    def pain(self, area: str | None, *, remind: bool, in_workout: bool) -> Script:
        """Acknowledge pain without diagnosing; the see-a-professional note only when `remind`."""
        body = Ssml()
        if area is None:
            body.sentence(self._say(Say.PAIN_SORRY_GENERAL))
        else:
            body.sentence(self._say(Say.PAIN_SORRY, area=_spoken(area)))
        if remind:
            body.sentence(self._say(Say.PAIN_NOTE))
        if area is not None and not in_workout:
            body.sentence(self._say(Say.PAIN_TODAY, area=_spoken(area)))
        return Script(body, None, end_session=False)

    def swapped(self, event: Swapped) -> Script:
        """What a mid-workout swap changed: the first change in full, the rest counted."""
        area = _spoken(event.area or "")
        pain = event.reason is SwapReason.PAIN
        said: list[Ssml] = []
        for old, new in event.swaps:
            names = {"old": self._exercise(old), "name": self._exercise(new)}
            if not pain:
                said.append(self._say(Say.SWAP_KIT, **names))
            else:
                now = event.current and not said
                said.append(self._say(Say.SWAP_NOW if now else Say.SWAP_LATER, area=area, **names))
        for old in event.dropped:
            now = event.current and not said
            said.append(self._say(Say.DROP_NOW if now else Say.DROP_LATER, old=self._exercise(old)))
        body = Ssml()
        if not said:
            if pain:
                return Script(
                    body.sentence(self._say(Say.SWAP_NONE_PAIN, area=area)), None, end_session=False
                )
            return self._statement(Say.SWAP_NONE_KIT)
        body.sentence(said[0])
        more = len(said) - 1
        if more == 1:
            body.sentence(self._say(Say.SWAP_MORE_ONE))
        elif more > 1:
            body.sentence(self._say(Say.SWAP_MORE, count=more))
        return Script(body, None, end_session=False)

    # ------------------------------------------------------------ small pieces

    def _statement(self, key: Say) -> Script:
        return Script(Ssml().sentence(self._say(key)), None, end_session=False)

    def _exercise(self, exercise_id: str) -> str:
        exercise = self._library.exercises.get(exercise_id)
        return exercise.called if exercise is not None else exercise_id.replace("_", " ")

    def _say(self, key: Say, **fields: str | int | Ssml) -> Ssml:
        return self._phrases.ssml(key, **fields)

    def _ask(self, body: Ssml, question: Say, reprompt: Say) -> Script:
        return Script(
            body.sentence(self._say(question)),
            Ssml().sentence(self._say(reprompt)),
            end_session=False,
        )

    def _offer(  # the offer and what shapes it, all by keyword
        self,
        body: Ssml,
        workout: Workout,
        *,
        light: bool = False,
        seconds: int | None = None,
        after: Workout | None = None,
    ) -> Script:
        if after is not None:
            body.sentence(
                self._say(Say.ROTATION_WHY, last=after.name, name=workout.name, focus=workout.focus)
            )
        else:
            body.sentence(self._say(Say.TODAY_IS, name=workout.name, focus=workout.focus))
        if light:
            body.sentence(self._say(Say.OFFER_LIGHT))
        minutes = _minutes(
            workout_seconds(self._library, workout.id) if seconds is None else seconds
        )
        body.sentence(self._say(Say.OFFER_QUESTION, minutes=minutes))
        reprompt = Ssml().sentence(self._say(Say.OFFER_REPROMPT, name=workout.name))
        return Script(body, reprompt, end_session=False)

    def _position(self, workout: Workout, where: NextUp) -> str:
        key = Key.POSITION_ROUND if workout.format is Format.CIRCUIT else Key.POSITION_SET
        # "paused at the walking lunge, set 2 of 3": a name mid-sentence, with its article
        name = self._exercise(where.exercise_id)
        return self._phrases.say(key, name=name, set=where.set_number, sets=where.total_sets)

    def _examples(self) -> str:
        return self._list(
            [
                self._library.exercises[e].name
                for e in EXAMPLE_EXERCISES
                if e in self._library.exercises
            ]
        )

    def _list(self, items: Sequence[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self._phrases.say(Say.AND)} {items[-1]}"


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))


def _spoken(term: str) -> str:
    """A content vocabulary term as said: "lower_back" is "lower back"."""
    return term.replace("_", " ")
