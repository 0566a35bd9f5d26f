"""Building the skill: handlers over a coach, a persistence adapter, and the Lambda entry.

`build_skill` takes every dependency as an argument (tests pass their own clock, store and random
source); `build_default_skill` is the composition used by Lambda, the web service and the console.
"""

from __future__ import annotations

import json
import logging
import random
import time
from typing import TYPE_CHECKING, Any

from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.request import Request
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_runtime.exceptions import AskSdkException

from runner_strength.alexa import snapstart
from runner_strength.alexa.coach import Coach
from runner_strength.alexa.handlers import CatchAllExceptionHandler, request_handlers
from runner_strength.alexa.serializer import CachingSerializer
from runner_strength.config import Config
from runner_strength.content.compiled import load_compiled
from runner_strength.persistence.factory import build_adapter
from runner_strength.persistence.repository import Repository, user_record_codec

if TYPE_CHECKING:
    from collections.abc import Callable

    from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
    from ask_sdk_core.skill import CustomSkill

    from runner_strength.content.model import Library

logger = logging.getLogger(__name__)

REJECTED: dict[str, Any] = {
    "version": "1.0",
    "response": {
        "outputSpeech": {"type": "PlainText", "text": "Sorry, I could not read that request."},
        "shouldEndSession": True,
    },
}
"""What the Lambda entry answers to an envelope it cannot read or that is not for this skill."""


def build_skill(
    *,
    library: Library,
    adapter: AbstractPersistenceAdapter,
    clock: Callable[[], float],
    skill_id: str | None = None,
    rng_for: Callable[[str], random.Random] = random.Random,
) -> CustomSkill:
    """The skill: every handler in order, the catch-all, and the persistence adapter."""
    coach = Coach(library, Repository(user_record_codec()), clock, rng_for)
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    if skill_id:
        # The SDK's builder infers `skill_id: None` from its constructor; it takes a string.
        setattr(builder, "skill_id", skill_id)  # noqa: B010
    for handler in request_handlers(coach):
        builder.add_request_handler(handler)
    builder.add_exception_handler(CatchAllExceptionHandler(coach))
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
    )
    snapstart.install(skill, adapter)
    return skill


class LambdaEntry:
    """The Lambda handler over one skill built at cold start (the SDK's rebuilds it per call)."""

    def __init__(self, skill: CustomSkill) -> None:
        self.skill = skill

    def __call__(self, event: object, context: object) -> dict[str, Any]:
        """Answer one request envelope; an unreadable or foreign one gets a logged rejection."""
        try:
            envelope = self.skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
        except Exception as error:  # noqa: BLE001  # any shape the SDK's reader chokes on is a bad request
            logger.warning("rejected an unreadable request envelope: %s", type(error).__name__)
            return REJECTED
        if not isinstance(envelope, RequestEnvelope) or not isinstance(envelope.request, Request):
            logger.warning("rejected a request envelope without a request")
            return REJECTED
        try:
            response = self.skill.invoke(request_envelope=envelope, context=context)
        except AskSdkException as error:
            # Skill id mismatch or a request no handler takes; the catch-all handles the rest.
            logger.warning("rejected a request: %s", error)
            return REJECTED
        result = self.skill.serializer.serialize(response)
        if not isinstance(result, dict):
            raise TypeError("the SDK serialised a response envelope to something other than a dict")
        return result
