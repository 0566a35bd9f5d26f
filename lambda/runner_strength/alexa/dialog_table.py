"""The dialog, declared: every question the coach asks and what each intent means while it waits.

One row per `Question` (and per moment between questions: a set playing, a rest). A row names
the phrase keys that ask it and its reprompt, and what an intent means there:

- `Role.ANSWER`: the intent answers the question; the named flow runs.
- `Role.NAVIGATION`: the intent moves in the workout (ready, go back, skip); the named flow runs.
- `Role.END`: the session ends, the place kept (stop, cancel, pause, a red flag).
- `Role.ASIDE`: the intent is answered, then the same question is asked again. Every intent a row
  does not list is an aside: no question can be lost by omission. An aside runs the intent's own
  meaning (`GENERAL`, or its handler in handlers.py when it reads slots).

To add a question: add it to `Question` (dialog.py), give it a row here, name a flow that asks it in
its `asked_by` and the flows of its answers in flows.py's `FLOWS`. `check()` (run by
`runner-strength check` and the tests) refuses a row whose flows do not exist or a question no row
asks, and docs/dialog.md's diagram is drawn from this table (`mermaid()`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from runner_strength.alexa.dialog import Question

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping


class Role(StrEnum):
    """What an intent does to the question waiting."""

    ANSWER = "answer"
    NAVIGATION = "navigation"
    END = "end"
    ASIDE = "aside"


@dataclass(frozen=True, slots=True)
class Meaning:
    """An intent's role at a question, and the flow that does it (None: the intent's own)."""

    role: Role
    flow: str | None = None


ASIDE = Meaning(Role.ASIDE)
"""The declared default: answered, then the same question again."""

# Intent names, once: the built-ins carry several phrasings each (see the brief's platform facts).
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
READY = "ReadyIntent"
NEXT = "AMAZON.NextIntent"  # "next" and "skip"
PREVIOUS = "AMAZON.PreviousIntent"  # "previous" and "go back"
RESUME = "AMAZON.ResumeIntent"
RESUME_WORKOUT = "ResumeWorkoutIntent"
PAUSE = "AMAZON.PauseIntent"
STOP = "AMAZON.StopIntent"
CANCEL = "AMAZON.CancelIntent"
HOME = "AMAZON.NavigateHomeIntent"
HELP = "AMAZON.HelpIntent"
FALLBACK = "AMAZON.FallbackIntent"
REPEAT = "AMAZON.RepeatIntent"
RED_FLAG = "RedFlagIntent"
BREATHER = "BreatherIntent"
SKIP_EXERCISE = "SkipExerciseIntent"
SKIP_ROUTINE = "SkipRoutineIntent"
START_WORKOUT = "StartWorkoutIntent"
EXPLAIN = "ExplainExerciseIntent"
EXPLAIN_MORE = "ExplainMoreIntent"
LIST = "ListWorkoutsIntent"
DELETE_DATA = "DeleteDataIntent"
SECOND_CHANCE_INTENTS = (
    EXPLAIN,
    EXPLAIN_MORE,
    "CreditsIntent",
    "WeightIntent",
    START_WORKOUT,
    "WorkoutCreditsIntent",
)
"""Intents carrying an exercise's or a workout's name: Alexa may hear one it cannot resolve."""
NAMES_A_WORKOUT = frozenset({START_WORKOUT, "WorkoutCreditsIntent"})
"""Of those, the ones whose name is a workout's."""
ROUTINE_CHOICES = ("AlwaysRoutineIntent", "NeverRoutineIntent", "AskRoutineIntent")

ENDS: Mapping[str, Meaning] = {
    STOP: Meaning(Role.END, "stop"),
    CANCEL: Meaning(Role.END, "stop"),
    HOME: Meaning(Role.END, "stop"),
    PAUSE: Meaning(Role.END, "pause"),
    RED_FLAG: Meaning(Role.END, "red_flag"),
}
"""What ends a session at every question; a row cannot override these."""

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


def _answers(flow: str, *intents: str) -> dict[str, Meaning]:
    return {intent: Meaning(Role.ANSWER, flow) for intent in intents}


def _ends(flow: str, *intents: str) -> dict[str, Meaning]:
    """Answers after which the session ends (a goodbye, a reminder set, rest today)."""
    return {intent: Meaning(Role.END, flow) for intent in intents}


def _own(*intents: str) -> dict[str, Meaning]:
    """Answers whose own handler does the answering (it reads the slots: which exercise, ...)."""
    return {intent: Meaning(Role.ANSWER) for intent in intents}


def _moves(flow: str, *intents: str) -> dict[str, Meaning]:
    return {intent: Meaning(Role.NAVIGATION, flow) for intent in intents}


@dataclass(frozen=True, slots=True)
class Prompt:
    """One question: how it is asked, what answers it, and which flows ask it."""

    wording: tuple[str, ...]  # phrase keys that ask it
    reprompt: str | None  # the phrase key said when the runner says nothing (None: rebuilt)
    means: Mapping[str, Meaning] = field(default_factory=dict)
    asked_by: tuple[str, ...] = ()  # flows (or handlers) whose response asks it
    rebuilt: bool = False  # asked again from the workout or the menu, not word for word
    moment: bool = False  # a moment between questions, derived from the clock, never stored

    def meaning(self, intent: str) -> Meaning:
        """What `intent` means here: an end, this row's meaning, or the aside."""
        return ENDS.get(intent) or self.means.get(intent) or ASIDE


_SET_QUESTION = {
    **_moves("ready", YES, READY, NEXT, RESUME, RESUME_WORKOUT),
    **_moves("breather", NO),
    **_moves("redo_last_set", PREVIOUS),
}
# Mid-set and in a rest, the engine places the request by its timestamp and the set carries on:
# the flows are the engine's transitions (status, repeat, easier, harder, pain, breather, pause).
_MOMENT = {
    **_moves("status", "WorkoutStatusIntent"),
    **_moves("repeat", REPEAT),
    **_moves("easier", "EasierIntent"),
    **_moves("harder", "HarderIntent"),
    **_moves("pain", "PainIntent"),
    **_moves("breather", BREATHER),
}

PROMPTS: Mapping[Question, Prompt] = {
    Question.NONE: Prompt(
        ("menu_question",),
        "menu_reprompt",
        {
            **_answers("start_offered", YES, READY, NEXT),
            **_ends("no_at_menu", NO),
            **_ends("stop_reminder", "StopReminderIntent"),
        },
        asked_by=("help", "fallback", "stop_for_today", "no_at_menu"),
        rebuilt=True,
    ),
    Question.RESUME_OFFER: Prompt(
        ("welcome_back", "resume_offer"),
        "resume_reprompt",
        {
            **_answers("resume", YES, READY, NEXT, RESUME, RESUME_WORKOUT),
            **_answers("start_at_resume_offer", START_WORKOUT),
            **_answers("resume_declined", NO),
        },
        asked_by=("launch", "resume"),
    ),
    Question.RESUME_OR_NEW: Prompt(
        ("resume_or_new_question",),
        "resume_or_new_reprompt",
        {
            **_answers("start_new", YES, START_WORKOUT),
            **_answers("resume", NO, RESUME, RESUME_WORKOUT),
        },
        asked_by=("start",),
    ),
    Question.START_OFFER: Prompt(
        ("today_is", "offer_question"),
        "offer_reprompt",
        {
            **_answers("start_offered", YES, READY, NEXT),
            **_answers("decline_offer", NO),
            **_own(START_WORKOUT, LIST),
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
            **_answers("carry_on", YES, READY, NEXT, RESUME, RESUME_WORKOUT),
            **_answers("breather", NO),
        },
        asked_by=("breather",),
    ),
    Question.REMINDER_OFFER: Prompt(
        ("reminder_offer",),
        "reminder_offer_reprompt",
        {
            **_ends("reminder_yes", YES),
            **_ends("reminder_no", NO, "StopReminderIntent"),
            **_answers("reminder_again", HELP, FALLBACK, READY, NEXT),
            **_own("SetReminderIntent", "ChangeReminderIntent"),
        },
        asked_by=("goodbye", "ready", "set_reminder"),
    ),
    Question.WHICH_EXERCISE: Prompt(
        ("which_exercise",),
        "which_exercise_reprompt",
        {
            **_answers("explain_yes", YES),
            **_answers("no_at_menu", NO),
            **_own(EXPLAIN, EXPLAIN_MORE),
        },
        asked_by=("explain", "explain_yes"),
    ),
    Question.EXPLAIN_DEEPER: Prompt(
        ("explain_more",),
        None,
        {
            **_answers("explain_yes", YES),
            **_answers("explain_no", NO),
            **_own(EXPLAIN, EXPLAIN_MORE, "DetailedCoachingIntent"),
        },
        asked_by=("explain",),
    ),
    Question.ANOTHER_EXERCISE: Prompt(
        ("explain_more_menu",),
        None,
        {
            **_answers("explain_yes", YES),
            **_answers("no_at_menu", NO),
            **_own(EXPLAIN, EXPLAIN_MORE, START_WORKOUT, LIST),
        },
        asked_by=("explain_more", "explain_no"),
    ),
    Question.START_OVER: Prompt(
        ("start_over_question",),
        "start_over_reprompt",
        {**_answers("start_whole_over", YES), **_answers("keep_going", NO)},
        asked_by=("start_over_asked",),
    ),
    Question.STOP_FOR_TODAY: Prompt(
        ("stop_question",),
        None,
        {**_answers("stop_for_today", YES), **_answers("keep_going", NO)},
        asked_by=("pain",),
    ),
    Question.LIST_MORE: Prompt(
        ("list_more",),
        "list_more_reprompt",
        {
            **_answers("list_more", YES, NEXT),
            **_answers("list_question", NO),
            **_own(START_WORKOUT),
        },
        asked_by=("list_workouts",),
    ),
    Question.WARM_UP_OFFER: Prompt(
        ("warm_up_offer",),
        "warm_up_offer_reprompt",
        {
            **_answers("warm_up", YES, "WarmUpIntent"),
            **_answers("ready", READY),
            **_answers("skip_warm_up", NO, NEXT, SKIP_EXERCISE, SKIP_ROUTINE),
            **_own(*ROUTINE_CHOICES),
        },
        asked_by=("start",),
    ),
    Question.WARMED_UP: Prompt(
        ("ask_ready",),
        None,
        {
            **_moves("ready", YES, READY, RESUME, RESUME_WORKOUT),
            **_moves("breather", NO),
            **_answers("skip_warm_up", NEXT, SKIP_EXERCISE, SKIP_ROUTINE),
        },
        asked_by=("warm_up",),
        rebuilt=True,
    ),
    Question.COOL_DOWN_OFFER: Prompt(
        ("cool_down_offer",),
        "cool_down_offer_reprompt",
        {
            **_answers("cool_down", YES, READY, "CoolDownIntent"),
            **_answers("skip_cool_down", NO, NEXT, SKIP_EXERCISE, SKIP_ROUTINE),
            **_own(*ROUTINE_CHOICES),
        },
        asked_by=("ready",),
    ),
    Question.DELETE_DATA: Prompt(
        ("delete_data_question",),
        "delete_data_reprompt",
        {**_ends("delete_data", YES), **_answers("keep_data", NO)},
        asked_by=("delete_data_asked",),
    ),
    Question.DID_YOU_MEAN: Prompt(
        ("did_you_mean_one", "did_you_mean_two", "which_of_two"),
        "did_you_mean_reprompt",
        {
            **_answers("did_you_mean_yes", YES),
            **_answers("did_you_mean_no", NO),
            # Naming one of those offered answers; naming another is that request, for it.
            **_answers("did_you_mean_named", *SECOND_CHANCE_INTENTS),
            # Moving on in a workout (or easing it) leaves the question: the place is the point.
            **_moves("ready", READY, NEXT, RESUME, RESUME_WORKOUT),
            **_moves("breather", BREATHER),
            **_moves("skip_exercise", SKIP_EXERCISE),
            **_moves("previous_exercise", PREVIOUS),
            **_moves("easier", "EasierIntent"),
            **_moves("harder", "HarderIntent"),
            **_moves("pain", "PainIntent"),
        },
        asked_by=("second_chance", "did_you_mean_yes", "did_you_mean_named"),
    ),
    Question.SAFETY_CHECK: Prompt(
        ("safety_check_question",),
        "safety_check_reprompt",
        {**_answers("feeling_well", YES), **_ends("not_feeling_well", NO)},
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
    problems = [f"{q.value}: no row" for q in Question if q not in PROMPTS]
    for question, prompt in PROMPTS.items():
        named = [m.flow for m in prompt.means.values() if m.flow is not None]
        problems += [
            f"{question.value}: flow {f!r} does not exist"
            for f in (*named, *prompt.asked_by)
            if f not in flows and f not in _ASKED_OUTSIDE_FLOWS
        ]
        if not prompt.asked_by:
            problems.append(f"{question.value}: no flow asks it (unreachable)")
        keys = (*prompt.wording, *((prompt.reprompt,) if prompt.reprompt else ()))
        problems += [
            f"{question.value}: phrase key {k!r} does not exist"
            for k in keys
            if k not in phrase_keys and k not in _WORDED_IN_CODE
        ]
    problems += [
        f"{intent}: flow {f!r} does not exist" for intent, f in GENERAL.items() if f not in flows
    ]
    problems += [
        f"{intent}: flow {m.flow!r} does not exist"
        for intent, m in ENDS.items()
        if m.flow not in flows
    ]
    return problems


# Askers that are request types, not intents' flows: the launch and the workout's own start.
_ASKED_OUTSIDE_FLOWS = frozenset(
    {
        "launch",
        "start",
        "offer_next",
        "goodbye",
        "set_reminder",
        "explain",
        "explain_more",
        "second_chance",  # a handler that heard a name it could not resolve (second_chance.py)
    }
)
# Questions the narrator words from the workout (en.yaml's set keys) rather than one phrase key.
_WORDED_IN_CODE = frozenset({"ask_ready", "reminder_offer", "reminder_offer_reprompt"})


def mermaid() -> str:
    """The table as a Mermaid flowchart: each question, and the intents that answer or end it."""
    lines = ["flowchart LR"]
    for question, prompt in PROMPTS.items():
        name = question.value
        lines.append(f'    {name}(["{name}"])' if prompt.moment else f'    {name}{{"{name}"}}')
        by_flow: dict[tuple[str, str], list[str]] = {}
        for intent, m in prompt.means.items():
            if m.flow is not None:
                by_flow.setdefault((m.role.value, m.flow), []).append(_short(intent))
        for (role, flow), intents in sorted(by_flow.items()):
            said = ", ".join(intents)
            lines.append(f'    {name} -- "{role}: {said}" --> flow_{flow}["{flow}"]')
    lines.append('    ends["end at every question: stop, cancel, home, pause, red flag"]')
    lines.append('    aside["aside at every question: any other intent, then the same question"]')
    return "\n".join(lines) + "\n"


def _short(intent: str) -> str:
    return intent.removeprefix("AMAZON.").removesuffix("Intent")


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
