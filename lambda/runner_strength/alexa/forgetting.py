"""'Delete my data': asked first, then the speaker's record and their reminder are deleted.

The flows of the dialog table's delete-data question. What is deleted is the record this session
reads and writes: a recognised voice's own, or the account's shared one (the store's adapter
decides by the request; disabling the skill deletes every record of the account). The reminder
lives in the runner's Alexa account, so it is deleted there first, while its id is still known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner_strength.alexa import services
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.alexa.services import Outcome
from runner_strength.narration.moments import MomentTalk

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.turning import TurnView as Turn


def asked(turn: Turn, _: HandlerInput) -> Response:
    """Asked to delete my data, anywhere: what would go, and yes or no (it cannot be undone)."""
    talk = MomentTalk(turn.library, turn.rng)
    return turn.respond(talk.delete_question(), Asked(Question.DELETE_DATA))


def delete(turn: Turn, handler_input: HandlerInput) -> Response:
    """Yes: the reminder, then the record; nothing is saved after; the session ends."""
    talk = MomentTalk(turn.library, turn.rng)
    reminder = turn.record.reminder
    reminder_left = False
    if reminder is not None and reminder.alert_id:
        removed = services.delete_reminder(handler_input, reminder.alert_id)
        reminder_left = removed.outcome is not Outcome.OK
    if not turn.forget():
        return turn.respond(talk.not_deleted(), Asked())
    return turn.respond(talk.deleted(reminder_left=reminder_left), Asked())


def keep(turn: Turn, _: HandlerInput) -> Response:
    """No: nothing changes; back to the workout's question, or the menu's."""
    talk = MomentTalk(turn.library, turn.rng)
    question, then = turn.workout_question()
    return turn.respond(talk.kept().then(question), then)
