"""A throwaway PKI that signs requests the way Alexa does (mirrors tests/test_web_service.py).

A root CA, an intermediate, and a signing certificate for echo-api.amazon.com; the web services
under test trust only this root and "download" the chain from a dictionary, so nothing touches the
network and verification runs in full (chain, SAN, validity, RSA-SHA256 signature).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"
SIGNING_DOMAIN = "echo-api.amazon.com"
DAY = timedelta(days=1)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(  # noqa: PLR0913  # one builder for CA and leaf certificates
    key: rsa.RSAPrivateKey,
    subject: str,
    issuer_key: rsa.RSAPrivateKey,
    issuer: str,
    now: datetime,
    *,
    ca: bool,
) -> x509.Certificate:
    usage = x509.KeyUsage(
        digital_signature=not ca, content_commitment=False, key_encipherment=not ca,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - 30 * DAY)
        .not_valid_after(now + 365 * DAY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .add_extension(usage, critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(SIGNING_DOMAIN)]), critical=False
        ).add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass(frozen=True)
class Pki:
    """A trusted root, the chain Alexa would publish, and the key that signs requests."""

    root_pem: bytes
    chain_pem: bytes
    signing_key: rsa.RSAPrivateKey

    def sign(self, body: bytes) -> dict[str, str]:
        """The signature headers Alexa sends with `body`."""
        signature = self.signing_key.sign(body, PKCS1v15(), hashes.SHA256())
        encoded = base64.b64encode(signature).decode()
        return {"SignatureCertChainUrl": CERT_URL, "Signature-256": encoded}


def make_pki(now: float) -> Pki:
    """A fresh root, intermediate and signing certificate, valid around `now` (epoch seconds)."""
    at = datetime.fromtimestamp(now, UTC)
    root_key, intermediate_key, signing_key = _key(), _key(), _key()
    root = _certificate(root_key, "Bench Root", root_key, "Bench Root", at, ca=True)
    intermediate = _certificate(
        intermediate_key, "Bench Intermediate", root_key, "Bench Root", at, ca=True
    )
    leaf = _certificate(
        signing_key, SIGNING_DOMAIN, intermediate_key, "Bench Intermediate", at, ca=False
    )
    return Pki(
        root.public_bytes(Encoding.PEM),
        leaf.public_bytes(Encoding.PEM) + intermediate.public_bytes(Encoding.PEM),
        signing_key,
    )
