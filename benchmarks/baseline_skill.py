"""The baseline: the minimal ASK SDK hello-world skill every figure is compared with.

ask-sdk-core and boto3 imported (as a typical Lambda skill does), one LaunchRequest handler that
says "Hello", and a `lambda_handler` over a skill built once at import - the same shape as
`lambda/lambda_function.py` (the SDK's own `SkillBuilder.lambda_handler()` would rebuild the skill
on every call, which would handicap the baseline).
"""

from __future__ import annotations

import json
from typing import Any

import boto3  # noqa: F401  # a real skill's Lambda imports it; the cost belongs in the baseline
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils.predicate import is_request_type
from ask_sdk_model.request_envelope import RequestEnvelope

SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"


def _launch(handler_input: Any) -> Any:  # noqa: ANN401  # the SDK is untyped
    return handler_input.response_builder.speak("Hello").set_should_end_session(False).response


def build_skill() -> Any:  # noqa: ANN401  # ask_sdk_core.skill.CustomSkill, untyped
    """The hello-world skill: one LaunchRequest handler."""
    builder = SkillBuilder()
    builder.request_handler(can_handle_func=is_request_type("LaunchRequest"))(_launch)
    return builder.create()


_skill = build_skill()


def lambda_handler(event: object, context: object) -> dict[str, Any]:
    """Answer one request envelope with the skill built at import."""
    envelope = _skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    response = _skill.invoke(request_envelope=envelope, context=context)
    result: dict[str, Any] = _skill.serializer.serialize(response)
    return result
