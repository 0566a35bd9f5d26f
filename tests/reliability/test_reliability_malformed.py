r"""Malformed envelopes, to the Lambda entry and to the web service over real HTTP on loopback.

The Lambda entry gets Python objects (what the Lambda runtime decoded): every field of six real
envelopes replaced in turn by a value of every other JSON type, the `request` removed, 1 MB
strings, strings that cannot be encoded as UTF-8 (lone surrogates, as `json.loads` makes from
"\udcff" escapes), bytes, deep nesting and unknown request types. It must answer each with the
clean rejection or a response that keeps every platform rule, and never raise.

The web service runs on the production waitress server with signature verification on (a test
CA; every body is signed as Alexa would sign it, so only its malformation can get it refused). It
gets raw bodies: the same kinds of damage plus bytes that are not UTF-8, bodies over the 64 KB
limit and wrong content types. It must answer with a 4xx, or a 200 whose response keeps every
rule when the damage is in a field the skill does not depend on; never a 5xx, never a traceback.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from alexa_pki import Pki, make_pki
from reliability_kit import (
    SKILL_ID,
    Connection,
    alexa_timestamp,
    figures,
    session_record,
    waitress_on_loopback,
)
from runner_strength.alexa.skill import REJECTED, LambdaEntry, build_skill
from runner_strength.engine.serialize import record_from_dict
from runner_strength.persistence.base import load_record
from runner_strength.persistence.memory import MemoryAdapter
from runner_strength.web.app import MAX_BODY_BYTES, create_app
from skilltest import FakeClock, Reply, check_response, event

if TYPE_CHECKING:
    from collections.abc import Iterator

    from runner_strength.content.model import Library

WRONG_VALUES: tuple[object, ...] = (5, 1.5, True, None, "text", [], [1, "a"], {}, {"x": {"y": 1}})
"""What replaces each field in turn: a value of every JSON type, empty and not."""
FEW_WRONG_VALUES: tuple[object, ...] = (5, [], {"x": 1})
"""The web service gets fewer per field: each one is an HTTP round trip."""
MEGABYTE = "x" * 1_000_000
SURROGATE = "amzn1.\udcff\ud800"
"""Not encodable as UTF-8: what json.loads makes of the escapes "\\udcff\\ud800"."""
UNKNOWN_TYPES = (
    "Bogus.Request",
    "",
    "intentrequest",
    "AudioPlayer.PlaybackStarted",
    "CanFulfillIntentRequest",
    "Messaging.MessageReceived",
    "AlexaSkillEvent.SkillEnabled",
    "System.ExceptionEncountered",
)
"""Request types the skill has no handler for (some unknown to the ASK model too)."""

Path = tuple[str | int, ...]


# ---------------------------------------------------------------- building damaged envelopes


def field_paths(node: object, prefix: Path = ()) -> Iterator[Path]:
    """The path of every field and list item in a JSON document, containers included."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from field_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from field_paths(value, (*prefix, index))


def replaced(document: dict[str, Any], path: Path, value: object) -> dict[str, Any]:
    """A copy of `document` with the field at `path` set to `value`."""
    result = copy.deepcopy(document)
    node: Any = result
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = copy.deepcopy(value)
    return result


def without(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """A copy of `document` with the field at `path` removed."""
    result = copy.deepcopy(document)
    node: Any = result
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return result


def nested(depth: int) -> object:
    """A list nested `depth` deep."""
    value: object = []
    for _ in range(depth):
        value = [value]
    return value


def base_events(entry: LambdaEntry) -> dict[str, dict[str, Any]]:
    """Six real envelopes, one mid-workout with the session attributes the skill wrote."""
    launch = event("launch")
    start = event("start_workout")
    attributes = entry(start, None)["sessionAttributes"]
    mid_workout = event("ready")
    mid_workout["session"]["attributes"] = attributes
    return {
        "launch": launch,
        "start_workout_duration": event("start_workout_duration"),
        "explain_no_match": event("explain_no_match"),
        "mid_workout": mid_workout,
        "session_ended_error": event("session_ended_error"),
        "skill_disabled": event("skill_disabled"),
    }


def damaged_events(bases: dict[str, dict[str, Any]]) -> Iterator[tuple[str, object]]:
    """Every damaged envelope the Lambda entry is given, with a name for failure reports."""
    for name, base in bases.items():
        for path in field_paths(base):
            where = f"{name}:{'.'.join(map(str, path))}"
            yield f"{where} removed", without(base, path)
            for value in WRONG_VALUES:
                yield f"{where}={value!r}", replaced(base, path, value)
            if isinstance(_at(base, path), str):
                yield f"{where}=1MB", replaced(base, path, MEGABYTE)
                yield f"{where}=surrogates", replaced(base, path, SURROGATE)
                yield f"{where}=bytes", replaced(base, path, b"\xff\xfe")
    launch = bases["launch"]
    for request_type in UNKNOWN_TYPES:
        yield f"type {request_type!r}", replaced(launch, ("request", "type"), request_type)
    yield "request removed", without(launch, ("request",))
    deep = copy.deepcopy(launch)  # built in place: deepcopy itself cannot recurse that far
    deep["session"]["attributes"] = {"deep": nested(100_000)}
    yield "attributes nested 100k deep", deep
    yield "surrogate attribute key", replaced(launch, ("session", "attributes"), {SURROGATE: 1})
    yield "not a number", replaced(launch, ("version",), float("nan"))
    tops: tuple[object, ...] = (None, [], "text", 5, b"\xff", {"request": None}, {"request": []})
    for top in tops:
        yield f"envelope {top!r}", top


def _at(document: object, path: Path) -> object:
    node: Any = document
    for step in path:
        node = node[step]
    return node


def _problem(raw: object) -> str | None:
    """What is wrong with an answer to a damaged envelope (None: a rejection or a valid reply)."""
    if raw == REJECTED:
        return None
    if not isinstance(raw, dict):
        return f"answered {type(raw).__name__}"
    try:
        json.dumps(raw)
        check_response(Reply(raw))
        session_record(raw)
    except (AssertionError, TypeError, ValueError) as error:
        return f"{type(error).__name__}: {str(error)[:200]}"
    return None


# ---------------------------------------------------------------- the Lambda entry


@pytest.fixture
def lambda_skill(library: Library) -> tuple[LambdaEntry, MemoryAdapter]:
    clock = FakeClock()
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    return LambdaEntry(build_skill(library=library, adapter=adapter, clock=clock)), adapter


def test_lambda_entry_answers_every_damaged_envelope_cleanly(
    lambda_skill: tuple[LambdaEntry, MemoryAdapter], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each field of six real envelopes damaged in turn: a rejection or a valid reply, no raise."""
    entry, adapter = lambda_skill
    problems: list[str] = []
    outcomes = {"rejected": 0, "answered": 0}
    began = time.perf_counter()
    for name, damaged in damaged_events(base_events(entry)):
        try:
            raw = entry(damaged, None)
        except Exception as error:  # noqa: BLE001  # the point: report every escape, not the first
            problems.append(f"{name}: raised {type(error).__name__}: {str(error)[:120]}")
            continue
        problem = _problem(raw)
        if problem is not None:
            problems.append(f"{name}: {problem}")
        outcomes["rejected" if raw == REJECTED else "answered"] += 1
    seconds = time.perf_counter() - began
    for item in adapter._items.values():
        record_from_dict(load_record(item.record))
    figures(
        capsys,
        f"malformed to the Lambda entry: {sum(outcomes.values())} envelopes "
        f"({outcomes['rejected']} rejected, {outcomes['answered']} answered) in {seconds:.1f} s, "
        f"{len(problems)} problems",
    )
    assert problems == [], "\n".join(problems[:40])


# ---------------------------------------------------------------- the web service


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki(time.time())


@pytest.fixture(scope="module")
def web(library: Library, pki: Pki) -> Iterator[Connection]:
    """The real skill (in-memory store) behind the verifying app on waitress, on loopback."""
    adapter = MemoryAdapter(clock=time.time, ttl_days=365)
    skill = build_skill(library=library, adapter=adapter, clock=time.time)
    app = create_app(
        skill,
        verify=True,
        skill_id=SKILL_ID,
        cert_fetcher=pki.fetch,
        clock=time.time,
        trusted_roots=[pki.root],
    )
    with waitress_on_loopback(app) as base:
        connection = Connection(base)
        yield connection
        connection.close()


_REQUEST_NUMBERS = itertools.count(1)


def _stamped(document: object) -> object:
    """The document with a fresh timestamp and its own request id (the service refuses replays)."""
    if isinstance(document, dict) and isinstance(document.get("request"), dict):
        document = copy.deepcopy(document)
        document["request"]["timestamp"] = alexa_timestamp(time.time())
        if isinstance(document["request"].get("requestId"), str):
            document["request"]["requestId"] += f".{next(_REQUEST_NUMBERS)}"
    return document


def _body(document: object) -> bytes:
    return json.dumps(_stamped(document)).encode("utf-8")


def raw_bodies() -> Iterator[tuple[str, bytes, bool]]:
    """(name, body, must_refuse): damaged request bodies for the web service.

    `must_refuse` bodies cannot be an Alexa request at all and need a 4xx; the others are damaged
    in a field the skill may do without, and may also get a valid 200.
    """
    launch, start = event("launch"), event("start_workout_no_match")
    text = _body(launch).decode()
    yield "empty body", b"", True
    for top in ("null", "[]", "5", '"text"', "{}", '{"version": "1.0"}'):
        yield f"body {top}", top.encode(), True
    yield "request removed", _body(without(launch, ("request",))), True
    not_requests: tuple[object, ...] = ("text", 5, [], None)
    for value in not_requests:
        yield f"request={value!r}", _body(replaced(launch, ("request",), value)), True
        yield f"request.type={value!r}", _body(replaced(launch, ("request", "type"), value)), True
    for request_type in UNKNOWN_TYPES[:3]:
        damaged = replaced(launch, ("request", "type"), request_type)
        yield f"type {request_type!r}", _body(damaged), True
    yield "not UTF-8 in a string", text.replace("en-US", "en-\xff").encode("latin-1"), True
    yield "not UTF-8 at the start", b"\xff\xfe" + _body(launch), True
    yield "UTF-16", text.encode("utf-16"), True
    yield "truncated JSON", _body(launch)[:-10], True
    yield "a 5,000-digit integer", _body(launch)[:-1] + b', "n": ' + b"9" * 5000 + b"}", True
    removed: tuple[Path, ...] = (
        ("context",),
        ("context", "System"),
        ("context", "System", "application"),
    )
    for gone in removed:
        yield f"{'.'.join(map(str, gone))} removed", _body(without(launch, gone)), True
    other = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
    foreign: tuple[Path, ...] = (
        ("session", "application", "applicationId"),
        ("context", "System", "application", "applicationId"),
    )
    for named in foreign:
        yield (
            f"{'.'.join(map(str, named))} another skill's",
            _body(replaced(launch, named, other)),
            True,
        )
    yield "nested 30k deep", b'{"request": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", True
    slot = ("request", "intent", "slots", "workout", "value")
    yield "1 MB slot value", _body(replaced(start, slot, MEGABYTE)), True
    just_under = "yoga " * ((MAX_BODY_BYTES - 6_000) // 5)
    yield "60 KB slot value", _body(replaced(start, slot, just_under)), False
    user = ("context", "System", "user", "userId")
    yield "surrogate userId", _body(replaced(launch, user, SURROGATE)), False
    yield "surrogate slot value", _body(replaced(start, slot, SURROGATE)), False
    for path in field_paths(start):
        where = ".".join(map(str, path))
        for wrong in FEW_WRONG_VALUES:
            yield f"{where}={wrong!r}", _body(replaced(start, path, wrong)), False


def test_web_service_refuses_damaged_bodies_with_4xx_never_5xx(
    web: Connection, pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    """Signed but damaged bodies over HTTP: a 4xx (or a valid 200), never a 5xx or a traceback."""
    problems: list[str] = []
    statuses: dict[int, int] = {}
    began = time.perf_counter()
    for name, body, must_refuse in raw_bodies():
        reply = web.post(body, pki.sign(body))
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
        if "Traceback" in reply.text or 'File "' in reply.text:
            problems.append(f"{name}: a traceback in the body")
        if reply.status >= 500 or (must_refuse and not 400 <= reply.status < 500):
            problems.append(f"{name}: HTTP {reply.status} {reply.text[:160]}")
        elif reply.status == 200:
            problem = _problem(reply.json())
            if problem is not None:
                problems.append(f"{name}: {problem}")
    seconds = time.perf_counter() - began
    figures(
        capsys,
        f"malformed to the web service: {sum(statuses.values())} signed bodies, statuses "
        f"{dict(sorted(statuses.items()))} in {seconds:.1f} s, {len(problems)} problems",
    )
    assert problems == [], "\n".join(problems[:40])


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/json; charset=latin-1", "application/x-www-form-urlencoded", ""],
)
def test_web_service_refuses_other_content_types(
    web: Connection, pki: Pki, content_type: str
) -> None:
    """A real envelope sent as anything but UTF-8 JSON is a 4xx."""
    body = _body(event("launch"))
    reply = web.post(body, pki.sign(body), content_type=content_type)
    assert 400 <= reply.status < 500, reply.text
    assert "Traceback" not in reply.text


def test_web_service_still_answers_after_the_damage(web: Connection, pki: Pki) -> None:
    """After every damaged body a signed, well-formed launch is still answered normally."""
    body = _body(event("launch"))
    reply = web.post(body, pki.sign(body))
    assert reply.status == 200, reply.text
    check_response(Reply(reply.json()))
