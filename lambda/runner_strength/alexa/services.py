"""Alexa's own services: the Settings API (time zone) and the Reminders API.

The skill builder gets one `ShortTimeoutApiClient` at cold start; the SDK then builds service
clients per request from the request's `apiEndpoint` and `apiAccessToken`. Every call here goes
only to Alexa's own API hosts over HTTPS, follows no redirect, has a deadline for the whole call
and for the turn (`turn_budget`) well inside Alexa's 8 s and a cap on the answer's size, and turns
every failure (refused host, timeout, refused connection, 3xx, 401, 403, 429, 5xx, a body that
does not parse) into a plain result, so a turn that needed the service still answers and keeps
everything else it did.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.permission_status import PermissionStatus
from ask_sdk_model.services.api_client import ApiClient
from ask_sdk_model.services.api_client_response import ApiClientResponse
from ask_sdk_model.services.reminder_management.alert_info import AlertInfo
from ask_sdk_model.services.reminder_management.push_notification import PushNotification
from ask_sdk_model.services.reminder_management.push_notification_status import (
    PushNotificationStatus,
)
from ask_sdk_model.services.reminder_management.recurrence import Recurrence
from ask_sdk_model.services.reminder_management.reminder_request import ReminderRequest
from ask_sdk_model.services.reminder_management.reminder_response import ReminderResponse
from ask_sdk_model.services.reminder_management.spoken_info import SpokenInfo
from ask_sdk_model.services.reminder_management.spoken_text import SpokenText
from ask_sdk_model.services.reminder_management.trigger import Trigger
from ask_sdk_model.services.reminder_management.trigger_type import TriggerType
from ask_sdk_model.services.service_client_factory import ServiceClientFactory
from ask_sdk_model.services.service_exception import ServiceException
from ask_sdk_runtime.exceptions import AskSdkException

from runner_strength import turn_budget

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.services.api_client_request import ApiClientRequest

    from runner_strength.engine.reminder import Reminder

logger = logging.getLogger(__name__)

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
"""The permission the manifest declares and the runner grants for reminders."""
DEFAULT_TIMEOUT_SECONDS = 2.0
"""Per call, all of it: two calls in one turn (time zone, reminder) fit the turn's budget."""
_FAILURES = (ServiceException, AskSdkException, ValueError, TypeError, AttributeError, KeyError)
"""What a service call can raise: the SDK's errors, and its reader choking on an odd answer body
(an error code it does not know raises while the error itself is being read)."""
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Outcome(StrEnum):
    """How a call to a service went, as far as the conversation cares."""

    OK = "ok"
    NO_PERMISSION = "no_permission"  # the runner has not granted the scope
    FAILED = "failed"  # timeout, network, 401, 403, 429, 5xx, unreadable answer
    UNAVAILABLE = "unavailable"  # no API client configured (the local console)


@dataclass(frozen=True, slots=True)
class Saved:
    """A reminder created or changed: how it went and Alexa's id for it."""

    outcome: Outcome
    alert_token: str | None = None
    status: int | None = None  # the HTTP status of a failure, for the log


ALEXA_API_HOSTS = frozenset(
    {"api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com"}
)
"""The `apiEndpoint` hosts Amazon documents (North America, Europe, Far East): the only hosts the
runner's API token is ever sent to, over HTTPS on port 443."""
MAX_RESPONSE_BYTES = 256 * 1024
"""A time zone is a few bytes and a runner's reminders a few kilobytes; more is not Alexa."""
MIN_CALL_SECONDS = 0.05
"""Below this much time left in the turn, a call is not started at all."""


class ShortTimeoutApiClient(ApiClient):
    """The SDK's `ApiClient` on `http.client`, trusting nothing it talks to.

    - HTTPS to Alexa's API hosts only (`ALEXA_API_HOSTS`, port 443); `local=True` (tests and
      `serve --dev`, with a stand-in on loopback) also allows any host, HTTP included.
    - No redirects: a 3xx comes back as the answer, so the bearer token never follows one to
      another host or scheme.
    - `timeout` is a deadline for the whole call (connect, send, every read), enforced by a
      watchdog that shuts the socket down, so a server trickling a byte at a time is cut off; the
      turn's budget (`turn_budget.remaining()`) shortens it further.
    - At most `max_bytes` of answer are read; a longer answer is a failure.

    An HTTP error status is returned as a response for the service client to map; a refused
    host, a timeout or a network failure raises `ApiClientException`, which the service client
    reports as a 500 and the callers here as `Outcome.FAILED`.
    """

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        *,
        local: bool = False,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.timeout = timeout
        self.local = local
        self.max_bytes = max_bytes

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        """Send one request; any status comes back as a response, failures raise."""
        url = str(request.url or "")
        parts = _allowed(url, local=self.local)
        seconds = self.timeout
        left = turn_budget.remaining()
        if left is not None:
            seconds = min(seconds, left)
        if seconds < MIN_CALL_SECONDS:
            raise ApiClientException("no time left in this turn for an Alexa API call")
        headers = {str(k): str(v) for k, v in (request.headers or [])}
        data = None
        if request.body is not None:
            body = request.body
            data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        return _exchange(
            parts,
            str(request.method or "GET"),
            path,
            headers=headers,
            data=data,
            seconds=seconds,
            max_bytes=self.max_bytes,
        )


def _allowed(url: str, *, local: bool) -> SplitResult:
    """The parts of `url` when a call may go there; `ApiClientException` when not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ApiClientException("malformed Alexa API URL") from error
    if parts.username is not None or parts.password is not None:
        raise ApiClientException("an Alexa API URL carries no user info")
    if local:
        if parts.scheme not in {"https", "http"} or not parts.hostname:
            raise ApiClientException("only HTTP(S) URLs are allowed")
        return parts
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or host not in ALEXA_API_HOSTS or port not in {None, 443}:
        raise ApiClientException("the API endpoint is not one of Alexa's HTTPS hosts")
    return parts


def _exchange(  # noqa: PLR0913  # one request's parts, as http.client wants them
    parts: SplitResult,
    method: str,
    path: str,
    *,
    headers: dict[str, str],
    data: bytes | None,
    seconds: float,
    max_bytes: int,
) -> ApiClientResponse:
    """One HTTP exchange, all of it within `seconds`; redirects are answers, never followed."""
    host, port = parts.hostname or "", parts.port
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(host, port, timeout=seconds, context=context)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=seconds)
    expired = threading.Event()
    sockets: list[socket.socket] = []

    def cut_off() -> None:
        expired.set()
        for sock in [*sockets, connection.sock]:
            if sock is not None:
                with contextlib.suppress(OSError):  # closed already: the call ended by itself
                    sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(seconds, cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        sockets.append(connection.sock)
        connection.request(method, path, body=data, headers=headers)
        answer = connection.getresponse()
        body = _read_capped(answer, max_bytes)
        result = ApiClientResponse(
            headers=list(answer.headers.items()),
            status_code=answer.status,
            body=body.decode("utf-8", "replace"),
        )
    except (http.client.HTTPException, OSError, ValueError) as error:
        if expired.is_set():
            raise ApiClientException(f"no answer within {seconds:.2f} s") from error
        raise ApiClientException(f"{type(error).__name__}: {error}") from error
    finally:
        watchdog.cancel()
        connection.close()
    if expired.is_set():
        raise ApiClientException(f"no answer within {seconds:.2f} s")
    return result


def _read_capped(answer: http.client.HTTPResponse, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = answer.read1(max_bytes + 1 - size)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise ValueError(f"answer larger than {max_bytes} bytes")


def _factory(handler_input: HandlerInput) -> ServiceClientFactory | None:
    """The request's service client factory; None without an API client (the local console)."""
    try:
        factory = handler_input.service_client_factory
    except ValueError:  # the SDK raises when the skill was built without an API client
        return None
    return factory if isinstance(factory, ServiceClientFactory) else None


def available(handler_input: HandlerInput) -> bool:
    """Whether this skill can reach Alexa's services at all (it has an API client)."""
    return _factory(handler_input) is not None


def _device_id(handler_input: HandlerInput) -> str | None:
    system = getattr(getattr(handler_input.request_envelope, "context", None), "system", None)
    device = getattr(system, "device", None)
    value = getattr(device, "device_id", None)
    return str(value) if value else None


def valid_zone(name: str | None) -> bool:
    """True for an IANA time zone name this runtime knows."""
    if not name or name != name.strip() or len(name) > 64:  # the longest IANA names are ~32
        return False
    # Only a turn that knows a zone needs zoneinfo (snapstart.FIRST_USE).
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def fetch_time_zone(handler_input: HandlerInput) -> str | None:
    """The device's time zone from the Alexa Settings API; None when it cannot be had."""
    factory = _factory(handler_input)
    device = _device_id(handler_input)
    if factory is None or device is None:
        return None
    try:
        name = factory.get_ups_service().get_system_time_zone(device)
    except _FAILURES as error:
        logger.warning(
            "time zone not fetched: %s status=%s",
            type(error).__name__,
            getattr(error, "status_code", None),
        )
        return None
    text = name if isinstance(name, str) else None
    if not valid_zone(text):
        logger.warning("time zone not usable: %r", str(name)[:64])
        return None
    return text


def reminders_granted(handler_input: HandlerInput) -> bool:
    """Whether the runner granted the reminders permission (the request says so)."""
    system = getattr(getattr(handler_input.request_envelope, "context", None), "system", None)
    permissions = getattr(getattr(system, "user", None), "permissions", None)
    scopes = getattr(permissions, "scopes", None) or {}
    scope = scopes.get(REMINDERS_SCOPE) if isinstance(scopes, dict) else None
    return getattr(scope, "status", None) == PermissionStatus.GRANTED


def reminder_request(
    reminder: Reminder, *, zone: str | None, now: float, locale: str, text: str
) -> ReminderRequest:
    """The Reminders API body for a weekly reminder on the reminder's days and time.

    Recurrence uses `recurrenceRules` (the older `freq`/`byDay` allowed one day only). Times are
    local to `zone`; without a zone, Alexa uses the device's own.
    """
    # Only setting a reminder needs zoneinfo (snapstart.FIRST_USE).
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    tz = ZoneInfo(zone) if zone else UTC
    local_now = datetime.fromtimestamp(now, tz)
    start = local_now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    days = ",".join(_RRULE_DAYS[d] for d in reminder.days)
    rule = (
        f"FREQ=WEEKLY;BYDAY={days};BYHOUR={reminder.hour};BYMINUTE={reminder.minute};"
        "BYSECOND=0;INTERVAL=1"
    )
    return ReminderRequest(
        request_time=datetime.fromtimestamp(now, UTC).replace(tzinfo=None),
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            time_zone_id=zone,
            recurrence=Recurrence(start_date_time=start, recurrence_rules=[rule]),
        ),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def save_reminder(
    handler_input: HandlerInput, reminder: Reminder, *, zone: str | None, now: float, text: str
) -> Saved:
    """Create the reminder, or change it in place when it already has Alexa's id."""
    factory = _factory(handler_input)
    if factory is None:
        return Saved(Outcome.UNAVAILABLE)
    locale = str(getattr(handler_input.request_envelope.request, "locale", None) or "en-US")
    body = reminder_request(reminder, zone=zone, now=now, locale=locale, text=text)
    try:
        client = factory.get_reminder_management_service()
        if reminder.alert_id:
            answer = client.update_reminder(reminder.alert_id, body)
        else:
            answer = client.create_reminder(body)
    except _FAILURES as error:
        return _failed("saved", error)
    token = answer.alert_token if isinstance(answer, ReminderResponse) else None
    if not token:
        logger.warning("reminder saved without an id in the answer")
        return Saved(Outcome.FAILED)
    return Saved(Outcome.OK, str(token))


def delete_reminder(handler_input: HandlerInput, token: str) -> Saved:
    """Delete the reminder; one Alexa no longer has (404) counts as deleted."""
    factory = _factory(handler_input)
    if factory is None:
        return Saved(Outcome.UNAVAILABLE)
    try:
        factory.get_reminder_management_service().delete_reminder(token)
    except _FAILURES as error:
        if getattr(error, "status_code", None) == 404:  # Not Found
            return Saved(Outcome.OK)
        return _failed("deleted", error)
    return Saved(Outcome.OK)


def known_reminder_tokens(handler_input: HandlerInput) -> set[str] | None:
    """Ids of this skill's reminders Alexa holds for the runner; None when it cannot say."""
    factory = _factory(handler_input)
    if factory is None:
        return None
    try:
        answer = factory.get_reminder_management_service().get_reminders()
    except _FAILURES as error:
        _failed("listed", error)
        return None
    alerts = getattr(answer, "alerts", None) or []
    return {str(a.alert_token) for a in alerts if getattr(a, "alert_token", None)}


def _failed(what: str, error: Exception) -> Saved:
    status = getattr(error, "status_code", None)
    logger.warning("reminder not %s: %s status=%s", what, type(error).__name__, status)
    return Saved(Outcome.FAILED, status=status if isinstance(status, int) else None)
