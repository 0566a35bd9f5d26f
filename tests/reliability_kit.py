"""Shared pieces of the reliability suite (tests/reliability/test_reliability_*.py).

- reading what the skill stored or carried: the session envelope's record, the store's record;
- a test PKI and Alexa-style request signing (a minimal copy of tests/web/test_web_service.py's), so
  the web service runs with signature verification on;
- the production waitress server on a loopback port, started and stopped by a context manager;
- process memory (RSS) and percentiles for the figures docs/reliability.md quotes;
- `figures()`, which prints one line past pytest's output capture.
"""

from __future__ import annotations

import contextlib
import copy
import http.client
import json
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner_strength.engine.serialize import SCHEMA_VERSION, record_from_dict
from runner_strength.persistence.base import hash_user_id
from runner_strength.persistence.repository import SESSION_KEY, unpack_record
from runner_strength.web.server import waitress_server

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import pytest
    from flask import Flask

    from alexa_pki import Pki
    from runner_strength.engine.record import UserRecord
    from runner_strength.persistence.base import VersionedAdapter
    from skilltest import Handler

REPO_ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = REPO_ROOT / "interaction_model" / "interactionModels" / "custom"
LOCALES = tuple(sorted(path.stem for path in MODEL_DIR.glob("*.json")))
"""Every locale the skill ships an interaction model for."""
ERROR_LINES = ("Sorry, something went wrong on my side.", "Sorry, I had a hiccup there.")
"""What the catch-all exception handler says (content/phrases/conversation.yaml `error`)."""
NOT_SAVED_LINE = "I couldn't save your progress just now"
"""Part of what a turn adds when its save failed (`not_saved`)."""

SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"


# ---------------------------------------------------------------- figures


def figures(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Print one line of figures for docs/reliability.md even while pytest captures output."""
    with capsys.disabled():
        print(f"\n[reliability] {line}", flush=True)


def quiet_skill_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Keep the skill's per-turn INFO lines from being made (and kept by pytest) in long runs.

    `build_default_skill` sets the package logger to INFO for the whole process, so an earlier
    test decides otherwise; pytest's capture would then hold every line of thousands of turns,
    which the soak would measure as growth. Warnings and errors still come through.
    """
    caplog.set_level(logging.WARNING, logger="runner_strength")


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (fraction 0.99 for p99)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def rss_bytes() -> int:
    """This process's resident set size now (Linux /proc; peak RSS elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    import resource  # noqa: PLC0415  # fallback only; not on Windows

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ---------------------------------------------------------------- what the skill keeps


def session_record(raw: dict[str, Any]) -> UserRecord | None:
    """The record a response carries in its session attributes (None when it carries none).

    Raises if the envelope is there but cannot be read: the next turn would have to read it.
    """
    attributes = raw.get("sessionAttributes") or {}
    envelope = attributes.get(SESSION_KEY)
    if envelope is None:
        return None
    assert isinstance(envelope, dict), envelope
    assert envelope["schema_version"] == SCHEMA_VERSION
    assert isinstance(envelope["version"], int)
    assert isinstance(envelope["dirty"], bool)
    return record_from_dict(unpack_record(envelope["record"]))


def session_dirty(raw: dict[str, Any]) -> bool:
    """True when the response's session holds changes the store does not have yet."""
    envelope = (raw.get("sessionAttributes") or {}).get(SESSION_KEY) or {}
    return bool(envelope.get("dirty"))


def stored_record(adapter: VersionedAdapter, user_id: str) -> UserRecord | None:
    """The record the store holds for an Alexa userId, decoded as the skill would."""
    snapshot = adapter.read(hash_user_id(user_id))
    if snapshot is None:
        return None
    assert snapshot.schema_version == SCHEMA_VERSION
    return record_from_dict(snapshot.record)


# ---------------------------------------------------------------- test PKI (from test_web_service)


def alexa_timestamp(now: float) -> str:
    """A request timestamp as Alexa writes it."""
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- the web service on loopback


@contextlib.contextmanager
def waitress_on_loopback(app: Flask) -> Iterator[str]:
    """Serve `app` with the production waitress server on 127.0.0.1; yields the base URL.

    Mirrors tests/web/test_web_service.py: the server's loop is stepped in a thread until the block
    ends, then its workers and sockets are closed, so the server always stops by itself.
    """
    production = waitress_server(app, "127.0.0.1", 0)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            production.asyncore.loop(timeout=0.05, map=production._map, count=1)

    thread = threading.Thread(target=run, name="waitress-loop", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{production.effective_port}"
    finally:
        stop.set()
        thread.join(5)
        production.task_dispatcher.shutdown()
        production.asyncore.close_all(production._map)


@dataclass
class HttpReply:
    """One HTTP exchange: status, body text and how long it took."""

    status: int
    text: str
    seconds: float

    def json(self) -> Any:  # whatever JSON the body holds
        """The body as JSON."""
        return json.loads(self.text)


@dataclass
class Connection:
    """One keep-alive HTTP/1.1 connection to a loopback server, as one client would hold."""

    base: str
    timeout: float = 30.0
    _connection: http.client.HTTPConnection | None = field(default=None, repr=False)

    def post(
        self,
        body: bytes,
        headers: dict[str, str] | None = None,
        *,
        content_type: str = "application/json; charset=utf-8",
    ) -> HttpReply:
        """POST `body` to the skill route; reconnects once if the server closed the connection."""
        all_headers = {"Content-Type": content_type, **(headers or {})}
        for attempt in (1, 2):
            connection = self._connect()
            began = time.perf_counter()
            try:
                connection.request("POST", "/", body=body, headers=all_headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", errors="replace")
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - began
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return HttpReply(response.status, text, seconds)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection (the next post opens a new one)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            host, port = self.base.removeprefix("http://").split(":")
            assert host == "127.0.0.1", "the reliability suite talks to loopback only"
            self._connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
        return self._connection


def signed_handler(connection: Connection, pki: Pki, replies: list[HttpReply]) -> Handler:
    """A `skilltest.Handler` that sends each envelope over HTTP, stamped now and signed.

    Every exchange is appended to `replies`; a status other than 200 raises `HttpFailureError`.
    """

    def handle(event: dict[str, Any], _context: object) -> dict[str, Any]:
        envelope = copy.deepcopy(event)
        envelope["request"]["timestamp"] = alexa_timestamp(time.time())
        body = json.dumps(envelope).encode("utf-8")
        reply = connection.post(body, pki.sign(body))
        replies.append(reply)
        if reply.status != 200:
            raise HttpFailureError(reply)
        document: dict[str, Any] = reply.json()
        return document

    return handle


class HttpFailureError(Exception):
    """The web service answered a well-formed, signed request with something other than 200."""

    def __init__(self, reply: HttpReply) -> None:
        super().__init__(f"HTTP {reply.status}: {reply.text[:200]}")
        self.reply = reply
