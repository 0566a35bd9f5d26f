"""What every request handler shares: the coach it answers through, and reading a custom slot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components.request_components import AbstractRequestHandler

from runner_strength.alexa.requests import SlotStatus, resolved_slot
from runner_strength.content.names import sure_term

if TYPE_CHECKING:
    from collections.abc import Collection

    from ask_sdk_core.handler_input import HandlerInput

    from runner_strength.alexa.coach import Coach


def slot_id(handler_input: HandlerInput, name: str, known: Collection[str]) -> str | None:
    """A custom slot's resolved id when it is one of `known`; else the term the words stand for.

    Unresolved words ("dumb bells", "advance") are read as the one term they clearly mean
    (`content/names.py: sure_term`), or none.
    """
    slot = resolved_slot(handler_input, name)
    if slot.status is SlotStatus.MATCHED and slot.id in known:
        return slot.id
    heard = "_".join((slot.heard or "").lower().split())
    if heard in known:
        return heard
    return sure_term(slot.heard, known) if slot.heard else None


class CoachHandler(AbstractRequestHandler):
    """A handler that answers through the coach."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
