"""The oscrypto work-around: flask-ask-sdk imports, and the stand-in can only ever refuse."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Importing the package applies the work-around, so it comes before any SDK import below.
from runner_strength.web import compat


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_plain_import_fails_exactly_when_the_stand_in_is_needed() -> None:
    """In fresh interpreters, a direct SDK import fails exactly when ours needs the stand-in."""
    plain = _python("import flask_ask_sdk.skill_adapter")
    ours = _python(
        "import runner_strength.web\n"
        "from flask_ask_sdk.skill_adapter import SkillAdapter\n"
        "from runner_strength.web.compat import is_stand_in_active\n"
        "print(is_stand_in_active())"
    )
    assert ours.returncode == 0, ours.stderr
    stand_in = ours.stdout.strip() == "True"
    assert (plain.returncode != 0) == stand_in
    if stand_in:  # the failure is oscrypto's version check (wbond/oscrypto#78), not anything else
        assert "LibraryNotFoundError" in plain.stderr
        assert "Error detecting the version of libcrypto" in plain.stderr


def test_flask_ask_sdk_imports_in_this_process() -> None:
    """After importing runner_strength.web, the SDK's adapter is importable."""
    from flask_ask_sdk.skill_adapter import SkillAdapter  # noqa: PLC0415  # the import is the test

    assert SkillAdapter.__name__ == "SkillAdapter"


def test_sdk_request_verifier_fails_closed() -> None:
    """The SDK's own RequestVerifier (never used by us) rejects a chain rather than accepting it."""
    pem = (
        b"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUAAAAAAAAAAAAAAAAAAAAAAAAAAAw\n"
        b"-----END CERTIFICATE-----\n"
    )
    from ask_sdk_webservice_support.verifier import (  # noqa: PLC0415  # after the work-around
        RequestVerifier,
        VerificationException,
    )

    with pytest.raises(VerificationException):
        RequestVerifier()._validate_cert_chain(pem)


def test_stand_in_validator_refuses_everything() -> None:
    """The stand-in CertificateValidator raises the SDK-caught ValidationError on construction."""
    if not compat.is_stand_in_active():
        pytest.skip("certvalidator imports normally here; no stand-in installed")
    certvalidator = sys.modules["certvalidator"]
    with pytest.raises(sys.modules["certvalidator.errors"].ValidationError):
        certvalidator.CertificateValidator(b"anything", [])


def test_ensure_importable_is_idempotent() -> None:
    """Calling it again changes nothing and reports the same state."""
    before = sys.modules["certvalidator"]
    assert compat.ensure_importable() == compat.is_stand_in_active()
    assert sys.modules["certvalidator"] is before
