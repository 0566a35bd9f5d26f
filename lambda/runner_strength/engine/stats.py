"""How a runner is doing: sessions this week against the target, the streak, the last workout.

Weeks run Monday to Sunday in the time zone passed in (the device's when the request says it,
otherwise UTC; the caller says which). A session belongs to the local calendar day it ended on,
so one finished at 23:30 on a Sunday in Berlin counts for that week even though it is Monday in
UTC. Calendar arithmetic is done on local dates, never by adding seconds, so daylight saving
changes move nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import tzinfo

    from runner_strength.engine.record import HistoryEntry

# The sources agree: two strength sessions a week alongside running.
SESSIONS_PER_WEEK = 2
# An abandoned workout still counts as a session when this many exercises were done.
MIN_EXERCISES_FOR_SESSION = 3
_WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """This week's count, the streak of weeks on target, and the last workout."""

    sessions: int  # sessions this week, Monday to Sunday in the time zone
    target: int
    streak: int  # weeks in a row on target, ending this week if it is on target, else last week
    last: HistoryEntry | None  # the most recent workout with anything done
    days_since_last: int | None  # calendar days in the time zone: 0 today, 1 yesterday

    @property
    def left(self) -> int:
        """Sessions still to do this week to reach the target (0 when reached)."""
        return max(0, self.target - self.sessions)


def local_date(moment: float, zone: tzinfo) -> date:
    """The calendar date at epoch seconds `moment` in `zone`."""
    return datetime.fromtimestamp(moment, zone).date()


def week_start(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def day_end(moment: float, zone: tzinfo) -> float:
    """Epoch seconds of the next local midnight after `moment` in `zone` (the end of its day)."""
    tomorrow = local_date(moment, zone) + timedelta(days=1)
    midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
    return midnight.astimezone(UTC).timestamp()


def counts_as_session(entry: HistoryEntry) -> bool:
    """A finished workout, or an abandoned one with most of a session done."""
    return entry.finished or len(entry.exercises_done) >= MIN_EXERCISES_FOR_SESSION


def weekly_summary(
    history: Sequence[HistoryEntry],
    now: float,
    zone: tzinfo,
    target: int = SESSIONS_PER_WEEK,
) -> WeekSummary:
    """The runner's week as of `now`, with weeks and days counted in `zone`."""
    today = local_date(now, zone)
    this_week = week_start(today)
    per_week = Counter(
        week_start(local_date(entry.ended_at, zone))
        for entry in history
        if counts_as_session(entry) and entry.ended_at <= now
    )
    sessions = per_week[this_week]
    # This week only counts once it is on target; until then it is still in progress.
    streak = 1 if sessions >= target else 0
    week = this_week - _WEEK
    while per_week[week] >= target:
        streak += 1
        week -= _WEEK
    done = [e for e in history if e.exercises_done and e.ended_at <= now]
    last = max(done, key=lambda e: (e.ended_at, e.id)) if done else None
    days = None if last is None else (today - local_date(last.ended_at, zone)).days
    return WeekSummary(
        sessions=sessions, target=target, streak=streak, last=last, days_since_last=days
    )
