"""Checks that a request really comes from Alexa, built on `cryptography`'s X.509 verification.

Implements the rules of Amazon's "Host a custom skill as a web service" page as ASK SDK
`AbstractVerifier`s, which the web app runs before the skill sees a request:

- `SignatureHeaderVerifier` (cheap, no I/O): both signature headers present, the
  `SignatureCertChainUrl` one Amazon could have sent (https://s3.amazonaws.com[:443]/echo.api/...),
  the signature base64. It runs first, so an unsigned request learns nothing else.
- `SignatureVerifier`: the same checks, then the PEM chain behind the URL rebuilt from its
  normalised path (`https://s3.amazonaws.com` + path: the one URL both downloaded and used as the
  cache key; downloaded with a per-read timeout, a total deadline and a size limit; one download
  per URL shared by concurrent requests, who wait for it at most `FOLLOWER_WAIT_SECONDS`; a failure
  remembered for a minute; at most `DOWNLOAD_SLOTS` downloads at once, so they never hold every
  server thread; a verified chain cached until the first certificate in it expires) must chain to a
  trusted root, be valid at the clock's now, and name `echo-api.amazon.com` in the signing
  certificate's SAN; the `Signature-256` header must be a base64 RSA PKCS#1 v1.5 SHA-256 signature
  of the raw body. Path validation is `cryptography`'s Web PKI profile (RFC 5280 and CA/Browser
  Forum rules) minus its serverAuth requirement, which Amazon's rules do not have (see
  `_EE_POLICY`). Amazon moved every request to `Signature-256` in March 2022 (its SDKs for Python,
  Node.js and Java dropped the SHA-1 `Signature` header at the same time), so the SHA-1 header is
  deliberately not accepted.
- `TimestampVerifier`: `request.timestamp` within 150 s of now, or within an hour for skill events
  (`AlexaSkillEvent.*`), which Alexa may deliver late.
- `SkillIdVerifier`: `context.System.application.applicationId` is present and is the configured
  skill, and so is `session.application.applicationId` when there is a session.

`verifiers()` gives them in the order to run: the cheap checks (headers, timestamp, skill id) before
anything that downloads. Every failure raises `RequestRejected`, which carries the HTTP status, a
short public reason and, for the log, a detail the caller is not told.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import http.client
import json
import logging
import posixpath
import re
import socket
import ssl
import threading
import time
import warnings
from abc import abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import DNSName
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    Policy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from runner_strength.alexa.requests import parse_timestamp

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    Clock = Callable[[], float]
    CertFetcher = Callable[[str], bytes]

log = logging.getLogger(__name__)

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
CERT_URL_FILE = re.compile(r"/echo\.api/echo-api-cert(?:-[0-9]{1,4})?\.pem")
"""The chain files Amazon names (echo-api-cert.pem, echo-api-cert-12.pem ...): any other file
under /echo.api/ is refused before a download slot is taken."""
CERT_URL_PORT = 443
MIN_RSA_KEY_BITS = 2048
"""A signing key shorter than this is refused, whatever chain vouches for it."""
SIGNING_DOMAIN = "echo-api.amazon.com"

TIMESTAMP_TOLERANCE_SECONDS = 150.0
SKILL_EVENT_TOLERANCE_SECONDS = 3600.0
SKILL_EVENT_PREFIX = "AlexaSkillEvent."

FETCH_TIMEOUT_SECONDS = 2.0
"""Longest wait for any one network step of a download (connect, TLS, each read)."""
DOWNLOAD_DEADLINE_SECONDS = 4.0
"""Longest a whole download may take, however the server trickles (inside Alexa's 8 s)."""
FAILURE_CACHE_SECONDS = 60.0
"""How long a URL whose chain could not be had is refused without trying again."""
FAILURE_CACHE_ENTRIES = 64
DOWNLOAD_SLOTS = 4
"""Chain URLs that may be downloading at once; a request that would start one more gets a 503.

The web server runs twice as many threads (`server.WAITRESS_THREADS`), so slow certificate hosts
never hold every thread: health checks and requests with a cached chain are still served.
"""
FOLLOWER_WAIT_SECONDS = 1.5
"""Longest a request waits for a download another request started (a normal one takes well under
a second); then it gets a 503, and its thread is free again."""
MAX_CHAIN_BYTES = 64 * 1024
"""Amazon's chain is a few kilobytes; anything far larger is not a certificate chain."""
CACHE_ENTRIES = 16
"""Amazon rotates through a handful of chain URLs; a few more slots cost nothing."""
MAX_CHAIN_CERTIFICATES = 8
SOURCE_DOWNLOADS = 4
"""Chain downloads one source address may start per `SOURCE_WINDOW_SECONDS` (Alexa needs about one
a day: its chain is cached until it expires)."""
SOURCE_WINDOW_SECONDS = 60.0
SOURCE_ENTRIES = 1024
"""Source addresses remembered for the download limit; the oldest go first."""
REPLAY_ENTRIES = 10_000
"""Request ids remembered to refuse a replay; only signed requests get this far."""


class RequestRejected(VerificationException):
    """The request failed a check; `status` and `reason` are safe to send back to the caller.

    `detail` says more for the operator's log (say, why a download failed); never sent back.
    """

    def __init__(self, reason: str, status: int = 400, *, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.detail = detail


class CertificateFetchError(Exception):
    """The certificate chain could not be downloaded."""


# ---------------------------------------------------------------- certificate URL


def check_cert_url(url: str) -> str:
    """The URL to download for a `SignatureCertChainUrl`; `RequestRejected` unless Amazon's.

    The result is rebuilt from the checked parts only: `https://s3.amazonaws.com` and the
    normalised path, with no user info, port, query or fragment, so what is checked is exactly
    what is fetched and cached, and spellings of one URL share one cache entry.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # a malformed port or IPv6 literal
        raise RequestRejected(f"certificate URL is malformed: {error}") from error
    if parts.scheme.lower() != "https":
        raise RequestRejected("certificate URL must use https")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise RequestRejected(f"certificate URL host must be {CERT_URL_HOST}")
    if port is not None and port != CERT_URL_PORT:
        raise RequestRejected(f"certificate URL port must be {CERT_URL_PORT}")
    # Normalise the way the server would (percent-decoding first, so %2e%2e is also ".."), then
    # require the prefix on the result: "/echo.api/../evil" normalises to "/evil" and fails.
    path = unquote(parts.path)
    normalised = posixpath.normpath(path) if path else "/"
    if not normalised.startswith(CERT_URL_PATH_PREFIX):
        raise RequestRejected(f"certificate URL path must start with {CERT_URL_PATH_PREFIX}")
    if not CERT_URL_FILE.fullmatch(normalised):
        raise RequestRejected("certificate URL path must name an echo-api-cert file")
    return f"https://{CERT_URL_HOST}{quote(normalised, safe='/')}"


# ---------------------------------------------------------------- download


def fetch_certificate_chain(
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT_SECONDS,
    deadline: float = DOWNLOAD_DEADLINE_SECONDS,
    max_bytes: int = MAX_CHAIN_BYTES,
) -> bytes:
    """Download the PEM chain at `url`; raise `CertificateFetchError` on any failure or oversize.

    `timeout` bounds each network step and `deadline` the whole download: when it passes, a
    watchdog shuts the socket down, which ends whatever read is waiting (a server that sends one
    byte every half second never trips a per-read timeout). Redirects are not followed: the chain
    must come from the URL that was checked. TLS is verified against the default trust store.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    path = parts.path or "/"
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    elif parts.scheme == "http":  # only tests, on loopback: check_cert_url allows https alone
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    else:
        raise CertificateFetchError(f"unsupported scheme {parts.scheme!r}")
    expired = threading.Event()
    # http.client drops `connection.sock` once the response owns the stream (HTTP/1.0, or
    # "Connection: close"), so the watchdog keeps its own reference to every socket it may cut.
    sockets: list[socket.socket] = []

    def cut_off() -> None:
        expired.set()
        for sock in [*sockets, connection.sock]:
            if sock is not None:
                # Already closed means the download ended on its own.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(deadline, cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        sockets.append(connection.sock)
        data = _download(connection, path, max_bytes)
    except (http.client.HTTPException, OSError, ValueError) as error:
        if expired.is_set():
            raise CertificateFetchError(f"took longer than {deadline:g} s") from error
        raise CertificateFetchError(str(error) or type(error).__name__) from error
    finally:
        watchdog.cancel()
        connection.close()
    if expired.is_set():
        raise CertificateFetchError(f"took longer than {deadline:g} s")
    return data


def _download(connection: http.client.HTTPConnection, path: str, max_bytes: int) -> bytes:
    connection.request("GET", path, headers={"Accept": "*/*"})
    response = connection.getresponse()
    if response.status != 200:
        raise CertificateFetchError(f"HTTP {response.status}")
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        chunk = response.read1(max_bytes + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > max_bytes:
        raise CertificateFetchError(f"larger than {max_bytes} bytes")
    return b"".join(chunks)


# ---------------------------------------------------------------- trusted roots


def _parse_pem_bundle(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle that `cryptography` parses without complaint.

    Bundles can hold a legacy root that `cryptography` refuses, or accepts with a deprecation
    warning (a non-positive serial number) and will refuse in a later release. Skipping those
    beats failing to load the whole bundle (and so trusting nothing); Amazon's roots are modern.
    """
    certificates = []
    marker = b"-----END CERTIFICATE-----"
    with warnings.catch_warnings():  # runs once, at start-up, so no other thread is affected
        warnings.simplefilter("error", CryptographyDeprecationWarning)
        for block in data.split(marker):
            if b"-----BEGIN CERTIFICATE-----" not in block:
                continue
            try:
                certificates.append(x509.load_pem_x509_certificate(block + marker))
            except (ValueError, CryptographyDeprecationWarning):
                log.debug("skipping a root certificate cryptography rejects")
    return certificates


def default_trusted_roots() -> list[x509.Certificate]:
    """The roots Alexa's chain must end in: certifi's bundle, or the system bundle without it."""
    candidates: list[str] = []
    try:
        import certifi  # noqa: PLC0415  # optional; requests (an ASK SDK dependency) brings it

        candidates.append(certifi.where())
    except ImportError:
        pass
    paths = ssl.get_default_verify_paths()
    candidates += [p for p in (paths.cafile, paths.openssl_cafile) if p]
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            roots = _parse_pem_bundle(path.read_bytes())
            if roots:
                return roots
    raise RuntimeError("no trusted root certificates found (install certifi or ca-certificates)")


# ---------------------------------------------------------------- cache


@dataclass(frozen=True, slots=True)
class _Entry:
    certificate: x509.Certificate
    expires_at: float


class CertificateCache:
    """Verified signing certificates by chain URL, bounded and honouring certificate expiry.

    When full, the least recently used URL goes first; an entry lapses when the earliest
    `not_valid_after` in its verified chain passes.
    """

    def __init__(self, max_entries: int = CACHE_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # waitress serves requests on several threads at once.
        self._lock = threading.Lock()

    def get(self, url: str, now: float) -> x509.Certificate | None:
        """The cached certificate for `url`, or None when absent or expired (and then dropped)."""
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                return None
            if now >= entry.expires_at:
                del self._entries[url]
                return None
            self._entries.move_to_end(url)
            return entry.certificate

    def put(self, url: str, certificate: x509.Certificate, expires_at: float) -> None:
        """Remember a verified certificate until `expires_at` (epoch seconds)."""
        with self._lock:
            self._entries[url] = _Entry(certificate, expires_at)
            self._entries.move_to_end(url)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, url: object) -> bool:
        with self._lock:
            return url in self._entries


# ---------------------------------------------------------------- limits


class SourceLimiter:
    """At most `per_window` events per source in any `window` seconds (a sliding log per source).

    Bounded: past `max_sources` the source seen least recently is forgotten.
    """

    def __init__(
        self,
        per_window: int = SOURCE_DOWNLOADS,
        window: float = SOURCE_WINDOW_SECONDS,
        max_sources: int = SOURCE_ENTRIES,
    ) -> None:
        self._per_window = per_window
        self._window = window
        self._max_sources = max_sources
        self._seen: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, source: str, now: float) -> bool:
        """Count one event for `source` at `now`; False (nothing counted) when over the limit."""
        with self._lock:
            times = [t for t in self._seen.pop(source, []) if now - t < self._window]
            allowed = len(times) < self._per_window
            if allowed:
                times.append(now)
            self._seen[source] = times
            while len(self._seen) > self._max_sources:
                self._seen.popitem(last=False)
            return allowed


class ReplayGuard:
    """Request ids seen lately, each kept until its request's timestamp leaves the tolerance.

    A request whose id is here is a replay (Alexa never sends one id twice, except to retry a
    skill event). Only this process remembers: another web process or Lambda instance does not
    know these ids (docs/hardening.md). At `max_entries` the id that lapses first goes.
    """

    def __init__(self, max_entries: int = REPLAY_ENTRIES) -> None:
        self._max_entries = max_entries
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, request_id: str, until: float, now: float) -> bool:
        """Remember `request_id` until `until`; False when it was already remembered at `now`."""
        with self._lock:
            known = self._until.get(request_id)
            if known is not None and known > now:
                return False
            if len(self._until) >= self._max_entries:
                for key in [k for k, t in self._until.items() if t <= now]:
                    del self._until[key]
                if len(self._until) >= self._max_entries:
                    del self._until[min(self._until, key=self._until.__getitem__)]
            self._until[request_id] = until
            return True


# ---------------------------------------------------------------- verifiers


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    """A header by case-insensitive name (the SDK passes whatever mapping the framework has)."""
    wanted = name.lower()
    for key, value in headers.items():
        if str(key).lower() == wanted:
            return str(value)
    return None


def _utc(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)


def _signature_headers(headers: Mapping[str, Any]) -> tuple[str, bytes]:
    """The download URL for the certificate chain and the decoded signature; the cheap checks."""
    cert_url = _header(headers, CERT_URL_HEADER)
    signature_b64 = _header(headers, SIGNATURE_HEADER)
    if not cert_url:
        raise RequestRejected(f"missing {CERT_URL_HEADER} header")
    if not signature_b64:
        raise RequestRejected(f"missing {SIGNATURE_HEADER} header")
    url = check_cert_url(cert_url)
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise RequestRejected(f"{SIGNATURE_HEADER} is not base64") from error
    return url, signature


class RawVerifier(AbstractVerifier):
    """A check on the request as sent: its headers, its raw body and that body's JSON.

    `verify` is the ASK SDK's interface (the SDK's adapter passes the body as text and its own
    model of it); `check` is what the web app calls, with the bytes and the JSON it read itself.
    """

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str,
        deserialized_request_env: object,
    ) -> None:
        """Raise `RequestRejected` unless the request passes this check."""
        body = serialized_request_env.encode("utf-8")
        document = raw_document(serialized_request_env, deserialized_request_env)
        self.check(headers, body, document)

    @abstractmethod
    def check(
        self,
        headers: Mapping[str, Any],
        body: bytes,
        document: Mapping[str, Any],
        *,
        source: str | None = None,
    ) -> None:
        """Raise `RequestRejected` unless the request passes; `source` is the peer address."""


class SignatureHeaderVerifier(RawVerifier):
    """The signature checks that need no network: headers present, URL Amazon's, base64."""

    def check(
        self,
        headers: Mapping[str, Any],
        body: bytes,  # noqa: ARG002  # only the headers are read here
        document: Mapping[str, Any],  # noqa: ARG002  # only the headers are read here
        *,
        source: str | None = None,  # noqa: ARG002  # only the headers are read here
    ) -> None:
        """Raise `RequestRejected` unless the request carries plausible signature headers."""
        _signature_headers(headers)


class _Download:
    """One chain download that concurrent requests for the same URL wait on together."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.certificate: x509.Certificate | None = None
        self.failure: RequestRejected | None = None


class SignatureVerifier(RawVerifier):
    """Checks the `Signature-256` header against the certificate chain Alexa points to."""

    def __init__(  # noqa: PLR0913  # every knob is one a test or the server sets
        self,
        *,
        cert_fetcher: CertFetcher = fetch_certificate_chain,
        clock: Clock = time.time,
        trusted_roots: Sequence[x509.Certificate] | None = None,
        cache: CertificateCache | None = None,
        download_slots: int = DOWNLOAD_SLOTS,
        failure_seconds: float = FAILURE_CACHE_SECONDS,
        follower_wait: float = FOLLOWER_WAIT_SECONDS,
    ) -> None:
        roots = list(trusted_roots) if trusted_roots is not None else default_trusted_roots()
        if not roots:
            raise ValueError("at least one trusted root is needed")
        if download_slots < 1:
            raise ValueError("download_slots must be at least 1")
        self._store = Store(roots)
        self._fetch = cert_fetcher
        self._clock = clock
        self.cache = cache if cache is not None else CertificateCache()
        self._failure_seconds = failure_seconds
        self._failures: OrderedDict[str, tuple[float, RequestRejected]] = OrderedDict()
        self._downloads: dict[str, _Download] = {}
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(download_slots)
        self._slot_count = download_slots
        self._follower_wait = follower_wait
        self._sources = SourceLimiter()

    def check(
        self,
        headers: Mapping[str, Any],
        body: bytes,
        document: Mapping[str, Any],  # noqa: ARG002  # the signature covers the raw body only
        *,
        source: str | None = None,
    ) -> None:
        """Raise `RequestRejected` unless the raw body is signed by Alexa's current certificate."""
        self.verify_body(headers, body, source=source)

    def verify_body(
        self, headers: Mapping[str, Any], body: bytes, *, source: str | None = None
    ) -> None:
        """Raise `RequestRejected` unless the raw `body` is signed by Alexa's current certificate.

        `source` (the peer address) is charged for any chain download this request starts: each
        may start `SOURCE_DOWNLOADS` a minute.
        """
        cert_url, signature = _signature_headers(headers)
        public_key = self.signing_certificate(cert_url, source=source).public_key()
        if not isinstance(public_key, RSAPublicKey):
            raise RequestRejected("signing certificate does not hold an RSA key")
        try:
            public_key.verify(signature, body, PKCS1v15(), SHA256())
        except InvalidSignature as error:
            raise RequestRejected("request signature does not match the body") from error

    def signing_certificate(self, cert_url: str, *, source: str | None = None) -> x509.Certificate:
        """The verified signing certificate behind `cert_url` (cached until its chain expires).

        `cert_url` is normalised first (`check_cert_url`), so every spelling of one URL shares
        one cache entry, one download and one remembered failure.
        """
        url = check_cert_url(cert_url)
        now = self._clock()
        cached = self.cache.get(url, now)
        if cached is not None:
            return cached
        return self._shared_download(url, now, source)

    def _shared_download(self, url: str, now: float, source: str | None) -> x509.Certificate:
        """Wait for the download of `url` another request started, or start it for everyone.

        Starting one needs a free slot (at most `download_slots` URLs download at once; without
        one, a 503 at once). Waiting for one needs none, so a burst of requests at start-up all
        share the first download, but a waiter gives up after `follower_wait` seconds (a 503),
        so requests behind a slow download free their threads long before its deadline.
        """
        with self._lock:
            failed = self._failures.get(url)
            if failed is not None and now < failed[0]:
                raise _again(failed[1])
            download = self._downloads.get(url)
            leader = download is None
            if download is None:
                if not self._slots.acquire(blocking=False):
                    raise RequestRejected(
                        "busy fetching certificate chains, try again",
                        status=503,
                        detail=f"{self._slot_count} downloads already running",
                    )
                if source is not None and not self._sources.allow(source, now):
                    self._slots.release()
                    raise RequestRejected(
                        "certificate chain could not be downloaded",
                        detail=f"over {SOURCE_DOWNLOADS} downloads a minute from this source",
                    )
                download = self._downloads[url] = _Download()
        if not leader:
            if not download.done.wait(self._follower_wait):
                raise RequestRejected(
                    "busy fetching certificate chains, try again",
                    status=503,
                    detail=f"the chain download took over {self._follower_wait:g} s",
                )
        else:
            try:
                download.certificate = self._download_and_verify(url, now)
            except RequestRejected as rejected:
                download.failure = rejected
                self._remember_failure(url, now, rejected)
            finally:
                with self._lock:
                    del self._downloads[url]
                self._slots.release()
                download.done.set()
        if download.certificate is not None:
            return download.certificate
        if download.failure is not None:
            raise _again(download.failure)
        raise RequestRejected(
            "certificate chain could not be downloaded", detail="the download failed unexpectedly"
        )

    def _remember_failure(self, url: str, now: float, rejected: RequestRejected) -> None:
        with self._lock:
            # A fresh copy: the raised one's traceback would keep this request's frames alive.
            self._failures[url] = (now + self._failure_seconds, _again(rejected))
            self._failures.move_to_end(url)
            while len(self._failures) > FAILURE_CACHE_ENTRIES:
                self._failures.popitem(last=False)

    def _download_and_verify(self, url: str, now: float) -> x509.Certificate:
        try:
            pem = self._fetch(url)
        except (CertificateFetchError, OSError) as error:
            raise RequestRejected(
                "certificate chain could not be downloaded", detail=str(error)
            ) from error
        leaf, chain = self._verify_chain(pem, now)
        self.cache.put(url, leaf, min(c.not_valid_after_utc.timestamp() for c in chain))
        return leaf

    def _verify_chain(
        self, pem: bytes, now: float
    ) -> tuple[x509.Certificate, list[x509.Certificate]]:
        """The signing certificate and its verified path to a trusted root, checked at `now`."""
        try:
            certificates = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise RequestRejected("certificate chain is not valid PEM") from error
        if len(certificates) > MAX_CHAIN_CERTIFICATES:
            raise RequestRejected("certificate chain is too long")
        leaf, intermediates = certificates[0], certificates[1:]
        key = leaf.public_key()
        if not isinstance(key, RSAPublicKey) or key.key_size < MIN_RSA_KEY_BITS:
            raise RequestRejected(f"signing key is not RSA of at least {MIN_RSA_KEY_BITS} bits")
        # The path validation below checks these too; checking them first names the problem.
        at = _utc(now)
        if not leaf.not_valid_before_utc <= at <= leaf.not_valid_after_utc:
            raise RequestRejected("signing certificate is expired or not yet valid")
        if SIGNING_DOMAIN not in _dns_names(leaf):
            raise RequestRejected(f"signing certificate is not issued to {SIGNING_DOMAIN}")
        verifier = (
            PolicyBuilder()
            .store(self._store)
            .time(at)
            .max_chain_depth(MAX_CHAIN_CERTIFICATES)
            .extension_policies(ca_policy=_CA_POLICY, ee_policy=_EE_POLICY)
            .build_server_verifier(DNSName(SIGNING_DOMAIN))
        )
        try:
            chain = verifier.verify(leaf, intermediates)
        except VerificationError as error:
            raise RequestRejected("certificate chain is not trusted", detail=str(error)) from error
        return leaf, chain


def _again(rejected: RequestRejected) -> RequestRejected:
    """A fresh copy of a remembered rejection (one exception object is not raised twice)."""
    return RequestRejected(rejected.reason, rejected.status, detail=rejected.detail)


def _check_signing_key_usage(
    _policy: Policy, _certificate: x509.Certificate, usage: x509.KeyUsage | None
) -> None:
    """A signing certificate must allow signatures and must not be a CA key."""
    if usage is not None and (not usage.digital_signature or usage.key_cert_sign):
        raise ValueError("key usage does not allow request signatures")


# The Web PKI profile, with changes that follow Amazon's rules (and its own SDKs): no certificate
# in the chain needs the serverAuth extended key usage, because the signing certificate signs
# requests rather than serving TLS; and the signing certificate's key usage must allow signatures.
_CA_POLICY = ExtensionPolicy.webpki_defaults_ca().may_be_present(
    x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None
)
_EE_POLICY = (
    ExtensionPolicy.webpki_defaults_ee()
    .may_be_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None)
    .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, _check_signing_key_usage)
)


def _dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [name.lower() for name in san.value.get_values_for_type(x509.DNSName)]


def raw_document(serialized: str | bytes, deserialized: object) -> Mapping[str, Any]:
    """The request as the JSON Alexa sent: `deserialized` when it is already that dict.

    The checks read the raw JSON, never the SDK's model of it: the model's reader accepts dates
    in any form dateutil can guess and lets a snake_case key stand in for Alexa's camelCase one.
    """
    if isinstance(deserialized, dict):
        return deserialized
    try:
        document = json.loads(serialized)
    except (ValueError, RecursionError) as error:
        raise RequestRejected("request body is not JSON this service can read") from error
    if not isinstance(document, dict):
        raise RequestRejected("request body is not an Alexa request envelope")
    return document


def dig(node: object, *keys: str) -> object:
    """`node[k1][k2]...`, or None where a step is missing or not a JSON object."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def request_time(document: Mapping[str, Any]) -> datetime:
    """The request's `timestamp`, read strictly as ISO 8601; `RequestRejected` otherwise."""
    stamp = dig(document, "request", "timestamp")
    when = parse_timestamp(stamp) if isinstance(stamp, str) else None
    if when is None:
        raise RequestRejected("request timestamp is missing or not ISO 8601")
    return when


def tolerance_for(document: Mapping[str, Any], tolerance: float, skill_event: float) -> float:
    """How far the request's timestamp may be from now: longer for skill events."""
    request_type = dig(document, "request", "type")
    is_event = isinstance(request_type, str) and request_type.startswith(SKILL_EVENT_PREFIX)
    return skill_event if is_event else tolerance


class TimestampVerifier(RawVerifier):
    """Rejects replays: the request's own timestamp must be close to the clock's now."""

    def __init__(
        self,
        *,
        clock: Clock = time.time,
        tolerance: float = TIMESTAMP_TOLERANCE_SECONDS,
        skill_event_tolerance: float = SKILL_EVENT_TOLERANCE_SECONDS,
    ) -> None:
        self._clock = clock
        self._tolerance = tolerance
        self._skill_event_tolerance = skill_event_tolerance

    def check(
        self,
        headers: Mapping[str, Any],  # noqa: ARG002  # the timestamp lives in the body
        body: bytes,  # noqa: ARG002  # read as `document`
        document: Mapping[str, Any],
        *,
        source: str | None = None,  # noqa: ARG002  # any source, same rule
    ) -> None:
        """Raise `RequestRejected` when the request is older or newer than the tolerance."""
        stamp = request_time(document)
        limit = self.limit(document)
        if abs(self._clock() - stamp.timestamp()) > limit:
            raise RequestRejected(f"request timestamp is more than {limit:.0f} s from now")

    def limit(self, document: Mapping[str, Any]) -> float:
        """The tolerance for this request (seconds either side of now)."""
        return tolerance_for(document, self._tolerance, self._skill_event_tolerance)


class SkillIdVerifier(RawVerifier):
    """Rejects requests for any skill but ours (Alexa only sends ours; others are misrouted).

    Alexa puts the skill id in `context.System.application` on every request, and in
    `session.application` too when there is a session: the first is required, and both must be ours.
    """

    def __init__(self, skill_id: str) -> None:
        self._skill_id = skill_id

    def check(
        self,
        headers: Mapping[str, Any],  # noqa: ARG002  # the skill id lives in the body
        body: bytes,  # noqa: ARG002  # read as `document`
        document: Mapping[str, Any],
        *,
        source: str | None = None,  # noqa: ARG002  # any source, same rule
    ) -> None:
        """Raise `RequestRejected` (400) unless the request names our skill and no other."""
        check_application_ids(document, self._skill_id)


def check_application_ids(document: Mapping[str, Any], skill_id: str) -> None:
    """Raise `RequestRejected` unless the context (and the session, if any) name `skill_id`.

    Only Alexa's camelCase `applicationId` is read. Every refusal is the same 400 as a bad
    signature: a caller cannot tell a right skill id from a wrong one by the answer.
    """
    context_id = dig(document, "context", "System", "application", "applicationId")
    if not isinstance(context_id, str) or not context_id:
        raise RequestRejected("request names no skill id in context.System.application")
    session_id = dig(document, "session", "application", "applicationId")
    if context_id != skill_id or (session_id is not None and session_id != skill_id):
        raise RequestRejected("request is for a different skill")


def verifiers(
    *,
    verify: bool,
    skill_id: str | None,
    signature: SignatureVerifier | None = None,
    clock: Clock = time.time,
) -> list[RawVerifier]:
    """The checks a request goes through, cheapest first, all on the raw request.

    Signature headers (no I/O), then the timestamp, then the certificate chain and the signature,
    and only then the skill id: a caller who cannot sign learns nothing about the skill id.
    """
    chain: list[RawVerifier] = []
    if verify:
        if signature is None:
            raise ValueError("a verifying service needs a SignatureVerifier")
        chain += [SignatureHeaderVerifier(), TimestampVerifier(clock=clock), signature]
    if skill_id:
        chain.append(SkillIdVerifier(skill_id))
    return chain
