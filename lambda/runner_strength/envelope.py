"""The one builder of Alexa request envelopes, for everything that plays Alexa to the skill.

The tests' `skilltest.Device`, the console's `Device` and the benchmarks' conversation driver all
send envelopes through `build_envelope`, so they agree on the shape Alexa sends: one application id
in `context.System.application` and in `session.application`, the user id in both places, the
device id, a request id, and the session's id, `new` flag and attributes. A `template` (a real
envelope from tests/events/) keeps everything else it carries (interfaces, viewport, tokens);
without one the envelope is the minimal complete shape. Standard library only, so a benchmark's
baseline process loads nothing else of ours by using it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

API_ENDPOINT = "https://api.amazonalexa.com"


@dataclass(frozen=True, slots=True)
class Session:
    """The session part of a request: its id, whether it is new, and the carried attributes."""

    session_id: str
    new: bool
    attributes: Mapping[str, Any] = field(default_factory=dict)


def alexa_timestamp(epoch_seconds: float) -> str:
    """A request timestamp as Alexa writes it (UTC, whole seconds, "Z")."""
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_envelope(  # noqa: PLR0913  # one keyword per part of the envelope a caller sets
    template: Mapping[str, Any] | None = None,
    *,
    request: Mapping[str, Any] | None = None,
    user_id: str,
    device_id: str,
    request_id: str,
    session: Session | None,
    skill_id: str | None = None,
    timestamp: float | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    """A request envelope: `template` (or a minimal one) with these ids, request and session.

    `request` fields replace the template's. `skill_id` None keeps the template's application
    id. `timestamp` (epoch seconds) and `locale` replace the request's own when given; a locale is
    only added to a request that has one, or to a minimal envelope. A template without a session
    (skill events) stays without one; otherwise `session` becomes the envelope's session.
    """
    envelope: dict[str, Any] = copy.deepcopy(dict(template)) if template else _skeleton()
    system = envelope.setdefault("context", {}).setdefault("System", {})
    application = dict(system.get("application") or {})
    if skill_id is not None:
        application["applicationId"] = skill_id
    system["application"] = application
    system["user"] = {**(system.get("user") or {}), "userId": user_id}
    system["device"] = {
        "supportedInterfaces": {},
        **(system.get("device") or {}),
        "deviceId": device_id,
    }
    system.setdefault("apiEndpoint", API_ENDPOINT)
    body = {**(envelope.get("request") or {}), **copy.deepcopy(dict(request or {}))}
    body["requestId"] = request_id
    if timestamp is not None:
        body["timestamp"] = alexa_timestamp(timestamp)
    if locale is not None and (template is None or "locale" in body):
        body["locale"] = locale
    envelope["request"] = body
    has_session = template is None or "session" in envelope
    if session is None or not has_session:
        envelope.pop("session", None)
        return envelope
    envelope["session"] = {
        **(envelope.get("session") or {}),
        "new": session.new,
        "sessionId": session.session_id,
        "application": dict(application),
        "attributes": copy.deepcopy(dict(session.attributes)),
        "user": {"userId": user_id},
    }
    return envelope


def _skeleton() -> dict[str, Any]:
    return {"version": "1.0", "context": {"System": {}}, "request": {}}
