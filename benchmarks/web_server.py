"""One web service for the web benchmark, served by waitress in its own process.

    python benchmarks/web_server.py {subject|baseline} ROOT_PEM CHAIN_PEM NOW

subject:  `runner_strength.web.app.create_app` over the real skill (in-memory store).
baseline: a bare flask-ask-sdk `SkillAdapter` over the hello-world skill.

Both are served by `runner_strength.web.server.waitress_server` (same WSGI server and settings) and
both run the same checks in the same order, `runner_strength.web.verifier.verifiers` (signature
headers, timestamp, skill id, then the chain and the signature), trusting only ROOT_PEM, with the
chain "download" answered from CHAIN_PEM and the clock fixed at NOW. flask-ask-sdk's default
verifiers cannot be used by either side: they rely on certvalidator/oscrypto, which cannot load
OpenSSL >= 3.0.10 (see runner_strength/web/compat.py), and they only trust Amazon's real
certificate.

Prints one JSON line (port, verifiers) and serves until SIGTERM, then prints how many times the
certificate chain was fetched.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "lambda")]

from cryptography import x509  # noqa: E402
from flask import Flask  # noqa: E402

import baseline_skill  # noqa: E402
from runner_strength.alexa.skill import build_skill  # noqa: E402
from runner_strength.content.compiled import load_compiled  # noqa: E402
from runner_strength.persistence.memory import MemoryAdapter  # noqa: E402
from runner_strength.web.app import create_app  # noqa: E402
from runner_strength.web.server import waitress_server  # noqa: E402
from runner_strength.web.verifier import SignatureVerifier, verifiers  # noqa: E402

SKILL_ID = baseline_skill.SKILL_ID


class ChainHost:
    """Stands in for S3: serves the chain at any URL and counts downloads."""

    def __init__(self, chain: bytes) -> None:
        self.chain = chain
        self.fetches = 0

    def __call__(self, _url: str) -> bytes:
        """The PEM chain."""
        self.fetches += 1
        return self.chain


def _baseline_app(host: ChainHost, clock: Any, roots: list[x509.Certificate]) -> Flask:  # noqa: ANN401  # Callable[[], float]
    # Imported here, after runner_strength.web: its compat shim makes flask-ask-sdk importable.
    from flask_ask_sdk.skill_adapter import (  # noqa: PLC0415
        VERIFY_SIGNATURE_APP_CONFIG,
        VERIFY_TIMESTAMP_APP_CONFIG,
        SkillAdapter,
    )

    app = Flask("baseline")
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False  # the SDK's own verifiers: see the docstring
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    # The same checks in the same order as the subject's (`verifier.verifiers`).
    checks = verifiers(
        verify=True,
        skill_id=SKILL_ID,
        signature=SignatureVerifier(cert_fetcher=host, clock=clock, trusted_roots=roots),
        clock=clock,
    )
    adapter = SkillAdapter(
        skill=baseline_skill.build_skill(), skill_id=SKILL_ID, verifiers=checks, app=app
    )
    adapter.register(app=app, route="/")
    return app


def _subject_app(host: ChainHost, clock: Any, roots: list[x509.Certificate]) -> Flask:  # noqa: ANN401  # Callable[[], float]
    skill = build_skill(
        library=load_compiled(),
        adapter=MemoryAdapter(clock=time.time, ttl_days=365),
        clock=time.time,
        skill_id=SKILL_ID,
        rng_for=random.Random,
    )
    return create_app(
        skill,
        verify=True,
        skill_id=SKILL_ID,
        cert_fetcher=host,
        clock=clock,
        trusted_roots=roots,
    )


def main() -> None:
    """Build the app named on the command line and serve it."""
    side, root_pem, chain_pem, now = sys.argv[1:5]
    host = ChainHost(Path(chain_pem).read_bytes())
    roots = [x509.load_pem_x509_certificate(Path(root_pem).read_bytes())]
    fixed = float(now)

    def clock() -> float:
        return fixed

    build = _subject_app if side == "subject" else _baseline_app
    server = waitress_server(build(host, clock, roots), "127.0.0.1", 0)

    def stop(_signum: int, _frame: object) -> None:
        print(json.dumps({"fetches": host.fetches}), flush=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    # Clients beyond waitress's threads queue by design; its per-request warning is noise here.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    names = ["SignatureHeaderVerifier", "TimestampVerifier", "SkillIdVerifier", "SignatureVerifier"]
    print(json.dumps({"port": server.effective_port, "verifiers": names}), flush=True)
    server.run()


if __name__ == "__main__":
    main()
