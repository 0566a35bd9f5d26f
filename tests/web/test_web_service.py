"""The web service over real HTTP on a loopback port, with requests signed by a test PKI.

A root CA, an intermediate and signing certificates are made here with `cryptography`; the
certificate chain "download" is a dictionary (no network) and the clock is fixed, so every case is
deterministic.
"""

from __future__ import annotations

import base64
import http.server
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils.predicate import is_intent_name, is_request_type
from ask_sdk_model.request_envelope import RequestEnvelope
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from werkzeug.serving import make_server

from reliability_kit import waitress_on_loopback
from runner_strength.web.app import MAX_BODY_BYTES, create_app
from runner_strength.web.server import waitress_server
from runner_strength.web.verifier import (
    CertificateCache,
    CertificateFetchError,
    RequestRejected,
    SignatureVerifier,
    check_cert_url,
    default_trusted_roots,
    fetch_certificate_chain,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from flask import Flask

NOW = 1_780_000_000.0  # 2026-05-28T20:26:40Z: the fixed "now" of every test clock
NOW_DT = datetime.fromtimestamp(NOW, UTC)
DAY = timedelta(days=1)
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-99.pem"
SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"
OTHER_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


# ---------------------------------------------------------------- test PKI


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(*, ca: bool, digital_signature: bool = True) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca and digital_signature,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(  # one builder for CA and leaf certificates
    key: rsa.RSAPrivateKey,
    subject: str,
    issuer_key: rsa.RSAPrivateKey,
    issuer: str,
    *,
    ca: bool,
    sans: tuple[str, ...] = (),
    not_before: datetime = NOW_DT - 30 * DAY,
    not_after: datetime = NOW_DT + 365 * DAY,
    eku: tuple[x509.ObjectIdentifier, ...] = (),
    digital_signature: bool = True,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .add_extension(_key_usage(ca=ca, digital_signature=digital_signature), critical=True)
    )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class Pki:
    """A trusted root, an intermediate under it, and a key for signing certificates."""

    root: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey
    intermediate: x509.Certificate
    signing_key: rsa.RSAPrivateKey

    def leaf(
        self,
        sans: tuple[str, ...] = ("echo-api.amazon.com",),
        not_before: datetime = NOW_DT - DAY,
        not_after: datetime = NOW_DT + 30 * DAY,
        eku: tuple[x509.ObjectIdentifier, ...] = (
            ExtendedKeyUsageOID.SERVER_AUTH,
            ExtendedKeyUsageOID.CLIENT_AUTH,
        ),
        **options: Any,
    ) -> x509.Certificate:
        """A signing certificate for `signing_key`, issued by the intermediate."""
        return _certificate(
            self.signing_key,
            "echo-api.amazon.com",
            self.intermediate_key,
            "Test Intermediate",
            ca=False,
            sans=sans,
            not_before=not_before,
            not_after=not_after,
            eku=eku,
            **options,
        )

    def chain_pem(self, leaf: x509.Certificate | None = None) -> bytes:
        """The PEM file Alexa would publish: signing certificate first, then the intermediate."""
        leaf = leaf or self.leaf()
        return leaf.public_bytes(Encoding.PEM) + self.intermediate.public_bytes(Encoding.PEM)


def _make_pki(root_name: str) -> Pki:
    root_key, intermediate_key = _key(), _key()
    root = _certificate(root_key, root_name, root_key, root_name, ca=True)
    intermediate = _certificate(
        intermediate_key,
        "Test Intermediate",
        root_key,
        root_name,
        ca=True,
        not_after=NOW_DT + 3 * 365 * DAY,
    )
    return Pki(root, intermediate_key, intermediate, _key())


@pytest.fixture(scope="session")
def pki() -> Pki:
    return _make_pki("Runner Strength Test Root")


@pytest.fixture(scope="session")
def rogue_pki() -> Pki:
    return _make_pki("Not A Trusted Root")


# ---------------------------------------------------------------- skill, envelopes, server


def _tiny_skill() -> Any:  # ask_sdk_core.skill.CustomSkill is untyped
    """LaunchRequest -> "hello"; skill events -> empty response; a failing intent for 500s."""
    builder = SkillBuilder()

    def launch(handler_input: Any) -> Any:  # untyped SDK
        return handler_input.response_builder.speak("hello").response

    def skill_event(handler_input: Any) -> Any:  # untyped SDK
        return handler_input.response_builder.response

    def explode(handler_input: Any) -> Any:  # untyped SDK
        raise RuntimeError("secret internal detail")

    builder.request_handler(can_handle_func=is_request_type("LaunchRequest"))(launch)
    builder.request_handler(can_handle_func=is_request_type("AlexaSkillEvent.SkillEnabled"))(
        skill_event
    )
    builder.request_handler(can_handle_func=is_intent_name("ExplodeIntent"))(explode)
    return builder.create()


_REQUEST_NUMBERS = itertools.count(1)
"""Each envelope gets its own request id, as Alexa's do: the service refuses a replayed one."""


def _stamp(age_seconds: float) -> str:
    return datetime.fromtimestamp(NOW - age_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(
    request_type: str = "LaunchRequest",
    *,
    age: float = 0,
    skill_id: str | None = SKILL_ID,
    intent: str | None = None,
) -> bytes:
    """A real-shaped Alexa request envelope, serialised the way Alexa sends it."""
    application = {"applicationId": skill_id} if skill_id else {}
    user = {"userId": "amzn1.ask.account.AMAXQ7TESTUSERQ3KJZ5Y2ZL4XN7OQW6BPL3RDWAEXAMPLE"}
    request: dict[str, Any] = {
        "type": request_type,
        "requestId": f"amzn1.echo-api.request.9a8b7c6d-{next(_REQUEST_NUMBERS):012d}",
        "timestamp": _stamp(age),
        "locale": "en-US",
    }
    if intent:
        request["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
    document: dict[str, Any] = {
        "version": "1.0",
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
                "apiAccessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test.signature",
            }
        },
        "request": request,
    }
    if not request_type.startswith("AlexaSkillEvent."):
        document["session"] = {
            "new": True,
            "sessionId": "amzn1.echo-api.session.0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "application": application,
            "attributes": {},
            "user": user,
        }
    return json.dumps(document).encode()


def sign(pki: Pki, body: bytes, url: str = CERT_URL) -> dict[str, str]:
    """The headers Alexa would send with `body`."""
    signature = pki.signing_key.sign(body, PKCS1v15(), hashes.SHA256())
    return {"SignatureCertChainUrl": url, "Signature-256": base64.b64encode(signature).decode()}


@dataclass
class CertHost:
    """Stands in for S3: serves PEM files by URL and counts downloads."""

    files: dict[str, bytes] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        """The file at `url`, or the error the real downloader raises for a 404."""
        self.fetched.append(url)
        if url not in self.files:
            raise CertificateFetchError("HTTP 404")
        return self.files[url]


@dataclass
class Clock:
    """A settable clock, in epoch seconds."""

    now: float = NOW

    def __call__(self) -> float:
        """The current test time."""
        return self.now


@dataclass
class Reply:
    """What came back over HTTP."""

    status: int
    body: dict[str, Any]
    text: str


def post(
    base: str,
    body: bytes,
    headers: dict[str, str] | None = None,
    *,
    content_type: str = "application/json; charset=utf-8",
    path: str = "/",
) -> Reply:
    """POST over real HTTP and return the status and the JSON reply."""
    request = urllib.request.Request(  # noqa: S310  # a loopback http URL built by the test
        base + path,
        data=body,
        method="POST",
        headers={"Content-Type": content_type, **(headers or {})},
    )
    return _send(request)


def _send(request: urllib.request.Request) -> Reply:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # loopback
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            status, text = error.code, error.read().decode()
    return Reply(status, json.loads(text), text)


@pytest.fixture
def serve() -> Iterator[Callable[[Flask], str]]:
    """Starts apps on free loopback ports (real HTTP servers in threads); stops them after."""
    servers = []

    def start(app: Flask) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        # A short poll interval keeps shutdown() (and so each test's teardown) quick.
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@dataclass
class Service:
    """A running verifying service and the test doubles it uses."""

    base: str
    host: CertHost
    clock: Clock
    pki: Pki


@pytest.fixture
def service(pki: Pki, serve: Callable[[Flask], str]) -> Service:
    """The verifying app for SKILL_ID on a real server, trusting only the test root."""
    host, clock = CertHost({CERT_URL: pki.chain_pem()}), Clock()
    app = create_app(
        _tiny_skill(), skill_id=SKILL_ID, cert_fetcher=host, clock=clock, trusted_roots=[pki.root]
    )
    return Service(serve(app), host, clock, pki)


def _assert_rejected(reply: Reply, status: int, reason: str) -> None:
    assert reply.status == status, reply.text
    assert reason in reply.body["error"], reply.body
    assert "Traceback" not in reply.text


# ---------------------------------------------------------------- signature


def test_valid_signed_launch_request_gets_a_response_envelope(service: Service) -> None:
    """A correctly signed, fresh LaunchRequest reaches the skill and gets its answer back."""
    body = envelope()
    reply = post(service.base, body, sign(service.pki, body))
    assert reply.status == 200, reply.text
    assert reply.body["version"] == "1.0"
    assert "hello" in reply.body["response"]["outputSpeech"]["ssml"]


def test_a_request_envelope_is_deserialised_once(
    pki: Pki, serve: Callable[[Flask], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The envelope the input check reads is the one verified and answered: no second read."""
    skill = _tiny_skill()
    reads: list[object] = []
    read = skill.serializer.deserialize

    def counted(payload: str, obj_type: object) -> object:
        reads.append(obj_type)
        return read(payload, obj_type)

    monkeypatch.setattr(skill.serializer, "deserialize", counted)
    base = serve(
        create_app(
            skill,
            skill_id=SKILL_ID,
            cert_fetcher=CertHost({CERT_URL: pki.chain_pem()}),
            clock=Clock(),
            trusted_roots=[pki.root],
        )
    )
    for _ in range(2):
        body = envelope()
        reply = post(base, body, sign(pki, body))
        assert reply.status == 200, reply.text
        assert "hello" in reply.body["response"]["outputSpeech"]["ssml"]
    assert reads == [RequestEnvelope, RequestEnvelope]


def test_tampered_body_is_rejected(service: Service) -> None:
    """Changing one byte of a signed body makes the signature fail."""
    body = envelope()
    headers = sign(service.pki, body)
    tampered = body.replace(b'"new": true', b'"new": false')
    assert tampered != body
    _assert_rejected(post(service.base, tampered, headers), 400, "signature does not match")


def test_signature_made_with_another_key_is_rejected(service: Service, rogue_pki: Pki) -> None:
    """A signature by a key other than the certificate's is rejected."""
    body = envelope()
    headers = sign(rogue_pki, body)
    _assert_rejected(post(service.base, body, headers), 400, "signature does not match")


def test_sha1_signature_is_not_accepted(service: Service) -> None:
    """Only SHA-256 signatures count: a SHA-1 one, even under the right header, fails."""
    body = envelope()
    sha1 = service.pki.signing_key.sign(body, PKCS1v15(), hashes.SHA1())  # noqa: S303  # the point
    headers = {"SignatureCertChainUrl": CERT_URL, "Signature-256": base64.b64encode(sha1).decode()}
    _assert_rejected(post(service.base, body, headers), 400, "signature does not match")


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_signature_headers_are_rejected(service: Service, missing: str) -> None:
    """Without either signature header the request is rejected, naming the header."""
    body = envelope()
    headers = sign(service.pki, body)
    del headers[missing]
    _assert_rejected(post(service.base, body, headers), 400, f"missing {missing}")


def test_legacy_sha1_signature_header_alone_is_rejected(service: Service) -> None:
    """The retired `Signature` (SHA-1) header is not a substitute for `Signature-256`."""
    body = envelope()
    headers = sign(service.pki, body)
    headers["Signature"] = headers.pop("Signature-256")
    _assert_rejected(post(service.base, body, headers), 400, "missing Signature-256")


def test_signature_that_is_not_base64_is_rejected(service: Service) -> None:
    """A garbled signature header is a 400, not a crash."""
    body = envelope()
    headers = {**sign(service.pki, body), "Signature-256": "not base64 at all!"}
    _assert_rejected(post(service.base, body, headers), 400, "not base64")


# ---------------------------------------------------------------- certificate chain


def _service_with_chain(
    pki: Pki, chain: bytes, serve: Callable[[Flask], str], trusted: x509.Certificate
) -> tuple[str, CertHost]:
    host = CertHost({CERT_URL: chain})
    app = create_app(
        _tiny_skill(), skill_id=SKILL_ID, cert_fetcher=host, clock=Clock(), trusted_roots=[trusted]
    )
    return serve(app), host


def test_certificate_without_echo_api_san_is_rejected(
    pki: Pki, serve: Callable[[Flask], str]
) -> None:
    """A chain to a trusted root is not enough: the SAN must name echo-api.amazon.com."""
    chain = pki.chain_pem(pki.leaf(sans=("evil.example.com", "echo-api.amazon.com.evil.com")))
    base, _ = _service_with_chain(pki, chain, serve, pki.root)
    body = envelope()
    _assert_rejected(post(base, body, sign(pki, body)), 400, "not issued to echo-api.amazon.com")


def test_expired_certificate_is_rejected(pki: Pki, serve: Callable[[Flask], str]) -> None:
    """A signing certificate past its Not After date is rejected."""
    chain = pki.chain_pem(pki.leaf(not_before=NOW_DT - 60 * DAY, not_after=NOW_DT - DAY))
    base, _ = _service_with_chain(pki, chain, serve, pki.root)
    body = envelope()
    _assert_rejected(post(base, body, sign(pki, body)), 400, "expired or not yet valid")


def test_certificate_not_yet_valid_at_the_clocks_now_is_rejected(
    pki: Pki, serve: Callable[[Flask], str]
) -> None:
    """Validity is judged at the injected clock's now (here, before Not Before)."""
    chain = pki.chain_pem(pki.leaf(not_before=NOW_DT + DAY, not_after=NOW_DT + 30 * DAY))
    base, _ = _service_with_chain(pki, chain, serve, pki.root)
    body = envelope()
    _assert_rejected(post(base, body, sign(pki, body)), 400, "expired or not yet valid")


def test_chain_to_an_untrusted_root_is_rejected(
    pki: Pki, rogue_pki: Pki, serve: Callable[[Flask], str]
) -> None:
    """A well-formed chain with the right SAN fails when its root is not trusted."""
    base, _ = _service_with_chain(rogue_pki, rogue_pki.chain_pem(), serve, pki.root)
    body = envelope()
    _assert_rejected(post(base, body, sign(rogue_pki, body)), 400, "not trusted")


def test_chain_missing_its_intermediate_is_rejected(
    pki: Pki, serve: Callable[[Flask], str]
) -> None:
    """The signing certificate alone does not chain to the root."""
    base, _ = _service_with_chain(pki, pki.leaf().public_bytes(Encoding.PEM), serve, pki.root)
    body = envelope()
    _assert_rejected(post(base, body, sign(pki, body)), 400, "not trusted")


@pytest.mark.parametrize(
    "eku",
    [(), (ExtendedKeyUsageOID.SERVER_AUTH,), (ExtendedKeyUsageOID.CLIENT_AUTH,)],
    ids=["none", "server-auth", "client-auth"],
)
def test_signing_certificate_need_not_be_a_tls_server_certificate(
    pki: Pki, serve: Callable[[Flask], str], eku: tuple[x509.ObjectIdentifier, ...]
) -> None:
    """Amazon's rules set no extended key usage, so none, serverAuth or clientAuth all pass."""
    base, _ = _service_with_chain(pki, pki.chain_pem(pki.leaf(eku=eku)), serve, pki.root)
    body = envelope()
    assert post(base, body, sign(pki, body)).status == 200


def test_intermediate_need_not_be_for_tls_servers(pki: Pki, serve: Callable[[Flask], str]) -> None:
    """An intermediate restricted to clientAuth still chains (Amazon's rules set no EKU)."""
    root_key = _key()
    root = _certificate(root_key, "Client Root", root_key, "Client Root", ca=True)
    intermediate = _certificate(
        pki.intermediate_key,
        "Test Intermediate",
        root_key,
        "Client Root",
        ca=True,
        eku=(ExtendedKeyUsageOID.CLIENT_AUTH,),
    )
    leaf = pki.leaf(eku=(ExtendedKeyUsageOID.CLIENT_AUTH,))
    chain = leaf.public_bytes(Encoding.PEM) + intermediate.public_bytes(Encoding.PEM)
    base, _ = _service_with_chain(pki, chain, serve, root)
    body = envelope()
    assert post(base, body, sign(pki, body)).status == 200


def test_certificate_whose_key_usage_forbids_signatures_is_rejected(
    pki: Pki, serve: Callable[[Flask], str]
) -> None:
    """A signing certificate without the digitalSignature key usage cannot sign requests."""
    chain = pki.chain_pem(pki.leaf(digital_signature=False))
    base, _ = _service_with_chain(pki, chain, serve, pki.root)
    body = envelope()
    _assert_rejected(post(base, body, sign(pki, body)), 400, "not trusted")


def test_garbage_instead_of_a_chain_is_rejected(pki: Pki, serve: Callable[[Flask], str]) -> None:
    """Whatever the URL returns, if it is not PEM the request is rejected."""
    base, _ = _service_with_chain(pki, b"<html>nope</html>", serve, pki.root)
    body = envelope()
    _assert_rejected(post(base, body, sign(pki, body)), 400, "not valid PEM")


def test_chain_that_cannot_be_downloaded_is_rejected(service: Service) -> None:
    """A well-formed URL that the host cannot serve is a 400."""
    body = envelope()
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert-404.pem"
    _assert_rejected(post(service.base, body, sign(service.pki, body, url)), 400, "downloaded")
    assert service.host.fetched == [url]


BAD_CERT_URLS = [
    pytest.param("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https", id="http"),
    pytest.param("https://notamazon.com/echo.api/echo-api-cert.pem", "host", id="wrong-host"),
    pytest.param("https://s3.amazonaws.com.evil.com/echo.api/c.pem", "host", id="host-suffix"),
    pytest.param("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path", id="path-case"),
    pytest.param("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path", id="path"),
    pytest.param("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port", id="port"),
    pytest.param("https://s3.amazonaws.com/echo.api/../evil/cert.pem", "path", id="traversal"),
    pytest.param("https://s3.amazonaws.com/echo.api/%2e%2e/evil/cert.pem", "path", id="encoded"),
    pytest.param("https://s3.amazonaws.com:notaport/echo.api/c.pem", "malformed", id="bad-port"),
]


@pytest.mark.parametrize(("url", "reason"), BAD_CERT_URLS)
def test_bad_certificate_urls_are_rejected_without_fetching(
    service: Service, url: str, reason: str
) -> None:
    """URLs outside https://s3.amazonaws.com[:443]/echo.api/ fail before any download."""
    body = envelope()
    _assert_rejected(post(service.base, body, sign(service.pki, body, url)), 400, reason)
    assert service.host.fetched == []


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    ],
)
def test_certificate_urls_amazon_lists_as_valid_pass_the_url_check(url: str) -> None:
    """Amazon's documented valid URL forms (case-insensitive host, :443, normalised path) pass."""
    check_cert_url(url)


# ---------------------------------------------------------------- timestamp


@pytest.mark.parametrize("age", [-149, 0, 149])
def test_timestamp_within_150_seconds_passes(service: Service, age: float) -> None:
    """Requests up to 150 s old (or ahead, for clock skew) are accepted."""
    body = envelope(age=age)
    assert post(service.base, body, sign(service.pki, body)).status == 200


@pytest.mark.parametrize("age", [151, 1800, -151])
def test_stale_or_future_timestamp_is_rejected(service: Service, age: float) -> None:
    """A correctly signed request more than 150 s away from now is a replay and is rejected."""
    body = envelope(age=age)
    _assert_rejected(post(service.base, body, sign(service.pki, body)), 400, "timestamp")


def test_skill_event_thirty_minutes_old_passes(service: Service) -> None:
    """Skill events may arrive up to an hour late."""
    body = envelope("AlexaSkillEvent.SkillEnabled", age=1800)
    reply = post(service.base, body, sign(service.pki, body))
    assert reply.status == 200, reply.text


def test_skill_event_over_an_hour_old_is_rejected(service: Service) -> None:
    """The hour's grace for skill events is a limit too."""
    body = envelope("AlexaSkillEvent.SkillEnabled", age=3601)
    _assert_rejected(post(service.base, body, sign(service.pki, body)), 400, "timestamp")


# ---------------------------------------------------------------- bad input


def test_malformed_json_is_a_clear_400(service: Service) -> None:
    """A body that is not JSON gets a 400 that says so."""
    _assert_rejected(post(service.base, b'{"version": "1.0", '), 400, "not valid JSON")


@pytest.mark.parametrize("body", [b"[]", b'{"version": "1.0"}', b'{"request": {"type": 5}}'])
def test_json_that_is_not_an_envelope_is_a_400(service: Service, body: bytes) -> None:
    """Valid JSON without a request type is not an Alexa request."""
    _assert_rejected(post(service.base, body), 400, "not an Alexa request envelope")


def test_deeply_nested_json_is_a_400(service: Service) -> None:
    """JSON nested deeper than the parser's recursion limit is refused, not a crash."""
    depth = 30_000
    _assert_rejected(post(service.base, b"[" * depth + b"]" * depth), 400, "nested too deeply")


def test_body_that_is_not_utf8_is_a_400(service: Service) -> None:
    """Bytes that are not UTF-8 are refused before anything decodes them."""
    _assert_rejected(post(service.base, b'{"request": "\xff\xfe"}'), 400, "not valid UTF-8")


def test_unknown_request_type_is_a_400(service: Service) -> None:
    """A request type the ASK model does not know is refused."""
    _assert_rejected(post(service.base, envelope("Bogus.Request")), 400, "unsupported request type")


def test_timestamp_that_is_not_iso_8601_is_a_400(service: Service) -> None:
    """A signed request whose timestamp is not ISO 8601 is refused; no date is guessed."""
    body = envelope().replace(_stamp(0).encode(), b"yesterday-ish")
    _assert_rejected(post(service.base, body, sign(service.pki, body)), 400, "ISO 8601")


def test_unreadable_envelope_field_is_a_400(service: Service) -> None:
    """A signed request with a field the ASK model cannot read is the caller's error."""
    body = envelope("IntentRequest", intent="AMAZON.HelpIntent")
    body = body.replace(b'"locale"', b'"dialogState": "NOT_A_STATE", "locale"')
    _assert_rejected(post(service.base, body, sign(service.pki, body)), 400, "could not be read")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_wrong_content_type_is_a_415(service: Service, content_type: str) -> None:
    """Only application/json bodies are read."""
    _assert_rejected(post(service.base, envelope(), content_type=content_type), 415, "Content-Type")


def test_body_over_64_kb_is_a_413(service: Service) -> None:
    """A body over the 64 KB limit is refused without being read."""
    body = envelope()[:-1] + b', "padding": "' + b"x" * MAX_BODY_BYTES + b'"}'
    reply = post(service.base, body, sign(service.pki, body))
    assert reply.status == 413, reply.text
    assert "Traceback" not in reply.text


def test_body_just_under_the_limit_is_served(service: Service) -> None:
    """The limit is 64 KB: a signed request just under it is served normally."""
    base = envelope()[:-1] + b', "padding": "'
    body = base + b"x" * (MAX_BODY_BYTES - len(base) - 2) + b'"}'
    assert len(body) == MAX_BODY_BYTES
    assert post(service.base, body, sign(service.pki, body)).status == 200


def test_foreign_skill_id_is_a_400(service: Service) -> None:
    """A signed request for another skill is refused with the 400 every refusal gets."""
    body = envelope(skill_id=OTHER_SKILL_ID)
    _assert_rejected(post(service.base, body, sign(service.pki, body)), 400, "different skill")


def test_missing_skill_id_is_a_400(service: Service) -> None:
    """A signed request naming no skill is refused when a skill id is configured."""
    body = envelope(skill_id=None)
    _assert_rejected(
        post(service.base, body, sign(service.pki, body)), 400, "context.System.application"
    )


def test_signature_is_checked_before_the_skill_id(service: Service) -> None:
    """An unsigned request learns nothing about which skill id is served."""
    _assert_rejected(post(service.base, envelope(skill_id=OTHER_SKILL_ID)), 400, "missing")


def test_skill_failure_is_a_500_without_details(service: Service) -> None:
    """An exception inside the skill becomes a bare 500: no traceback, no message."""
    body = envelope("IntentRequest", intent="ExplodeIntent")
    reply = post(service.base, body, sign(service.pki, body))
    assert reply.status == 500
    assert "secret internal detail" not in reply.text
    assert "Traceback" not in reply.text


def test_request_no_handler_takes_is_a_500_json(service: Service) -> None:
    """A known request type the skill has no handler for is the skill's fault, reported as JSON."""
    body = envelope("IntentRequest", intent="AMAZON.HelpIntent")
    _assert_rejected(post(service.base, body, sign(service.pki, body)), 500, "could not handle")


def test_healthz_answers_200(service: Service) -> None:
    """Load balancers get 200 from GET /healthz without any signature."""
    reply = _send(urllib.request.Request(service.base + "/healthz"))  # noqa: S310  # loopback
    assert (reply.status, reply.body) == (200, {"status": "ok"})


def test_get_on_the_skill_route_and_unknown_paths_are_json_errors(service: Service) -> None:
    """Routing errors are JSON too (405 on the skill route, 404 elsewhere)."""
    assert _send(urllib.request.Request(service.base + "/")).status == 405  # noqa: S310
    assert post(service.base, envelope(), path="/nope").status == 404


def test_custom_route_serves_the_skill_there(pki: Pki, serve: Callable[[Flask], str]) -> None:
    """`route` moves the skill endpoint."""
    host = CertHost({CERT_URL: pki.chain_pem()})
    app = create_app(
        _tiny_skill(),
        route="/alexa",
        cert_fetcher=host,
        clock=Clock(),
        trusted_roots=[pki.root],
        skill_id=SKILL_ID,
    )
    base = serve(app)
    body = envelope()
    assert post(base, body, sign(pki, body), path="/alexa").status == 200
    assert post(base, body, sign(pki, body)).status == 404


def test_create_app_refuses_a_route_that_hides_healthz() -> None:
    """The skill cannot be mounted over the health check."""
    with pytest.raises(ValueError, match="healthz"):
        create_app(_tiny_skill(), route="/healthz", trusted_roots=[])


# ---------------------------------------------------------------- verification on/off


def test_verification_is_on_by_default(pki: Pki, serve: Callable[[Flask], str]) -> None:
    """create_app without `verify` rejects unsigned requests."""
    app = create_app(
        _tiny_skill(),
        cert_fetcher=CertHost(),
        clock=Clock(),
        trusted_roots=[pki.root],
        skill_id=SKILL_ID,
    )
    _assert_rejected(post(serve(app), envelope()), 400, "missing SignatureCertChainUrl")


def test_verify_false_accepts_unsigned_and_stale_requests(serve: Callable[[Flask], str]) -> None:
    """verify=False (only `serve --dev`) skips signature and timestamp checks."""
    base = serve(create_app(_tiny_skill(), verify=False))
    assert post(base, envelope(age=10_000)).status == 200


def test_verify_false_still_checks_input_and_skill_id(serve: Callable[[Flask], str]) -> None:
    """Turning verification off does not turn off input validation or the skill id check."""
    base = serve(create_app(_tiny_skill(), verify=False, skill_id=SKILL_ID))
    assert post(base, b"{").status == 400
    assert post(base, envelope(skill_id=OTHER_SKILL_ID)).status == 400


# ---------------------------------------------------------------- certificate cache


def test_chain_is_downloaded_once_per_url(service: Service) -> None:
    """Later requests with the same certificate URL use the cache."""
    for _ in range(3):
        body = envelope()
        assert post(service.base, body, sign(service.pki, body)).status == 200
    assert service.host.fetched == [CERT_URL]


def test_cache_entry_lapses_when_the_certificate_expires(service: Service) -> None:
    """After the cached certificate expires the URL is fetched again (and a renewed one works)."""
    body = envelope()
    assert post(service.base, body, sign(service.pki, body)).status == 200
    # 31 days on, the cached certificate has expired; Amazon has published a renewed one.
    renewed = service.pki.leaf(not_before=NOW_DT + 29 * DAY, not_after=NOW_DT + 90 * DAY)
    service.host.files[CERT_URL] = service.pki.chain_pem(renewed)
    service.clock.now = NOW + 31 * 86400
    body = envelope(age=-31 * 86400)
    reply = post(service.base, body, sign(service.pki, body))
    assert reply.status == 200, reply.text
    assert service.host.fetched == [CERT_URL, CERT_URL]


def test_cache_expiry_is_the_earliest_in_the_chain(pki: Pki) -> None:
    """An intermediate expiring before the signing certificate bounds the cache entry."""
    root_key = _key()
    root = _certificate(root_key, "Short Root", root_key, "Short Root", ca=True)
    intermediate = _certificate(
        pki.intermediate_key,
        "Test Intermediate",
        root_key,
        "Short Root",
        ca=True,
        not_after=NOW_DT + 2 * DAY,
    )
    chain = pki.leaf().public_bytes(Encoding.PEM) + intermediate.public_bytes(Encoding.PEM)
    cache = CertificateCache()
    verifier = SignatureVerifier(
        cert_fetcher=CertHost({CERT_URL: chain}), clock=Clock(), trusted_roots=[root], cache=cache
    )
    verifier.signing_certificate(CERT_URL)
    assert cache.get(CERT_URL, NOW + 2 * 86400 - 1) is not None
    assert cache.get(CERT_URL, NOW + 2 * 86400) is None
    assert CERT_URL not in cache


def test_failed_verification_is_remembered_for_a_minute_only(pki: Pki) -> None:
    """A rejected chain is refused again without a download for 60 s, then fetched afresh."""
    host, clock = CertHost({CERT_URL: pki.leaf().public_bytes(Encoding.PEM)}), Clock()
    verifier = SignatureVerifier(cert_fetcher=host, clock=clock, trusted_roots=[pki.root])
    with pytest.raises(RequestRejected, match="not trusted"):
        verifier.signing_certificate(CERT_URL)
    assert len(verifier.cache) == 0
    host.files[CERT_URL] = pki.chain_pem()
    clock.now = NOW + 59
    with pytest.raises(RequestRejected, match="not trusted"):
        verifier.signing_certificate(CERT_URL)
    assert host.fetched == [CERT_URL]
    clock.now = NOW + 61
    verifier.signing_certificate(CERT_URL)
    assert CERT_URL in verifier.cache
    assert host.fetched == [CERT_URL, CERT_URL]


def test_cache_is_bounded_and_keeps_the_recently_used(pki: Pki) -> None:
    """With room for two URLs, a third evicts the least recently used one."""
    cache = CertificateCache(max_entries=2)
    leaf = pki.leaf()
    cache.put("a", leaf, NOW + 100)
    cache.put("b", leaf, NOW + 100)
    assert cache.get("a", NOW) is leaf  # "a" is now the most recently used
    cache.put("c", leaf, NOW + 100)
    assert len(cache) == 2
    assert "b" not in cache
    assert cache.get("a", NOW) is leaf
    assert cache.get("c", NOW) is leaf


def test_many_certificate_urls_do_not_grow_the_cache(service: Service) -> None:
    """Distinct URLs (all valid) are each verified, but the cache stays within its bound."""
    urls = [f"https://s3.amazonaws.com/echo.api/echo-api-cert-{i}.pem" for i in range(40)]
    for url in urls:
        service.host.files[url] = service.pki.chain_pem()
        service.clock.now += 61  # one source may start 4 downloads a minute
        body = envelope(age=NOW - service.clock.now)
        assert post(service.base, body, sign(service.pki, body, url)).status == 200
    assert service.host.fetched == urls
    body = envelope(age=NOW - service.clock.now)
    post(service.base, body, sign(service.pki, body, urls[-1]))  # recent: still cached
    assert len(service.host.fetched) == len(urls)
    body = envelope(age=NOW - service.clock.now)
    post(service.base, body, sign(service.pki, body, urls[0]))  # oldest: long evicted
    assert service.host.fetched[-1] == urls[0]
    assert len(service.host.fetched) == len(urls) + 1


# ---------------------------------------------------------------- the real downloader


class _ChainHandler(http.server.BaseHTTPRequestHandler):
    """Serves /chain.pem, /big.pem, /slow.pem, /moved and 404 for the downloader tests."""

    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/chain.pem")
            self.end_headers()
            return
        if self.path == "/slow.pem":
            time.sleep(1.5)
        payload = {"/chain.pem": b"PEM", "/big.pem": b"x" * 5000, "/slow.pem": b"PEM"}.get(
            self.path
        )
        try:
            self.send_response(200 if payload is not None else 404)
            self.end_headers()
            if payload is not None:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first, which is what the timeout case is about

    def log_message(self, *_args: object) -> None:
        return None


@pytest.fixture
def chain_server() -> Iterator[str]:
    """A plain loopback HTTP server for exercising fetch_certificate_chain."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ChainHandler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_downloader_reads_a_chain(chain_server: str) -> None:
    """The default fetcher returns the body of a 200 response."""
    assert fetch_certificate_chain(chain_server + "/chain.pem") == b"PEM"


@pytest.mark.parametrize(
    ("path", "timeout", "max_bytes", "message"),
    [
        ("/big.pem", 5.0, 4096, "larger than 4096"),
        ("/slow.pem", 0.3, 4096, "timed out"),
        ("/moved", 5.0, 4096, "302"),
        ("/missing.pem", 5.0, 4096, "404"),
    ],
)
def test_downloader_refuses_oversize_slow_redirected_and_missing(
    chain_server: str, path: str, timeout: float, max_bytes: int, message: str
) -> None:
    """Size limit, timeout, no redirects, and HTTP errors all raise CertificateFetchError."""
    with pytest.raises(CertificateFetchError, match=message):
        fetch_certificate_chain(chain_server + path, timeout=timeout, max_bytes=max_bytes)


def test_default_trusted_roots_include_amazons_root() -> None:
    """The default trust store (certifi or the system bundle) holds the root Alexa chains to."""
    names = {
        attribute.value
        for root in default_trusted_roots()
        for attribute in root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    }
    assert "Amazon Root CA 1" in names


def test_production_server_waitress_serves_and_limits(pki: Pki) -> None:
    """The waitress server `serve` runs answers a signed request and refuses an oversize body."""
    host = CertHost({CERT_URL: pki.chain_pem()})
    app = create_app(
        _tiny_skill(), skill_id=SKILL_ID, cert_fetcher=host, clock=Clock(), trusted_roots=[pki.root]
    )
    production = waitress_server(app, "127.0.0.1", 0)
    stop = threading.Event()

    def run() -> None:
        # waitress's run() loops until its sockets are closed, and closing them from another
        # thread races its select(); step the same loop here until told to stop instead.
        while not stop.is_set():
            production.asyncore.loop(timeout=0.05, map=production._map, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{production.effective_port}"
        body = envelope()
        assert post(base, body, sign(pki, body)).status == 200
        big = urllib.request.Request(  # noqa: S310  # loopback
            base + "/",
            data=b"{" + b" " * MAX_BODY_BYTES + b"}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(big, timeout=10)  # noqa: S310  # loopback
        with refused.value as error:
            assert error.code == 413
    finally:
        stop.set()
        thread.join(5)
        # What waitress does on Ctrl-C: stop the workers, close every socket (clients' too).
        production.task_dispatcher.shutdown()
        production.asyncore.close_all(production._map)


# ---------------------------------------------------------------- hardening


def test_json_with_a_5000_digit_integer_is_a_400(service: Service) -> None:
    """An integer past Python's conversion limit makes json raise ValueError: still a clean 400."""
    body = envelope()[:-1] + b', "n": ' + b"9" * 5000 + b"}"
    _assert_rejected(post(service.base, body, sign(service.pki, body)), 400, "JSON")
    assert service.host.fetched == []


@pytest.mark.parametrize(
    "remove",
    [("context",), ("context", "System"), ("context", "System", "application")],
    ids=["context", "System", "application"],
)
def test_signed_request_without_the_context_skill_id_is_a_400(
    service: Service, remove: tuple[str, ...]
) -> None:
    """The context's applicationId is required, even when session.application names our skill."""
    document = json.loads(envelope())
    holder = document
    for key in remove[:-1]:
        holder = holder[key]
    del holder[remove[-1]]
    body = json.dumps(document).encode()
    reply = post(service.base, body, sign(service.pki, body))
    _assert_rejected(reply, 400, "context.System.application.applicationId")


def test_signed_request_without_context_is_a_400_in_dev_mode_too(
    serve: Callable[[Flask], str],
) -> None:
    """With verification off and no skill id, a context-less request is still a 400, not a 500."""
    base = serve(create_app(_tiny_skill(), verify=False))
    document = json.loads(envelope())
    del document["context"]
    _assert_rejected(post(base, json.dumps(document).encode()), 400, "applicationId")


def test_foreign_session_application_with_our_context_id_is_a_400(service: Service) -> None:
    """Both ids must be ours: a foreign session id is refused though the context id is ours."""
    document = json.loads(envelope())
    document["session"]["application"]["applicationId"] = OTHER_SKILL_ID
    body = json.dumps(document).encode()
    _assert_rejected(post(service.base, body, sign(service.pki, body)), 400, "different skill")


def _forged_headers(url: str = CERT_URL) -> dict[str, str]:
    """Plausible signature headers no key made: they pass every check that needs no download."""
    return {"SignatureCertChainUrl": url, "Signature-256": base64.b64encode(b"\0" * 256).decode()}


def test_a_stale_forged_request_is_refused_without_a_download(service: Service) -> None:
    """A request dated in the year 2000 fails the timestamp before any certificate is fetched."""
    body = envelope(age=NOW - 946_684_800)
    _assert_rejected(post(service.base, body, _forged_headers()), 400, "timestamp")
    assert service.host.fetched == []


def test_a_forged_request_cannot_tell_a_right_skill_id_from_a_wrong_one(
    service: Service,
) -> None:
    """Unsigned, our skill id and another get the same status and reason: the signature fails."""
    replies = []
    for skill_id in (SKILL_ID, OTHER_SKILL_ID):
        body = envelope(skill_id=skill_id)
        replies.append(post(service.base, body, _forged_headers()))
    assert [r.status for r in replies] == [400, 400]
    assert (
        replies[0].body == replies[1].body == {"error": "request signature does not match the body"}
    )


@pytest.mark.parametrize(
    "spelling",
    [
        CERT_URL,
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert-99.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert-99.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/./echo-api-cert-99.pem",
        "https://s3.amazonaws.com/echo.api//echo-api-cert-99.pem",
        "https://s3.amazonaws.com/echo.api/echo-api-cert-99.pem?versionId=evil#frag",
        "https://user:secret@s3.amazonaws.com/echo.api/echo-api-cert-99.pem",
    ],
)
def test_the_certificate_url_is_rebuilt_from_its_normalised_path(spelling: str) -> None:
    """What is fetched is https://s3.amazonaws.com + the normalised path: no port, user, query."""
    assert check_cert_url(spelling) == CERT_URL


def test_spellings_of_one_certificate_url_share_one_download(service: Service) -> None:
    """The normalised URL is both what is downloaded and the cache key: one fetch for all."""
    for url in (
        CERT_URL,
        "https://S3.amazonaws.com:443/echo.api/../echo.api/echo-api-cert-99.pem",
        "https://s3.amazonaws.com/echo.api/echo-api-cert-99.pem?x=1",
    ):
        body = envelope()
        reply = post(service.base, body, sign(service.pki, body, url))
        assert reply.status == 200, reply.text
    assert service.host.fetched == [CERT_URL]


def test_concurrent_requests_share_one_in_flight_download(
    pki: Pki, serve: Callable[[Flask], str]
) -> None:
    """Twelve requests arriving while the chain downloads (a start-up burst) share that download."""
    release, fetched = threading.Event(), []

    def slow_fetch(url: str) -> bytes:
        fetched.append(url)
        release.wait(5)
        return pki.chain_pem()

    base = serve(
        create_app(
            _tiny_skill(),
            skill_id=SKILL_ID,
            cert_fetcher=slow_fetch,
            clock=Clock(),
            trusted_roots=[pki.root],
        )
    )
    statuses: list[int] = []

    def one() -> None:
        body = envelope()
        statuses.append(post(base, body, sign(pki, body)).status)

    threads = [threading.Thread(target=one) for _ in range(12)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every request is now inside the verifier, waiting
    release.set()
    for thread in threads:
        thread.join(10)
    assert statuses == [200] * 12
    assert fetched == [CERT_URL]


def test_a_request_behind_a_slow_download_gives_up_with_a_503(pki: Pki) -> None:
    """A request waiting for another's download frees its thread after `follower_wait`."""
    release = threading.Event()

    def stuck_fetch(_url: str) -> bytes:
        release.wait(10)
        return pki.chain_pem()

    verifier = SignatureVerifier(
        cert_fetcher=stuck_fetch, clock=Clock(), trusted_roots=[pki.root], follower_wait=0.3
    )
    leader = threading.Thread(target=verifier.signing_certificate, args=(CERT_URL,))
    leader.start()
    time.sleep(0.2)
    began = time.monotonic()
    with pytest.raises(RequestRejected, match="busy") as refused:
        verifier.signing_certificate(CERT_URL)
    assert refused.value.status == 503
    assert time.monotonic() - began < 2
    release.set()
    leader.join(10)
    assert verifier.signing_certificate(CERT_URL) is not None


def test_at_most_the_slot_count_of_urls_download_at_once(pki: Pki) -> None:
    """With one slot, a second URL is refused with a 503 at once while the first downloads."""
    release = threading.Event()

    def stuck_fetch(_url: str) -> bytes:
        release.wait(10)
        return pki.chain_pem()

    verifier = SignatureVerifier(
        cert_fetcher=stuck_fetch, clock=Clock(), trusted_roots=[pki.root], download_slots=1
    )
    leader = threading.Thread(target=verifier.signing_certificate, args=(CERT_URL,))
    leader.start()
    time.sleep(0.2)
    with pytest.raises(RequestRejected, match="busy") as refused:
        verifier.signing_certificate("https://s3.amazonaws.com/echo.api/echo-api-cert-7.pem")
    assert refused.value.status == 503
    release.set()
    leader.join(10)
    verifier.signing_certificate(
        "https://s3.amazonaws.com/echo.api/echo-api-cert-7.pem"
    )  # slot free again


def test_a_failed_download_is_remembered_for_about_a_minute(service: Service) -> None:
    """A URL whose chain cannot be had is not fetched again for 60 s, then it is."""
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert-404.pem"
    for _ in range(3):
        body = envelope()
        _assert_rejected(post(service.base, body, sign(service.pki, body, url)), 400, "downloaded")
    assert service.host.fetched == [url]
    service.clock.now = NOW + 61
    body = envelope(age=-61)
    _assert_rejected(post(service.base, body, sign(service.pki, body, url)), 400, "downloaded")
    assert service.host.fetched == [url, url]


class _TrickleHandler(http.server.BaseHTTPRequestHandler):
    """Answers 200 at once, then sends a byte of a 40-byte body every 0.2 s (no read times out)."""

    def do_GET(self) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Length", "40")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the downloader gave up, which is the point

    def log_message(self, *_args: object) -> None:
        return None


@pytest.fixture
def trickle_server() -> Iterator[str]:
    """A real loopback HTTP server that trickles its answers."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TrickleHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_has_a_total_deadline_not_only_a_read_timeout(trickle_server: str) -> None:
    """A server trickling a byte every 0.2 s is cut off at the deadline despite a 1 s timeout."""
    began = time.monotonic()
    with pytest.raises(CertificateFetchError, match=r"took longer than 1\.5 s"):
        fetch_certificate_chain(trickle_server + "/chain.pem", timeout=1.0, deadline=1.5)
    assert time.monotonic() - began < 3.0


def test_slow_downloads_never_hold_every_server_thread(pki: Pki, trickle_server: str) -> None:
    """With eight requests stuck on slow chain hosts, /healthz and cached requests still answer."""

    def fetch(url: str) -> bytes:  # the s3 path, served by the slow loopback host
        path = url.removeprefix("https://s3.amazonaws.com")
        return fetch_certificate_chain(trickle_server + path, timeout=1.0)  # 4 s deadline

    app = create_app(
        _tiny_skill(),
        skill_id=SKILL_ID,
        cert_fetcher=fetch,
        clock=Clock(),
        trusted_roots=[pki.root],
    )
    with waitress_on_loopback(app) as base:
        statuses: list[int] = []

        def slow(index: int) -> None:
            body = envelope()
            url = f"https://s3.amazonaws.com/echo.api/echo-api-cert-{index}.pem"
            statuses.append(post(base, body, sign(pki, body, url)).status)

        threads = [threading.Thread(target=slow, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        began = time.monotonic()
        health = _send(urllib.request.Request(base + "/healthz"))  # noqa: S310  # loopback
        waited = time.monotonic() - began
        for thread in threads:
            thread.join(10)
    assert health.status == 200
    assert waited < 1.0, f"/healthz waited {waited:.1f} s behind chain downloads"
    # Four requests held the download slots until the deadline; the rest were told to retry.
    assert sorted(statuses) == [400] * 4 + [503] * 4


def test_a_rejection_is_one_warning_line_without_traceback_or_the_whole_url(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    """A forged request logs one WARNING with the reason and at most 100 characters of its URL."""
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert-1.pem?" + "A" * 3000
    body = envelope()
    with caplog.at_level(logging.DEBUG):
        reply = post(service.base, body, sign(service.pki, body, url))
    assert reply.status == 400
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1, [r.getMessage()[:200] for r in records]
    (record,) = records
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    message = record.getMessage()
    assert "could not be downloaded" in message
    assert "A" * 100 not in message
    assert "(+" in message
    assert len(message) < 400


def test_flask_serves_no_static_route(pki: Pki) -> None:
    """The app registers only the skill and health routes: no /static from the package directory."""
    app = create_app(
        _tiny_skill(), skill_id=SKILL_ID, cert_fetcher=CertHost(), trusted_roots=[pki.root]
    )
    assert sorted(rule.rule for rule in app.url_map.iter_rules()) == ["/", "/healthz"]
    assert app.static_folder is None


def test_a_verifying_app_needs_a_skill_id(pki: Pki) -> None:
    """create_app refuses to verify without a skill id: it would serve every skill's requests."""
    with pytest.raises(ValueError, match="skill id"):
        create_app(_tiny_skill(), cert_fetcher=CertHost(), trusted_roots=[pki.root])
