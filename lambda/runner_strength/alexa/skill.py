"""Building the skill: handlers over a coach, a persistence adapter, and the Lambda entry.

`build_skill` takes every dependency as an argument (tests pass their own clock, store and random
source); `build_default_skill` is the composition used by Lambda, the web service and the console.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.request import Request
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_runtime.exceptions import AskSdkException

from runner_strength import safe_log, turn_budget
from runner_strength.alexa import snapstart
from runner_strength.alexa.coach import Coach
from runner_strength.alexa.handlers import CatchAllExceptionHandler, request_handlers
from runner_strength.alexa.observe import (
    CountedExceptionHandler,
    ObservedApiClient,
    ObservedEntry,
    Observer,
)
from runner_strength.alexa.serializer import CachingSerializer
from runner_strength.alexa.services import ShortTimeoutApiClient
from runner_strength.config import Config
from runner_strength.content.compiled import load_compiled
from runner_strength.persistence.factory import build_adapter
from runner_strength.persistence.repository import Repository, user_record_codec

if TYPE_CHECKING:
    from collections.abc import Callable

    from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
    from ask_sdk_core.skill import CustomSkill
    from ask_sdk_model.services.api_client import ApiClient

    from runner_strength.content.model import Library
    from runner_strength.engine.record import UserRecord

logger = logging.getLogger(__name__)

REJECTED: dict[str, Any] = {
    "version": "1.0",
    "response": {
        "outputSpeech": {"type": "PlainText", "text": "Sorry, I could not read that request."},
        "shouldEndSession": True,
    },
}
"""What the Lambda entry answers to an envelope it cannot read or that is not for this skill."""
ACKNOWLEDGED: dict[str, Any] = {"version": "1.0", "response": {}}
"""What the Lambda entry answers to a skill event it has already processed."""

MAX_SESSION_ATTRIBUTE_CHARACTERS = 24 * 1024
"""Session attributes come back in Alexa's 24 KB response, so a larger set never came from us."""
MAX_SESSION_ATTRIBUTE_DEPTH = 8
"""Our attributes nest three deep; a deeper set is crafted (900 levels crashed a decoder once)."""
MAX_SESSION_ATTRIBUTE_ITEMS = 256
"""Entries in any one list or object of the session attributes."""
MAX_ID_CHARACTERS = 1024
"""Alexa's user, person, device and application ids run to about 250 characters; a longer one is
crafted, and it would be carried into the record the session and the store hold."""
_IDS = (
    ("context", "System", "user", "userId"),
    ("context", "System", "person", "personId"),
    ("context", "System", "device", "deviceId"),
    ("context", "System", "application", "applicationId"),
    ("session", "user", "userId"),
)
SKILL_EVENT_PREFIX = "AlexaSkillEvent."
SEEN_EVENTS = 1024
"""Skill event request ids the Lambda entry remembers, to process a retried event only once."""


def build_skill(  # noqa: PLR0913  # every dependency passed in, each by keyword
    *,
    library: Library,
    adapter: AbstractPersistenceAdapter,
    clock: Callable[[], float],
    skill_id: str | None = None,
    rng_for: Callable[[str], random.Random] = random.Random,
    api_client: ApiClient | None = None,
    repository: Repository[UserRecord] | None = None,
) -> CustomSkill:
    """The skill: every handler in order, the catch-all, and the persistence adapter.

    With an `api_client`, turns reach Alexa's Settings and Reminders APIs at each request's
    `apiEndpoint`; without one (the local console) they do without.
    """
    coach = Coach(library, repository or Repository(user_record_codec()), clock, rng_for)
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    if api_client is not None:
        builder.api_client = api_client
    if skill_id:
        # The SDK's builder infers `skill_id: None` from its constructor; it takes a string.
        setattr(builder, "skill_id", skill_id)  # noqa: B010
    for handler in request_handlers(coach):
        builder.add_request_handler(handler)
    builder.add_exception_handler(CountedExceptionHandler(CatchAllExceptionHandler(coach)))
    skill = builder.create()
    skill.serializer = CachingSerializer()
    return skill


def build_default_skill(config: Config | None = None) -> CustomSkill:
    """The production composition: settings from the environment, compiled content, real store."""
    config = config or Config.from_env()
    logging.getLogger("runner_strength").setLevel(config.log_level)
    adapter = build_adapter(config, time.time)
    skill = build_skill(
        library=load_compiled(),
        adapter=adapter,
        clock=time.time,
        skill_id=config.skill_id,
        api_client=ObservedApiClient(ShortTimeoutApiClient(config.alexa_api_timeout)),
    )
    snapstart.install(skill, adapter)
    return skill


def build_lambda_entry(config: Config | None = None) -> ObservedEntry:
    """The Lambda handler, built once at cold start; one warning when no skill id is configured.

    Observed (alexa/observe.py): JSON logs with correlation keys, metrics per turn.
    """
    config = config or Config.from_env()
    observer = Observer(config.service_name, level=config.log_level, adopt_loggers=config.on_lambda)
    if not config.skill_id:
        logger.warning(
            "SKILL_ID is not set: this function answers requests for any skill. Set it to the "
            "skill's id (infra/template.yaml passes its SkillId parameter)."
        )
    return ObservedEntry(LambdaEntry(build_default_skill(config)), observer)


class LambdaEntry:
    """The Lambda handler over one skill built at cold start (the SDK's rebuilds it per call).

    Before the SDK sees a request, the entry requires `context.System.application.applicationId`
    and, when the skill has an id, that it and `session.application.applicationId` (when there is
    one) are that id: the SDK itself checks only the context, after reading the whole envelope.
    """

    def __init__(self, skill: CustomSkill) -> None:
        self.skill = skill
        configured = getattr(skill, "skill_id", None)
        self.skill_id: str | None = configured if isinstance(configured, str) else None
        self._events = SeenEvents()
        safe_log.install()

    def __call__(self, event: object, context: object) -> dict[str, Any]:
        """Answer one request envelope; an unreadable or foreign one gets a logged rejection."""
        problem = (
            application_problem(event, self.skill_id) or id_problem(event) or session_problem(event)
        )
        if problem is not None:
            logger.warning("rejected a request envelope: %s", problem)
            return REJECTED
        if not self._events.first_time(event):
            logger.info("acknowledged a skill event already processed")
            return ACKNOWLEDGED
        try:
            envelope = self.skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
        except Exception as error:  # noqa: BLE001  # any shape the SDK's reader chokes on is a bad request
            logger.warning("rejected an unreadable request envelope: %s", type(error).__name__)
            return REJECTED
        if not isinstance(envelope, RequestEnvelope) or not isinstance(envelope.request, Request):
            logger.warning("rejected a request envelope without a request")
            return REJECTED
        try:
            with turn_budget.turn():
                response = self.skill.invoke(request_envelope=envelope, context=context)
        except AskSdkException as error:
            # Skill id mismatch or a request no handler takes; the catch-all handles the rest.
            logger.warning("rejected a request: %s", error)
            return REJECTED
        result = self.skill.serializer.serialize(response)
        if not isinstance(result, dict):
            raise TypeError("the SDK serialised a response envelope to something other than a dict")
        return result


class SeenEvents:
    """Request ids of the skill events this process answered (Alexa may deliver one twice).

    Bounded: the oldest of `SEEN_EVENTS` ids goes first. Another Lambda instance does not share
    them, so a retry that lands elsewhere is processed again; every skill event handler here is
    idempotent (a second delete finds nothing), so that costs a write, not a wrong answer.
    """

    def __init__(self, max_entries: int = SEEN_EVENTS) -> None:
        self._max_entries = max_entries
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event: object) -> bool:
        """False for a skill event whose request id was seen; True for anything else."""
        request_type = _dig(event, "request", "type")
        request_id = _dig(event, "request", "requestId")
        if not isinstance(request_type, str) or not request_type.startswith(SKILL_EVENT_PREFIX):
            return True
        if not isinstance(request_id, str) or not request_id:
            return True
        with self._lock:
            if request_id in self._seen:
                return False
            self._seen[request_id] = None
            while len(self._seen) > self._max_entries:
                self._seen.popitem(last=False)
            return True


def session_problem(event: object) -> str | None:  # noqa: PLR0911  # one reason per limit
    """Why the session attributes of `event` cannot be ours (too large, deep or long), or None.

    Checked on the raw JSON before anything decodes them: a crafted set could otherwise cost
    memory (a compressed record that inflates), a crash (deep nesting) or responses over 24 KB.
    """
    session = _dig(event, "session")
    if session is None:
        return None
    if not isinstance(session, dict):
        return "session is not an object"
    attributes = session.get("attributes")
    if attributes is None:
        return None
    if not isinstance(attributes, dict):
        return "session attributes are not an object"
    characters = 0
    stack: list[tuple[object, int]] = [(attributes, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_SESSION_ATTRIBUTE_DEPTH:
            return f"session attributes nest deeper than {MAX_SESSION_ATTRIBUTE_DEPTH}"
        if isinstance(node, dict):
            if len(node) > MAX_SESSION_ATTRIBUTE_ITEMS:
                return f"a session attribute object has over {MAX_SESSION_ATTRIBUTE_ITEMS} keys"
            characters += sum(len(str(key)) + 4 for key in node)
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            if len(node) > MAX_SESSION_ATTRIBUTE_ITEMS:
                return f"a session attribute list has over {MAX_SESSION_ATTRIBUTE_ITEMS} items"
            stack.extend((value, depth + 1) for value in node)
        else:
            characters += len(node) + 2 if isinstance(node, str) else 8
        if characters > MAX_SESSION_ATTRIBUTE_CHARACTERS:
            return f"session attributes are over {MAX_SESSION_ATTRIBUTE_CHARACTERS} characters"
    return None


def id_problem(event: object) -> str | None:
    """Which id of `event` is longer than any Alexa sends, or None."""
    for path in _IDS:
        value = _dig(event, *path)
        if isinstance(value, str) and len(value) > MAX_ID_CHARACTERS:
            return f"{'.'.join(path)} is over {MAX_ID_CHARACTERS} characters"
    return None


def application_problem(event: object, skill_id: str | None) -> str | None:
    """Why `event` is not a request for `skill_id` (any skill when None), or None when it is."""
    context_id = _dig(event, "context", "System", "application", "applicationId")
    if not isinstance(context_id, str) or not context_id:
        return "no context.System.application.applicationId"
    if skill_id is None:
        return None
    if context_id != skill_id:
        return "context.System.application is another skill"
    session = _dig(event, "session")
    if session is not None:
        session_id = _dig(session, "application", "applicationId")
        if session_id is not None and session_id != skill_id:
            return "session.application is another skill"
    return None


def _dig(node: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node
