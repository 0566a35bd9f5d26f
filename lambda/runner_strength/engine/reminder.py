"""A weekly training reminder: which days and what time, and what the runner said about one.

Pure: the days and hour a runner usually trains come from their history read in their time zone;
nothing here talks to Alexa. `alexa/services.py` turns a `Reminder` into a Reminders API request.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import tzinfo

DEFAULT_HOUR = 7  # 7 in the morning: before work, when most runners who train at home do it
DAYS_APART = 3  # with no pattern, the next reminder falls three days on: two sessions a week
PATTERN_ENTRIES = 10  # the most recent sessions that make a runner's pattern
MAX_DAYS = 3  # a weekly reminder names at most three days (the target is two a week)
ZONE_RECHECK_SECONDS = 30 * 86400  # the Settings API is asked again per device after 30 days
ZONE_RETRY_SECONDS = 86400  # after a failed fetch, the next try is a day later
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Offer(StrEnum):
    """What the runner said to the reminder offer made after a workout."""

    NOT_OFFERED = "not_offered"
    OFFERED = "offered"  # asked once; never again unless the runner asks
    DECLINED = "declined"  # said no
    REFUSED = "refused"  # said no to Alexa's permission request: never ask for it by voice again


OFFER_ORDER = (Offer.NOT_OFFERED, Offer.OFFERED, Offer.DECLINED, Offer.REFUSED)
"""Later answers win when two devices' records are merged."""


@dataclass(frozen=True, slots=True)
class Reminder:
    """A weekly reminder: weekdays (0 Monday .. 6 Sunday), local time, and Alexa's id for it."""

    days: tuple[int, ...]
    hour: int
    minute: int = 0
    alert_id: str | None = None  # the Reminders API's alertToken for it, once created

    def __post_init__(self) -> None:
        if not self.days or any(not 0 <= d <= 6 for d in self.days):  # weekday numbers
            raise ValueError(f"reminder days must be weekday numbers 0..6, got {self.days}")
        if not 0 <= self.hour <= 23 or not 0 <= self.minute <= 59:  # clock values
            raise ValueError(f"reminder time {self.hour}:{self.minute} is not a time of day")
        if tuple(sorted(set(self.days))) != self.days:
            object.__setattr__(self, "days", tuple(sorted(set(self.days))))

    def with_alert(self, alert_id: str | None) -> Reminder:
        """The same schedule with Alexa's id for it."""
        return replace(self, alert_id=alert_id)

    def same_schedule(self, other: Reminder | None) -> bool:
        """True when `other` rings on the same days at the same time."""
        return other is not None and (self.days, self.hour, self.minute) == (
            other.days,
            other.hour,
            other.minute,
        )


class Session(Protocol):
    """What the pattern reads of a past workout: a `record.HistoryEntry`.

    The record imports this module, so this one names only what it reads.
    """

    @property
    def started_at(self) -> float:
        """When the workout started (epoch seconds)."""

    @property
    def exercises_done(self) -> tuple[str, ...]:
        """The exercises done in it; a workout with none does not count."""


def usual_reminder(history: Sequence[Session], now: float, zone: tzinfo) -> Reminder:
    """The days and hour this runner usually trains, else three days from today at 7 am.

    A weekday counts as usual when at least two of the recent sessions started on it (at most the
    two most frequent); the hour is the most frequent start hour of the recent sessions.
    """
    recent = [e for e in history if e.exercises_done][-PATTERN_ENTRIES:]
    starts = [datetime.fromtimestamp(e.started_at, zone) for e in recent]
    day_counts = Counter(s.weekday() for s in starts)
    # "Usually" means at least twice among the recent sessions.
    usual = sorted(day for day, count in day_counts.most_common(2) if count >= 2)
    hours = Counter(s.hour for s in starts)
    hour = hours.most_common(1)[0][0] if hours else DEFAULT_HOUR
    if not usual:
        today = datetime.fromtimestamp(now, zone).weekday()
        usual = [(today + DAYS_APART) % 7]
    return Reminder(tuple(usual), hour)


def zone_due(checked_at: float | None, now: float, *, known: bool) -> bool:
    """Whether to ask the Settings API for this device's zone now.

    Once per device per 30 days after a success; a day after a failure, so a flaky API costs a
    timeout at most once a day.
    """
    if checked_at is None:
        return True
    wait = ZONE_RECHECK_SECONDS if known else ZONE_RETRY_SECONDS
    return now - checked_at >= wait
