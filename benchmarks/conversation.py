"""A whole workout conversation, driven through any Lambda-shaped handler with real envelopes.

Like `tests/skilltest.Device`, with the same envelope builder (`runner_strength.envelope`, standard
library only, so a baseline process measured with it loads no other code of ours), and timing each
call of the handler alone: building envelopes and carrying session attributes happen outside the
timed region.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner_strength.envelope import Session, build_envelope

if TYPE_CHECKING:
    from collections.abc import Callable

    Handler = Callable[[dict[str, Any], object], dict[str, Any]]

REPO_ROOT = Path(__file__).resolve().parents[1]
EVENTS = REPO_ROOT / "tests" / "events"
DEFAULT_USER = "amzn1.ask.account.AMAXQ7BENCHUSERQ3KJZ5Y2ZL4XN7OQW6BPL3RDWAEXAMPLE"
DEFAULT_DEVICE = "amzn1.ask.device.AEXAMPLEDEVICEA7K3LQZP2W6M5XN4VYBR8BENCH"
TURN_LIMIT = 200
SET_SECONDS = 45.0
"""How far a driver's clock moves per turn: about one set and the rest after it."""
PAUSE_SECONDS = 3 * 3600.0

_request_numbers = itertools.count(1)
_cache: dict[str, dict[str, Any]] = {}


def event(name: str) -> dict[str, Any]:
    """A fresh copy of tests/events/<name>.json."""
    if name not in _cache:
        _cache[name] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(_cache[name])


def speech(reply: dict[str, Any]) -> str:
    """The reply's outputSpeech SSML or text ("" when there is none)."""
    output = reply.get("response", {}).get("outputSpeech") or {}
    return str(output.get("ssml") or output.get("text") or "")


def ends_session(reply: dict[str, Any]) -> bool:
    """Whether the reply closes the session (absent counts as closing)."""
    return reply.get("response", {}).get("shouldEndSession") is not False


@dataclass(frozen=True)
class Turn:
    """One request and its answer."""

    kind: str
    new_session: bool
    seconds: float
    """Wall time of the handler call alone."""
    reply: dict[str, Any]


@dataclass
class Device:
    """One Echo talking to `handler`; carries session attributes like Alexa does."""

    handler: Handler
    user_id: str = DEFAULT_USER
    device_id: str = DEFAULT_DEVICE
    advance: Callable[[float], None] | None = None
    """Moves the skill's clock, when the caller controls it."""
    after_turn: Callable[[Turn], None] | None = None
    """Called after each turn, outside the timed region (used to interleave a baseline call)."""
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    sessions: int = 0
    turns: list[Turn] = field(default_factory=list)

    def send(self, envelope: dict[str, Any], kind: str) -> dict[str, Any]:
        """Send one envelope with this device's ids and session; returns the reply."""
        new = self.session_id is None
        if self.session_id is None:
            self.sessions += 1
            self.session_id = f"amzn1.echo-api.session.bench-{self.device_id[-6:]}-{self.sessions}"
            self.attributes = {}
        request = envelope["request"]
        envelope = build_envelope(
            envelope,
            user_id=self.user_id,
            device_id=self.device_id,
            request_id=f"amzn1.echo-api.request.bench-{next(_request_numbers)}",
            session=Session(self.session_id, new=new, attributes=self.attributes),
        )
        began = time.perf_counter()
        reply = self.handler(envelope, None)
        elapsed = time.perf_counter() - began
        if "response" not in reply:
            raise RuntimeError(f"{kind}: the handler answered without a response: {reply}")
        turn = Turn(kind, new, elapsed, reply)
        self.turns.append(turn)
        self.attributes = copy.deepcopy(reply.get("sessionAttributes") or {})
        if ends_session(reply) or request["type"] == "SessionEndedRequest":
            self.session_id = None
        if self.after_turn is not None:
            self.after_turn(turn)
        if self.advance is not None:
            self.advance(SET_SECONDS)
        return reply

    def launch(self) -> dict[str, Any]:
        """Alexa, open runner strength."""
        self.session_id = None
        return self.send(event("launch"), "launch")

    def say(
        self, intent: str, kind: str, *, new_session: bool = False, **slots: tuple[str, str]
    ) -> dict[str, Any]:
        """An intent; slots are (id, heard) pairs that entity resolution matched."""
        if new_session:
            self.session_id = None
        envelope = event("ready")
        envelope["request"]["intent"] = {
            "name": intent,
            "confirmationStatus": "NONE",
            "slots": {name: _slot(name, *value) for name, value in slots.items()},
        }
        return self.send(envelope, kind)

    def end_session(self) -> dict[str, Any]:
        """The microphone timed out: Alexa sends SessionEndedRequest."""
        envelope = event("session_ended")
        envelope["request"]["reason"] = "EXCEEDED_MAX_REPROMPTS"
        return self.send(envelope, "session_ended")


def _slot(name: str, content_id: str, heard: str) -> dict[str, Any]:
    authority = f"amzn1.er-authority.echo-sdk.amzn1.ask.skill.bench.{name.upper()}"
    return {
        "name": name,
        "confirmationStatus": "NONE",
        "value": heard,
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": authority,
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": heard, "id": content_id}}],
                }
            ]
        },
    }


def whole_workout(device: Device) -> list[Turn]:
    """Launch, start, two sets, explain, status, pause; resume in a new session; ready until done.

    Returns this conversation's turns; raises if the workout does not finish.
    """
    first = len(device.turns)
    device.launch()
    device.say("StartWorkoutIntent", "start", workout=("core_and_stability", "core workout"))
    device.say("ReadyIntent", "ready")
    device.say("ReadyIntent", "ready")
    plank = ("copenhagen_plank", "copenhagen plank")
    device.say("ExplainExerciseIntent", "explain", exercise=plank)
    device.say("WorkoutStatusIntent", "status")
    device.say("AMAZON.PauseIntent", "pause")
    if device.session_id is not None:  # Alexa sends SessionEndedRequest only if still open
        device.end_session()
    if device.advance is not None:
        device.advance(PAUSE_SECONDS)
    back = device.say("ResumeWorkoutIntent", "resume", new_session=True)
    if "left off" in speech(back):
        device.say("AMAZON.YesIntent", "yes")
    device.say("WorkoutStatusIntent", "status")
    for _ in range(TURN_LIMIT):
        reply = device.say("ReadyIntent", "ready")  # "ready" at the cool-down offer takes it
        if "remind" in speech(reply) and not ends_session(reply):
            reply = device.say("AMAZON.NoIntent", "no")  # the one-time reminder offer after it
        if ends_session(reply):
            return device.turns[first:]
    raise RuntimeError("the workout did not finish")
