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

import base64
import copy
import itertools
import json
import time
import zlib
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
from runner_strength.engine.serialize import SCHEMA_VERSION, record_from_dict
from runner_strength.persistence.base import OWNER_ATTRIBUTE, load_record
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


BASE_NAMES = (
    "launch",
    "start_workout_duration",
    "explain_no_match",
    "mid_workout",
    "session_ended_error",
    "skill_disabled",
)


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


# The damage a test run gives: each base envelope's fields (one base a test, so the two lanes'
# workers share them out), then the whole-envelope shapes.
DAMAGE = (*BASE_NAMES, "whole envelopes")


def damaged_events(
    bases: dict[str, dict[str, Any]], which: str = ""
) -> Iterator[tuple[str, object]]:
    """The damaged envelopes of `which` (a base's name, or "whole envelopes"; "" for all)."""
    for name, base in bases.items():
        if which not in ("", name):
            continue
        for path in field_paths(base):
            where = f"{name}:{'.'.join(map(str, path))}"
            yield f"{where} removed", without(base, path)
            for value in WRONG_VALUES:
                yield f"{where}={value!r}", replaced(base, path, value)
            if isinstance(_at(base, path), str):
                yield f"{where}=1MB", replaced(base, path, MEGABYTE)
                yield f"{where}=surrogates", replaced(base, path, SURROGATE)
                yield f"{where}=bytes", replaced(base, path, b"\xff\xfe")
    if which not in ("", "whole envelopes"):
        return
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
    yield from hostile_events(bases)


OTHER_SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def _packed(record: object) -> str:
    return base64.b64encode(zlib.compress(json.dumps(record).encode(), 9)).decode()


def _rs(packed: str) -> dict[str, Any]:
    return {
        "rs": {
            "format": 2,
            "schema_version": SCHEMA_VERSION,
            "version": 1,
            "record": packed,
            "dirty": False,
            "synced": True,
        }
    }


def hostile_shapes(base: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(name, envelope, must_refuse): shapes an attacker sent, on one real envelope with a session.

    `must_refuse` ones cannot be a request Alexa sent; the others carry a hostile part the skill
    must ignore and may answer.
    """
    timestamp = ("request", "timestamp")
    yield "fuzzy timestamp 60 KB", replaced(base, timestamp, "1 " * 30_000), True
    for stamp in ("yesterday", "2026-05-28 20:26:40", "20260528T202640Z"):
        yield f"timestamp {stamp!r}", replaced(base, timestamp, stamp), True
    request_type = "LaunchRequest\n2026-01-01 CRITICAL root: forged\x1b[2J"
    yield "type with a newline and ANSI", replaced(base, ("request", "type"), request_type), True
    application = ("context", "System", "application")
    ours = base["context"]["System"]["application"]["applicationId"]
    hidden = {"applicationId": ours, "application_id": OTHER_SKILL}
    yield "snake_case id beside ours", replaced(base, application, hidden), False
    swapped = {"applicationId": OTHER_SKILL, "application_id": ours}
    yield "snake_case ours beside another", replaced(base, application, swapped), True
    attributes = ("session", "attributes")
    deep: object = 1
    for _ in range(900):
        deep = {"d": deep}
    deep_envelope = copy.deepcopy(base)  # set in place: deepcopy cannot recurse 900 levels
    deep_envelope["session"]["attributes"] = {"deep": deep}
    yield "attributes 900 deep", deep_envelope, True
    yield "attributes 30 KB", replaced(base, attributes, {"padding": "x" * 30_000}), True
    yield "attributes 7,000-entry list", replaced(base, attributes, {"l": list(range(7000))}), True
    bomb = base64.b64encode(zlib.compress(b"0" * 15_000_000, 9)).decode()
    yield "zlib bomb in the session record", replaced(base, attributes, _rs(bomb)), False
    entry = {"id": "w1", "workout_id": "core", "started_at": 1, "ended_at": 2, "finished": True}
    history = _packed({"schema_version": SCHEMA_VERSION, "history": [entry] * 7000})
    yield "7,000-entry history in the session", replaced(base, attributes, _rs(history)), False
    for owner in ("0" * 64, "f" * 64 + "." + "0" * 64, "../../etc", 5):
        yield (
            f"session owner {owner!r}",
            replaced(base, attributes, {OWNER_ATTRIBUTE: owner}),
            False,
        )
    person = ("context", "System", "person")
    persons: tuple[object, ...] = (
        {"personId": "x" * 100_000},
        {"personId": 5},
        {"personId": None},
        "text",
        [],
    )
    for value in persons:
        yield f"person {str(value)[:30]!r}", replaced(base, person, value), False


def hostile_events(bases: dict[str, dict[str, Any]]) -> Iterator[tuple[str, object]]:
    """The hostile shapes on the mid-workout envelope, for the Lambda entry."""
    for name, damaged, _ in hostile_shapes(bases["mid_workout"]):
        yield f"hostile: {name}", damaged


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


@pytest.mark.parametrize("which", DAMAGE)
def test_lambda_entry_answers_every_damaged_envelope_cleanly(
    lambda_skill: tuple[LambdaEntry, MemoryAdapter], capsys: pytest.CaptureFixture[str], which: str
) -> None:
    """Each field of six real envelopes damaged in turn: a rejection or a valid reply, no raise."""
    entry, adapter = lambda_skill
    problems: list[str] = []
    outcomes = {"rejected": 0, "answered": 0}
    began = time.perf_counter()
    bases = base_events(entry)
    assert tuple(bases) == BASE_NAMES
    for name, damaged in damaged_events(bases, which):
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
        f"malformed to the Lambda entry ({which}): {sum(outcomes.values())} envelopes "
        f"({outcomes['rejected']} rejected, {outcomes['answered']} answered) in {seconds:.1f} s, "
        f"{len(problems)} problems",
    )
    assert problems == [], "\n".join(problems[:40])


def test_lambda_entry_refuses_every_hostile_shape_alexa_never_sends(library: Library) -> None:
    """Fuzzy timestamps, forged log lines, oversized or deep attributes: the rejection, no raise."""
    clock = FakeClock()
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    skill = build_skill(library=library, adapter=adapter, clock=clock, skill_id=SKILL_ID)
    entry = LambdaEntry(skill)
    bases = base_events(entry)
    wrong = []
    for name, damaged, must_refuse in hostile_shapes(bases["mid_workout"]):
        answer = entry(damaged, None)
        if must_refuse and answer != REJECTED:
            wrong.append(f"{name}: answered")
        elif not must_refuse and _problem(answer) is not None:
            wrong.append(f"{name}: {_problem(answer)}")
    assert wrong == [], "\n".join(wrong)


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
        # Only `request` changes: copying just it leaves deep attributes uncopied.
        document = {**document, "request": dict(document["request"])}
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
    launch_in_session = copy.deepcopy(launch)
    launch_in_session["session"]["new"] = False
    for name, damaged, must_refuse in hostile_shapes(launch_in_session):
        body = json.dumps(_stamped(damaged) if "timestamp" not in name else _fresh_id(damaged))
        yield f"hostile: {name}", body.encode("utf-8"), must_refuse


def _fresh_id(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its own request id, its (damaged) timestamp kept."""
    document = {**document, "request": dict(document["request"])}
    document["request"]["requestId"] += f".{next(_REQUEST_NUMBERS)}"
    return document


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
