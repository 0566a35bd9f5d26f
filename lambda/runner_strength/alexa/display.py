"""What an Echo Show displays with a response: the workout, a summary, an exercise, or the menu.

`Turn.respond` adds it to the response; the screens themselves are drawn in `narration/screen.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.engine.events import SetPerformed
from runner_strength.engine.pace import minutes_said
from runner_strength.engine.plan import workout_seconds
from runner_strength.engine.stats import weekly_summary
from runner_strength.narration import screen

if TYPE_CHECKING:
    from runner_strength.alexa.dialog import Asked
    from runner_strength.alexa.turning import TurnView as Turn
    from runner_strength.narration.narrator import Script
    from runner_strength.narration.screen import Screen


def screen_for(turn: Turn, script: Script, asked: Asked) -> Screen:
    """What an Echo Show displays with this response (`narration/screen.py`)."""
    events = turn.outcome.events if turn.outcome is not None else ()
    summary = screen.finished(events)
    if turn.explained is not None:
        return screen.explain_screen(turn.explained, in_workout=turn.state is not None)
    zone, _ = turn.zone
    week = weekly_summary(turn.record.history, turn.now, zone)
    if summary is not None:
        finished = turn.outcome.state if turn.outcome is not None else None
        if finished is not None and any(isinstance(e, SetPerformed) for e in events):
            # The last set plays first: its set and timers, then the summary when they are over.
            shown = screen.workout_screen(
                turn.library,
                state=finished,
                events=events,
                marks=script.speech.marks,
                where=None,
                now=turn.now,
            )
            return screen.with_done(shown, summary)
        return screen.summary_screen(turn.library, summary, week)
    state = turn.state
    if state is not None:
        return screen.workout_screen(
            turn.library,
            state=state,
            events=events,
            marks=script.speech.marks,
            where=turn.where(),
            now=turn.now,
        )
    minutes = {w: minutes_said(workout_seconds(turn.library, w)) for w in turn.library.workouts}
    return screen.menu_screen(turn.library, offered=asked.workout_id, week=week, minutes=minutes)
