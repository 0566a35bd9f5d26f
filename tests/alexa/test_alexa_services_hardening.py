"""The Alexa API client trusts no one: each attack replayed against stand-ins on 127.0.0.1.

A red-team run found the client followed redirects (forwarding the bearer token to another host,
from https to http), allowed plain HTTP to loopback in production, held each socket operation to
2 s but not the call (a server idling 1.9 s between bytes kept one turn 11.4 s), and read a 60 MB
answer whole. Each test below reproduces one of those on loopback, bounded in time.
"""

from __future__ import annotations

import random
import socketserver
import threading
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services.api_client_request import ApiClientRequest

from alexa_api_stub import AlexaApiStub, ApiEntry
from runner_strength import turn_budget
from runner_strength.alexa.services import ALEXA_API_HOSTS, ShortTimeoutApiClient
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, at, play_short_workout

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable, Iterator

    from runner_strength.content.model import Library
    from runner_strength.persistence.base import Snapshot

TOKEN = "Bearer secret-token-for-alexa-only"  # noqa: S105  # a made-up test token


@dataclass
class StandIn:
    """A raw TCP server on loopback: `behave` writes whatever answer a test needs."""

    behave: Callable[[socket.socket, bytes], None]
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0
    url: str = ""
    _server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> StandIn:
        """Listen on a free loopback port."""
        stand_in = self

        class _Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                stand_in.connections += 1
                self.request.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = self.request.recv(4096)
                        if not chunk:
                            return
                        data += chunk
                    stand_in.requests.append(data)
                    stand_in.behave(self.request, data)
                except OSError:
                    pass  # the client cut the call off: that is the point of most tests

        socketserver.ThreadingTCPServer.daemon_threads = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def stand_ins() -> Iterator[Callable[[Callable[[socket.socket, bytes], None]], StandIn]]:
    started: list[StandIn] = []

    def start(behave: Callable[[socket.socket, bytes], None]) -> StandIn:
        stand_in = StandIn(behave).start()
        started.append(stand_in)
        return stand_in

    yield start
    for stand_in in started:
        stand_in.stop()


def _request(url: str) -> ApiClientRequest:
    return ApiClientRequest(
        headers=[("Authorization", TOKEN)], method="GET", url=url + "/v1/alerts/reminders"
    )


def _ok(sock: socket.socket, _request: bytes) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9",
        "http://localhost:9",
        "http://api.amazonalexa.com",
        "https://api.amazonalexa.com.evil.example",
        "https://evil.example",
        "https://api.amazonalexa.com:8443",
        "https://user:pw@api.amazonalexa.com",
        "ftp://api.amazonalexa.com",
    ],
)
def test_production_calls_only_alexas_https_hosts(url: str) -> None:
    """Anything but https to Alexa's documented hosts is refused before a connection is made."""
    client = ShortTimeoutApiClient(1.0)
    with pytest.raises(ApiClientException):
        client.invoke(_request(url))


def test_production_refuses_plain_http_to_a_loopback_stand_in(
    stand_ins: Callable[[Callable[[socket.socket, bytes], None]], StandIn],
) -> None:
    """A loopback apiEndpoint is refused in production: the stand-in sees no connection at all."""
    stand_in = stand_ins(_ok)
    with pytest.raises(ApiClientException, match="Alexa's HTTPS hosts"):
        ShortTimeoutApiClient(1.0).invoke(_request(stand_in.url))
    assert stand_in.connections == 0


def test_the_documented_hosts_are_the_three_regions() -> None:
    """North America, Europe and the Far East, as Amazon lists the apiEndpoint values."""
    assert {
        "api.amazonalexa.com",
        "api.eu.amazonalexa.com",
        "api.fe.amazonalexa.com",
    } == ALEXA_API_HOSTS


def test_a_redirect_is_not_followed_and_the_token_goes_nowhere_else(
    stand_ins: Callable[[Callable[[socket.socket, bytes], None]], StandIn],
) -> None:
    """A 302 to another host comes back as the answer; the other host never sees the token."""
    elsewhere = stand_ins(_ok)

    def redirect(sock: socket.socket, _request: bytes) -> None:
        sock.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: "
            + elsewhere.url.encode()
            + b"/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )

    first = stand_ins(redirect)
    answer = ShortTimeoutApiClient(1.0, local=True).invoke(_request(first.url))
    assert answer.status_code == 302
    assert elsewhere.connections == 0
    assert b"secret-token" in first.requests[0]


def test_a_trickling_answer_is_cut_off_at_the_call_deadline(
    stand_ins: Callable[[Callable[[socket.socket, bytes], None]], StandIn],
) -> None:
    """A byte every 0.3 s (never idle long enough for a socket timeout) is cut off at 1 s."""

    def trickle(sock: socket.socket, _request: bytes) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(40):
            sock.sendall(b"x")
            time.sleep(0.3)

    stand_in = stand_ins(trickle)
    began = time.monotonic()
    with pytest.raises(ApiClientException, match="no answer within"):
        ShortTimeoutApiClient(1.0, local=True).invoke(_request(stand_in.url))
    assert time.monotonic() - began < 1.5


def test_an_oversized_answer_is_refused_without_reading_it_all(
    stand_ins: Callable[[Callable[[socket.socket, bytes], None]], StandIn],
) -> None:
    """A 60 MB answer: refused after 256 KB, memory hardly moves."""

    def flood(sock: socket.socket, _request: bytes) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60000000\r\n\r\n")
        block = b"x" * 65536
        for _ in range(60_000_000 // len(block)):
            sock.sendall(block)

    stand_in = stand_ins(flood)
    tracemalloc.start()
    with pytest.raises(ApiClientException, match="larger than"):
        ShortTimeoutApiClient(2.0, local=True).invoke(_request(stand_in.url))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4_000_000, f"peak {peak / 1e6:.1f} MB"


def test_calls_in_one_turn_share_the_turns_budget(
    stand_ins: Callable[[Callable[[socket.socket, bytes], None]], StandIn],
) -> None:
    """Three calls that each idle 0.9 s (under the 2 s call deadline) end by the 1.5 s budget."""

    def slow(sock: socket.socket, _request: bytes) -> None:
        time.sleep(0.9)
        _ok(sock, _request)

    stand_in = stand_ins(slow)
    client = ShortTimeoutApiClient(2.0, local=True)
    outcomes: list[int | str] = []
    began = time.monotonic()
    with turn_budget.turn(1.5):
        for _ in range(3):
            try:
                outcomes.append(client.invoke(_request(stand_in.url)).status_code)
            except ApiClientException as error:
                outcomes.append(str(error))
    took = time.monotonic() - began
    assert outcomes[0] == 200
    assert all(isinstance(o, str) for o in outcomes[1:]), outcomes
    assert took < 1.7, f"three calls took {took:.2f} s"


def test_outside_a_turn_each_call_has_only_its_own_deadline() -> None:
    """No turn open: `remaining` is None, and a turn's budget counts down while it is open."""
    assert turn_budget.remaining() is None
    with turn_budget.turn(5.0):
        left = turn_budget.remaining()
        assert left is not None
        assert 4.9 < left <= 5.0
    assert turn_budget.remaining() is None


class SlowStore(MemoryAdapter):
    """The in-memory store, its reads taking `read_seconds` (a sick DynamoDB)."""

    read_seconds = 0.0

    def read(self, key: str) -> Snapshot | None:
        """Wait, then read."""
        time.sleep(self.read_seconds)
        return super().read(key)


def test_a_reminder_turn_after_a_slow_store_read_still_answers_inside_the_budget(
    library: Library,
) -> None:
    """A 2.5 s store read, then two API calls idling 1.9 s each: the turn ends near 4 s, not 6.3.

    Through the Lambda entry: the turn's budget for Alexa API calls counts from the turn's
    start, so the calls after a slow read get what is left of it, and the runner is still
    answered (with the apology for the change that could not be saved).
    """
    stub = AlexaApiStub().start()
    try:
        clock = FakeClock(at(2026, 11, 16, 6))
        store = SlowStore(clock=clock, ttl_days=365)
        skill = build_skill(
            library=library,
            adapter=store,
            clock=clock,
            rng_for=random.Random,
            api_client=ShortTimeoutApiClient(2.0, local=True),
        )
        echo = Device(ApiEntry(LambdaEntry(skill), stub, granted=True), clock=clock)
        play_short_workout(echo, clock)
        echo.say("AMAZON.YesIntent")  # a reminder is created
        clock.advance(40 * 86_400)  # the time zone is due to be checked again
        stub.stall.update(dict.fromkeys(("zone", "list", "update", "create"), 1.9))
        store.read_seconds = 2.5
        began = time.monotonic()
        reply = echo.say("SetReminderIntent", day=("sunday", "sundays"), new_session=True)
        took = time.monotonic() - began
    finally:
        stub.stop()
    assert reply.text, "the turn answered"
    assert took < turn_budget.API_SECONDS + 0.5, f"the turn took {took:.1f} s"
