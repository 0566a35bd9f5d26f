"""Attacks on the verifying web service, each replayed on loopback against the fixed service.

Each test reproduces one finding of a red-team run (on 127.0.0.1, bounded in count and time) and
shows the answer now: unsigned bodies never reach the SDK's parser, certificate URLs are Amazon's
file names only and downloads are limited per source, a right and a wrong skill id look alike, a
replay is refused (a replayed skill event acknowledged, not processed twice), snake_case ids are
ignored, short RSA keys refused, log lines cannot be forged, and crafted session attributes are
refused before anything decodes them.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import time
import tracemalloc
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils.predicate import is_request_type
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from alexa_pki import CERT_URL, Pki, make_pki
from reliability_kit import Connection, waitress_on_loopback
from runner_strength.alexa.serializer import CachingSerializer
from runner_strength.alexa.skill import build_skill
from runner_strength.engine.record import HISTORY_LIMIT, HistoryEntry, UserRecord
from runner_strength.engine.serialize import SCHEMA_VERSION, record_to_dict
from runner_strength.persistence.base import load_record
from runner_strength.persistence.memory import MemoryAdapter
from runner_strength.safe_log import escape
from runner_strength.web.app import create_app
from runner_strength.web.verifier import (
    CertificateFetchError,
    RequestRejected,
    SourceLimiter,
    check_cert_url,
)
from skilltest import event

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask

    from runner_strength.content.model import Library

SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"
OTHER_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
_NUMBERS = itertools.count(1)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki(time.time())


@dataclass
class Seen:
    """What the tiny skill was asked to handle, and what it read."""

    launches: list[Any] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


def _tiny_skill(seen: Seen) -> Any:  # ask_sdk_core.skill.CustomSkill is untyped
    builder = SkillBuilder()

    def launch(handler_input: Any) -> Any:  # untyped SDK
        seen.launches.append(handler_input.request_envelope)
        return handler_input.response_builder.speak("hello").response

    def skill_event(handler_input: Any) -> Any:  # untyped SDK
        seen.events.append(handler_input.request_envelope.request.request_id)
        return handler_input.response_builder.response

    builder.request_handler(can_handle_func=is_request_type("LaunchRequest"))(launch)
    builder.request_handler(can_handle_func=is_request_type("AlexaSkillEvent.SkillDisabled"))(
        skill_event
    )
    skill = builder.create()
    skill.serializer = CachingSerializer()
    return skill


@dataclass
class Service:
    """A verifying service on waitress and what its skill saw."""

    connection: Connection
    seen: Seen
    fetched: list[str]


@dataclass
class Fetcher:
    """Stands in for S3: the test chain at CERT_URL (and any extra files), counting downloads."""

    pki: Pki
    files: dict[str, bytes] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        """The file at `url`, or the 404 the real downloader raises."""
        self.fetched.append(url)
        if url == CERT_URL:
            return self.pki.chain_pem
        if url in self.files:
            return self.files[url]
        raise CertificateFetchError("HTTP 404")


def _start(app: Flask) -> Iterator[Connection]:
    with waitress_on_loopback(app) as base:
        connection = Connection(base, timeout=10)
        yield connection
        connection.close()


@pytest.fixture
def fetcher(pki: Pki) -> Fetcher:
    return Fetcher(pki)


@pytest.fixture
def service(pki: Pki, fetcher: Fetcher) -> Iterator[Service]:
    """The verifying app for SKILL_ID over the tiny skill, on the production server."""
    seen = Seen()
    app = create_app(
        _tiny_skill(seen), skill_id=SKILL_ID, cert_fetcher=fetcher, trusted_roots=[pki.root]
    )
    for connection in _start(app):
        yield Service(connection, seen, fetcher.fetched)


def envelope(
    request_type: str = "LaunchRequest",
    *,
    skill_id: str = SKILL_ID,
    request_id: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A real-shaped envelope stamped now, with its own request id unless one is given."""
    application = {"applicationId": skill_id}
    user = {"userId": "amzn1.ask.account.HARDENINGTEST"}
    document: dict[str, Any] = {
        "version": "1.0",
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "type": request_type,
            "requestId": request_id or f"amzn1.echo-api.request.hardening-{next(_NUMBERS)}",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": "en-US",
        },
    }
    if not request_type.startswith("AlexaSkillEvent."):
        document["session"] = {
            "new": True,
            "sessionId": "amzn1.echo-api.session.hardening",
            "application": dict(application),
            "attributes": attributes or {},
            "user": user,
        }
    return document


def _body(document: object) -> bytes:
    return json.dumps(document).encode()


# ---------------------------------------------------------------- parsing after the signature


def test_an_unsigned_body_with_a_fuzzy_timestamp_is_refused_in_microseconds(
    service: Service,
) -> None:
    """61 KB of "1 1 1 ..." as the timestamp, unsigned: refused at once, the SDK never reads it."""
    document = envelope()
    document["request"]["timestamp"] = "1 " * 30_000
    body = _body(document)
    assert len(body) > 60_000
    replies = [service.connection.post(body) for _ in range(20)]
    assert {r.status for r in replies} == {400}
    assert "missing SignatureCertChainUrl" in replies[0].text
    # Measured against ~100 ms per request when dateutil's fuzzy parser read it first.
    assert sorted(r.seconds for r in replies)[10] < 0.02
    assert service.seen.launches == []


def test_a_signed_fuzzy_timestamp_is_refused_without_guessing_a_date(
    service: Service, pki: Pki
) -> None:
    """Even signed, a timestamp that is not ISO 8601 is refused, quickly."""
    document = envelope()
    document["request"]["timestamp"] = "1 " * 30_000
    body = _body(document)
    reply = service.connection.post(body, pki.sign(body))
    assert reply.status == 400
    assert "ISO 8601" in reply.text
    assert reply.seconds < 0.05


@pytest.mark.parametrize(
    "stamp",
    ["1 1 1", "yesterday", "2026-05-28 20:26:40", "20260528T202640Z", "2026-05-28T20:26:40"],
)
def test_the_sdk_reader_accepts_only_iso_8601_with_a_zone_or_offset(stamp: str) -> None:
    """The skill's serializer never guesses: fuzzy, spaced and compact forms are errors."""
    document = envelope()
    document["request"]["timestamp"] = stamp
    serializer = CachingSerializer()
    from ask_sdk_core.exceptions import SerializationException  # noqa: PLC0415
    from ask_sdk_model.request_envelope import RequestEnvelope  # noqa: PLC0415

    if stamp == "2026-05-28T20:26:40":  # Alexa's APIs write local times this way: read as is
        read = serializer.deserialize(json.dumps(document), RequestEnvelope)
        assert read.request.timestamp == datetime(2026, 5, 28, 20, 26, 40)  # noqa: DTZ001
        return
    began = time.perf_counter()
    with pytest.raises(SerializationException):
        serializer.deserialize(json.dumps(document), RequestEnvelope)
    assert time.perf_counter() - began < 0.05


# ---------------------------------------------------------------- certificate downloads


@pytest.mark.parametrize(
    "name", ["random-0001.pem", "echo-api-cert-12.pem.evil", "echo-api-cert-x.pem", "a/b.pem"]
)
def test_certificate_urls_outside_amazons_file_names_are_refused(name: str) -> None:
    """Only /echo.api/echo-api-cert[-N].pem may be downloaded: random names take no slot."""
    with pytest.raises(RequestRejected, match="echo-api-cert"):
        check_cert_url(f"https://s3.amazonaws.com/echo.api/{name}")


def test_random_certificate_urls_cannot_fill_the_download_slots(
    service: Service, pki: Pki, fetcher: Fetcher
) -> None:
    """74 forged requests with random chain names: no download, and genuine requests still 200."""
    statuses = []
    for number in range(74):
        body = _body(envelope())
        headers = pki.sign(body)
        headers["SignatureCertChainUrl"] = f"https://s3.amazonaws.com/echo.api/x{number}.pem"
        statuses.append(service.connection.post(body, headers).status)
    assert set(statuses) == {400}
    assert fetcher.fetched == []
    genuine = _body(envelope())
    assert service.connection.post(genuine, pki.sign(genuine)).status == 200


def test_one_source_may_start_four_chain_downloads_a_minute(
    service: Service, pki: Pki, fetcher: Fetcher
) -> None:
    """Well-named but unknown chains: the fifth download from one address is refused unfetched.

    A genuine request whose chain is cached is served all along.
    """
    body = _body(envelope())
    assert service.connection.post(body, pki.sign(body)).status == 200  # caches the real chain
    for number in range(6):
        body = _body(envelope())
        headers = pki.sign(body)
        headers["SignatureCertChainUrl"] = (
            f"https://s3.amazonaws.com/echo.api/echo-api-cert-{number + 1000}.pem"
        )
        assert service.connection.post(body, headers).status == 400
        genuine = _body(envelope())
        assert service.connection.post(genuine, pki.sign(genuine)).status == 200
    assert fetcher.fetched[0] == CERT_URL
    assert len(fetcher.fetched) == 1 + 3  # the real chain counted as the source's first


def test_the_source_limit_is_a_sliding_minute() -> None:
    """Four events a minute per source; a fifth waits until the first is a minute old."""
    limiter = SourceLimiter(per_window=4, window=60.0)
    assert [limiter.allow("10.0.0.1", t) for t in (0, 1, 2, 3, 4)] == [True] * 4 + [False]
    assert limiter.allow("10.0.0.2", 4) is True  # another source has its own budget
    assert limiter.allow("10.0.0.1", 60.5) is True


# ---------------------------------------------------------------- skill ids


def test_a_right_and_a_wrong_skill_id_get_the_same_answer_unsigned(service: Service) -> None:
    """Without a valid signature, our skill id and a guessed one are refused alike."""
    forged = {
        "SignatureCertChainUrl": CERT_URL,
        "Signature-256": base64.b64encode(b"\0" * 256).decode(),
    }
    replies = [
        service.connection.post(_body(envelope(skill_id=skill_id)), forged)
        for skill_id in (SKILL_ID, OTHER_SKILL_ID)
    ]
    assert replies[0].status == replies[1].status == 400
    assert replies[0].text == replies[1].text


def test_a_snake_case_application_id_does_not_override_alexas_camel_case(
    service: Service, pki: Pki
) -> None:
    """`application_id` beside `applicationId`: the check and the skill read the camelCase one."""
    ours_hidden = envelope(skill_id=OTHER_SKILL_ID)
    ours_hidden["context"]["System"]["application"]["application_id"] = SKILL_ID
    ours_hidden["session"]["application"]["application_id"] = SKILL_ID
    body = _body(ours_hidden)
    assert service.connection.post(body, pki.sign(body)).status == 400
    other_hidden = envelope()
    other_hidden["context"]["System"]["application"]["application_id"] = OTHER_SKILL_ID
    body = _body(other_hidden)
    assert service.connection.post(body, pki.sign(body)).status == 200
    seen = service.seen.launches[-1]
    assert seen.context.system.application.application_id == SKILL_ID


def _chain_with_a_short_key(pki: Pki, bits: int) -> tuple[bytes, rsa.RSAPrivateKey]:
    """The test chain's intermediate over a leaf whose key has `bits` bits."""
    intermediate_pem = pki.chain_pem.split(b"-----END CERTIFICATE-----\n", 1)[1]
    intermediate = x509.load_pem_x509_certificate(intermediate_pem)
    leaf_pem = pki.chain_pem.split(b"-----END CERTIFICATE-----\n", 1)[0] + (
        b"-----END CERTIFICATE-----\n"
    )
    template = x509.load_pem_x509_certificate(leaf_pem)
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    issuer_key = pki.intermediate_key
    assert issuer_key is not None
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "echo-api.amazon.com")]))
        .issuer_name(intermediate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
    )
    for extension in template.extensions:
        if extension.oid.dotted_string == "2.5.29.14":  # subject key identifier: the new key's
            builder = builder.add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        else:
            builder = builder.add_extension(extension.value, extension.critical)
    leaf = builder.sign(issuer_key, hashes.SHA256())
    return leaf.public_bytes(Encoding.PEM) + intermediate_pem, key


def test_a_1024_bit_signing_key_is_refused(pki: Pki, fetcher: Fetcher) -> None:
    """A chain that verifies, but whose signing key has 1024 bits, is refused (2048 accepted)."""
    seen = Seen()
    app = create_app(
        _tiny_skill(seen), skill_id=SKILL_ID, cert_fetcher=fetcher, trusted_roots=[pki.root]
    )
    results = {}
    for bits in (1024, 2048):
        url = f"https://s3.amazonaws.com/echo.api/echo-api-cert-{bits}.pem"
        fetcher.files[url], key = _chain_with_a_short_key(pki, bits)
        body = _body(envelope())
        signature = key.sign(body, PKCS1v15(), hashes.SHA256())
        headers = {
            "SignatureCertChainUrl": url,
            "Signature-256": base64.b64encode(signature).decode(),
        }
        for connection in _start(app):
            results[bits] = connection.post(body, headers)
    assert results[1024].status == 400
    assert "2048 bits" in results[1024].text
    assert results[2048].status == 200, results[2048].text


# ---------------------------------------------------------------- replays


def test_a_signed_request_is_accepted_once(service: Service, pki: Pki) -> None:
    """The same signed request sent twice inside the 150 s window: the second is refused."""
    body = _body(envelope())
    first = service.connection.post(body, pki.sign(body))
    second = service.connection.post(body, pki.sign(body))
    assert (first.status, second.status) == (200, 400)
    assert "already received" in second.text
    assert len(service.seen.launches) == 1


def test_a_duplicate_skill_event_gets_200_and_is_processed_once(service: Service, pki: Pki) -> None:
    """SkillDisabled delivered twice: both acknowledged with 200, the handler runs once."""
    body = _body(envelope("AlexaSkillEvent.SkillDisabled"))
    replies = [service.connection.post(body, pki.sign(body)) for _ in range(3)]
    assert [r.status for r in replies] == [200, 200, 200]
    assert len(service.seen.events) == 1
    assert replies[1].json() == {"version": "1.0", "response": {}}


# ---------------------------------------------------------------- logs


def test_a_request_type_cannot_forge_a_log_line(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    """A request type with a newline and an ANSI escape is logged as one escaped line."""
    document = envelope()
    document["request"]["type"] = "LaunchRequest\n2026-01-01 CRITICAL root: disk on fire\x1b[2J"
    with caplog.at_level(logging.WARNING, logger="runner_strength"):
        reply = service.connection.post(_body(document))
    assert reply.status == 400
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("runner_strength")]
    assert messages, "the rejection was not logged"
    for message in messages:
        assert "\n" not in message
        assert "\x1b" not in message
    assert any("\\n2026-01-01 CRITICAL" in m for m in messages)


def test_escape_leaves_printable_text_alone_and_shows_control_characters() -> None:
    """Ordinary text is unchanged; newlines, escapes and line separators become visible."""
    assert escape("squat, 3 x 10 - ok, café") == "squat, 3 x 10 - ok, café"
    assert escape("a\nb\r\x1b[31m\u2028") == "a\\nb\\r\\x1b[31m\\u2028"


# ---------------------------------------------------------------- session attributes (--dev)


@dataclass
class DevService:
    """The real skill behind the app with verification off, and its store."""

    connection: Connection
    adapter: MemoryAdapter


@pytest.fixture
def dev(library: Library) -> Iterator[DevService]:
    """The real skill behind the app with verification off, as `serve --dev` runs it."""
    adapter = MemoryAdapter(clock=time.time, ttl_days=365)
    skill = build_skill(library=library, adapter=adapter, clock=time.time)
    for connection in _start(create_app(skill, verify=False)):
        yield DevService(connection, adapter)


@pytest.fixture
def dev_service(dev: DevService) -> Connection:
    return dev.connection


def _packed(record: object) -> str:
    return base64.b64encode(zlib.compress(json.dumps(record).encode(), 9)).decode()


def _rs(record_text: str) -> dict[str, Any]:
    return {
        "rs": {
            "format": 2,
            "schema_version": SCHEMA_VERSION,
            "version": 1,
            "record": record_text,
            "dirty": False,
            "synced": True,
        }
    }


def test_a_zlib_bomb_in_session_attributes_is_refused_before_it_inflates(
    dev_service: Connection,
) -> None:
    """40 KB of compressed zeros (40 MB inflated) in the session: a 400, nothing inflated."""
    bomb = base64.b64encode(zlib.compress(b"0" * 40_000_000, 9)).decode()
    tracemalloc.start()
    reply = dev_service.post(_body(envelope(attributes=_rs(bomb))))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert reply.status == 400
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB"


def test_a_smaller_zlib_bomb_under_the_size_limit_is_not_inflated_either(
    dev_service: Connection,
) -> None:
    """15 MB of zeros in 20 KB: the session record is read at most 256 KB far, then ignored."""
    bomb = base64.b64encode(zlib.compress(b"0" * 15_000_000, 9)).decode()
    assert len(bomb) < 24_000
    tracemalloc.start()
    reply = dev_service.post(_body(envelope(attributes=_rs(bomb))))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert reply.status == 200, reply.text
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB"


def test_session_attributes_over_24_kb_are_refused_with_a_400(dev_service: Connection) -> None:
    """30 KB of session attributes never came from a 24 KB response: refused, not echoed."""
    reply = dev_service.post(_body(envelope(attributes={"padding": "x" * 30_000})))
    assert reply.status == 400
    assert "session attributes" in reply.text


def test_a_crafted_7000_entry_history_is_neither_stored_nor_echoed(dev: DevService) -> None:
    """A session record with 7,000 history entries is ignored: nothing stored, answers small."""
    entry = HistoryEntry(id="w1", workout_id="core", started_at=1, ended_at=2, finished=True)
    history = (entry,) * 7000
    packed = _packed(record_to_dict(UserRecord(history=history)))
    assert len(packed) < 24_000, len(packed)
    document = event("start_workout")
    document["session"]["attributes"] = _rs(packed)
    document["session"]["new"] = False
    reply = dev.connection.post(_body(document))
    assert reply.status == 200, reply.text
    assert len(reply.text) < 24_000
    stored = [load_record(item.record) for item in dev.adapter._items.values()]
    assert stored, "the workout start was not saved"
    assert all(len(record["history"]) <= HISTORY_LIMIT for record in stored)


def test_deeply_nested_session_attributes_are_a_400_not_a_500(dev_service: Connection) -> None:
    """An attribute nested 900 deep gets a short refusal, no traceback."""
    deep: object = 1
    for _ in range(900):
        deep = {"d": deep}
    reply = dev_service.post(_body(envelope(attributes={"deep": deep})))
    assert reply.status == 400
    assert "Traceback" not in reply.text
    assert len(reply.text) < 200


def test_a_real_session_still_plays_in_dev(dev_service: Connection) -> None:
    """The limits leave real session attributes alone: a launch, then a workout in that session."""
    first = dev_service.post(_body(event("launch")))
    assert first.status == 200, first.text
    follow = event("start_workout")
    follow["session"]["attributes"] = first.json().get("sessionAttributes", {})
    follow["session"]["new"] = False
    follow["request"]["requestId"] += ".second"
    reply = dev_service.post(_body(follow))
    assert reply.status == 200, reply.text
