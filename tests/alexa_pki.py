"""A throwaway PKI that signs requests the way Alexa does, for tests and benchmarks.

A root CA, an intermediate and a signing certificate for echo-api.amazon.com, valid around a given
moment. The web service under test trusts only this root and "downloads" the chain through
`Pki.fetch`, so nothing touches the network and verification runs in full (chain, SAN, validity,
RSA-SHA256 signature).
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

from runner_strength.web.verifier import CertificateFetchError

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-99.pem"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(  # one builder for CA and leaf certificates
    key: rsa.RSAPrivateKey,
    subject: str,
    issuer_key: rsa.RSAPrivateKey,
    issuer: str,
    now: datetime,
    *,
    ca: bool,
) -> x509.Certificate:
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .add_extension(usage, critical=True)
    )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName("echo-api.amazon.com")]), critical=False
        ).add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass(frozen=True)
class Pki:
    """A trusted root, and the chain and key Alexa would sign requests with."""

    root: x509.Certificate
    chain_pem: bytes
    signing_key: rsa.RSAPrivateKey
    intermediate_key: rsa.RSAPrivateKey | None = None
    """The key that issued the signing certificate, to issue others beside it."""

    @property
    def root_pem(self) -> bytes:
        """The root certificate as PEM, for a server started in another process."""
        return self.root.public_bytes(Encoding.PEM)

    def sign(self, body: bytes) -> dict[str, str]:
        """The signature headers Alexa would send with `body`."""
        signature = self.signing_key.sign(body, PKCS1v15(), hashes.SHA256())
        return {
            "SignatureCertChainUrl": CERT_URL,
            "Signature-256": base64.b64encode(signature).decode(),
        }

    def fetch(self, url: str) -> bytes:
        """Stands in for S3: the chain at CERT_URL, a 404 anywhere else."""
        if url != CERT_URL:
            raise CertificateFetchError("HTTP 404")
        return self.chain_pem


def make_pki(now: float) -> Pki:
    """Root, intermediate and signing certificate, valid from 30 days before `now` for a year."""
    moment = datetime.fromtimestamp(now, UTC)
    root_key, intermediate_key, signing_key = _key(), _key(), _key()
    root = _certificate(root_key, "Test Root", root_key, "Test Root", moment, ca=True)
    intermediate = _certificate(
        intermediate_key, "Test Intermediate", root_key, "Test Root", moment, ca=True
    )
    leaf = _certificate(
        signing_key,
        "echo-api.amazon.com",
        intermediate_key,
        "Test Intermediate",
        moment,
        ca=False,
    )
    chain = leaf.public_bytes(Encoding.PEM) + intermediate.public_bytes(Encoding.PEM)
    return Pki(root, chain, signing_key, intermediate_key)
