"""One console Echo: builds the request envelopes Alexa would send and keeps the session going.

Every request is a complete envelope built by `runner_strength.envelope.build_envelope` (the one
builder the tests and benchmarks use too), the shape of `tests/events/*.json`: fixed console user
and device ids, a session id per session, the session attributes of the previous response carried
into the next request, a new session after a response that ended one, and the time from the
console's clock. It goes to the handler the skill exposes to Lambda, so nothing the console does
bypasses the SDK's reading of a request.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from runner_strength.envelope import Session, build_envelope
from runner_strength.narration.screen import DATASOURCE, Page, Screen, panel
from runner_strength.narration.ssml import estimate_seconds, plain_text

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from runner_strength.console.resolver import IntentMatch, Slot

CONSOLE_USER = "amzn1.ask.account.RUNNERSTRENGTHLOCALCONSOLEUSER"
CONSOLE_DEVICE = "amzn1.ask.device.RUNNERSTRENGTHLOCALCONSOLEDEVICE"
CONSOLE_SKILL = "amzn1.ask.skill.runner-strength-local-console"
"""Application id when the configuration names no skill id (then any id is accepted)."""
LOCALE = "en-US"
FALLBACK_INTENT = "AMAZON.FallbackIntent"
APL_INTERFACE = "Alexa.Presentation.APL"
APL_VERSION = "2024.2"
RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"


class Handler(Protocol):
    """What Alexa calls: the Lambda entry's signature."""

    def __call__(self, event: dict[str, Any], context: object, /) -> dict[str, Any]:
        """Answer one request envelope."""


@dataclass(frozen=True, slots=True)
class Reply:
    """One response envelope, read the way the console shows it."""

    raw: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        """The `response` object."""
        value: dict[str, Any] = self.raw.get("response") or {}
        return value

    @staticmethod
    def _speech(output: dict[str, Any] | None) -> str:
        output = output or {}
        return str(output.get("ssml") or output.get("text") or "")

    @property
    def ssml(self) -> str:
        """The outputSpeech SSML (or plain text), "" when there is none."""
        return self._speech(self.response.get("outputSpeech"))

    @property
    def text(self) -> str:
        """The speech as readable text with the timers shown as `[10 s]`."""
        return _readable(self.ssml)

    @property
    def reprompt(self) -> str:
        """The reprompt as readable text, "" when there is none."""
        reprompt = self.response.get("reprompt") or {}
        return _readable(self._speech(reprompt.get("outputSpeech")))

    @property
    def ends_session(self) -> bool:
        """True when the response closes the session (absent counts as closing for voice)."""
        return self.response.get("shouldEndSession") is not False

    @property
    def panel(self) -> str:
        """What an Echo Show would display with this response, as text ("" without a screen)."""
        for directive in self.response.get("directives") or []:
            if directive.get("type") == RENDER_DOCUMENT:
                data = directive.get("datasources", {}).get(DATASOURCE, {})
                return panel(Screen(Page(data["page"]), data))
        return ""

    @property
    def seconds(self) -> float:
        """Estimated audio length of the speech."""
        return estimate_seconds(self.ssml) if self.ssml.startswith("<speak>") else 0.0


def _readable(speech: str) -> str:
    return plain_text(speech) if speech.startswith("<speak>") else speech


def _new_id(kind: str) -> str:
    return f"amzn1.echo-api.{kind}.{uuid.uuid4()}"


@dataclass
class Device:
    """The console's Echo: one user, one device, at most one open session."""

    handler: Handler
    clock: Callable[[], float]
    skill_id: str = CONSOLE_SKILL
    user_id: str = CONSOLE_USER
    device_id: str = CONSOLE_DEVICE
    locale: str = LOCALE
    new_id: Callable[[str], str] = _new_id
    """Makes session and request ids; tests pass a counter."""
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    last: Reply | None = None
    screen: bool = False
    """An Echo Show: requests say the device supports APL."""
    """The last response with speech, whose reprompt Alexa plays when the runner says nothing."""

    @property
    def in_session(self) -> bool:
        """True while the skill keeps the microphone open."""
        return self.session_id is not None

    def launch(self) -> Reply:
        """A LaunchRequest in a new session ("Alexa, open runner strength")."""
        self.session_id = None
        return self.send({"type": "LaunchRequest", "shouldLinkResultBeReturned": False})

    def intent(
        self, found: IntentMatch, *, declared: Sequence[str] = (), new_session: bool = False
    ) -> Reply:
        """An IntentRequest for a resolved match; `declared` lists every slot of the intent."""
        return self.send_intent(
            found.intent, found.slots, declared=declared, new_session=new_session
        )

    def send_intent(
        self,
        name: str,
        slots: Sequence[Slot] = (),
        *,
        declared: Sequence[str] = (),
        new_session: bool = False,
    ) -> Reply:
        """An IntentRequest; slots not filled are sent empty, as Alexa sends them."""
        if new_session:
            self.session_id = None
        filled = {slot.name: slot for slot in slots}
        names = list(dict.fromkeys([*declared, *filled]))
        intent = {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {n: self._slot_json(n, filled.get(n)) for n in names},
        }
        return self.send({"type": "IntentRequest", "intent": intent})

    def end_session(self, reason: str = "USER_INITIATED") -> Reply | None:
        """Close an open session the way Alexa does: a SessionEndedRequest (None when closed)."""
        if not self.in_session:
            return None
        return self.send({"type": "SessionEndedRequest", "reason": reason})

    def send(self, request: dict[str, Any]) -> Reply:
        """Send one request in the current session (a new one if none is open)."""
        session_id = self.session_id
        new = session_id is None
        if session_id is None:
            session_id = self.session_id = self.new_id("session")
            self.attributes = {}
        envelope = self._envelope(request, session_id, new=new)
        reply = Reply(self.handler(envelope, None))
        self.attributes = copy.deepcopy(reply.raw.get("sessionAttributes") or {})
        if reply.ssml:
            self.last = reply
        if reply.ends_session or request["type"] == "SessionEndedRequest":
            self.session_id = None
        return reply

    def _envelope(self, request: dict[str, Any], session_id: str, *, new: bool) -> dict[str, Any]:
        envelope = build_envelope(
            request=request,
            skill_id=self.skill_id,
            user_id=self.user_id,
            device_id=self.device_id,
            request_id=self.new_id("request"),
            session=Session(session_id, new=new, attributes=self.attributes),
            timestamp=self.clock(),
            locale=self.locale,
        )
        if self.screen:
            envelope["context"]["System"]["device"]["supportedInterfaces"] = {
                APL_INTERFACE: {"runtime": {"maxVersion": APL_VERSION}}
            }
        return envelope

    def _slot_json(self, name: str, slot: Slot | None) -> dict[str, Any]:
        """A slot as Alexa writes it: value, and entity resolution for custom slot types."""
        out: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if slot is None:
            return out
        simple: dict[str, Any] = {"type": "Simple", "value": slot.value}
        out.update(value=slot.value, source="USER", slotValue=simple)
        resolution = slot.resolution
        if resolution is not None:
            authority: dict[str, Any] = {
                "authority": f"amzn1.er-authority.echo-sdk.{self.skill_id}.{resolution.slot_type}",
                "status": {"code": resolution.code},
            }
            if resolution.value_id is not None:
                authority["values"] = [
                    {
                        "value": {
                            "name": resolution.value_name or slot.value,
                            "id": resolution.value_id,
                        }
                    }
                ]
            resolutions = {"resolutionsPerAuthority": [authority]}
            out["resolutions"] = resolutions
            simple["resolutions"] = resolutions
        return out
