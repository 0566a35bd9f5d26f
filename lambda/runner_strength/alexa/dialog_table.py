"""The dialog, declared: every question the coach asks and what each intent means while it waits.

One row per `Question` (and per moment between questions: a set playing, a rest). A row names
the phrase keys that ask it and its reprompt, and what an intent means there:

- `Role.ANSWER`: the intent answers the question; the named flow runs.
- `Role.NAVIGATION`: the intent moves in the workout (ready, go back, skip); the named flow runs.
- `Role.END`: the session ends, the place kept (stop, cancel, pause, a red flag).
- `Role.ASIDE`: the intent is answered, then the same question is asked again. Every intent a row
  does not list is an aside: no question can be lost by omission. An aside runs the intent's own
  meaning (`GENERAL`, or its handler in handlers.py when it reads slots).

The roles, the intents' names and a row's shape (`Prompt`) are in dialog_terms.py.

To add a question: add it to `Question` (dialog.py), give it a row here, name a flow that asks it in
its `asked_by` and the flows of its answers in flows.py's `FLOWS`. `check()` (run by
`runner-strength check` and the tests) refuses a row whose flows do not exist or a question no row
asks, and docs/dialog.md's diagram is drawn from this table (`mermaid()`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa import dialog_checks
from runner_strength.alexa.dialog import Question
from runner_strength.alexa.dialog_terms import (
    BREATHER,
    DELETE_DATA,
    EXPLAIN,
    EXPLAIN_MORE,
    FALLBACK,
    HELP,
    LIST,
    NEXT,
    NO,
    PREVIOUS,
    READY,
    REPEAT,
    RESUME,
    RESUME_WORKOUT,
    ROUTINE_CHOICES,
    SECOND_CHANCE_INTENTS,
    SKIP_EXERCISE,
    SKIP_ROUTINE,
    START_WORKOUT,
    YES,
    Meaning,
    Prompt,
    answers,
    ends,
    moves,
    own,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping


OPENS_ITS_OWN = frozenset(
    {
        START_WORKOUT,
        "ListWorkoutsIntent",
        "SetReminderIntent",
        "ChangeReminderIntent",
        "AMAZON.StartOverIntent",
        "ExplainExerciseIntent",
        "ExplainMoreIntent",
        "WarmUpIntent",
        RESUME,
        RESUME_WORKOUT,
        DELETE_DATA,
    }
)
"""Asides that open a question of their own wherever they are said (a start asks about the
warm-up, a list whether to hear more): the runner asked for that conversation, so its question
replaces the one waiting instead of following it."""

MOVES_ON = frozenset({YES, READY, NEXT, RESUME, RESUME_WORKOUT})
"""Said while a set plays, these go on to the set asked about next: the runner's own word that
this one is over. Anything else said mid-set is placed by its time, and the set carries on."""

GENERAL: Mapping[str, str] = {
    BREATHER: "breather",
    REPEAT: "repeat",
    HELP: "help",
    "MoreHelpIntent": "more_help",
    FALLBACK: "fallback",
    "WorkoutStatusIntent": "status",
    "WhyExerciseIntent": "why",
    "ListWorkoutsIntent": "list_workouts",
    "ProgressIntent": "progress",
    "LighterDayIntent": "lighter_day",
    SKIP_EXERCISE: "skip_exercise",
    "EasierIntent": "easier",
    "HarderIntent": "harder",
    "RepeatSetIntent": "repeat_set",
    PREVIOUS: "previous_exercise",
    "PreviousExerciseIntent": "previous_exercise",
    "StopReminderIntent": "stop_reminder",
    YES: "yes_at_menu",
    NO: "no_at_menu",
    READY: "ready",
    NEXT: "ready",
    RESUME: "resume",
    RESUME_WORKOUT: "resume",
    "AMAZON.StartOverIntent": "start_over_asked",
    "PainIntent": "pain",
    DELETE_DATA: "delete_data_asked",
}
"""What an intent means where no row says otherwise: handlers that only name an intent, as rows."""


_SET_QUESTION = {
    **moves("ready", YES, READY, NEXT, RESUME, RESUME_WORKOUT),
    **moves("breather", NO),
    **moves("redo_last_set", PREVIOUS),
}
# Mid-set and in a rest, the engine places the request by its timestamp and the set carries on:
# the flows are the engine's transitions (status, repeat, easier, harder, pain, breather, pause).
_MOMENT = {
    **moves("status", "WorkoutStatusIntent"),
    **moves("repeat", REPEAT),
    **moves("easier", "EasierIntent"),
    **moves("harder", "HarderIntent"),
    **moves("pain", "PainIntent"),
    **moves("breather", BREATHER),
}

PROMPTS: Mapping[Question, Prompt] = {
    Question.NONE: Prompt(
        ("menu_question",),
        "menu_reprompt",
        {
            **answers("start_offered", YES, READY, NEXT),
            **ends("no_at_menu", NO),
            **ends("stop_reminder", "StopReminderIntent"),
        },
        asked_by=("help", "fallback", "stop_for_today", "no_at_menu"),
        rebuilt=True,
    ),
    Question.RESUME_OFFER: Prompt(
        ("welcome_back", "resume_offer"),
        "resume_reprompt",
        {
            **answers("resume", YES, READY, NEXT, RESUME, RESUME_WORKOUT),
            **answers("start_at_resume_offer", START_WORKOUT),
            **answers("resume_declined", NO),
        },
        asked_by=("launch", "resume"),
    ),
    Question.RESUME_OR_NEW: Prompt(
        ("resume_or_new_question",),
        "resume_or_new_reprompt",
        {
            **answers("start_new", YES, START_WORKOUT),
            **answers("resume", NO, RESUME, RESUME_WORKOUT),
        },
        asked_by=("start",),
    ),
    Question.START_OFFER: Prompt(
        ("today_is", "offer_question"),
        "offer_reprompt",
        {
            **answers("start_offered", YES, READY, NEXT),
            **answers("decline_offer", NO),
            **own(START_WORKOUT, LIST),
        },
        asked_by=("launch", "offer_next", "resume_declined", "feeling_well"),
    ),
    Question.READY: Prompt(
        ("ask_ready",), None, _SET_QUESTION, asked_by=("start", "ready", "resume"), rebuilt=True
    ),
    Question.SET_PLAYING: Prompt(
        (), None, _MOMENT, asked_by=("ready", "resume"), rebuilt=True, moment=True
    ),
    Question.REST: Prompt((), None, _MOMENT, asked_by=("ready",), rebuilt=True, moment=True),
    # After a request mid-set: the set is not done and carries on from the rep (or side) it
    # reached; answered like the set question.
    Question.CARRY_ON: Prompt(
        ("ask_carry_on_rep_side", "ask_carry_on_rep", "ask_carry_on_side", "ask_carry_on"),
        None,
        _SET_QUESTION,
        asked_by=("status", "repeat", "why", "easier", "harder", "pain", "help", "fallback"),
        rebuilt=True,
    ),
    Question.BREATHER: Prompt(
        ("breather_back",),
        "breather_reprompt",
        {
            **answers("carry_on", YES, READY, NEXT, RESUME, RESUME_WORKOUT),
            **answers("breather", NO),
        },
        asked_by=("breather",),
    ),
    Question.REMINDER_OFFER: Prompt(
        ("reminder_offer",),
        "reminder_offer_reprompt",
        {
            **ends("reminder_yes", YES),
            **ends("reminder_no", NO, "StopReminderIntent"),
            **answers("reminder_again", HELP, FALLBACK, READY, NEXT),
            **own("SetReminderIntent", "ChangeReminderIntent"),
        },
        asked_by=("goodbye", "ready", "set_reminder"),
    ),
    Question.WHICH_EXERCISE: Prompt(
        ("which_exercise",),
        "which_exercise_reprompt",
        {
            **answers("explain_yes", YES),
            **answers("no_at_menu", NO),
            **own(EXPLAIN, EXPLAIN_MORE),
        },
        asked_by=("explain", "explain_yes"),
    ),
    Question.EXPLAIN_DEEPER: Prompt(
        ("explain_more",),
        None,
        {
            **answers("explain_yes", YES),
            **answers("explain_no", NO),
            **own(EXPLAIN, EXPLAIN_MORE, "DetailedCoachingIntent"),
        },
        asked_by=("explain",),
    ),
    Question.ANOTHER_EXERCISE: Prompt(
        ("explain_more_menu",),
        None,
        {
            **answers("explain_yes", YES),
            **answers("no_at_menu", NO),
            **own(EXPLAIN, EXPLAIN_MORE, START_WORKOUT, LIST),
        },
        asked_by=("explain_more", "explain_no"),
    ),
    Question.START_OVER: Prompt(
        ("start_over_question",),
        "start_over_reprompt",
        {**answers("start_whole_over", YES), **answers("keep_going", NO)},
        asked_by=("start_over_asked",),
    ),
    Question.STOP_FOR_TODAY: Prompt(
        ("stop_question",),
        None,
        {**answers("stop_for_today", YES), **answers("keep_going", NO)},
        asked_by=("pain",),
    ),
    Question.LIST_MORE: Prompt(
        ("list_more",),
        "list_more_reprompt",
        {
            **answers("list_more", YES, NEXT),
            **answers("list_question", NO),
            **own(START_WORKOUT),
        },
        asked_by=("list_workouts",),
    ),
    Question.WARM_UP_OFFER: Prompt(
        ("warm_up_offer",),
        "warm_up_offer_reprompt",
        {
            **answers("warm_up", YES, "WarmUpIntent"),
            **answers("ready", READY),
            **answers("skip_warm_up", NO, NEXT, SKIP_EXERCISE, SKIP_ROUTINE),
            **own(*ROUTINE_CHOICES),
        },
        asked_by=("start",),
    ),
    Question.WARMED_UP: Prompt(
        ("ask_ready",),
        None,
        {
            **moves("ready", YES, READY, RESUME, RESUME_WORKOUT),
            **moves("breather", NO),
            **answers("skip_warm_up", NEXT, SKIP_EXERCISE, SKIP_ROUTINE),
        },
        asked_by=("warm_up",),
        rebuilt=True,
    ),
    Question.COOL_DOWN_OFFER: Prompt(
        ("cool_down_offer",),
        "cool_down_offer_reprompt",
        {
            **answers("cool_down", YES, READY, "CoolDownIntent"),
            **answers("skip_cool_down", NO, NEXT, SKIP_EXERCISE, SKIP_ROUTINE),
            **own(*ROUTINE_CHOICES),
        },
        asked_by=("ready",),
    ),
    Question.DELETE_DATA: Prompt(
        ("delete_data_question",),
        "delete_data_reprompt",
        {**ends("delete_data", YES), **answers("keep_data", NO)},
        asked_by=("delete_data_asked",),
    ),
    Question.DID_YOU_MEAN: Prompt(
        ("did_you_mean_one", "did_you_mean_two", "which_of_two"),
        "did_you_mean_reprompt",
        {
            **answers("did_you_mean_yes", YES),
            **answers("did_you_mean_no", NO),
            # Naming one of those offered answers; naming another is that request, for it.
            **answers("did_you_mean_named", *SECOND_CHANCE_INTENTS),
            # Moving on in a workout (or easing it) leaves the question: the place is the point.
            **moves("ready", READY, NEXT, RESUME, RESUME_WORKOUT),
            **moves("breather", BREATHER),
            **moves("skip_exercise", SKIP_EXERCISE),
            **moves("previous_exercise", PREVIOUS),
            **moves("easier", "EasierIntent"),
            **moves("harder", "HarderIntent"),
            **moves("pain", "PainIntent"),
        },
        asked_by=("second_chance", "did_you_mean_yes", "did_you_mean_named"),
    ),
    Question.SAFETY_CHECK: Prompt(
        ("safety_check_question",),
        "safety_check_reprompt",
        {**answers("feeling_well", YES), **ends("not_feeling_well", NO)},
        asked_by=("launch",),
    ),
}


def meaning(question: Question, intent: str) -> Meaning:
    """What `intent` means while `question` waits."""
    return PROMPTS[question].meaning(intent)


def flow_for(question: Question, intent: str) -> str | None:
    """The flow that handles `intent` at `question`: the row's, else the intent's general one.

    A moment (a set playing, a rest) lists what it changes; anything else means what it means at
    the set question that follows it.
    """
    declared = meaning(question, intent)
    if declared.flow is None and PROMPTS[question].moment:
        declared = meaning(Question.READY, intent)
    if declared.flow is not None:
        return declared.flow
    return GENERAL.get(intent)


def check(flows: Collection[str], phrase_keys: Collection[str]) -> list[str]:
    """What is wrong with the table: unknown flows or phrase keys, questions without a row."""
    return dialog_checks.problems(PROMPTS, GENERAL, flows, phrase_keys)


def mermaid() -> str:
    """The table as a Mermaid flowchart: each question, and the intents that answer or end it."""
    return dialog_checks.flowchart(PROMPTS)


BEGIN = "<!-- dialog-table: drawn from alexa/dialog_table.py; do not edit by hand -->"
END = "<!-- dialog-table: end -->"


def drawn(page: str) -> str:
    """`page` with the diagram between its markers redrawn from the table."""
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n```mermaid\n{mermaid()}```\n{END}{tail}"


if __name__ == "__main__":  # python -m runner_strength.alexa.dialog_table docs/dialog.md
    import sys
    from pathlib import Path

    target = Path(sys.argv[1])
    target.write_text(drawn(target.read_text(encoding="utf-8")), encoding="utf-8")
