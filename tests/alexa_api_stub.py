"""A real HTTP server on 127.0.0.1 standing in for a request's `apiEndpoint`.

It answers the Alexa Settings API's time zone call and the Reminders API (create, get all,
update, delete) the way Alexa documents them, records every request it got, and can be told to
answer one route with an error status or to stall past the client's timeout.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skilltest import Handler

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.loopback.signature"  # noqa: S105  # a made-up test token
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
_ZONE_PATH = re.compile(r"^/v2/devices/(?P<device>[^/]+)/settings/System\.timeZone$")
_REMINDER_PATH = re.compile(r"^/v1/alerts/reminders/(?P<token>[^/]+)$")


@dataclass
class Seen:
    """One request the stub received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class AlexaApiStub:
    """The stub's behaviour and what it saw; routes: zone, create, list, update, delete."""

    time_zone: str = "Europe/Berlin"
    fail: dict[str, int] = field(default_factory=dict)  # route -> HTTP status to answer
    stall: dict[str, float] = field(default_factory=dict)  # route -> seconds to wait first
    seen: list[Seen] = field(default_factory=list)
    reminders: dict[str, Any] = field(default_factory=dict)  # alertToken -> request body
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _count: int = 0

    def calls(self, route: str) -> list[Seen]:
        """The requests that went to one route."""
        return [s for s in self.seen if _route(s.method, s.path) == route]

    def start(self) -> AlexaApiStub:
        """Listen on a free loopback port in a daemon thread."""
        stub = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # the base class's name
                """Keep test output quiet."""

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                stub.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body))
                route = _route(self.command, self.path)
                if route in stub.stall:
                    time.sleep(stub.stall[route])
                status, answer = stub.respond(route, self.path, body, self.headers)
                data = b"" if answer is None else json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815  # http.server's names

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # shutdown() waits for the loop's next poll; the default 0.5 s cost every test that much.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def respond(  # noqa: PLR0911  # one answer per route, as the API documents them
        self, route: str | None, path: str, body: Any, headers: Any
    ) -> tuple[int, Any]:
        """Status and JSON body for one request, as Alexa's APIs answer."""
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, {"code": "UNAUTHORIZED", "message": "bad token"}
        if route is None:
            return 404, {"code": "NOT_FOUND", "message": path}
        if route in self.fail:
            status = self.fail[route]
            return status, {"code": "ERROR", "message": f"stub answered {status}"}
        if route == "zone":
            return 200, self.time_zone
        if route == "list":
            alerts = [_alert(token, b) for token, b in self.reminders.items()]
            return 200, {"totalCount": str(len(alerts)), "alerts": alerts}
        if route == "create":
            self._count += 1
            token = f"reminder-token-{self._count}"
            self.reminders[token] = copy.deepcopy(body)
            return 200, _alert(token, body)
        match = _REMINDER_PATH.match(path)
        token = match["token"] if match else ""
        if token not in self.reminders:
            return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
        if route == "update":
            self.reminders[token] = copy.deepcopy(body)
            return 200, _alert(token, body)
        del self.reminders[token]
        return 200, None


def _route(method: str, path: str) -> str | None:
    if method == "GET" and _ZONE_PATH.match(path):
        return "zone"
    if path == "/v1/alerts/reminders":
        return {"POST": "create", "GET": "list"}.get(method)
    if _REMINDER_PATH.match(path):
        return {"PUT": "update", "DELETE": "delete", "GET": "get"}.get(method)
    return None


def _alert(token: str, body: Any) -> dict[str, Any]:
    return {
        "alertToken": token,
        "createdTime": "2026-11-21T10:00:00.000Z",
        "updatedTime": "2026-11-21T10:00:00.000Z",
        "status": "ON",
        "version": "1",
        "href": f"/v1/alerts/reminders/{token}",
        "trigger": (body or {}).get("trigger"),
    }


@dataclass
class ApiEntry:
    """Alexa's side of a request: the stub's URL as `apiEndpoint`, a token, the permissions."""

    entry: Handler
    stub: AlexaApiStub
    granted: bool = False  # the runner granted the reminders permission

    def __call__(self, event: dict[str, Any], context: object, /) -> dict[str, Any]:
        """Fill in the API fields Alexa sends and pass the request on."""
        system = event["context"]["System"]
        system["apiEndpoint"] = self.stub.url
        system["apiAccessToken"] = TOKEN
        status = "GRANTED" if self.granted else "DENIED"
        system["user"]["permissions"] = {"scopes": {REMINDERS_SCOPE: {"status": status}}}
        return self.entry(event, context)
