"""Reading what a request carries: ids, slots resolved to content ids, durations.

Slot handling follows entity resolution: a handler gets the content id Alexa resolved, or knows why
there is none (nothing said, or said but not matched), and never has to parse the envelope itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.utils.request_util import get_device_id, get_slot, get_user_id

from runner_strength.persistence.base import log_key, user_key

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

UNKNOWN_DEVICE = "unknown-device"
"""Device id for requests without one (simulators, skill events): progress still saves per user."""

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
"""An ISO 8601 date and time as Alexa writes it ("2026-05-28T20:26:40Z", fractions allowed)."""
MAX_TIMESTAMP_CHARACTERS = 40
ER_MATCH = "ER_SUCCESS_MATCH"
MAX_HEARD_CHARACTERS = 100
"""What the skill repeats of a slot value at most: a few spoken words fit many times over."""


class SlotStatus(StrEnum):
    """What became of a slot."""

    EMPTY = "empty"  # the runner said nothing for it
    MATCHED = "matched"  # resolved to a content id
    NO_MATCH = "no_match"  # said, but it is not in our content


@dataclass(frozen=True, slots=True)
class SlotValue:
    """A slot as the handlers need it: the content id when resolved, and what was heard."""

    status: SlotStatus
    id: str | None = None
    heard: str | None = None


def parse_timestamp(text: str) -> datetime | None:
    """An ISO 8601 timestamp (with "Z" or an offset) as an aware datetime; None for anything else.

    Strict on purpose: a guessing date parser spends ~100 ms on 60 KB of "1 1 1 ...", and
    nothing Alexa sends needs guessing. A time without a zone is not accepted either.
    """
    if len(text) > MAX_TIMESTAMP_CHARACTERS or not _TIMESTAMP.fullmatch(text):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:  # right shape, impossible date (a 13th month)
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def device_id(handler_input: HandlerInput) -> str:
    """The Echo the request came from."""
    try:
        return str(get_device_id(handler_input) or UNKNOWN_DEVICE)
    except (AttributeError, TypeError):
        return UNKNOWN_DEVICE


def user_id(handler_input: HandlerInput) -> str | None:
    """The Alexa user (account) the request belongs to, if the envelope says."""
    try:
        value = get_user_id(handler_input)
    except (AttributeError, TypeError):
        return None
    return str(value) if value else None


def log_user(handler_input: HandlerInput) -> str:
    """A short hash of the user for log lines; never the raw userId."""
    try:
        return log_key(user_key(handler_input.request_envelope))
    except PersistenceException:
        return "no-user"


def request_id(handler_input: HandlerInput) -> str:
    """The request's id (seeds the phrase variants, so a replayed request says the same)."""
    return str(getattr(handler_input.request_envelope.request, "request_id", None) or "")


def request_time(handler_input: HandlerInput) -> float | None:
    """When Alexa sent the request (epoch seconds), or None when it carries no readable time.

    The request's own `timestamp` is the turn's time, so a replayed conversation replays exactly
    and a request is placed where the runner was when they spoke. The SDK hands it over as a
    datetime; a string is read as strict ISO 8601; a time without a zone is UTC, as Alexa's are.
    """
    value = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def time_zone(handler_input: HandlerInput) -> str | None:
    """The device's time zone name when the request carries one, else None.

    Alexa's requests do not carry it by default (it comes from the Settings API); a request may
    carry it as `context.System.device.timeZone`, which the ASK model keeps as a loose attribute
    of the device. The name is not checked here.
    """
    context = getattr(handler_input.request_envelope, "context", None)
    device = getattr(getattr(context, "system", None), "device", None)
    value = getattr(device, "timeZone", None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def intent_name(handler_input: HandlerInput) -> str | None:
    """The intent's name for an IntentRequest, else None (a launch, a touch, an event)."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    name = getattr(intent, "name", None)
    return name if isinstance(name, str) and name else None


def is_new_session(handler_input: HandlerInput) -> bool:
    """True on the first request of a session (a launch or a one-shot)."""
    session = handler_input.request_envelope.session
    return bool(session is None or session.new)


def resolved_slot(handler_input: HandlerInput, name: str) -> SlotValue:
    """A custom slot resolved to a content id through Alexa's entity resolution."""
    try:
        slot = get_slot(handler_input, name)
    except (AttributeError, TypeError):
        slot = None
    if slot is None or not (slot.value or "").strip():
        return SlotValue(SlotStatus.EMPTY)
    heard = spoken_text(str(slot.value))
    if not heard:
        return SlotValue(SlotStatus.EMPTY)
    authorities = getattr(slot.resolutions, "resolutions_per_authority", None) or []
    for authority in authorities:
        code = getattr(getattr(authority.status, "code", None), "value", None)
        if code == ER_MATCH and authority.values:
            return SlotValue(SlotStatus.MATCHED, str(authority.values[0].value.id), heard)
    return SlotValue(SlotStatus.NO_MATCH, None, heard)


def spoken_text(value: str) -> str:
    """A slot value fit to repeat in speech: printable characters only, spaces collapsed, short.

    Alexa sends a few transcribed words; anything else (control characters, lone surrogates that
    cannot become UTF-8, a value longer than any utterance) must not reach the response.
    """
    printable = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(printable.split())[:MAX_HEARD_CHARACTERS].strip()


def slot_text(handler_input: HandlerInput, name: str) -> str | None:
    """A built-in slot's raw value, or None when empty."""
    try:
        slot = get_slot(handler_input, name)
    except (AttributeError, TypeError):
        return None
    value = (slot.value or "").strip() if slot is not None else ""
    return value or None


def duration_seconds(value: str | None) -> int | None:
    """Seconds in an AMAZON.DURATION value such as PT20M; None when absent or not a duration."""
    if not value:
        return None
    match = _DURATION.match(value.strip().upper())
    if match is None:
        return None
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    seconds = (
        parts.get("days", 0) * 86400
        + parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0)
    )
    return seconds or None
