"""The runner's time zone: kept from a request that carries one, else asked of Alexa now and then.

Alexa's own requests carry no zone, so a turn that needs it asks the Alexa Settings API, once per
device per 30 days (`engine/reminder.py: zone_due`); a failure is remembered and retried a day
later.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from runner_strength.alexa import services
from runner_strength.engine.record import ZoneCheck
from runner_strength.engine.reminder import zone_due

if TYPE_CHECKING:
    from datetime import tzinfo

    from ask_sdk_core.handler_input import HandlerInput

    from runner_strength.engine.record import UserRecord


def zone_named(name: str | None) -> tzinfo | None:
    """The time zone called `name`, or None when there is no such zone here."""
    if not name:
        return None
    # Only a turn that knows a zone needs zoneinfo (snapstart.FIRST_USE).
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def with_zone(record: UserRecord, name: str | None) -> UserRecord | None:
    """The record keeping the device's zone `name`; None when `name` is no valid zone."""
    preferences = record.preferences
    if name is None or zone_named(name) is None:
        return None
    if name == preferences.time_zone:
        return record
    return replace(record, preferences=replace(preferences, time_zone=name))


def settled(record: UserRecord, device: str, now: float, handler_input: HandlerInput) -> UserRecord:
    """The record once this device's zone is asked of the Alexa Settings API, when that is due.

    The check is noted, found or not, so the next one waits; with no API client here (the local
    console) nothing was asked and nothing is noted.
    """
    check = record.zone_checks.get(device)
    if not zone_due(check.at if check else None, now, known=bool(check and check.found)):
        return record
    if not services.available(handler_input):
        return record
    kept = with_zone(record, services.fetch_time_zone(handler_input))
    if kept is not None:
        record = kept
    checks = {**record.zone_checks, device: ZoneCheck(now, found=kept is not None)}
    return replace(record, zone_checks=checks)
