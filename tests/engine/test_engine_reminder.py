"""The stored side of time zones and reminders: schema v3, its migration, merging, the console."""

from __future__ import annotations

import json

import pytest

from runner_strength.console.durations import alexa_time
from runner_strength.console.resolver import Resolver
from runner_strength.engine.record import UserRecord, ZoneCheck, merge
from runner_strength.engine.reminder import (
    ZONE_RECHECK_SECONDS,
    ZONE_RETRY_SECONDS,
    Offer,
    Reminder,
    zone_due,
)
from runner_strength.engine.serialize import (
    SCHEMA_VERSION,
    SchemaError,
    record_from_dict,
    record_to_dict,
)


def test_reminder_fields_round_trip_through_json() -> None:
    """Zone checks per device, the reminder with its id and the offer answer survive JSON."""
    record = UserRecord(
        zone_checks={"kitchen": ZoneCheck(10.0, found=True), "bedroom": ZoneCheck(5.0, False)},
        reminder=Reminder((0, 3), 18, 30, alert_id="alert-1"),
        reminder_offer=Offer.DECLINED,
    )
    data = json.loads(json.dumps(record_to_dict(record)))
    assert data["reminder"] == {"days": [0, 3], "hour": 18, "minute": 30, "alert_id": "alert-1"}
    assert record_from_dict(data) == record


def test_a_version_two_record_loads_with_no_reminder() -> None:
    """A record written before version 3 loads with no checks, no reminder, nothing offered."""
    assert SCHEMA_VERSION >= 3
    data = record_to_dict(UserRecord())
    for key in ("zone_checks", "reminder", "reminder_offer"):
        del data[key]
    data["schema_version"] = 2
    record = record_from_dict(data)
    assert record.zone_checks == {}
    assert record.reminder is None
    assert record.reminder_offer is Offer.NOT_OFFERED


@pytest.mark.parametrize(
    ("reminder", "message"),
    [
        ({"days": [], "hour": 7, "minute": 0, "alert_id": None}, "reminder.days"),
        ({"days": [7], "hour": 7, "minute": 0, "alert_id": None}, "reminder.days"),
        ({"days": [1], "hour": 24, "minute": 0, "alert_id": None}, "not a time of day"),
        ({"days": [1], "hour": 7, "minute": 0, "alert_id": 5}, "reminder.alert_id"),
    ],
)
def test_a_malformed_reminder_is_refused_naming_the_field(reminder: object, message: str) -> None:
    """A stored reminder with impossible days, times or id fails with a SchemaError."""
    data = record_to_dict(UserRecord()) | {"reminder": reminder}
    with pytest.raises(SchemaError, match=message):
        record_from_dict(data)


def test_merge_keeps_the_later_zone_check_and_the_furthest_offer_answer() -> None:
    """Two devices' records merge: later check per device, a no is never lost."""
    ours = UserRecord(
        zone_checks={"a": ZoneCheck(1.0, False)}, reminder_offer=Offer.DECLINED, updated_at=1.0
    )
    theirs = UserRecord(
        zone_checks={"a": ZoneCheck(2.0, True), "b": ZoneCheck(1.0, True)},
        reminder=Reminder((2,), 7, alert_id="t"),
        reminder_offer=Offer.OFFERED,
        updated_at=2.0,
    )
    merged = merge(ours, theirs)
    assert merged.zone_checks == {"a": ZoneCheck(2.0, True), "b": ZoneCheck(1.0, True)}
    assert merged.reminder == Reminder((2,), 7, alert_id="t")
    assert merged.reminder_offer is Offer.DECLINED


def test_the_zone_is_due_after_thirty_days_or_a_day_after_a_failure() -> None:
    """Once per device per 30 days after success; a failure is retried a day later."""
    assert zone_due(None, 0.0, known=False)
    assert not zone_due(0.0, ZONE_RECHECK_SECONDS - 1, known=True)
    assert zone_due(0.0, ZONE_RECHECK_SECONDS, known=True)
    assert not zone_due(0.0, ZONE_RETRY_SECONDS - 1, known=False)
    assert zone_due(0.0, ZONE_RETRY_SECONDS, known=False)


def test_reminder_days_are_kept_in_week_order_and_checked() -> None:
    """Days come out sorted and unique; impossible days or times are refused."""
    assert Reminder((3, 0, 3), 7).days == (0, 3)
    with pytest.raises(ValueError, match="weekday"):
        Reminder((), 7)
    with pytest.raises(ValueError, match="time of day"):
        Reminder((1,), 7, 60)


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("nine", "09:00"),
        ("9", "09:00"),
        ("seven thirty", "07:30"),
        ("6:45", "06:45"),
        ("six in the evening", "18:00"),
        ("six pm", "18:00"),
        ("noon", "12:00"),
        ("midnight", "00:00"),
        ("evening", "EV"),
        ("twelve am", "00:00"),
        ("purple", None),
        ("nine banana", None),
        ("twenty five", None),
    ],
)
def test_the_console_reads_times_as_alexa_sends_them(said: str, value: str | None) -> None:
    """Typed times become AMAZON.TIME values, as Alexa sends them."""
    assert alexa_time(said) == value


@pytest.mark.parametrize(
    ("said", "intent", "slots"),
    [
        ("make it saturday at nine", "SetReminderIntent", {"day": "saturday", "time": "09:00"}),
        (
            "remind me to do strength on mondays and thursdays",
            "SetReminderIntent",
            {"day": "mondays", "second_day": "thursdays"},
        ),
        ("change my reminder", "ChangeReminderIntent", {}),
        ("stop reminding me", "StopReminderIntent", {}),
    ],
)
def test_reminder_phrases_reach_their_intents(
    said: str, intent: str, slots: dict[str, str]
) -> None:
    """The reminder phrasings runners use resolve to the reminder intents with their slots."""
    heard = Resolver.load().hear(said)
    assert heard is not None
    assert heard.match is not None
    assert heard.match.intent == intent
    assert {s.name: s.value for s in heard.match.slots} == slots
