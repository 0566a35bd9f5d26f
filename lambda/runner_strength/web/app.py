"""The Flask app that serves a skill to Alexa through flask-ask-sdk's `SkillAdapter`.

Each POST to the skill route goes through, in order, and nothing of the ASK SDK reads the request
before the signature has been checked on its raw bytes:

1. cheap input checks here: content type (415), size (413, over 64 KB), UTF-8 and JSON (400, any
   body `json` cannot read, such as a 5,000-digit number), an envelope with a request type the ASK
   model knows and a `context.System.application.applicationId` (400);
2. our verifiers (`runner_strength.web.verifier.verifiers`) on the raw JSON, cheapest first:
   signature headers, the timestamp (ISO 8601 only), the certificate chain and the signature of
   the raw body, and only then the skill id. Every refusal is a 400, as Amazon asks (503 only when
   too many chain downloads are already waiting), so a right and a wrong skill id look the same;
3. session attributes within their limits (`skill.session_problem`), and a request id not seen
   before in this process: a replayed skill event gets an empty 200 (Alexa retries events it did
   not see acknowledged) and is not processed again, any other replay a 400;
4. the skill, through flask-ask-sdk's `SkillAdapter`; the response envelope comes back as JSON.

Every error is a small JSON body `{"error": "..."}`; no traceback ever reaches the caller, and each
rejection is one WARNING log line (the reason and a shortened certificate URL, escaped, no
traceback).
`GET /healthz` answers 200 for load balancers. The SDK's own verifiers (which need certvalidator)
are always off; ours run instead unless `verify=False`, which only `serve --dev` passes. A
verifying app needs a skill id.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from ask_sdk_model.request import Request
from ask_sdk_model.request_envelope import RequestEnvelope
from flask import Flask, Response, g, jsonify, request
from flask_ask_sdk.skill_adapter import (
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)
from werkzeug.exceptions import BadRequest, HTTPException

from runner_strength import safe_log, turn_budget
from runner_strength.alexa.skill import session_problem
from runner_strength.web.verifier import (
    CERT_URL_HEADER,
    SKILL_EVENT_PREFIX,
    SKILL_EVENT_TOLERANCE_SECONDS,
    TIMESTAMP_TOLERANCE_SECONDS,
    RawVerifier,
    ReplayGuard,
    RequestRejected,
    SignatureVerifier,
    dig,
    fetch_certificate_chain,
    request_time,
    tolerance_for,
    verifiers,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cryptography import x509

    from runner_strength.web.verifier import CertFetcher, Clock

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
"""Alexa requests are a few kilobytes; the cap keeps a hostile body from costing memory."""
HEALTH_ROUTE = "/healthz"
_KNOWN_REQUEST_TYPES = frozenset(Request.discriminator_value_class_map)
LOGGED_URL_CHARACTERS = 100
"""A rejected request's certificate URL is logged up to this length: an attacker writes it."""
ACKNOWLEDGED: dict[str, Any] = {"version": "1.0", "response": {}}
"""The answer to a skill event already processed: Alexa only needs to see it acknowledged."""
_PARSED = "runner_strength_envelope"
"""Flask `g` attribute: (body, RequestEnvelope) as `_check_input` read them in this request."""


class _ReadOnce:
    """The skill's serializer as the adapter sees it: this request's envelope is not read twice.

    `_check_input` deserialises the body to reject a bad one with a 400; the adapter would then
    deserialise the same body again before verifying and invoking. Asked for the `RequestEnvelope`
    of the body `_check_input` read, this hands over that envelope (nothing else has used it);
    everything else goes to the skill's own serializer.
    """

    def __init__(self, serializer: Any) -> None:  # noqa: ANN401  # the SDK's untyped Serializer
        self._serializer = serializer

    def deserialize(self, payload: str, obj_type: Any) -> Any:  # noqa: ANN401  # as the SDK's
        """The envelope already read from `payload` in this request, else a fresh read."""
        parsed = g.get(_PARSED)
        if obj_type is RequestEnvelope and parsed is not None and parsed[0] == payload:
            return parsed[1]
        return self._serializer.deserialize(payload, obj_type)

    def serialize(self, obj: object) -> Any:  # noqa: ANN401  # as the SDK's
        """The skill's own serializer's output."""
        return self._serializer.serialize(obj)


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


def create_app(  # noqa: PLR0913  # every option is a keyword a test or `serve` needs
    skill: Any,  # noqa: ANN401  # ask_sdk_core.skill.CustomSkill; the SDK is untyped
    *,
    verify: bool = True,
    route: str = "/",
    skill_id: str | None = None,
    cert_fetcher: CertFetcher = fetch_certificate_chain,
    clock: Clock = time.time,
    trusted_roots: Sequence[x509.Certificate] | None = None,
) -> Flask:
    """A Flask app serving `skill` at POST `route`, verifying requests unless `verify` is False.

    `cert_fetcher` downloads a certificate chain URL (raising `CertificateFetchError`), `clock`
    gives epoch seconds and `trusted_roots` replaces the certifi/system roots: tests pass their own.
    Verifying needs `skill_id`: without one, any signed request for any skill would be served.
    """
    if not route.startswith("/") or route == HEALTH_ROUTE:
        raise ValueError(f"route must start with '/' and not be {HEALTH_ROUTE}: {route!r}")
    if verify and not skill_id:
        raise ValueError("a verifying service needs the skill id (SKILL_ID)")
    # No static folder: Flask would otherwise serve /static/<path> from the package directory.
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # The SDK's own verifiers rely on certvalidator (see compat.py); ours replace them, always.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False

    signature = (
        SignatureVerifier(cert_fetcher=cert_fetcher, clock=clock, trusted_roots=trusted_roots)
        if verify
        else None
    )
    checks = verifiers(verify=verify, skill_id=skill_id, signature=signature, clock=clock)
    replays = ReplayGuard() if verify else None
    safe_log.install()
    # The adapter's skill is the same skill (a shallow copy shares handlers, store and clients)
    # with a serializer that does not read the envelope `_check_input` read again.
    served = copy.copy(skill)
    served.serializer = _ReadOnce(skill.serializer)
    # The checks run here, not in the adapter, which logs every rejection as an ERROR with a
    # traceback; the adapter only invokes the skill.
    adapter = SkillAdapter(
        skill=served, skill_id=skill_id or "runner-strength", verifiers=[], app=app
    )

    def invoke_skill() -> Response:
        # The turn's budget starts before the checks: a chain download spends from it too.
        with turn_budget.turn():
            return answer()

    def answer() -> Response:
        try:
            early = _admit(skill, checks, replays, clock)
        except RequestRejected as rejected:
            _log_rejection(rejected)
            refusal = _error(rejected.status, rejected.reason)
            if rejected.status == 503:  # only the busy download slots say 503
                refusal.headers["Retry-After"] = "1"
            return refusal
        if early is not None:
            return early
        try:
            response: Response = adapter.dispatch_request()
        except HTTPException as error:
            return _from_adapter_error(error)
        return response

    def healthz() -> Response:
        return jsonify(status="ok")

    app.add_url_rule(route, "skill", invoke_skill, methods=["POST"])
    app.add_url_rule(HEALTH_ROUTE, "healthz", healthz, methods=["GET"])
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _admit(
    skill: Any,  # noqa: ANN401  # ask_sdk_core.skill.CustomSkill; the SDK is untyped
    checks: Sequence[RawVerifier],
    replays: ReplayGuard | None,
    clock: Clock,
) -> Response | None:
    """Every check, cheapest first; an answer when the skill must not run, else None."""
    body, document = _check_input()
    headers = dict(request.headers)
    for check in checks:
        check.check(headers, body, document, source=request.remote_addr)
    problem = session_problem(document)
    if problem is not None:
        raise RequestRejected("session attributes are over their limits", detail=problem)
    if replays is not None and not _first_time(replays, document, clock()):
        if not _is_skill_event(document):
            raise RequestRejected("request was already received")
        log.info("acknowledged a skill event already processed")
        return jsonify(ACKNOWLEDGED)
    _read_envelope(skill, body)
    return None


def _log_rejection(rejected: RequestRejected) -> None:
    """One WARNING line: the reason, the detail and a shortened certificate URL; no traceback."""
    url = request.headers.get(CERT_URL_HEADER)
    shown = "none" if url is None else repr(url[:LOGGED_URL_CHARACTERS])
    if url is not None and len(url) > LOGGED_URL_CHARACTERS:
        shown += f" (+{len(url) - LOGGED_URL_CHARACTERS} characters)"
    detail = f" ({rejected.detail[:200]})" if rejected.detail else ""
    log.warning(
        "rejected a request with %s: %s%s; certificate URL %s",
        rejected.status,
        rejected.reason,
        detail,
        shown,
    )


def _check_input() -> tuple[bytes, dict[str, Any]]:
    """The raw body and its JSON; `RequestRejected` (415/413/400) when it cannot be a request."""
    if request.mimetype != "application/json":
        raise RequestRejected("Content-Type must be application/json", status=415)
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise RequestRejected("request body must be UTF-8", status=415)
    # get_data raises 413 past MAX_CONTENT_LENGTH and caches the body for the SDK to read again.
    body = request.get_data(cache=True)
    text = _decode(body)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise RequestRejected(f"request body is not valid JSON: {error.msg}") from error
    except RecursionError as error:  # thousands of nested brackets fit in 64 KB
        raise RequestRejected("request body is nested too deeply") from error
    except ValueError as error:  # say, an integer past Python's 4,300-digit conversion limit
        raise RequestRejected("request body is not JSON this service can read") from error
    inner = document.get("request") if isinstance(document, dict) else None
    request_type = inner.get("type") if isinstance(inner, dict) else None
    if not isinstance(request_type, str):
        raise RequestRejected("request body is not an Alexa request envelope")
    if request_type not in _KNOWN_REQUEST_TYPES:
        raise RequestRejected(f"unsupported request type: {request_type[:80]}")
    if not isinstance(_context_application_id(document), str):
        raise RequestRejected("request has no context.System.application.applicationId")
    return body, document


def _read_envelope(skill: Any, body: bytes) -> None:  # noqa: ANN401  # the untyped SDK skill
    """Deserialise the verified body once, for the adapter to reuse; a bad field is a 400.

    Reading it here means a bad field (say, a timestamp that is not ISO 8601) is the caller's
    400, and any later SDK failure is really ours.
    """
    text = body.decode("utf-8")
    try:
        envelope = skill.serializer.deserialize(payload=text, obj_type=RequestEnvelope)
    except Exception as error:  # the SDK raises assorted types for assorted bad fields
        raise RequestRejected("request envelope could not be read") from error
    setattr(g, _PARSED, (text, envelope))


def _first_time(replays: ReplayGuard, document: dict[str, Any], now: float) -> bool:
    """Whether this request id is new here; it is remembered while its timestamp is accepted."""
    request_id = dig(document, "request", "requestId")
    if not isinstance(request_id, str) or not request_id:
        raise RequestRejected("request has no requestId")
    limit = tolerance_for(document, TIMESTAMP_TOLERANCE_SECONDS, SKILL_EVENT_TOLERANCE_SECONDS)
    # Past its timestamp plus the tolerance, the timestamp check refuses it anyway.
    until = max(request_time(document).timestamp(), now) + limit
    return replays.first_time(request_id, until, now)


def _is_skill_event(document: dict[str, Any]) -> bool:
    request_type = dig(document, "request", "type")
    return isinstance(request_type, str) and request_type.startswith(SKILL_EVENT_PREFIX)


def _context_application_id(document: dict[str, Any]) -> object:
    node: object = document
    for key in ("context", "System", "application", "applicationId"):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestRejected("request body is not valid UTF-8") from error


def _from_adapter_error(error: HTTPException) -> Response:
    """Turn the adapter's generic 400/500 into a JSON error (the checks ran before it)."""
    cause = error.__context__
    if isinstance(error, BadRequest):
        return _error(400, "request failed verification")
    log.error("skill failed to handle a request", exc_info=cause)
    return _error(500, "the skill could not handle this request")


def _http_error(error: HTTPException) -> Response:
    return _error(error.code or 500, error.description or error.name)


def _unexpected_error(error: Exception) -> Response:
    log.error("unexpected error", exc_info=error)
    return _error(500, "internal error")
