"""Driving the skill the way Alexa does, from the real request envelopes in tests/events/.

A `Device` holds one Echo's session: it sends envelopes to a handler (the Lambda entry, or anything
with the same signature), carries the session attributes from each response into the next request,
and starts a new session after a response that ended one. `check_response` holds every rule a
response must keep.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from runner_strength.envelope import Session, build_envelope
from runner_strength.narration.ssml import estimate_seconds, plain_text, validate_ssml

EVENTS = Path(__file__).resolve().parent / "events"
USER = "amzn1.ask.account.AMAXQ7TESTUSERQ3KJZ5Y2ZL4XN7OQW6BPL3RDWAEXAMPLE"
MAX_RESPONSE_BYTES = 24 * 1024
MAX_SPEECH_CHARACTERS = 8000
_request_numbers = itertools.count(1)


class Handler(Protocol):
    """What Alexa calls: the Lambda entry's signature."""

    def __call__(self, event: dict[str, Any], context: object, /) -> dict[str, Any]:
        """Answer one request envelope."""


def event(name: str) -> dict[str, Any]:
    """A fresh copy of one envelope from tests/events/ (without the .json)."""
    data: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> float:
    """Epoch seconds of a UTC moment, for starting a `FakeClock` on a chosen day."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


class FakeClock:
    """A clock the test moves by hand (epoch seconds)."""

    def __init__(self, start: float = 1_795_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        """The current time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.now += seconds


@dataclass
class Reply:
    """One response, read the way a test wants it."""

    raw: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        """The `response` object."""
        value: dict[str, Any] = self.raw.get("response", {})
        return value

    @property
    def ssml(self) -> str:
        """The outputSpeech SSML ("" when there is none)."""
        speech = self.response.get("outputSpeech") or {}
        return str(speech.get("ssml") or speech.get("text") or "")

    @property
    def text(self) -> str:
        """The speech as plain text with timers shown, for assertions on wording."""
        return plain_text(self.ssml) if self.ssml.startswith("<speak>") else self.ssml

    @property
    def reprompt(self) -> str | None:
        """The reprompt SSML, or None."""
        reprompt = self.response.get("reprompt") or {}
        speech = reprompt.get("outputSpeech") or {}
        return speech.get("ssml") or speech.get("text")

    @property
    def directives(self) -> list[dict[str, Any]]:
        """The response's directives."""
        value: list[dict[str, Any]] = self.response.get("directives") or []
        return value

    @property
    def render(self) -> dict[str, Any] | None:
        """The APL RenderDocument directive, or None when the response has none."""
        return next(
            (
                d
                for d in self.directives
                if d.get("type") == "Alexa.Presentation.APL.RenderDocument"
            ),
            None,
        )

    @property
    def screen(self) -> dict[str, Any]:
        """The screen's datasource (`datasources.screen`); fails when there is no directive."""
        render = self.render
        assert render is not None, f"no APL directive: {self.text[:120]}"
        value: dict[str, Any] = render["datasources"]["screen"]
        return value

    @property
    def ends_session(self) -> bool:
        """True when the response closes the session (absent counts as closing for voice)."""
        return self.response.get("shouldEndSession") is not False

    @property
    def asked(self) -> str | None:
        """The question the response asked, as the skill remembers it in the session."""
        question = (self.raw.get("sessionAttributes") or {}).get("question")
        return str(question.get("question")) if isinstance(question, dict) else None

    @property
    def finishes_workout(self) -> bool:
        """The workout's last response: it ends the session, or offers the cool-down."""
        return self.ends_session or self.asked == "cool_down_offer"

    @property
    def seconds(self) -> float:
        """Estimated audio length of the speech."""
        return estimate_seconds(self.ssml) if self.ssml.startswith("<speak>") else 0.0

    def seconds_to(self, words: str, *, after: float = 0.0) -> float:
        """When `words` (as written in the SSML) start playing, the first time after `after` s.

        For a test to let a response play up to a point, then speak: a request in a later set
        of a response that plays several.
        """
        start = 0
        while (index := self.ssml.find(words, start)) != -1:
            prefix = self.ssml[:index]
            # Close whatever is open so the prefix is well-formed SSML the estimate can read.
            opened = re.findall(r"<(s|p|emphasis|prosody)\b[^>]*>", prefix)
            closed = re.findall(r"</(s|p|emphasis|prosody)>", prefix)
            tail = "".join(f"</{tag}>" for tag in reversed(opened[len(closed) :]))
            at = estimate_seconds(prefix + tail + "</speak>")
            if at >= after:
                return at
            start = index + len(words)
        raise AssertionError(f"{words!r} is not played after {after} s: {self.text}")


def check_response(reply: Reply) -> None:
    """Every platform rule: size, SSML validity and limits, a question and reprompt when open.

    A screen, when there is one, links a saved document and carries only its datasource.
    """
    size = len(json.dumps(reply.raw).encode("utf-8"))
    assert size < MAX_RESPONSE_BYTES, f"response is {size} bytes"
    render = reply.render
    if render is not None:  # an Echo Show's screen: a saved document by link, one datasource
        assert render["document"]["type"] == "Link", render["document"]
        assert render["document"]["src"].startswith("doc://alexa/apl/documents/")
        assert set(render["datasources"]) == {"screen"}
    if not reply.ssml:
        assert reply.ends_session, "an open session must say something"
        return
    assert len(reply.ssml) < MAX_SPEECH_CHARACTERS
    problems = validate_ssml(reply.ssml)
    assert problems == [], problems
    if not reply.ends_session:
        assert reply.reprompt, f"open session without a reprompt: {reply.text}"
        assert validate_ssml(reply.reprompt) == []
        assert "?" in reply.text[-400:], (
            f"open session must end with a question: {reply.text[-200:]}"
        )


@dataclass
class Device:
    """One Echo of one user, talking to `handler`."""

    handler: Handler
    device_id: str = "amzn1.ask.device.AEXAMPLEDEVICEA7K3LQZP2W6M5XN4VYBR8TEST"
    user_id: str = USER
    locale: str = "en-US"
    clock: FakeClock | None = None
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    sessions: int = 0
    replies: list[Reply] = field(default_factory=list)
    screen: bool = False
    """An Echo Show: requests say the device supports APL (as tests/events/launch_echo_show)."""

    def send(self, envelope: dict[str, Any], *, check: bool = True) -> Reply:
        """Send one envelope (its ids, session and time filled in) and keep the session going."""
        new = self.session_id is None
        if self.session_id is None:
            self.sessions += 1
            self.session_id = f"amzn1.echo-api.session.test-{self.device_id[-6:]}-{self.sessions}"
            self.attributes = {}
        request = envelope["request"]
        envelope = build_envelope(
            envelope,
            user_id=self.user_id,
            device_id=self.device_id,
            request_id=f"amzn1.echo-api.request.test-{next(_request_numbers)}",
            session=Session(self.session_id, new=new, attributes=self.attributes),
            locale=self.locale,
            timestamp=self.clock.now if self.clock is not None else None,
        )
        if self.clock is None:
            # No clock of its own: the skill's clock is the time, as for a request without one.
            envelope["request"].pop("timestamp", None)
        if self.screen:
            show = event("launch_echo_show")["context"]
            envelope["context"]["System"]["device"]["supportedInterfaces"] = show["System"][
                "device"
            ]["supportedInterfaces"]
            envelope["context"]["Viewport"] = show["Viewport"]
        reply = Reply(self.handler(envelope, None))
        self.replies.append(reply)
        if check:
            check_response(reply)
        self.attributes = copy.deepcopy(reply.raw.get("sessionAttributes") or {})
        if reply.ends_session or request["type"] == "SessionEndedRequest":
            self.session_id = None
        return reply

    def launch(self) -> Reply:
        """Say: Alexa, open runner strength."""
        self.session_id = None
        return self.send(event("launch"))

    def say(
        self, intent: str, *, new_session: bool = False, **slots: str | tuple[str, str] | None
    ) -> Reply:
        """An intent; slots are raw values, or (id, value) when entity resolution matched."""
        if new_session:
            self.session_id = None
        envelope = event("ready")
        envelope["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
        for name, value in slots.items():
            envelope["request"]["intent"]["slots"][name] = _slot(name, value)
        return self.send(envelope)

    def touch(self, *arguments: object, new_session: bool = False) -> Reply:
        """A touch on the screen: the UserEvent a button sends, with these arguments."""
        if new_session:
            self.session_id = None
        envelope = event("apl_user_event")
        envelope["request"]["arguments"] = list(arguments)
        return self.send(envelope)

    def end_session(self, reason: str = "EXCEEDED_MAX_REPROMPTS") -> Reply:
        """The microphone timed out (or the user left): Alexa sends SessionEndedRequest."""
        envelope = event("session_ended")
        envelope["request"]["reason"] = reason
        return self.send(envelope)

    def ready_until_done(self, limit: int = 200, *, cool_down: bool = False) -> list[Reply]:
        """Say "ready" until the workout finishes; every reply is checked.

        A cool-down offered at the end is declined (the summary's reply is the last returned), or
        with `cool_down` taken (the cool-down's reply is the last).
        """
        replies = []
        for _ in range(limit):
            reply = self.say("ReadyIntent")
            replies.append(reply)
            if reply.asked == "cool_down_offer":
                if self.clock is not None:  # the answer comes once the last set has played
                    self.clock.advance(reply.seconds + 2)
                answer = self.say("AMAZON.YesIntent" if cool_down else "AMAZON.NoIntent")
                if cool_down:
                    replies.append(answer)
                return replies
            if reply.ends_session:
                return replies
            if self.clock is not None:
                self.clock.advance(reply.seconds + 2)
        raise AssertionError("the workout did not finish")


def _slot(name: str, value: str | tuple[str, str] | None) -> dict[str, Any]:
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is None:
        return slot
    if isinstance(value, tuple):
        content_id, heard = value
        slot["value"] = heard
        slot["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": f"amzn1.er-authority.echo-sdk.amzn1.ask.skill.test.{name.upper()}",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": heard, "id": content_id}}],
                }
            ]
        }
    else:
        slot["value"] = value
        slot["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": f"amzn1.er-authority.echo-sdk.amzn1.ask.skill.test.{name.upper()}",
                    "status": {"code": "ER_SUCCESS_NO_MATCH"},
                }
            ]
        }
    return slot


def play_short_workout(echo: Device, clock: FakeClock) -> Reply:
    """Five basics in ten minutes (warm-up included), "ready" to its end or the reminder offer.

    "Ready" at the cool-down offer takes the cool-down; the reply that ends the workout is returned.
    """
    echo.say(
        "StartWorkoutIntent",
        workout=("five_basics", "five basics"),
        duration="PT10M",
        new_session=True,
    )
    for _ in range(80):
        reply = echo.say("ReadyIntent")
        clock.advance(reply.seconds + 2)
        if reply.ends_session or "remind" in reply.text:
            return reply
    raise AssertionError("the workout did not finish")
