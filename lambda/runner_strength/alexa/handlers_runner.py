"""Handlers for what the runner tells the coach about themselves: feedback, level, kit, reminders.

Also how much the coach says and the timer tones. Each is remembered in the record (`fitting.py`,
`reminding.py`). Listed in order in `handlers.request_handlers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from ask_sdk_core.utils.predicate import is_intent_name, is_request_type

from runner_strength.alexa import explaining, fitting, reminding
from runner_strength.alexa.dialog import Said
from runner_strength.alexa.handler_base import CoachHandler, slot_id
from runner_strength.alexa.requests import SlotStatus, resolved_slot
from runner_strength.content.model import EQUIPMENT, Level
from runner_strength.engine.progress import Feeling
from runner_strength.engine.record import Verbosity

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.coach import Turn


class FeedbackHandler(CoachHandler):
    """Too easy, too hard or just right: the exercise just done is adjusted for next time."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("FeedbackIntent")(handler_input)
            or is_intent_name("JustRightIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        if is_intent_name("JustRightIntent")(handler_input):
            return fitting.feedback(self.coach.turn(handler_input), Feeling.JUST_RIGHT)
        feeling = slot_id(handler_input, "feeling", {f.value for f in Feeling})
        return fitting.feedback(
            self.coach.turn(handler_input), Feeling(feeling) if feeling else None
        )


class LevelHandler(CoachHandler):
    """I'm a beginner (intermediate, advanced): dosages, variants and the rotation follow."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("SetLevelIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        level = slot_id(handler_input, "level", {level.value for level in Level})
        return fitting.set_level(self.coach.turn(handler_input), Level(level) if level else None)


class EquipmentHandler(CoachHandler):
    """Kit the runner lacks ("I don't have a band") or has ("I'm at the gym"), remembered."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("MissingEquipmentIntent")(handler_input)
            or is_intent_name("HaveEquipmentIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        named = resolved_slot(handler_input, "equipment")
        equipment = slot_id(handler_input, "equipment", EQUIPMENT)
        if named.status is not SlotStatus.EMPTY and equipment is None:
            return turn.offer_next(turn.talk.equipment_unknown())
        if is_intent_name("HaveEquipmentIntent")(handler_input):
            return fitting.set_equipment(turn, available=equipment, everything=equipment is None)
        return fitting.set_equipment(turn, missing=equipment)


class VerbosityHandler(CoachHandler):
    """Keep it short, or give me more detail: how much the coach says, remembered."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("BriefCoachingIntent")(handler_input)
            or is_intent_name("DetailedCoachingIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        brief = is_intent_name("BriefCoachingIntent")(handler_input)
        turn = self.coach.turn(handler_input)
        explained = explaining.explained_last(turn)
        if not brief and explained is not None and turn.asked.said is Said.EXPLANATION:
            # "More detail" right after a first layer asks for the second, not a coaching mode
            # (said again after it, it is the mode).
            return explaining.explain_more(turn, explained)
        verbosity = Verbosity.SHORT if brief else Verbosity.DETAILED
        return fitting.set_verbosity(turn, verbosity)


class _OnOffHandler(CoachHandler):
    """A remembered setting the runner turns on with one intent and off with another."""

    on_intent: ClassVar[str]
    off_intent: ClassVar[str]

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name(self.on_intent)(handler_input)
            or is_intent_name(self.off_intent)(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        on = bool(is_intent_name(self.on_intent)(handler_input))
        return self.switch(self.coach.turn(handler_input), on=on)

    def switch(self, turn: Turn, *, on: bool) -> Response:
        """Turn the setting on or off and say so."""
        raise NotImplementedError


class TonesHandler(_OnOffHandler):
    """No beeps, or beeps on: the timer tones, remembered."""

    on_intent = "TonesOnIntent"
    off_intent = "TonesOffIntent"

    def switch(self, turn: Turn, *, on: bool) -> Response:
        """Tones on or off."""
        return fitting.set_tones(turn, on=on)


class EverySetHandler(_OnOffHandler):
    """Ask me after every set, or run the sets together: how often the coach asks, remembered."""

    on_intent = "EverySetIntent"
    off_intent = "FlowSetsIntent"

    def switch(self, turn: Turn, *, on: bool) -> Response:
        """A question after every set, or sets that flow on."""
        return fitting.set_every_set(turn, on=on)


class SetReminderHandler(CoachHandler):
    """Remind me on Mondays and Thursdays (at 7), make it Saturday at 9, change my reminder to..."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("SetReminderIntent")(handler_input)
            or is_intent_name("ChangeReminderIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = self.coach.turn(handler_input)
        days, time = reminding.said_days(handler_input), reminding.said_time(handler_input)
        if not days and time is None:
            # Someone who has a reminder and asks for one wants to hear it and change it.
            if (
                is_intent_name("ChangeReminderIntent")(handler_input)
                or turn.record.reminder is not None
            ):
                return reminding.ask_change(turn)
            return reminding.propose(turn, reminding.usual(turn))
        base = reminding.proposal(handler_input) or reminding.usual(turn)
        return reminding.set_reminder(turn, reminding.wanted(days, time, base))


class PermissionAnswerHandler(CoachHandler):
    """Alexa's answer to the voice request for the reminders permission."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return bool(
            is_request_type("Connections.Response")(handler_input)
            and getattr(request, "name", None) == "AskFor"
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return reminding.answer_permission(self.coach.turn(handler_input))
