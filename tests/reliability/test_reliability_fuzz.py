"""Conversation fuzzing: hypothesis drives the Lambda entry with random, real-shaped conversations.

One EXAMPLE is one generated program: a fresh in-memory store and clock, one Alexa user with two
Echo devices (kitchen and bedroom), and up to `stateful_step_count` steps. A step is one rule:
launch, "ready", any intent of the interaction model with drawn slots (every intent, built-ins
too; matched, unmatched, empty, unfilled and errored entity resolution; spoken-like and odd
text), a session end or a silently lost session, a clock jump (seconds to days), a request with
optional fields left out (no session, no device, no slots, no context, no locale, no attributes),
a replay of an old request (an earlier session id with its stale session attributes), an intent
the model does not have, or the skill being disabled. Each request takes one of the five locales.

After every step: the entry returned (no exception escaped), the response keeps every platform
rule (`skilltest.check_response`: size, SSML well-formed and under the limits, a reprompt while
the session stays open), the record in the session attributes and every stored item decode with
`engine/serialize.record_from_dict`, and the catch-all error handler was not needed (only an
intent outside the model may reach it).

Profiles: `ci` (the default, part of `make test`'s slow lane) runs 800 examples;
`HYPOTHESIS_PROFILE=deep` runs 100,000 (about two hours on two cores):

    HYPOTHESIS_PROFILE=deep .venv/bin/pytest tests/reliability/test_reliability_fuzz.py
"""

from __future__ import annotations

import copy
import json
import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from reliability_kit import (
    ERROR_LINES,
    LOCALES,
    MODEL_DIR,
    figures,
    quiet_skill_logs,
    session_record,
)
from runner_strength.alexa.skill import REJECTED, LambdaEntry, build_skill
from runner_strength.engine.serialize import SCHEMA_VERSION, record_from_dict
from runner_strength.narration.screen import Action
from runner_strength.persistence.base import load_record
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import FakeClock, Reply, check_response, event

if TYPE_CHECKING:
    import pytest
    from hypothesis.strategies import DrawFn, SearchStrategy

    from runner_strength.content.model import Library

# ---------------------------------------------------------------- profiles

PROFILES = {
    "ci": settings(
        max_examples=800,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    ),
    "deep": settings(
        max_examples=100_000,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    ),
}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
"""`deep` selects the long run; any other value (or none) the CI profile."""

# ---------------------------------------------------------------- the interaction model

_LANGUAGE_MODEL = json.loads((MODEL_DIR / "en-US.json").read_text(encoding="utf-8"))[
    "interactionModel"
]["languageModel"]
INTENT_SLOTS: dict[str, dict[str, str]] = {
    intent["name"]: {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
    for intent in _LANGUAGE_MODEL["intents"]
}
"""Every intent of the model (built-ins included), with its slot names and types."""
TYPE_VALUES: dict[str, list[tuple[str, list[str]]]] = {
    slot_type["name"]: [
        (value["id"], [value["name"]["value"], *value["name"].get("synonyms", [])])
        for value in slot_type["values"]
    ]
    for slot_type in _LANGUAGE_MODEL["types"]
}
"""Custom slot types: (content id, the names a runner may say) per value."""
FOREIGN_INTENTS = ("AMAZON.ScrollDownIntent", "AMAZON.ShuffleOnIntent", "OrderPizzaIntent")
"""Intents outside the model: Alexa should never send them; the catch-all must still answer."""
DEVICES = ("amzn1.ask.device.FUZZKITCHEN", "amzn1.ask.device.FUZZBEDROOM")
SCREEN_DEVICE = DEVICES[1]
"""The bedroom Echo is an Echo Show: its requests say it supports APL, and it is touched."""
HISTORY_KEPT = 8
"""Old (session id, attributes) pairs each device keeps for out-of-order replays."""

# ---------------------------------------------------------------- strategies

SPOKEN = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn")),
    max_size=40,
)
"""What Alexa might transcribe: any printable text (no control characters or surrogates)."""
ODD_HEARD = st.sampled_from(
    ["yoga flow", "<speak>", "a & b", "]]>", "'\"", "   ", "plank", "copenhagen", "x" * 300, "?"]
)
DURATIONS = st.sampled_from(
    [
        "PT1M",
        "PT5M",
        "PT10M",
        "PT15M",
        "PT20M",
        "PT45M",
        "PT1H",
        "PT2H",
        "P1D",
        "PT0S",
        "PT30S",
        "PT90S",
        "?",
        "",
        "PT",
        "P1W",
        "PT99999999999H",
        "twenty minutes",
    ]
)
RESOLUTION_ERRORS = ("ER_ERROR_TIMEOUT", "ER_ERROR_EXCEPTION")


def _authority(
    slot_name: str, code: str, values: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.amzn1.ask.skill.fuzz.{slot_name.upper()}",
        "status": {"code": code},
    }
    if values is not None:
        authority["values"] = [{"value": {"name": name, "id": vid}} for vid, name in values]
    return authority


@st.composite
def custom_slot(draw: DrawFn, name: str, slot_type: str) -> dict[str, Any] | None:
    """A custom slot as Alexa sends it, in every state entity resolution can leave it in."""
    kind = draw(
        st.sampled_from(
            [
                "absent",
                "unfilled",
                "empty",
                "match",
                "match",
                "match",
                "match_unknown_id",
                "no_match",
                "no_match",
                "error",
                "two_authorities",
            ]
        )
    )
    if kind == "absent":
        return None
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if kind == "unfilled":
        return slot
    if kind == "empty":
        slot["value"] = draw(st.sampled_from(["", " ", "\t"]))
        return slot
    value_id, names = draw(st.sampled_from(TYPE_VALUES[slot_type]))
    heard = draw(st.one_of(st.sampled_from(names), SPOKEN, ODD_HEARD))
    slot["value"] = heard
    slot["source"] = "USER"
    if kind == "match":
        authorities = [_authority(name, "ER_SUCCESS_MATCH", [(value_id, names[0])])]
    elif kind == "match_unknown_id":
        authorities = [_authority(name, "ER_SUCCESS_MATCH", [("no_such_id", heard)])]
    elif kind == "no_match":
        authorities = [_authority(name, "ER_SUCCESS_NO_MATCH")]
    elif kind == "error":
        authorities = [_authority(name, draw(st.sampled_from(RESOLUTION_ERRORS)))]
    else:  # dynamic entities first (no match), then the static catalogue (a match)
        authorities = [
            _authority(f"dynamic.{name}", "ER_SUCCESS_NO_MATCH"),
            _authority(name, "ER_SUCCESS_MATCH", [(value_id, names[0])]),
        ]
    slot["resolutions"] = {"resolutionsPerAuthority": authorities}
    return slot


@st.composite
def builtin_slot(draw: DrawFn, name: str) -> dict[str, Any] | None:
    """An AMAZON.DURATION slot: absent, unfilled, or any value (ISO 8601 or not)."""
    kind = draw(st.sampled_from(["absent", "unfilled", "value", "value", "text"]))
    if kind == "absent":
        return None
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if kind != "unfilled":
        slot["value"] = draw(DURATIONS if kind == "value" else SPOKEN)
    return slot


@st.composite
def intent_call(
    draw: DrawFn, names: SearchStrategy[str] | None = None
) -> tuple[str, dict[str, Any]]:
    """An intent of the model with slots drawn for each of its slot names."""
    name = draw(names if names is not None else st.sampled_from(sorted(INTENT_SLOTS)))
    slots: dict[str, Any] = {}
    for slot_name, slot_type in INTENT_SLOTS.get(name, {}).items():
        slot = draw(
            custom_slot(slot_name, slot_type)
            if slot_type in TYPE_VALUES
            else builtin_slot(slot_name)
        )
        if slot is not None:
            slots[slot_name] = slot
    return name, slots


INTENTS = intent_call()
QUICK_START = intent_call(st.just("StartWorkoutIntent"))
ECHO = st.sampled_from((0, 1))
LOCALE = st.sampled_from(LOCALES)
NEW_SESSION = st.sampled_from([False, False, False, False, True])
JUMPS = st.one_of(
    st.integers(1, 59),
    st.integers(60, 3_600),
    st.integers(3_600, 86_400),
    st.integers(1, 14).map(lambda days: days * 86_400),
)
OMISSIONS = st.sampled_from(
    ["session", "device", "slots", "slots_null", "context", "locale", "attributes", "timestamp"]
)
_JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), SPOKEN)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_IDS = sorted({value_id for values in TYPE_VALUES.values() for value_id, _ in values})
TOUCH_ARGUMENTS = st.one_of(
    # what the screen's buttons send, with ids right, wrong or odd
    st.tuples(
        st.sampled_from([*(a.value for a in Action), "READY", " skip ", "", "explain"]),
        st.one_of(st.sampled_from(["", *_IDS]), SPOKEN, _JSON_LEAF),
    ).map(list),
    # anything at all a device (or a bug in a document) could send
    st.lists(_JSON, max_size=4),
    st.just(None),  # no arguments at all
)
"""The `arguments` of an Alexa.Presentation.APL.UserEvent (None: the key is left out)."""
END_REASONS = st.sampled_from(["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"])


# ---------------------------------------------------------------- the world under test


class ErrorTrap(logging.Handler):
    """Keeps every ERROR record the skill logs (the catch-all handler logs at ERROR)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)


@dataclass
class World:
    """The skill behind one Lambda entry, reused by every example (its store is emptied)."""

    entry: LambdaEntry
    adapter: MemoryAdapter
    clock: FakeClock
    trap: ErrorTrap
    examples: int = 0
    checks: int = 0
    """Invariant checks: one after each example's start and one after each of its steps."""
    requests: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        """A fresh store and clock for a new example."""
        self.adapter._items.clear()
        self.clock.now = FakeClock().now
        self.trap.records.clear()


@dataclass
class Echo:
    """One device's view of its session, and the sessions it had (for stale replays)."""

    device_id: str
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    sessions: int = 0
    past: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _request(intent: str | None, slots: dict[str, Any] | None = None) -> dict[str, Any]:
    """A LaunchRequest (intent None) or an IntentRequest envelope from the fixture events."""
    if intent is None:
        return event("launch")
    envelope = event("ready")
    envelope["request"]["intent"] = {
        "name": intent,
        "confirmationStatus": "NONE",
        "slots": slots or {},
    }
    return envelope


class Conversations(RuleBasedStateMachine):
    """Random conversations of one user on two Echos, checked after every request."""

    world: ClassVar[World]

    def __init__(self) -> None:
        super().__init__()
        self.world.reset()
        self.world.examples += 1
        self.user = f"amzn1.ask.account.FUZZ{self.world.examples:08d}"
        self.echoes = (Echo(DEVICES[0]), Echo(DEVICES[1]))
        self.request_number = 0

    # ------------------------------------------------------------ sending

    def send(
        self,
        echo: Echo,
        envelope: dict[str, Any],
        *,
        locale: str = "en-US",
        new_session: bool = False,
        omit: str | None = None,
        stale: tuple[str, dict[str, Any]] | None = None,
        error_allowed: bool = False,
    ) -> Reply:
        """Fill in ids, session and locale, send, and check the response and what it carries."""
        world = self.world
        self.request_number += 1
        if stale is not None:
            (session_id, attributes), new = stale, False
        else:
            new = new_session or echo.session_id is None
            if new:
                echo.sessions += 1
                echo.session_id = (
                    f"amzn1.echo-api.session.fuzz-{echo.device_id[-7:]}-{echo.sessions}"
                )
                echo.attributes = {}
            session_id, attributes = str(echo.session_id), echo.attributes
        system = envelope["context"]["System"]
        system["user"]["userId"] = self.user
        system["device"]["deviceId"] = echo.device_id
        if echo.device_id == SCREEN_DEVICE:
            show = event("launch_echo_show")["context"]["System"]["device"]
            system["device"]["supportedInterfaces"] = show["supportedInterfaces"]
        request = envelope["request"]
        # Unique across examples too, as Alexa's are: the entry acknowledges a repeated skill event
        # without processing it again.
        request["requestId"] = (
            f"amzn1.echo-api.request.fuzz-{self.world.examples}-{self.request_number}"
        )
        if "locale" in request:
            request["locale"] = locale
        in_session = "session" in envelope
        if in_session:
            envelope["session"].update(
                {
                    "new": new,
                    "sessionId": session_id,
                    "attributes": copy.deepcopy(attributes),
                    "user": {"userId": self.user},
                }
            )
        if omit is not None:
            in_session = _omit(envelope, omit) and in_session
        world.requests[omit or request.get("type", "?")] += 1
        errors_before = len(world.trap.records)

        raw = world.entry(envelope, None)

        if omit == "context":  # Alexa always sends one; without it the entry rejects
            assert raw == REJECTED, raw
            return Reply(raw)
        assert raw != REJECTED, f"a real-shaped request was rejected: {envelope}"
        reply = Reply(raw)
        check_response(reply)
        session_record(raw)  # the session's copy of the record must load
        new_errors = world.trap.records[errors_before:]
        if not error_allowed:
            assert not new_errors, [r.getMessage() for r in new_errors]
            assert not any(line in reply.text for line in ERROR_LINES), reply.text
        if stale is None and in_session:
            echo.past = [*echo.past[-(HISTORY_KEPT - 1) :], (session_id, attributes)]
            echo.attributes = copy.deepcopy(raw.get("sessionAttributes") or {})
            if reply.ends_session or request["type"] == "SessionEndedRequest":
                echo.session_id = None
        return reply

    # ------------------------------------------------------------ rules

    @rule(which=ECHO, locale=LOCALE)
    def launch(self, which: int, locale: str) -> None:
        """Alexa, open runner strength."""
        self.send(self.echoes[which], _request(None), locale=locale, new_session=True)

    @rule(which=ECHO, locale=LOCALE)
    def ready(self, which: int, locale: str) -> None:
        """Ready (the most common thing a runner says)."""
        self.send(self.echoes[which], _request("ReadyIntent"), locale=locale)

    @rule(which=ECHO, times=st.integers(2, 20), locale=LOCALE)
    def keep_going(self, which: int, times: int, locale: str) -> None:
        """Say ready again and again, the set's time passing each time, until the session ends."""
        for _ in range(times):
            reply = self.send(self.echoes[which], _request("ReadyIntent"), locale=locale)
            if reply.ends_session:
                return
            self.world.clock.advance(reply.seconds + 2)

    @rule(which=ECHO, locale=LOCALE)
    def yes(self, which: int, locale: str) -> None:
        """Yes (to whatever was asked)."""
        self.send(self.echoes[which], _request("AMAZON.YesIntent"), locale=locale)

    @rule(which=ECHO, call=QUICK_START, locale=LOCALE, new_session=NEW_SESSION)
    def start(
        self, which: int, call: tuple[str, dict[str, Any]], locale: str, new_session: bool
    ) -> None:
        """Start a workout, with the workout and duration slots in any state."""
        self.send(self.echoes[which], _request(*call), locale=locale, new_session=new_session)

    @rule(which=ECHO, call=INTENTS, locale=LOCALE, new_session=NEW_SESSION)
    def say(
        self, which: int, call: tuple[str, dict[str, Any]], locale: str, new_session: bool
    ) -> None:
        """Any intent of the interaction model, in this session or as a one-shot."""
        self.send(self.echoes[which], _request(*call), locale=locale, new_session=new_session)

    @rule(which=ECHO, call=INTENTS, locale=LOCALE, omit=OMISSIONS)
    def sparse(self, which: int, call: tuple[str, dict[str, Any]], locale: str, omit: str) -> None:
        """A request with an optional part left out."""
        self.send(self.echoes[which], _request(*call), locale=locale, omit=omit)

    @rule(which=ECHO, reason=END_REASONS, locale=LOCALE)
    def end_session(self, which: int, reason: str, locale: str) -> None:
        """The session closes (timeout, the user left, an error) and Alexa says so."""
        envelope = event("session_ended_error" if reason == "ERROR" else "session_ended")
        envelope["request"]["reason"] = reason
        self.send(self.echoes[which], envelope, locale=locale)

    @rule(which=ECHO)
    def lose_session(self, which: int) -> None:
        """The session ends without a SessionEndedRequest reaching the skill."""
        self.echoes[which].session_id = None

    @precondition(lambda self: any(echo.past for echo in self.echoes))
    @rule(which=ECHO, pick=st.integers(0, HISTORY_KEPT - 1), call=INTENTS, locale=LOCALE)
    def replay_stale(
        self, which: int, pick: int, call: tuple[str, dict[str, Any]], locale: str
    ) -> None:
        """A late request: an earlier session id with the session attributes it had then."""
        echo = self.echoes[which] if self.echoes[which].past else self.echoes[1 - which]
        stale = echo.past[pick % len(echo.past)]
        self.send(echo, _request(*call), locale=locale, stale=stale)

    @rule(seconds=JUMPS)
    def clock_jump(self, seconds: int) -> None:
        """Time passes: a breather, a rest, a night, a fortnight away."""
        self.world.clock.advance(seconds)
        self.world.requests["clock jump"] += 1

    @rule(which=ECHO, intent=st.sampled_from(FOREIGN_INTENTS), locale=LOCALE)
    def foreign_intent(self, which: int, intent: str, locale: str) -> None:
        """An intent the model does not have: the catch-all answers (and may log an error)."""
        self.send(self.echoes[which], _request(intent), locale=locale, error_allowed=True)

    @rule(arguments=TOUCH_ARGUMENTS, new_session=NEW_SESSION)
    def touch(self, arguments: list[Any] | None, new_session: bool) -> None:
        """A touch on the Echo Show's screen, with any arguments: a spoken answer, no error."""
        envelope = event("apl_user_event")
        if arguments is None:
            del envelope["request"]["arguments"]
        else:
            envelope["request"]["arguments"] = arguments
        reply = self.send(self.echoes[1], envelope, new_session=new_session)
        assert reply.ssml, "a touch is always answered aloud"
        assert reply.render is not None, "an Echo Show's answer carries the screen"

    @rule(which=ECHO)
    def skill_disabled(self, which: int) -> None:
        """The runner disables the skill: their item goes; both Echos carry on afterwards."""
        self.send(self.echoes[which], event("skill_disabled"))
        assert not self.world.adapter._items

    # ------------------------------------------------------------ invariants

    @invariant()
    def stored_records_load(self) -> None:
        """Every stored item decodes to a user record of the current schema."""
        self.world.checks += 1
        for item in list(self.world.adapter._items.values()):
            assert item.schema_version == SCHEMA_VERSION
            record_from_dict(load_record(item.record))


def _omit(envelope: dict[str, Any], what: str) -> bool:
    """Leave `what` out of the envelope; False when the request no longer has a session."""
    request = envelope["request"]
    if what == "session":
        del envelope["session"]
        return False
    if what == "device":
        del envelope["context"]["System"]["device"]
    elif what == "slots":
        request.get("intent", {}).pop("slots", None)
    elif what == "slots_null":
        if "intent" in request:
            request["intent"]["slots"] = None
    elif what == "context":
        del envelope["context"]
    elif what == "locale":
        request.pop("locale", None)
    elif what == "attributes":
        envelope["session"].pop("attributes", None)
    elif what == "timestamp":
        request.pop("timestamp", None)
    return True


def test_random_conversations_always_get_a_valid_answer(
    library: Library, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Thousands of random conversations on two Echos never break a response rule or a record."""
    quiet_skill_logs(caplog)
    clock = FakeClock()
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    trap = ErrorTrap()
    logger = logging.getLogger("runner_strength")
    logger.addHandler(trap)
    skill = build_skill(library=library, adapter=adapter, clock=clock)
    world = World(LambdaEntry(skill), adapter, clock, trap)
    Conversations.world = world
    began = time.perf_counter()
    try:
        run_state_machine_as_test(Conversations, settings=PROFILES.get(PROFILE, PROFILES["ci"]))
    finally:
        logger.removeHandler(trap)
    seconds = time.perf_counter() - began
    requests = sum(n for kind, n in world.requests.items() if kind != "clock jump")
    figures(
        capsys,
        f"fuzz ({PROFILE}): {world.examples} examples, {world.checks - world.examples} steps, "
        f"{requests} requests in {seconds:.0f} s ({requests / seconds:.0f} requests/s)",
    )
    assert world.examples >= PROFILES["ci"].max_examples
