"""The fair baseline on DynamoDB: the ASK SDK hello world on the SDK's own persistence adapter.

ask-sdk-core with `ask_sdk_dynamodb.adapter.DynamoDbAdapter` (ask-sdk-dynamodb-persistence-adapter,
the SDK's own DynamoDB store), on the skill's table (`TABLE_NAME`; DynamoDB Local's endpoint comes
from `AWS_ENDPOINT_URL_DYNAMODB`, which boto3 reads itself), making the same store round trips per
turn as the skill: a LaunchRequest reads the user's attributes once (one GetItem) and writes them
only the first time (one PutItem for a new user), as the skill's new-session turn does. For warm
turns, an IntentRequest named `RoundTrips` with slots `reads` and `writes` ("0" or "1") makes
exactly the round trips the skill's turn made (warm_turn.py counts them).

Built once at import, like `lambda/lambda_function.py`, so the comparison is of work per request.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils.predicate import is_intent_name, is_request_type
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_model.request_envelope import RequestEnvelope


def _launch(handler_input: Any) -> Any:  # noqa: ANN401  # the SDK is untyped
    manager = handler_input.attributes_manager
    attributes = manager.persistent_attributes  # GetItem
    if not attributes:
        manager.persistent_attributes = {"visits": 1}
        manager.save_persistent_attributes()  # PutItem, a new user only
    return handler_input.response_builder.speak("Hello").set_should_end_session(False).response


def _slot(handler_input: Any, name: str) -> int:  # noqa: ANN401
    slots = handler_input.request_envelope.request.intent.slots or {}
    slot = slots.get(name)
    return int(slot.value) if slot is not None and slot.value else 0


def _round_trips(handler_input: Any) -> Any:  # noqa: ANN401
    manager = handler_input.attributes_manager
    if _slot(handler_input, "reads"):
        attributes = dict(manager.persistent_attributes)  # GetItem
    else:
        attributes = {"visits": 1}
    if _slot(handler_input, "writes"):
        attributes["visits"] = int(attributes.get("visits", 0)) + 1
        manager.persistent_attributes = attributes
        manager.save_persistent_attributes()  # PutItem
    return handler_input.response_builder.speak("Hello").set_should_end_session(False).response


def build_skill(resource: Any = None) -> Any:  # noqa: ANN401  # ask_sdk_core.skill.CustomSkill
    """The hello world over the SDK's DynamoDB adapter on `TABLE_NAME`'s table."""
    adapter = DynamoDbAdapter(
        table_name=os.environ["TABLE_NAME"],
        partition_key_name="pk",
        dynamodb_resource=resource or boto3.resource("dynamodb"),
    )
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    builder.request_handler(can_handle_func=is_request_type("LaunchRequest"))(_launch)
    builder.request_handler(can_handle_func=is_intent_name("RoundTrips"))(_round_trips)
    return builder.create()


_skill = build_skill()


def lambda_handler(event: object, context: object) -> dict[str, Any]:
    """Answer one request envelope with the skill built at import."""
    envelope = _skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    response = _skill.invoke(request_envelope=envelope, context=context)
    result: dict[str, Any] = _skill.serializer.serialize(response)
    return result
