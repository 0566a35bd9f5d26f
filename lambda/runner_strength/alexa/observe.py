"""What a skill owner watches: JSON logs and CloudWatch metrics, derived in one place per turn.

The Lambda entry is wrapped (`ObservedEntry`): each invocation gets a `TurnLog`, the turn runs,
and `turn_metrics` derives every metric from what the turn produced: the request envelope, the
response envelope and what the turn noted on the way (the engine's events, a handled error, a
failed Alexa API call). Nothing else in the skill calls the metrics library; the rest of the code
only notes facts (`note_events`, `note_handled_error`, `note_api_failure`, `note`), and only
when an ObservedEntry is listening (the console and the web service run without one).

Metrics go out in CloudWatch's Embedded Metric Format through Powertools for AWS Lambda: one
JSON line on stdout that CloudWatch Logs turns into metrics, no API call in the request's path.
Logs are Powertools' JSON lines with the Alexa request id and the hashed user as correlation
keys on every line of the turn (module loggers under `runner_strength` included).

| metric                 | dimensions            | from                                        |
|------------------------|-----------------------|---------------------------------------------|
| WorkoutsStarted        | service               | a WorkoutStarted event                      |
| WorkoutsFinished       | service               | a WorkoutFinished event                     |
| SetsDone               | service               | each SetPerformed event                     |
| RedFlags               | service               | RedFlagIntent, or a turn noting "RedFlags"  |
| Breathers              | service               | BreatherIntent, or a turn noting it         |
| HandledErrors          | service               | the catch-all exception handler             |
| Fallbacks              | service, Question     | AMAZON.FallbackIntent, the question pending |
| UnresolvedSlotValues   | service, SlotType     | a slot value heard as ER_SUCCESS_NO_MATCH   |
| AlexaApiFailures       | service, Status       | an Alexa API answer >= 400, or no answer    |
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ask_sdk_core.dispatch_components.exception_components import AbstractExceptionHandler
from ask_sdk_model.services.api_client import ApiClient
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import Metrics, MetricUnit, single_metric

from runner_strength.alexa.dialog import SESSION_KEY
from runner_strength.engine.state import Side

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import IO

    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response
    from ask_sdk_model.services.api_client_request import ApiClientRequest
    from ask_sdk_model.services.api_client_response import ApiClientResponse

NAMESPACE = "RunnerStrength"
"""The CloudWatch namespace; infra/template.yaml's HandledErrors alarm watches it."""

_EVENT_METRICS = {
    "WorkoutStarted": "WorkoutsStarted",
    "WorkoutFinished": "WorkoutsFinished",
    "SetPerformed": "SetsDone",
    "RedFlag": "RedFlags",
    "Breather": "Breathers",
}
"""Engine event type -> metric."""
_INTENT_METRICS = {"RedFlagIntent": "RedFlags", "BreatherIntent": "Breathers"}
"""Intents that are themselves the fact counted."""
COUNTED = frozenset({*_EVENT_METRICS.values(), *_INTENT_METRICS.values(), "HandledErrors"})
"""The metrics with only the service dimension (`note` accepts these names)."""
NO_MATCH = "ER_SUCCESS_NO_MATCH"


@dataclass
class TurnLog:
    """What one turn noted on its way: engine events, handled errors, failed Alexa API calls."""

    events: list[object] = field(default_factory=list)
    handled_errors: list[str] = field(default_factory=list)
    api_failures: list[str] = field(default_factory=list)
    noted: list[str] = field(default_factory=list)


_CURRENT: ContextVar[TurnLog | None] = ContextVar("runner_strength_turn_log", default=None)
"""The turn being observed in this thread (the web service runs several at once), if any."""


def note_events(events: Iterable[object]) -> None:
    """The engine produced these events in this turn."""
    log = _CURRENT.get()
    if log is not None:
        log.events.extend(events)


def note_handled_error(error: BaseException) -> None:
    """An exception was answered with an apology instead of failing the invocation."""
    log = _CURRENT.get()
    if log is not None:
        log.handled_errors.append(type(error).__name__)


def note_api_failure(status: int | str) -> None:
    """An Alexa API call failed: its HTTP status, or why there was none ("timeout", ...)."""
    log = _CURRENT.get()
    if log is not None:
        log.api_failures.append(str(status))


def note(metric: str) -> None:
    """A counted fact a turn knows and its events or request do not show (e.g. "RedFlags")."""
    if metric not in COUNTED:
        raise ValueError(f"{metric} is not a counted metric ({sorted(COUNTED)})")
    log = _CURRENT.get()
    if log is not None:
        log.noted.append(metric)


# ---------------------------------------------------------------- deriving the metrics


@dataclass(frozen=True, slots=True, order=True)
class Metric:
    """One count with its extra dimension (name, value), or none."""

    name: str
    dimension: tuple[str, str] | None
    value: int


def _dig(node: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _unresolved_slot_types(intent: object) -> list[str]:
    """The slot type of each slot whose heard value resolved to nothing."""
    slots = _dig(intent, "slots")
    found: list[str] = []
    if not isinstance(slots, dict):
        return found
    for slot in slots.values():
        authorities = _dig(slot, "resolutions", "resolutionsPerAuthority")
        if not isinstance(authorities, list) or not _dig(slot, "value"):
            continue
        for authority in authorities:
            if _dig(authority, "status", "code") == NO_MATCH:
                # amzn1.er-authority.echo-sdk.<skill id>.<slot type>
                found.append(str(_dig(authority, "authority") or "unknown").rsplit(".", 1)[-1])
                break
    return found


def turn_metrics(event: Mapping[str, Any], log: TurnLog) -> list[Metric]:
    """Every metric one turn produced, from its request envelope and what it noted."""
    counts: Counter[tuple[str, tuple[str, str] | None]] = Counter()
    for produced in log.events:
        metric = _EVENT_METRICS.get(type(produced).__name__)
        # A split per-side set is two events; it is done with its right side (the engine's rule).
        left_half = getattr(produced, "sides", None) == (Side.LEFT,)
        if metric is not None and not left_half:
            counts[metric, None] += 1
    for metric in log.noted:
        counts[metric, None] += 1
    counts["HandledErrors", None] += len(log.handled_errors)
    for status in log.api_failures:
        counts["AlexaApiFailures", ("Status", status)] += 1
    request = event.get("request")
    intent = _dig(request, "intent")
    name = _dig(intent, "name")
    if isinstance(name, str) and name in _INTENT_METRICS:
        # The intent is the fact; the flow it leads to may note it too: one per turn either way.
        counts[_INTENT_METRICS[name], None] = max(counts[_INTENT_METRICS[name], None], 1)
    if name == "AMAZON.FallbackIntent":
        pending = _dig(event, "session", "attributes", SESSION_KEY, "question")
        question = pending if isinstance(pending, str) and pending else "none"
        counts["Fallbacks", ("Question", question)] += 1
    for slot_type in _unresolved_slot_types(intent):
        counts["UnresolvedSlotValues", ("SlotType", slot_type)] += 1
    return sorted(
        Metric(metric, dimension, value) for (metric, dimension), value in counts.items() if value
    )


# ---------------------------------------------------------------- the wrappers


class CountedExceptionHandler(AbstractExceptionHandler):
    """The catch-all exception handler, with each error it answers counted (HandledErrors).

    The catch-all turns an exception into a spoken apology, so Lambda's own Errors metric never
    sees it; this makes it a metric (and an alarm, infra/template.yaml) instead.
    """

    def __init__(self, inner: AbstractExceptionHandler) -> None:
        self.inner = inner

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        """Whatever the wrapped handler takes."""
        return bool(self.inner.can_handle(handler_input, exception))

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        """Count the error, then answer as the wrapped handler does."""
        note_handled_error(exception)
        response = self.inner.handle(handler_input, exception)
        if response is None:
            raise TypeError("the wrapped exception handler gave no response")
        return response


class ObservedApiClient(ApiClient):
    """An Alexa API client whose failures are noted by status (AlexaApiFailures)."""

    def __init__(self, inner: ApiClient) -> None:
        self.inner = inner

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        """Send the request through the wrapped client; note an error status or no answer."""
        try:
            response = self.inner.invoke(request)
        except TimeoutError:
            note_api_failure("timeout")
            raise
        except Exception as error:
            note_api_failure(type(error).__name__)
            raise
        status = getattr(response, "status_code", None)
        if isinstance(status, int) and status >= 400:
            note_api_failure(status)
        return response


# ---------------------------------------------------------------- emitting


def hashed_user(event: Mapping[str, Any]) -> str:
    """A short, stable hash of the Alexa user id for log correlation; never the id itself."""
    user = _dig(event, "context", "System", "user", "userId") or _dig(
        event, "session", "user", "userId"
    )
    if not isinstance(user, str) or not user:
        return "no-user"
    return hashlib.sha256(user.encode()).hexdigest()[:12]


class Observer:
    """Powertools' logger and metrics for one service (one stack: its `service` dimension)."""

    def __init__(
        self,
        service: str,
        *,
        level: str = "INFO",
        stream: IO[str] | None = None,
        adopt_loggers: bool = False,
    ) -> None:
        self.service = service
        self.logger = Logger(service=service, level=level, stream=stream)
        if adopt_loggers:
            # The skill's module loggers write through the same JSON handler, so their lines
            # carry the turn's correlation keys too.
            copy_config_to_registered_loggers(
                source_logger=self.logger, include={"runner_strength"}
            )
        self.metrics = Metrics(namespace=NAMESPACE, service=service)

    def start(self, event: Mapping[str, Any], context: object, *, cold_start: bool) -> None:
        """Set the correlation keys for every log line of this turn."""
        request_id = _dig(event, "request", "requestId")
        self.logger.set_correlation_id(request_id if isinstance(request_id, str) else None)
        self.logger.append_keys(
            user=hashed_user(event),
            request_type=_dig(event, "request", "type"),
            intent=_dig(event, "request", "intent", "name"),
            function_request_id=getattr(context, "aws_request_id", None),
            cold_start=cold_start,
        )

    def emit(self, metrics: Iterable[Metric]) -> None:
        """Write the turn's metrics as EMF: one blob for the plain counts, one per dimension."""
        plain = False
        for metric in metrics:
            if metric.dimension is None:
                self.metrics.add_metric(name=metric.name, unit=MetricUnit.Count, value=metric.value)
                plain = True
                continue
            with single_metric(
                name=metric.name,
                unit=MetricUnit.Count,
                value=metric.value,
                namespace=NAMESPACE,
                default_dimensions={"service": self.service},
            ) as one:
                one.add_dimension(name=metric.dimension[0], value=metric.dimension[1])
        if plain:
            self.metrics.flush_metrics()


class ObservedEntry:
    """The Lambda entry, observed: correlation keys on, metrics derived and emitted per turn."""

    def __init__(
        self, entry: Callable[[object, object], dict[str, Any]], observer: Observer
    ) -> None:
        self.entry = entry
        self.observer = observer
        self._cold = True

    @property
    def skill_id(self) -> str | None:
        """The skill id the wrapped entry enforces (None: any skill)."""
        value = getattr(self.entry, "skill_id", None)
        return value if isinstance(value, str) else None

    def __call__(self, event: object, context: object) -> dict[str, Any]:
        """Answer through the wrapped entry; afterwards emit what the turn produced."""
        envelope: Mapping[str, Any] = event if isinstance(event, dict) else {}
        log = TurnLog()
        token = _CURRENT.set(log)
        cold, self._cold = self._cold, False
        try:
            self.observer.start(envelope, context, cold_start=cold)
            return self.entry(event, context)
        finally:
            _CURRENT.reset(token)
            try:
                self.observer.emit(turn_metrics(envelope, log))
            except Exception:
                # Metrics are extra: a fault in them never costs the runner the answer.
                logging.getLogger(__name__).exception("metrics not emitted")
