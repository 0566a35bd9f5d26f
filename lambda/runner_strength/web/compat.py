r"""Make flask-ask-sdk importable where oscrypto 1.3.0 cannot read the OpenSSL version.

The problem: `flask_ask_sdk.skill_adapter` imports `ask_sdk_webservice_support.verifier`, which
imports `certvalidator`, which imports `oscrypto`. At import time oscrypto 1.3.0 reads the
libcrypto version with the pattern `\b(\d\.\d\.\d[a-z]*)\b`; a two-digit patch release such as
"OpenSSL 3.0.19" (any 3.0.10 or later) does not match, so it raises `LibraryNotFoundError` and
flask-ask-sdk cannot be imported at all (wbond/oscrypto#78: fixed upstream, never released).

The fix, and why it is safe: this project never uses certvalidator or oscrypto. Requests are
verified by `runner_strength.web.verifier` on `cryptography`'s own X.509 path validation, and the
app turns the SDK's built-in verifiers off. So when - and only when - importing certvalidator fails
with oscrypto's `LibraryNotFoundError`, `ensure_importable()` registers a small stand-in
`certvalidator` package in `sys.modules` whose `CertificateValidator` rejects every certificate.
The SDK's modules then import normally. If anything ever ran the SDK's own `RequestVerifier`, its
chain check would raise `ValidationError`, which the SDK turns into a `VerificationException`: it
fails closed (HTTP 400), never open. Nothing installed is edited and nothing is downloaded; on a
machine where certvalidator imports fine (or once a fixed oscrypto is released) this module
changes nothing. `runner_strength.web` calls `ensure_importable()` when it is imported, so every
module in the package can import the SDK normally.
"""

from __future__ import annotations

import sys
import types

STAND_IN_MARKER = "__runner_strength_stand_in__"
"""Attribute set on the stand-in modules so tests and logs can tell them from the real ones."""


def _stand_in_modules() -> tuple[types.ModuleType, types.ModuleType]:
    """The stand-in `certvalidator` and `certvalidator.errors` (only the names the SDK imports)."""
    errors = types.ModuleType("certvalidator.errors", "Stand-in for certvalidator.errors.")

    class PathError(Exception):
        """No certification path could be built (same name as certvalidator's)."""

    class ValidationError(Exception):
        """The certificate failed validation (same name as certvalidator's)."""

    class CertificateValidator:
        """Rejects every certificate: certvalidator cannot run here, so nothing may rely on it."""

        def __init__(self, *_args: object, **_kwargs: object) -> None:
            raise ValidationError(
                "certvalidator is unavailable (oscrypto cannot load libcrypto); "
                "use runner_strength.web.verifier"
            )

    for cls in (PathError, ValidationError):
        cls.__module__ = errors.__name__
        setattr(errors, cls.__name__, cls)
    package = types.ModuleType("certvalidator", "Stand-in for certvalidator; rejects everything.")
    CertificateValidator.__module__ = package.__name__
    for name, value in (("CertificateValidator", CertificateValidator), ("errors", errors)):
        setattr(package, name, value)
    for module in (package, errors):
        setattr(module, STAND_IN_MARKER, True)
    return package, errors


def ensure_importable() -> bool:
    """Make `ask_sdk_webservice_support.verifier` importable; True when the stand-in was needed."""
    if "ask_sdk_webservice_support.verifier" in sys.modules:
        return is_stand_in_active()
    from oscrypto.errors import LibraryNotFoundError  # noqa: PLC0415  # only needed on this path

    try:
        import certvalidator  # noqa: F401, PLC0415  # the import itself is the probe
    except LibraryNotFoundError:
        # The failed import leaves half-initialised certvalidator submodules behind; drop them so
        # nothing can pick up a mix of real and stand-in pieces.
        for name in [n for n in sys.modules if n.split(".")[0] == "certvalidator"]:
            del sys.modules[name]
        package, errors = _stand_in_modules()
        sys.modules["certvalidator"] = package
        sys.modules["certvalidator.errors"] = errors
        return True
    return False


def is_stand_in_active() -> bool:
    """Whether `certvalidator` in this process is the rejecting stand-in."""
    return bool(getattr(sys.modules.get("certvalidator"), STAND_IN_MARKER, False))
