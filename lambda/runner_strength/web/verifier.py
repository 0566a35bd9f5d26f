"""Checks that a request really comes from Alexa, built on `cryptography`'s X.509 verification.

Implements the rules of Amazon's "Host a custom skill as a web service" page as ASK SDK
`AbstractVerifier`s, so flask-ask-sdk's `SkillAdapter` runs them before the skill sees a request:

- `SignatureVerifier`: the `SignatureCertChainUrl` must be https://s3.amazonaws.com[:443]/echo.api/...;
  the PEM chain it names (downloaded with a timeout and a size limit, cached per URL until the first
  certificate in it expires) must chain to a trusted root, be valid at the clock's now, and name
  `echo-api.amazon.com` in the signing certificate's SAN; the `Signature-256` header must be a
  base64 RSA PKCS#1 v1.5 SHA-256 signature of the raw body. Path validation is `cryptography`'s
  Web PKI profile (RFC 5280 and CA/Browser Forum rules) minus its serverAuth requirement, which
  Amazon's rules do not have (see `_EE_POLICY`). Amazon moved every request to
  `Signature-256` in March 2022 (its SDKs for Python, Node.js and Java dropped the SHA-1 `Signature`
  header at the same time), so the SHA-1 header is deliberately not accepted.
- `TimestampVerifier`: `request.timestamp` within 150 s of now, or within an hour for skill events
  (`AlexaSkillEvent.*`), which Alexa may deliver late.
- `SkillIdVerifier`: the request is for the configured skill.

Every failure raises `RequestRejected`, which carries the HTTP status and a short public reason.
"""

from __future__ import annotations

import base64
import binascii
import logging
import posixpath
import ssl
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

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

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    Clock = Callable[[], float]
    CertFetcher = Callable[[str], bytes]

log = logging.getLogger(__name__)

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
CERT_URL_PORT = 443
SIGNING_DOMAIN = "echo-api.amazon.com"

TIMESTAMP_TOLERANCE_SECONDS = 150.0
SKILL_EVENT_TOLERANCE_SECONDS = 3600.0
SKILL_EVENT_PREFIX = "AlexaSkillEvent."

FETCH_TIMEOUT_SECONDS = 5.0
MAX_CHAIN_BYTES = 64 * 1024
"""Amazon's chain is a few kilobytes; anything far larger is not a certificate chain."""
CACHE_ENTRIES = 16
"""Amazon rotates through a handful of chain URLs; a few more slots cost nothing."""
MAX_CHAIN_CERTIFICATES = 8


class RequestRejected(VerificationException):
    """The request failed a check; `status` and `reason` are safe to send back to the caller."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class CertificateFetchError(Exception):
    """The certificate chain could not be downloaded."""


# ---------------------------------------------------------------- certificate URL


def check_cert_url(url: str) -> None:
    """Raise `RequestRejected` unless `url` is a `SignatureCertChainUrl` Amazon could have sent."""
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


# ---------------------------------------------------------------- download


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """The chain must come from the URL that was checked, not wherever a redirect points."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def fetch_certificate_chain(
    url: str, *, timeout: float = FETCH_TIMEOUT_SECONDS, max_bytes: int = MAX_CHAIN_BYTES
) -> bytes:
    """Download the PEM chain at `url`; raise `CertificateFetchError` on any failure or oversize."""
    opener = urllib.request.build_opener(_RefuseRedirects())
    try:
        # The scheme is checked by check_cert_url before any fetch; urllib verifies TLS itself.
        with opener.open(url, timeout=timeout) as response:
            if response.status != 200:
                raise CertificateFetchError(f"HTTP {response.status}")
            data: bytes = response.read(max_bytes + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise CertificateFetchError(str(error)) from error
    if len(data) > max_bytes:
        raise CertificateFetchError(f"larger than {max_bytes} bytes")
    return data


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


class SignatureVerifier(AbstractVerifier):
    """Checks the `Signature-256` header against the certificate chain Alexa points to."""

    def __init__(
        self,
        *,
        cert_fetcher: CertFetcher = fetch_certificate_chain,
        clock: Clock = time.time,
        trusted_roots: Sequence[x509.Certificate] | None = None,
        cache: CertificateCache | None = None,
    ) -> None:
        roots = list(trusted_roots) if trusted_roots is not None else default_trusted_roots()
        if not roots:
            raise ValueError("at least one trusted root is needed")
        self._store = Store(roots)
        self._fetch = cert_fetcher
        self._clock = clock
        self.cache = cache if cache is not None else CertificateCache()

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str,
        deserialized_request_env: object,  # noqa: ARG002  # the signature covers the raw body only
    ) -> None:
        """Raise `RequestRejected` unless the body is signed by Alexa's current certificate."""
        cert_url = _header(headers, CERT_URL_HEADER)
        signature_b64 = _header(headers, SIGNATURE_HEADER)
        if not cert_url:
            raise RequestRejected(f"missing {CERT_URL_HEADER} header")
        if not signature_b64:
            raise RequestRejected(f"missing {SIGNATURE_HEADER} header")
        check_cert_url(cert_url)
        try:
            signature = base64.b64decode(signature_b64.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise RequestRejected(f"{SIGNATURE_HEADER} is not base64") from error
        public_key = self.signing_certificate(cert_url).public_key()
        if not isinstance(public_key, RSAPublicKey):
            raise RequestRejected("signing certificate does not hold an RSA key")
        # The SDK hands over the body decoded as UTF-8 (the app rejects bodies that are not), and
        # encoding valid UTF-8 again gives back exactly the bytes Alexa signed.
        body = serialized_request_env.encode("utf-8")
        try:
            public_key.verify(signature, body, PKCS1v15(), SHA256())
        except InvalidSignature as error:
            raise RequestRejected("request signature does not match the body") from error

    def signing_certificate(self, cert_url: str) -> x509.Certificate:
        """The verified signing certificate behind `cert_url` (cached until its chain expires)."""
        now = self._clock()
        cached = self.cache.get(cert_url, now)
        if cached is not None:
            return cached
        try:
            pem = self._fetch(cert_url)
        except (CertificateFetchError, OSError) as error:
            log.warning("certificate chain download failed for %s: %s", cert_url, error)
            raise RequestRejected("certificate chain could not be downloaded") from error
        leaf, chain = self._verify_chain(pem, now)
        self.cache.put(cert_url, leaf, min(c.not_valid_after_utc.timestamp() for c in chain))
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
            log.warning("certificate chain rejected: %s", error)
            raise RequestRejected("certificate chain is not trusted") from error
        return leaf, chain


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


class TimestampVerifier(AbstractVerifier):
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

    def verify(
        self,
        headers: Mapping[str, Any],  # noqa: ARG002  # the timestamp lives in the body
        serialized_request_env: str,  # noqa: ARG002  # the SDK has already parsed it
        deserialized_request_env: Any,  # noqa: ANN401  # ask_sdk_model.RequestEnvelope, untyped
    ) -> None:
        """Raise `RequestRejected` when the request is older or newer than the tolerance."""
        request = getattr(deserialized_request_env, "request", None)
        stamp = getattr(request, "timestamp", None)
        if not isinstance(stamp, datetime):
            raise RequestRejected("request timestamp is missing")
        if stamp.tzinfo is None:  # Alexa always sends UTC ("...Z"); read a bare time the same way
            stamp = stamp.replace(tzinfo=UTC)
        request_type = str(getattr(request, "object_type", "") or "")
        limit = (
            self._skill_event_tolerance
            if request_type.startswith(SKILL_EVENT_PREFIX)
            else self._tolerance
        )
        if abs(self._clock() - stamp.timestamp()) > limit:
            raise RequestRejected(f"request timestamp is more than {limit:.0f} s from now")


class SkillIdVerifier(AbstractVerifier):
    """Rejects requests for any skill but ours (Alexa only sends ours; others are misrouted)."""

    def __init__(self, skill_id: str) -> None:
        self._skill_id = skill_id

    def verify(
        self,
        headers: Mapping[str, Any],  # noqa: ARG002  # the skill id lives in the body
        serialized_request_env: str,  # noqa: ARG002  # the SDK has already parsed it
        deserialized_request_env: Any,  # noqa: ANN401  # ask_sdk_model.RequestEnvelope, untyped
    ) -> None:
        """Raise `RequestRejected` (400 when no skill id is given, 403 when it is another's)."""
        ids = set(_application_ids(deserialized_request_env))
        if not ids:
            raise RequestRejected("request names no skill id")
        if ids != {self._skill_id}:
            raise RequestRejected("request is for a different skill", status=403)


def _application_ids(envelope: Any) -> Iterable[str]:  # noqa: ANN401  # untyped SDK model
    """The skill ids an envelope names, in `context.System` and in `session`."""
    for holder in (
        getattr(getattr(envelope, "context", None), "system", None),
        getattr(envelope, "session", None),
    ):
        application_id = getattr(getattr(holder, "application", None), "application_id", None)
        if application_id:
            yield str(application_id)
