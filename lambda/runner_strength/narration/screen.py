"""What an Echo Show displays with a response: the APL datasource, built from engine events.

The screen follows the same outcome the narrator speaks: the exercise, set x of y, the side, the
rep target or hold seconds, the cues, and timers whose start and length are the narration's own
timing marks (`hold_start`/`hold_end`, `reps_start`/`reps_end`, `rest_start`/`rest_end` in
`Ssml.marks`, seconds from the start of the speech by the estimate of `timing.py`), so the screen's
countdown runs in step with the spoken one. The APL documents under
`interaction_model/response/display/` bind to the one datasource `screen` built here; this module
knows nothing of Alexa (the directive is made in `alexa/apl.py`).

Pages: `workout` (a set, a rest, the question between sets, a pause), `explain`, `menu` (launch,
the workout list, progress, help) and `summary` (the end of a workout). Buttons carry the action
the skill answers exactly as the spoken intent (`ACTIONS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from runner_strength.content.model import Mode
from runner_strength.engine import transitions
from runner_strength.engine.events import (
    AskReady,
    NextUp,
    NotAllowed,
    Paused,
    SetPerformed,
    Status,
    WorkoutFinished,
)
from runner_strength.engine.state import Side
from runner_strength.narration.timing import COUNTDOWN_ZERO

if TYPE_CHECKING:
    from collections.abc import Sequence

    from runner_strength.content.model import Dosage, Exercise, Library
    from runner_strength.engine.events import Event, Summary
    from runner_strength.engine.state import WorkoutState
    from runner_strength.engine.stats import WeekSummary

DATASOURCE = "screen"
"""The one datasource key every document binds to (`payload.screen`)."""
CUES_SHOWN = 3
# Timed stretches the narration marks, and what the screen calls them.
_TIMERS = (("hold", "Hold"), ("reps", "Reps"), ("pulses", "Pulses"), ("rest", "Rest"))


class Page(StrEnum):
    """Which document shows a response; the value is the saved document's name."""

    WORKOUT = "workout"
    EXPLAIN = "explain"
    MENU = "menu"
    SUMMARY = "summary"


class Action(StrEnum):
    """What a touch asks for: the first argument of the UserEvent a button sends."""

    READY = "ready"
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    EXPLAIN = "explain"
    EASIER = "easier"
    HARDER = "harder"
    START = "start"  # a workout from the list; the second argument is its id
    PROGRESS = "progress"
    LIST = "list"


ACTIONS = frozenset(Action)


@dataclass(frozen=True, slots=True)
class Screen:
    """One response's screen: the document to show and its datasource."""

    page: Page
    data: dict[str, Any]

    @property
    def datasources(self) -> dict[str, Any]:
        """The RenderDocument datasources: one object under `DATASOURCE`."""
        return {DATASOURCE: self.data}


# ---------------------------------------------------------------- small pieces


def _button(label: str, action: Action, argument: str = "") -> dict[str, Any]:
    return {"label": label, "action": action.value, "argument": argument}


def side_label(sides: Sequence[Side]) -> str:
    """The side(s) of a slot as the screen says it; empty for both sides at once."""
    if not sides or sides[0] is Side.BOTH:
        return ""
    if len(sides) > 1:
        return "Left, then right"
    return "Left side" if sides[0] is Side.LEFT else "Right side"


def target_label(dosage: Dosage) -> str:
    """The rep target or hold seconds: "12 reps", "30 s hold", with "each side" when per side."""
    if dosage.mode is Mode.HOLD:
        text = f"{dosage.hold_seconds or 0} s hold"
    else:
        text = f"{dosage.reps or 0} reps"
    return f"{text} each side" if dosage.per_side else text


def timers(marks: Sequence[tuple[str, float]]) -> list[dict[str, Any]]:
    """The timed stretches of a response, seconds from the start of its speech, in order.

    A start mark pairs with the next end mark of its kind; a hold on each side gives two. The
    rep count, tempo and title are filled in by `set_timers` for a response that plays sets.
    """
    found: list[dict[str, Any]] = []
    for kind, label in _TIMERS:
        starts = [at for name, at in marks if name == f"{kind}_start"]
        ends = [at for name, at in marks if name == f"{kind}_end"]
        for start, stop in zip(starts, ends, strict=False):
            # An end tone is the countdown's zero: the screen reaches 0 as it plays.
            end = next(
                (at for name, at in marks if name == COUNTDOWN_ZERO and start < at <= stop), stop
            )
            found.append(
                {
                    "kind": kind,
                    "label": label,
                    "title": "",
                    "start": round(start, 1),
                    "seconds": round(end - start, 1),
                    "reps": 0,
                    "tempo": 1.0,
                }
            )
    found.sort(key=lambda timer: timer["start"])
    return found


def set_timers(
    library: Library, marks: Sequence[tuple[str, float]], performed: Sequence[SetPerformed]
) -> list[dict[str, Any]]:
    """The timers of a response that plays `performed` in order, each with its own set.

    Each timer carries the rep count and tempo of the set it times and a `title` ("Squat, set 2
    of 3"), so a response of several sets (a circuit round's stations) shows each as it comes.
    A set owns one work timer per side (two with pulses after each hold), then its rest.
    """
    found = timers(marks)
    if not performed:
        return found
    index = 0
    work_left = _work_timers(performed[0])
    for timer in found:
        if timer["kind"] != "rest" and work_left == 0 and index + 1 < len(performed):
            index += 1  # a set with no rest of its own: the next work timer is the next set's
            work_left = _work_timers(performed[index])
        event = performed[index]
        timer["title"] = (
            f"{_name(library, event.exercise_id)}, set {event.set_number} of {event.total_sets}"
        )
        if timer["kind"] == "reps":
            timer["reps"] = event.dosage.reps or 0
            timer["tempo"] = event.dosage.tempo_seconds or 1.0
        elif timer["kind"] == "pulses":
            timer["reps"] = event.dosage.pulses or 0
            timer["tempo"] = event.dosage.tempo_seconds or 1.0
        if timer["kind"] == "rest":
            if index + 1 < len(performed):
                index += 1
                work_left = _work_timers(performed[index])
        else:
            work_left = max(0, work_left - 1)
    return found


def _work_timers(event: SetPerformed) -> int:
    return len(event.sides) * (2 if event.dosage.pulses else 1)


def _progress(library: Library, state: WorkoutState, now: float) -> dict[str, Any]:
    status = next(
        (e for e in transitions.status(state, library, now).events if isinstance(e, Status)), None
    )
    done = status.sets_done if status is not None else 0
    total = done + (status.sets_left if status is not None else 0)
    percent = round(100 * done / total) if total else 100
    return {"done": done, "total": total, "percent": percent, "label": f"{done} of {total} sets"}


def _name(library: Library, exercise_id: str) -> str:
    exercise = library.exercises.get(exercise_id)
    return exercise.name if exercise is not None else exercise_id.replace("_", " ")


def _where_label(library: Library, where: NextUp) -> str:
    side = side_label(where.sides)
    text = f"{_name(library, where.exercise_id)}, set {where.set_number} of {where.total_sets}"
    return f"{text}, {side.lower()}" if side else text


def _empty_set() -> dict[str, Any]:
    return {"number": 0, "total": 0, "label": ""}


# ---------------------------------------------------------------- pages


def workout_screen(  # noqa: PLR0913  # what a workout response is made of, all by keyword
    library: Library,
    *,
    state: WorkoutState,
    events: Sequence[Event],
    marks: Sequence[tuple[str, float]],
    where: NextUp | None,
    now: float,
) -> Screen:
    """A set, its rest, the question after it, or a pause: what the runner sees meanwhile."""
    workout = library.workouts.get(state.workout_id)
    sets = [e for e in events if isinstance(e, SetPerformed)]
    # The header shows the set the response starts with; each timer names its own set.
    performed = sets[0] if sets else None
    last = sets[-1] if sets else None
    asked = next((e.next for e in reversed(events) if isinstance(e, AskReady)), None)
    paused = state.paused or any(isinstance(e, Paused) for e in events)
    refused = next((e for e in events if isinstance(e, NotAllowed)), None)
    upcoming = asked or where
    data: dict[str, Any] = {
        "page": Page.WORKOUT.value,
        "workout": workout.name if workout is not None else "",
        "status": "paused" if paused else ("set" if performed is not None else "ready"),
        "timers": [],
        "upNext": "",
        "notice": "Not possible right now" if refused is not None else "",
        "progress": _progress(library, state, now),
        # The workout's last set, played by the response that finishes it: the summary takes
        # over the screen `at` seconds in, when the set's timers are over (`with_done`).
        "done": {"at": 0, "title": "", "time": "", "sets": ""},
    }
    if performed is not None:
        exercise = library.exercises.get(performed.exercise_id)
        data.update(
            {
                "exercise": {
                    "id": performed.exercise_id,
                    "name": _name(library, performed.exercise_id),
                },
                "set": {
                    "number": performed.set_number,
                    "total": performed.total_sets,
                    "label": f"Set {performed.set_number} of {performed.total_sets}",
                },
                "side": side_label(performed.sides),
                "target": target_label(performed.dosage),
                "cues": list(exercise.cues[:CUES_SHOWN]) if exercise is not None else [],
                "timers": set_timers(library, marks, sets),
            }
        )
        if last is not None and last.next_preview is not None:
            data["upNext"] = _where_label(library, last.next_preview)
    elif upcoming is not None:
        exercise = library.exercises.get(upcoming.exercise_id)
        dosage = _dosage_for(library, state, upcoming)
        data.update(
            {
                "exercise": {
                    "id": upcoming.exercise_id,
                    "name": _name(library, upcoming.exercise_id),
                },
                "set": {
                    "number": upcoming.set_number,
                    "total": upcoming.total_sets,
                    "label": f"Set {upcoming.set_number} of {upcoming.total_sets}",
                },
                "side": side_label(upcoming.sides),
                "target": target_label(dosage) if dosage is not None else "",
                "cues": list(exercise.cues[:CUES_SHOWN]) if exercise is not None else [],
                # A rest a request cut short is timed again: its timer starts over with it.
                "timers": timers(marks),
            }
        )
    else:
        data.update(
            {
                "exercise": {"id": "", "name": ""},
                "set": _empty_set(),
                "side": "",
                "target": "",
                "cues": [],
            }
        )
    data["buttons"] = _workout_buttons(data["exercise"]["id"], paused=paused)
    return Screen(Page.WORKOUT, data)


def _dosage_for(library: Library, state: WorkoutState, where: NextUp) -> Dosage | None:
    """The dose the next slot will be done at (after adjustments)."""
    try:
        plan = transitions.plan_of(library, state)
    except KeyError:
        return None
    for workout_exercise, done_as in plan.performed.items():
        if done_as == where.exercise_id:
            return plan.dosages.get(workout_exercise)
    return None


def _workout_buttons(exercise_id: str, *, paused: bool) -> list[dict[str, Any]]:
    first = _button("Resume", Action.RESUME) if paused else _button("Ready", Action.READY)
    buttons = [first]
    if not paused:
        buttons.append(_button("Pause", Action.PAUSE))
    buttons.append(_button("Skip", Action.SKIP))
    if exercise_id:
        buttons.append(_button("Explain", Action.EXPLAIN, exercise_id))
    buttons += [_button("Easier", Action.EASIER), _button("Harder", Action.HARDER)]
    return buttons


def explain_screen(exercise: Exercise, *, in_workout: bool) -> Screen:
    """An exercise as a readable page: set-up, cues, mistakes, easier and harder versions."""
    options = []
    if exercise.easier is not None:
        options.append({"label": "Easier", "text": exercise.easier.text})
    if exercise.harder is not None:
        options.append({"label": "Harder", "text": exercise.harder.text})
    options += [{"label": variant.name, "text": variant.text} for variant in exercise.variants]
    buttons = [_button("Ready", Action.READY)] if in_workout else [_button("Workouts", Action.LIST)]
    return Screen(
        Page.EXPLAIN,
        {
            "page": Page.EXPLAIN.value,
            "exercise": {"id": exercise.id, "name": exercise.name},
            "why": exercise.why,
            "target": target_label(exercise.dosage),
            "setup": exercise.setup,
            "cues": list(exercise.cues),
            "mistakes": list(exercise.mistakes),
            "options": options,
            "buttons": buttons,
        },
    )


def week_data(week: WeekSummary | None) -> dict[str, Any]:
    """This week's sessions against the target, as the menu and the summary show them."""
    if week is None:
        return {"sessions": 0, "target": 0, "label": "", "streak": ""}
    streak = f"{week.streak} week streak" if week.streak > 1 else ""
    return {
        "sessions": week.sessions,
        "target": week.target,
        "label": f"{week.sessions} of {week.target} this week",
        "streak": streak,
    }


def menu_screen(
    library: Library, *, offered: str | None, week: WeekSummary | None, minutes: dict[str, int]
) -> Screen:
    """Launch, the workout list, progress and help: every workout touchable, the week so far."""
    items = []
    for workout in library.workouts.values():
        length = minutes.get(workout.id)
        detail = workout.focus if length is None else f"{length} min · {workout.focus}"
        items.append(
            {
                "label": workout.name,
                "detail": detail,
                "action": Action.START.value,
                "argument": workout.id,
                "offered": workout.id == offered,
            }
        )
    items.sort(key=lambda item: not item["offered"])  # the offered workout first
    offered_workout = library.workouts.get(offered) if offered is not None else None
    return Screen(
        Page.MENU,
        {
            "page": Page.MENU.value,
            "title": "Runner Strength",
            "offered": offered_workout.name if offered_workout is not None else "",
            "week": week_data(week),
            "items": items,
            "buttons": [_button("How am I doing", Action.PROGRESS)],
        },
    )


def summary_screen(library: Library, summary: Summary, week: WeekSummary | None) -> Screen:
    """The end of a workout: done or stopped early, time, exercises done and skipped."""
    workout = library.workouts.get(summary.workout_id)
    title, time, sets = _summary_lines(summary)
    return Screen(
        Page.SUMMARY,
        {
            "page": Page.SUMMARY.value,
            "workout": workout.name if workout is not None else "",
            "title": title,
            "time": time,
            "sets": sets,
            "done": [_name(library, e) for e in summary.exercises_done],
            "skipped": [_name(library, e) for e in summary.skipped],
            "week": week_data(week),
            "buttons": [_button("Workouts", Action.LIST)],
        },
    )


def with_done(shown: Screen, summary: Summary) -> Screen:
    """A set screen that turns into the workout's summary once its timers are over."""
    timers = shown.data.get("timers", [])
    at = max((timer["start"] + timer["seconds"] for timer in timers), default=0.0)
    title, time, sets = _summary_lines(summary)
    done = {"at": round(max(at, 0.1), 1), "title": title, "time": time, "sets": sets}
    return Screen(shown.page, {**shown.data, "done": done})


def _summary_lines(summary: Summary) -> tuple[str, str, str]:
    """The summary's title, time and sets as the screen shows them."""
    minutes = max(1, round(summary.elapsed_seconds / 60))
    title = "Workout done" if summary.completed else "Workout ended"
    return title, f"{minutes} min", f"{summary.sets_done} sets"


def finished(events: Sequence[Event]) -> Summary | None:
    """The summary when these events end a workout."""
    return next((e.summary for e in events if isinstance(e, WorkoutFinished)), None)


# ---------------------------------------------------------------- a text panel


def panel(screen: Screen, width: int = 60) -> str:
    """What the screen shows as a compact text panel (the console's `--screen`)."""
    data = screen.data
    lines: list[str] = []
    if screen.page is Page.WORKOUT:
        lines.append(
            f"{data['workout']} · {data['progress']['label']} [{_bar(data['progress']['percent'])}]"
        )
        head = " · ".join(
            p
            for p in (data["exercise"]["name"], data["set"]["label"], data["side"], data["target"])
            if p
        )
        lines.append(head or data["status"])
        lines += [f"  - {cue}" for cue in data["cues"]]
        lines += [
            f"  {t['label']}: {t['seconds']:g} s from {t['start']:g} s" for t in data["timers"]
        ]
        if data["upNext"]:
            lines.append(f"Up next: {data['upNext']}")
    elif screen.page is Page.EXPLAIN:
        lines.append(f"{data['exercise']['name']} · {data['target']}")
        lines.append(f"Set-up: {data['setup']}")
        lines += [f"  - {cue}" for cue in data["cues"]]
        lines += [f"  x {mistake}" for mistake in data["mistakes"]]
        lines += [f"  {o['label']}: {o['text']}" for o in data["options"]]
    elif screen.page is Page.MENU:
        lines.append(" · ".join(p for p in (data["title"], data["week"]["label"]) if p))
        lines += [
            f"  {'>' if i['offered'] else ' '} {i['label']} ({i['detail']})" for i in data["items"]
        ]
    else:
        lines.append(f"{data['title']}: {data['workout']} · {data['time']} · {data['sets']}")
        if data["skipped"]:
            lines.append(f"Skipped: {', '.join(data['skipped'])}")
        if data["week"]["label"]:
            lines.append(data["week"]["label"])
    lines.append(" ".join(f"[{b['label']}]" for b in data["buttons"]))
    rule = "-" * width
    return "\n".join([rule, *(_clip(line, width) for line in lines), rule])


def _bar(percent: int, width: int = 10) -> str:
    filled = round(width * percent / 100)
    return "#" * filled + "." * (width - filled)


def _clip(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"
