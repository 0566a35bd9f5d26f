r"""`runner-strength serve`: the skill as an Alexa web service on waitress.

waitress is the production WSGI server here: pure Python, multi-threaded, no C build, runs on
Linux, macOS and Windows. Alexa only calls HTTPS endpoints on port 443 with a trusted (or, for
development, an uploaded self-signed) certificate, so put a TLS-terminating reverse proxy (Caddy,
nginx, a cloud load balancer) in front and point it at `--host 127.0.0.1 --port 8080`. Make it a
buffering one (nginx and Caddy buffer request bodies by default): it then reads slow clients
itself and hands waitress complete requests only. waitress runs with explicit limits
(`ServerLimits`: connections, idle time, time to send a request, header and body sizes) so that
even without one, idle or trickling sockets are closed within seconds.

gunicorn works too, with the same app and verification (the app factory takes the skill):

    gunicorn --workers 2 --bind 127.0.0.1:8080 \
        'runner_strength.web.server:production_app()'

A verifying server needs the skill id (`SKILL_ID`) and refuses to start without one: otherwise a
request Alexa signed for any skill would be served. `--dev` turns signature and timestamp
verification off, for local tools that cannot sign requests (curl, an HTTP client, a test harness on
this machine); it may run without a skill id, listens only on a loopback address, prints a loud
warning, and nothing else turns verification off.
"""

from __future__ import annotations

import importlib
import ipaddress
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from runner_strength.alexa.services import ShortTimeoutApiClient
from runner_strength.config import Config
from runner_strength.web.app import MAX_BODY_BYTES, create_app
from runner_strength.web.verifier import DOWNLOAD_SLOTS

if TYPE_CHECKING:
    from flask import Flask

SKILL_FACTORY = ("runner_strength.alexa.skill", "build_default_skill")
"""Where `serve` gets the skill: (module, zero-argument function returning a CustomSkill)."""

WAITRESS_THREADS = 2 * DOWNLOAD_SLOTS
"""More threads than requests that may wait on certificate downloads, so some are always free."""


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """What one client may hold of the server; every value explicit, none waitress's default.

    waitress reads a whole request before a thread sees it, so slow clients hold connections,
    not threads; these limits make sure they cannot hold all of them for long. Alexa sends a
    request of a few kilobytes in one go and reuses its connections, so none of these is near
    what it needs. A buffering reverse proxy in front (docs/hardening.md) still does better: it
    reads slow requests itself and passes on only complete ones.
    """

    connection_limit: int = 500
    """Open connections at once (waitress: 100, which 100 idle sockets used up)."""
    channel_timeout: int = 10
    """Seconds a connection may sit idle between requests (waitress: 120)."""
    request_seconds: float = 10.0
    """Seconds a request may take to arrive, headers and body, from when the server first sees
    it in progress: a body trickled a byte at a time is cut off here (waitress has no limit)."""
    cleanup_interval: int = 1
    """Seconds between the checks that close idle and too-slow connections (waitress: 30)."""
    max_request_header_size: int = 16 * 1024
    """Alexa's headers, the signature included, are under 2 KB (waitress: 256 KB)."""
    max_request_body_size: int = MAX_BODY_BYTES
    """Bodies over this are refused with a 413 before Flask sees them (waitress: 1 GB)."""
    threads: int = WAITRESS_THREADS
    backlog: int = 1024
    """Connections the kernel queues while the server is at its connection limit."""


PRODUCTION_LIMITS = ServerLimits()
MISSING_SKILL_ID = """\
runner-strength: SKILL_ID is not set, so requests for any skill would be served; refusing to start.
Set it to your skill's id (developer console > your skill > "Copy Skill ID", or
`ask smapi get-skill-manifest` in a deployed project), for example:
    SKILL_ID=amzn1.ask.skill.xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx runner-strength serve
For local tools only, `--dev` runs without verification and without a skill id.
"""

DEV_WARNING = """\
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!  --dev: REQUEST SIGNATURE AND TIMESTAMP VERIFICATION ARE OFF.
!!  Anyone who can reach this port can send forged or replayed requests as any
!!  Alexa user and read or change their workout state. Use it only for local
!!  tools on a trusted machine; never expose it to a network, and never
!!  submit a skill for certification with it.
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
"""


def load_skill() -> Any:  # noqa: ANN401  # ask_sdk_core.skill.CustomSkill; the SDK is untyped
    """The real skill, from `SKILL_FACTORY` (imported late: it loads content and storage)."""
    module_name, function_name = SKILL_FACTORY
    factory = getattr(importlib.import_module(module_name), function_name)
    return factory()


def production_app() -> Flask:
    """The verified app for an external WSGI server such as gunicorn (skill id from SKILL_ID)."""
    skill_id = Config.from_env().skill_id
    if not skill_id:
        raise RuntimeError(MISSING_SKILL_ID)
    return create_app(load_skill(), skill_id=skill_id)


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1), the only --dev hosts."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def waitress_server(
    app: Flask, host: str, port: int, limits: ServerLimits = PRODUCTION_LIMITS
) -> Any:  # noqa: ANN401  # waitress is untyped
    """A waitress server for `app` (port 0 picks a free one); `.run()` serves until `.close()`."""
    import waitress  # noqa: PLC0415  # only serving needs it

    server = waitress.create_server(
        app,
        host=host,
        port=port,
        connection_limit=limits.connection_limit,
        channel_timeout=limits.channel_timeout,
        cleanup_interval=limits.cleanup_interval,
        max_request_header_size=limits.max_request_header_size,
        max_request_body_size=limits.max_request_body_size,
        threads=limits.threads,
        backlog=limits.backlog,
        ident="runner-strength",  # the Server header; no need to advertise versions
    )
    _limit_request_time(server, limits.request_seconds)
    return server


def _limit_request_time(server: Any, seconds: float) -> None:  # noqa: ANN401  # waitress's server
    """Close connections whose request has been arriving for longer than `seconds`.

    waitress closes connections that are idle, but one that sends a byte every few seconds is
    never idle. Its periodic maintenance (every `cleanup_interval`) also runs this: a channel
    with a request still being read is remembered with the moment it was first seen so, and
    closed once that is `seconds` ago. Completed requests (being served) are not touched.
    """
    idle_check = server.maintenance
    seen: dict[int, tuple[object, float]] = {}

    def maintenance(now: float) -> None:
        idle_check(now)
        still: dict[int, tuple[object, float]] = {}
        for channel in list(server.active_channels.values()):
            partial = getattr(channel, "request", None)
            if partial is None:
                continue
            known = seen.get(id(channel))
            began = known[1] if known is not None and known[0] is partial else now
            still[id(channel)] = (partial, began)
            if now - began > seconds:
                channel.will_close = True
        seen.clear()
        seen.update(still)

    server.maintenance = maintenance


def _allow_local_api(skill: Any) -> None:  # noqa: ANN401  # ask_sdk_core.skill.CustomSkill
    """--dev: Alexa API calls may go to a stand-in (any host, plain HTTP), never redirected."""
    client = getattr(skill, "api_client", None)
    if isinstance(client, ShortTimeoutApiClient):
        client.local = True


def _run_waitress(app: Flask, host: str, port: int, route: str, err: TextIO) -> None:
    """Block serving `app`; a separate function so tests can stand in for it."""
    server = waitress_server(app, host, port)
    print(f"runner-strength: listening on http://{host}:{server.effective_port}{route}", file=err)
    server.run()


def serve(  # noqa: PLR0913  # the command's options, plus the stream tests read
    *,
    host: str,
    port: int,
    route: str = "/",
    dev: bool = False,
    config: Config | None = None,
    err: TextIO | None = None,
) -> int:
    """Serve the skill until interrupted; verification is on unless `dev`. Returns an exit code."""
    err = err or sys.stderr
    config = config or Config.from_env()
    if dev and not is_loopback(host):
        print(
            f"runner-strength: --dev turns verification off, so it listens only on loopback "
            f"(127.0.0.1, ::1 or localhost), not {host!r}.",
            file=err,
        )
        return 2
    if not dev and not config.skill_id:
        print(MISSING_SKILL_ID, file=err, end="")
        return 2
    try:
        skill = load_skill()
    except (ImportError, AttributeError) as error:
        print(f"cannot load the skill from {'.'.join(SKILL_FACTORY)}: {error}", file=err)
        return 1
    if dev:
        print(DEV_WARNING, file=err, end="")
        _allow_local_api(skill)
    app = create_app(skill, verify=not dev, route=route, skill_id=config.skill_id)
    mode = "verification OFF, --dev" if dev else "verifying Alexa signatures and timestamps"
    print(f"runner-strength: serving the skill ({mode})", file=err)
    try:
        _run_waitress(app, host, port, route, err)
    except KeyboardInterrupt:  # Ctrl-C is how a foreground server is meant to stop
        print("runner-strength: stopped", file=err)
    return 0
