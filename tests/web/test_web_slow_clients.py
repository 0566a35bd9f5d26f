"""Idle and slow sockets against the production waitress server on 127.0.0.1.

A red-team run stopped the service with about 100 sockets: 99 half-open, or 100 trickling bodies
behind complete headers, used up waitress's default 100 connections, and a signed request and
`/healthz` both timed out. These tests replay that on loopback (a few hundred sockets at most,
each test bounded to seconds) and show genuine requests still answered with the limits
`ServerLimits` sets: more connections, idle connections closed after seconds, and a request that
takes too long to arrive cut off.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils.predicate import is_request_type

from alexa_pki import Pki, make_pki
from reliability_kit import SKILL_ID, alexa_timestamp
from runner_strength.web.app import create_app
from runner_strength.web.server import PRODUCTION_LIMITS, ServerLimits, waitress_server

if TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask

_numbers = iter(range(1, 1_000_000))


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki(time.time())


def _tiny_skill() -> Any:  # ask_sdk_core.skill.CustomSkill is untyped
    builder = SkillBuilder()

    def launch(handler_input: Any) -> Any:  # untyped SDK
        return handler_input.response_builder.speak("hello").response

    builder.request_handler(can_handle_func=is_request_type("LaunchRequest"))(launch)
    return builder.create()


def _app(pki: Pki) -> Flask:
    return create_app(
        _tiny_skill(), skill_id=SKILL_ID, cert_fetcher=pki.fetch, trusted_roots=[pki.root]
    )


@contextlib.contextmanager
def _serving(app: Flask, limits: ServerLimits | None) -> Iterator[int]:
    """The production server (or waitress on its defaults, for `None`) on a loopback port."""
    if limits is None:
        import waitress  # noqa: PLC0415  # the defaults the finding was made against

        server: Any = waitress.create_server(app, host="127.0.0.1", port=0)
    else:
        server = waitress_server(app, "127.0.0.1", 0, limits)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        stop.set()
        thread.join(5)
        server.task_dispatcher.shutdown()
        server.asyncore.close_all(server._map)


def _launch_body() -> bytes:
    document = {
        "version": "1.0",
        "context": {
            "System": {
                "application": {"applicationId": SKILL_ID},
                "user": {"userId": "amzn1.ask.account.SLOWCLIENTS"},
                "device": {"deviceId": "amzn1.ask.device.SLOW", "supportedInterfaces": {}},
            }
        },
        "request": {
            "type": "LaunchRequest",
            "requestId": f"amzn1.echo-api.request.slow-{next(_numbers)}",
            "timestamp": alexa_timestamp(time.time()),
            "locale": "en-US",
        },
    }
    return json.dumps(document).encode()


def _genuine(port: int, pki: Pki, timeout: float) -> tuple[int, int, float]:
    """A signed launch and a /healthz, each on a fresh connection: (status, status, seconds)."""
    began = time.monotonic()
    statuses = []
    for method, path, body in (("POST", "/", _launch_body()), ("GET", "/healthz", None)):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"}
            if body is not None:
                headers.update(pki.sign(body))
            connection.request(method, path, body=body, headers=headers)
            statuses.append(connection.getresponse().status)
        except OSError:
            statuses.append(0)  # timed out or refused
        finally:
            connection.close()
    return statuses[0], statuses[1], time.monotonic() - began


def _half_open(port: int, count: int) -> list[socket.socket]:
    """Sockets that connect and send nothing (or half a request line)."""
    sockets = []
    for number in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if number % 2:
            sock.sendall(b"POST / HT")
        sockets.append(sock)
    return sockets


def _slow_bodies(port: int, count: int) -> list[socket.socket]:
    """Sockets that send complete headers for a 60 KB body and then one byte."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 60000\r\n\r\n{"
        )
        sockets.append(sock)
    return sockets


def _trickle(sockets: list[socket.socket], stop: threading.Event) -> None:
    """One byte to every socket every 0.3 s: never idle long enough for an idle timeout."""
    while not stop.wait(0.3):
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.send(b" ")


def _closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.05)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_on_waitress_defaults_a_hundred_idle_sockets_stop_the_service(pki: Pki) -> None:
    """The finding, reproduced: 100 idle sockets and a genuine request times out (2 s here)."""
    with _serving(_app(pki), None) as port:
        sockets = _half_open(port, 100)
        try:
            time.sleep(0.3)
            launch, health, _ = _genuine(port, pki, timeout=1.0)
        finally:
            for sock in sockets:
                sock.close()
    assert (launch, health) == (0, 0)


def test_two_hundred_idle_and_slow_sockets_leave_the_service_answering(pki: Pki) -> None:
    """99 half-open sockets and 100 trickling bodies: a signed launch and /healthz in < 1 s."""
    stop = threading.Event()
    with _serving(_app(pki), PRODUCTION_LIMITS) as port:
        idle = _half_open(port, 99)
        slow = _slow_bodies(port, 100)
        trickler = threading.Thread(target=_trickle, args=(slow, stop), daemon=True)
        trickler.start()
        try:
            time.sleep(0.5)
            launch, health, seconds = _genuine(port, pki, timeout=5.0)
        finally:
            stop.set()
            trickler.join(2)
            for sock in idle + slow:
                sock.close()
    assert (launch, health) == (200, 200)
    assert seconds < 1.0, f"genuine requests took {seconds:.2f} s"


def test_at_the_connection_limit_idle_and_trickling_sockets_are_closed_in_seconds(
    pki: Pki,
) -> None:
    """Every connection taken (limit 30) by idle and trickling sockets: all are closed in seconds.

    The idle and request limits are 2 s here; a genuine request is answered once they are.
    """
    limits = replace(PRODUCTION_LIMITS, connection_limit=30, channel_timeout=2, request_seconds=2)
    stop = threading.Event()
    with _serving(_app(pki), limits) as port:
        idle = _half_open(port, 20)
        slow = _slow_bodies(port, 20)  # ten more than the limit wait in the kernel's backlog
        trickler = threading.Thread(target=_trickle, args=(slow, stop), daemon=True)
        trickler.start()
        try:
            began = time.monotonic()
            launch, health, seconds = _genuine(port, pki, timeout=8.0)
            open_sockets = idle + slow
            while open_sockets and time.monotonic() - began < 10:
                open_sockets = [s for s in open_sockets if not _closed_by_server(s)]
            all_closed = time.monotonic() - began
        finally:
            stop.set()
            trickler.join(2)
            for sock in idle + slow:
                sock.close()
    assert (launch, health) == (200, 200)
    assert seconds < 6.0, f"genuine requests waited {seconds:.2f} s"
    assert open_sockets == [], f"{len(open_sockets)} idle or slow sockets still open"
    assert all_closed < 8.0, f"closing them all took {all_closed:.1f} s"


def test_a_genuine_slow_but_complete_request_is_not_cut_off(pki: Pki) -> None:
    """A body sent in three parts over 0.6 s arrives well inside the request limit and is served."""
    with _serving(_app(pki), PRODUCTION_LIMITS) as port:
        body = _launch_body()
        head = "".join(f"{k}: {v}\r\n" for k, v in pki.sign(body).items())
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            sock.sendall(
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + head.encode()
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            )
            third = len(body) // 3
            for part in (body[:third], body[third : 2 * third], body[2 * third :]):
                time.sleep(0.2)
                sock.sendall(part)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        finally:
            sock.close()
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
