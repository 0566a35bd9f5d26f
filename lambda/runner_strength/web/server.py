r"""`runner-strength serve`: the skill as an Alexa web service on waitress.

waitress is the production WSGI server here: pure Python, multi-threaded, no C build, runs on
Linux, macOS and Windows. Alexa only calls HTTPS endpoints on port 443 with a trusted (or, for
development, an uploaded self-signed) certificate, so put a TLS-terminating reverse proxy (Caddy,
nginx, a cloud load balancer) in front and point it at `--host 127.0.0.1 --port 8080`.

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


def waitress_server(app: Flask, host: str, port: int) -> Any:  # noqa: ANN401  # waitress is untyped
    """A waitress server for `app` (port 0 picks a free one); `.run()` serves until `.close()`."""
    import waitress  # noqa: PLC0415  # only serving needs it

    return waitress.create_server(
        app,
        host=host,
        port=port,
        max_request_body_size=MAX_BODY_BYTES,  # waitress refuses oversize bodies before Flask
        threads=WAITRESS_THREADS,
        ident="runner-strength",  # the Server header; no need to advertise versions
    )


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
