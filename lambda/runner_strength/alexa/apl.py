"""The Echo Show screen on the Alexa side: the RenderDocument directive and touches as intents.

Only devices whose `supportedInterfaces` include `Alexa.Presentation.APL` get a directive; every
other device gets the response it always got. Documents are sent by link to the ones saved in the
skill package (`interaction_model/response/display/<page>/document.json`), so a response carries
only the datasource (`narration/screen.py`).

A touch arrives as `Alexa.Presentation.APL.UserEvent` with the arguments its button sent:
`[action]` or `[action, id]`. `as_intent` turns it into the IntentRequest the runner would have
spoken, so the same handler and the same engine transition answer it.
"""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING

from ask_sdk_model.intent import Intent
from ask_sdk_model.intent_confirmation_status import IntentConfirmationStatus
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.slot import Slot
from ask_sdk_model.slot_confirmation_status import SlotConfirmationStatus

from runner_strength.narration.screen import Action

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.interfaces.alexa.presentation.apl.render_document_directive import (
        RenderDocumentDirective,
    )

    from runner_strength.content.model import Library
    from runner_strength.narration.screen import Screen

logger = logging.getLogger(__name__)

APL_INTERFACE = "Alexa.Presentation.APL"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
DOCUMENT_LINK = "doc://alexa/apl/documents/{name}"
TOKEN = "runnerStrength"  # noqa: S105  # a screen name, not a secret
"""The presentation token: one screen, replaced by every response."""
MAX_ARGUMENT_CHARACTERS = 64
"""Ids are short; anything longer is not one of ours."""

# What each touch stands for: the intent the runner would say.
_INTENTS: dict[Action, str] = {
    Action.READY: "ReadyIntent",
    Action.PAUSE: "AMAZON.PauseIntent",
    Action.RESUME: "ResumeWorkoutIntent",
    Action.SKIP: "SkipExerciseIntent",
    Action.EXPLAIN: "ExplainExerciseIntent",
    Action.EASIER: "EasierIntent",
    Action.HARDER: "HarderIntent",
    Action.START: "StartWorkoutIntent",
    Action.PROGRESS: "ProgressIntent",
    Action.LIST: "ListWorkoutsIntent",
}
_BY_VALUE = frozenset(action.value for action in Action)
# Anything else a touch may send is answered as something out of scope would be.
FALLBACK_INTENT = "AMAZON.FallbackIntent"


def supports_apl(handler_input: HandlerInput) -> bool:
    """True when the device can show APL (an Echo Show, a Fire TV); False for a speaker."""
    context = getattr(handler_input.request_envelope, "context", None)
    device = getattr(getattr(context, "system", None), "device", None)
    interfaces = getattr(device, "supported_interfaces", None)
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def render_directive(screen: Screen) -> RenderDocumentDirective:
    """The RenderDocument directive for a screen: the saved document by link, its datasource."""
    # Screens only: a speaker never loads the ~75 APL model modules (snapstart.FIRST_USE).
    from ask_sdk_model.interfaces.alexa.presentation.apl.render_document_directive import (  # noqa: PLC0415
        RenderDocumentDirective,
    )

    return RenderDocumentDirective(
        token=TOKEN,
        document={"type": "Link", "src": DOCUMENT_LINK.format(name=screen.page.value)},
        datasources=screen.datasources,
    )


def _argument(value: object) -> str | None:
    """A UserEvent argument as a short identifier, or None when it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_ARGUMENT_CHARACTERS or not text.isprintable():
        return None
    return text


def intent_for(arguments: object, library: Library) -> tuple[str, dict[str, tuple[str, str]]]:
    """The intent a touch stands for and its resolved slots (name -> (id, value)).

    Arguments that are not a known action, or an id the library does not have, become the
    fallback intent: the runner hears what the skill can do, never an error.
    """
    values = list(arguments) if isinstance(arguments, (list, tuple)) else []
    name = _argument(values[0]) if values else None
    action = Action(name.lower()) if name is not None and name.lower() in _BY_VALUE else None
    if action is None:
        return FALLBACK_INTENT, {}
    target = _argument(values[1]) if len(values) > 1 else None
    if action is Action.EXPLAIN:
        exercise = library.exercises.get(target or "")
        if exercise is None:
            return FALLBACK_INTENT, {}
        return _INTENTS[action], {"exercise": (exercise.id, exercise.name)}
    if action is Action.START:
        workout = library.workouts.get(target or "")
        if workout is None:
            return FALLBACK_INTENT, {}
        return _INTENTS[action], {"workout": (workout.id, workout.name)}
    return _INTENTS[action], {}


def _slot(name: str, content_id: str, value: str) -> Slot:
    # Touches only (snapstart.FIRST_USE).
    from ask_sdk_model.slu.entityresolution.resolution import Resolution  # noqa: PLC0415
    from ask_sdk_model.slu.entityresolution.resolutions import Resolutions  # noqa: PLC0415
    from ask_sdk_model.slu.entityresolution.status import Status  # noqa: PLC0415
    from ask_sdk_model.slu.entityresolution.status_code import StatusCode  # noqa: PLC0415
    from ask_sdk_model.slu.entityresolution.value import Value  # noqa: PLC0415
    from ask_sdk_model.slu.entityresolution.value_wrapper import ValueWrapper  # noqa: PLC0415

    resolution = Resolution(
        authority=f"amzn1.er-authority.echo-sdk.touch.{name}",
        status=Status(code=StatusCode.ER_SUCCESS_MATCH),
        values=[ValueWrapper(value=Value(name=value, id=content_id))],
    )
    return Slot(
        name=name,
        value=value,
        confirmation_status=SlotConfirmationStatus.NONE,
        resolutions=Resolutions(resolutions_per_authority=[resolution]),
    )


def as_intent(handler_input: HandlerInput, library: Library) -> HandlerInput:
    """The touch as the IntentRequest the runner would have spoken, in the same session.

    The attributes manager is shared, so the session attributes the answer sets are the ones
    the response carries.
    """
    request = handler_input.request_envelope.request
    name, slots = intent_for(getattr(request, "arguments", None), library)
    logger.info("touch -> %s", name)
    intent = Intent(
        name=name,
        confirmation_status=IntentConfirmationStatus.NONE,
        slots={slot: _slot(slot, content_id, value) for slot, (content_id, value) in slots.items()},
    )
    envelope = copy.copy(handler_input.request_envelope)
    envelope.request = IntentRequest(
        request_id=getattr(request, "request_id", None),
        timestamp=getattr(request, "timestamp", None),
        locale=getattr(request, "locale", None),
        intent=intent,
    )
    spoken = copy.copy(handler_input)  # the same attributes, services and response builder
    spoken.request_envelope = envelope
    return spoken
