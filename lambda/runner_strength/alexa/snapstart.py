"""Lambda SnapStart runtime hooks: what a restored snapshot must not share with its siblings.

With SnapStart (infra/template.yaml, parameter `SnapStart`), Lambda runs init once when it
publishes a version, snapshots the memory, and starts every later execution environment of that
version from the same snapshot. Whatever init left in memory is then shared by all of them:

- random state: the `random` module's generator is re-seeded from the OS after restore (botocore's
  retry jitter draws from it). The coach's own generators are seeded per request from its request
  id (`Coach.rng_for`), so they never came from the snapshot; `uuid4`, `secrets` and
  `SystemRandom` read the OS on every call.
- network clients: the DynamoDB client holds the connection pool and the role credentials of the
  moment of the snapshot; the store rebuilds it (`VersionedAdapter.reconnect`).

Before the snapshot, a canned LaunchRequest is read by the SDK's deserializer (no handler, no
I/O), so the model classes it imports on first use are in the snapshot instead of in the first
request, and the modules the skill itself imports only for some requests (`FIRST_USE`) are
imported. The hooks come from `snapshot_restore_py`, which the Lambda Python runtime provides (and
the bundle therefore leaves out); without SnapStart they are registered and never called.
"""

from __future__ import annotations

import importlib
import json
import logging
import random
from typing import TYPE_CHECKING

from ask_sdk_model.request_envelope import RequestEnvelope

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

    from runner_strength.persistence.base import VersionedAdapter

logger = logging.getLogger(__name__)

_PRIMING_ENVELOPE = {
    "version": "1.0",
    "session": {
        "new": True,
        "sessionId": "amzn1.echo-api.session.snapstart-priming",
        "application": {"applicationId": "amzn1.ask.skill.snapstart-priming"},
        "user": {"userId": "amzn1.ask.account.snapstart-priming"},
    },
    "context": {
        "System": {
            "application": {"applicationId": "amzn1.ask.skill.snapstart-priming"},
            "user": {"userId": "amzn1.ask.account.snapstart-priming"},
            "device": {"deviceId": "amzn1.ask.device.snapstart-priming", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com",
        },
    },
    "request": {
        "type": "LaunchRequest",
        "requestId": "amzn1.echo-api.request.snapstart-priming",
        "timestamp": "2026-01-01T00:00:00Z",
        "locale": "en-US",
    },
}
"""A LaunchRequest as Alexa sends it, only ever deserialized (never answered)."""


FIRST_USE = (
    # alexa/apl.py: the RenderDocument directive, for screens (the APL package is ~75 modules)
    "ask_sdk_model.interfaces.alexa.presentation.apl.render_document_directive",
    # alexa/apl.py: a touch's slots, resolved as Alexa resolves spoken ones
    "ask_sdk_model.slu.entityresolution",
    # alexa/reminding.py: Alexa asks for the reminders permission
    "ask_sdk_model.interfaces.connections.send_request_directive",
    # alexa/zones.py, alexa/services.py: a turn that knows the runner's time zone
    "zoneinfo",
)
"""Modules the skill imports inside the function that needs them, so that a cold start whose
first request does not need them (a speaker's launch) does not pay for them."""


def prime(skill: CustomSkill) -> None:
    """Before the snapshot: import `FIRST_USE` and read a canned envelope (first-use imports)."""
    for name in FIRST_USE:
        importlib.import_module(name)
    envelope = skill.serializer.deserialize(json.dumps(_PRIMING_ENVELOPE), RequestEnvelope)
    if not isinstance(envelope, RequestEnvelope):
        raise TypeError("the priming envelope did not deserialize")


def after_restore(adapter: VersionedAdapter) -> None:
    """After a restore: new random state and new network clients for this environment."""
    random.seed()
    adapter.reconnect()
    logger.info("restored from a SnapStart snapshot: random re-seeded, store reconnected")


def install(skill: CustomSkill, adapter: VersionedAdapter) -> bool:
    """Register the hooks for the skill and store this process serves (at cold start, once).

    False when `snapshot_restore_py` cannot be imported: a bundle run outside Lambda, with
    nothing that could take a snapshot.
    """
    try:
        import snapshot_restore_py  # noqa: PLC0415  # provided by the Lambda runtime, not bundled
    except ImportError:
        logger.debug("snapshot_restore_py is not installed: no SnapStart hooks")
        return False
    snapshot_restore_py.register_before_snapshot(prime, skill)
    snapshot_restore_py.register_after_restore(after_restore, adapter)
    return True
