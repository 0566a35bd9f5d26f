"""Weekly reminders in the conversation: the offer after a workout, setting, changing, stopping.

Each function does one turn's reminder work on a `coach.Turn` and answers it; the handlers stay
thin and `services.py` does the talking to Alexa. Rules kept here:

- the offer comes once, after a finished workout, only when the runner has no reminder and was
  never offered one; a "no" (or a refused permission) is remembered and never asked again;
- without the reminders permission the runner is asked by voice (`Connections.SendRequest`
  AskFor); after a refusal, or where the device cannot ask, a permissions card instead;
- a failed API call is apologised for and changes nothing stored about the reminder, while
  everything else the turn did is kept.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ask_sdk_model.ui.ask_for_permissions_consent_card import AskForPermissionsConsentCard

from runner_strength.alexa import dialog, services
from runner_strength.alexa.dialog import Asked, Question
from runner_strength.alexa.requests import resolved_slot, slot_text
from runner_strength.alexa.services import REMINDERS_SCOPE, Outcome
from runner_strength.engine.events import WorkoutFinished
from runner_strength.engine.reminder import WEEKDAYS, Offer, Reminder, usual_reminder
from runner_strength.narration.narrator import Script
from runner_strength.narration.reminders import ReminderTalk

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.response import Response

    from runner_strength.alexa.turning import TurnView as Turn
    from runner_strength.engine.events import Outcome as EngineOutcome
    from runner_strength.narration.ssml import Ssml

logger = logging.getLogger(__name__)

PROPOSAL_KEY = "reminder_proposal"
"""Session attribute: the days and time the last reminder offer named."""
TOKEN_PREFIX = "runner-strength-reminder"  # noqa: S105  # a label, not a secret
"""The AskFor request's token carries the reminder asked for, so its answer needs no session."""
DAY_SLOTS = ("day", "second_day", "third_day")
# AMAZON.TIME's words for parts of the day, as the hour a runner would mean.
_DAY_PARTS = {"MO": 7, "AF": 13, "EV": 18, "NI": 20}
_CLOCK = re.compile(r"^(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)$")
_TOKEN = re.compile(
    rf"^{TOKEN_PREFIX}:(?P<days>[0-6](?:,[0-6])*):(?P<hour>\d{{1,2}}):"
    r"(?P<minute>\d{1,2})$"
)
PERMISSION_OK = "200"
NOT_FOUND = 404


# ------------------------------------------------------------------ reading what was said


def said_days(handler_input: HandlerInput) -> tuple[int, ...]:
    """Weekdays named in the request's day slots (0 is Monday), in week order."""
    days = set()
    for name in DAY_SLOTS:
        slot = resolved_slot(handler_input, name)
        for candidate in (slot.id, slot.heard):
            word = (candidate or "").lower().strip()
            word = word[:-1] if word.endswith("s") and word[:-1] in WEEKDAYS else word
            if word in WEEKDAYS:
                days.add(WEEKDAYS.index(word))
                break
    return tuple(sorted(days))


def said_time(handler_input: HandlerInput) -> tuple[int, int] | None:
    """The hour and minute in the request's AMAZON.TIME slot, if one was said."""
    value = (slot_text(handler_input, "time") or "").upper()
    if value in _DAY_PARTS:
        return _DAY_PARTS[value], 0
    match = _CLOCK.match(value)
    if match is None:
        return None
    return int(match["hour"]), int(match["minute"])


def token_for(reminder: Reminder) -> str:
    """The AskFor token that carries `reminder` to the permission answer."""
    days = ",".join(str(d) for d in reminder.days)
    return f"{TOKEN_PREFIX}:{days}:{reminder.hour}:{reminder.minute}"


def from_token(token: str | None) -> Reminder | None:
    """The reminder an AskFor token carries; None for any other token."""
    match = _TOKEN.match(token or "")
    if match is None:
        return None
    try:
        return Reminder(
            tuple(int(d) for d in match["days"].split(",")),
            int(match["hour"]),
            int(match["minute"]),
        )
    except ValueError:
        return None


# ------------------------------------------------------------------ what to offer


def _talk(turn: Turn) -> ReminderTalk:
    return ReminderTalk(turn.library, turn.rng)


def usual(turn: Turn) -> Reminder:
    """The reminder the runner has, else the one their training pattern suggests."""
    if turn.record.reminder is not None:
        return turn.record.reminder
    zone, _ = turn.zone
    return usual_reminder(turn.record.history, turn.now, zone)


def wanted(days: tuple[int, ...], time: tuple[int, int] | None, base: Reminder) -> Reminder:
    """`base` with the days and time the runner named (what they did not name stays)."""
    hour, minute = time if time is not None else (base.hour, base.minute)
    return Reminder(days or base.days, hour, minute, alert_id=None)


def proposal(handler_input: HandlerInput) -> Reminder | None:
    """The days and time the last offer in this session named."""
    if dialog.last_asked(handler_input).question is not Question.REMINDER_OFFER:
        return None
    session = (
        handler_input.attributes_manager.session_attributes
        if handler_input.request_envelope.session is not None
        else None
    )
    raw = session.get(PROPOSAL_KEY) if session else None
    return from_token(raw if isinstance(raw, str) else None)


def should_offer(turn: Turn, outcome: EngineOutcome) -> bool:
    """After a finished workout, once: no reminder yet, never offered, Alexa's services here."""
    return any(isinstance(e, WorkoutFinished) for e in outcome.events) and due(turn)


def due(turn: Turn) -> bool:
    """The one-time offer is still to make: no reminder, never offered, Alexa's services here."""
    record = turn.record
    return (
        record.reminder is None
        and record.reminder_offer is Offer.NOT_OFFERED
        and turn.handler_input.request_envelope.session is not None
        and services.available(turn.handler_input)
    )


def offer_after_workout(turn: Turn, done: Script) -> Response:
    """The end of the workout, then the one-time reminder offer."""
    reminder = usual(turn)
    turn.record = replace(
        turn.record, reminder_offer=Offer.OFFERED, updated_at=max(turn.record.updated_at, turn.now)
    )
    return _propose(turn, reminder, done.speech, after_workout=True)


def propose(turn: Turn, reminder: Reminder) -> Response:
    """Offer a reminder the runner asked about without naming the days and time."""
    return _propose(turn, reminder, None, after_workout=False)


def _propose(
    turn: Turn, reminder: Reminder, before: Ssml | None, *, after_workout: bool
) -> Response:
    offer = _talk(turn).offer(reminder, after_workout=after_workout)
    if before is not None:
        offer = Script(before, None, end_session=True).then(offer)
    return _asking(turn, offer, reminder)


def question(turn: Turn) -> Script:
    """The offer asked again, after an answer to something else ("how am I doing?")."""
    reminder = proposal(turn.handler_input) or usual(turn)
    return _talk(turn).offer(reminder, after_workout=False)


def ask_again(turn: Turn, reminder: Reminder, *, help_asked: bool, missed: bool) -> Response:
    """The offer is still open: answer help (or say what was missed) and ask it again."""
    script = _talk(turn).aside(reminder, help_asked=help_asked, missed=missed)
    return _asking(turn, script, reminder)


# ------------------------------------------------------------------ answers


def decline(turn: Turn) -> Response:
    """No to the offer: remembered, never asked again."""
    turn.record = replace(
        turn.record, reminder_offer=Offer.DECLINED, updated_at=max(turn.record.updated_at, turn.now)
    )
    return _finish(turn, _talk(turn).declined())


def set_reminder(turn: Turn, reminder: Reminder) -> Response:
    """Create or change the weekly reminder, asking for the permission first when needed."""
    talk = _talk(turn)
    if not services.available(turn.handler_input):
        return _finish(turn, talk.unavailable())
    current = turn.record.reminder
    if current is not None and current.alert_id and reminder.same_schedule(current):
        return _finish(turn, talk.unchanged(current))
    if not services.reminders_granted(turn.handler_input):
        if turn.record.reminder_offer is Offer.REFUSED:
            return _card(turn)
        return _ask_permission(turn, reminder)
    return _save(turn, reminder)


def answer_permission(turn: Turn) -> Response:
    """Alexa's answer to the AskFor request: accepted, denied, not answered, or it could not ask."""
    request = turn.handler_input.request_envelope.request
    payload = getattr(request, "payload", None) or {}
    status = str(payload.get("status") or "") if isinstance(payload, dict) else ""
    code = str(getattr(getattr(request, "status", None), "code", None) or "")
    reminder = from_token(getattr(request, "token", None))
    talk = _talk(turn)
    logger.info("reminder permission answer: code=%s status=%s", code, status)
    if code != PERMISSION_OK:
        return _card(turn)  # this device could not ask by voice
    if status == "ACCEPTED":
        return _save(turn, reminder or usual(turn))
    if status == "DENIED":
        turn.record = replace(
            turn.record,
            reminder_offer=Offer.REFUSED,
            updated_at=max(turn.record.updated_at, turn.now),
        )
        return _finish(turn, talk.refused())
    return _finish(turn, talk.not_answered())


def ask_change(turn: Turn) -> Response:
    """Change my reminder, with no day or time: say what it is and ask what it should be."""
    current = turn.record.reminder
    if current is None or not current.alert_id:
        return propose(turn, usual(turn))
    known = services.known_reminder_tokens(turn.handler_input)
    if known is not None and current.alert_id not in known:
        # Deleted in the Alexa app: what we hold is stale.
        turn.record = replace(
            turn.record, reminder=None, updated_at=max(turn.record.updated_at, turn.now)
        )
        return propose(turn, current.with_alert(None))
    return turn.respond(_talk(turn).ask_change(current), Asked())


def stop(turn: Turn) -> Response:
    """Delete the reminder; the offer is never made again (the runner can still ask)."""
    talk = _talk(turn)
    current = turn.record.reminder
    offer = Offer.REFUSED if turn.record.reminder_offer is Offer.REFUSED else Offer.DECLINED
    if current is None or not current.alert_id:
        turn.record = replace(turn.record, reminder=None, reminder_offer=offer)
        return _finish(turn, talk.nothing_to_stop())
    result = services.delete_reminder(turn.handler_input, current.alert_id)
    if result.outcome is not Outcome.OK:
        return _finish(
            turn, talk.unavailable() if result.outcome is Outcome.UNAVAILABLE else talk.failed()
        )
    turn.record = replace(
        turn.record,
        reminder=None,
        reminder_offer=offer,
        updated_at=max(turn.record.updated_at, turn.now),
    )
    return _finish(turn, talk.stopped())


# ------------------------------------------------------------------ pieces


def _asking(turn: Turn, script: Script, reminder: Reminder) -> Response:
    """Respond with the offer of `reminder`, remembering what was offered for the answer."""
    response = turn.respond(script, Asked(Question.REMINDER_OFFER))
    session = (
        turn.handler_input.attributes_manager.session_attributes
        if turn.handler_input.request_envelope.session is not None
        else None
    )
    if session is not None:
        session[PROPOSAL_KEY] = token_for(reminder)
    return response


def _save(turn: Turn, reminder: Reminder) -> Response:
    talk = _talk(turn)
    current = turn.record.reminder
    _, zone = turn.zone
    result = services.save_reminder(
        turn.handler_input,
        reminder.with_alert(current.alert_id if current else None),
        zone=zone,
        now=turn.now,
        text=talk.reminder_text(),
    )
    if result.outcome is Outcome.FAILED and current is not None and result.status == NOT_FOUND:
        # Deleted in the Alexa app since: set it up afresh.
        result = services.save_reminder(
            turn.handler_input,
            reminder.with_alert(None),
            zone=zone,
            now=turn.now,
            text=talk.reminder_text(),
        )
        current = None
    if result.outcome is not Outcome.OK:
        return _finish(
            turn, talk.unavailable() if result.outcome is Outcome.UNAVAILABLE else talk.failed()
        )
    saved = reminder.with_alert(result.alert_token)
    turn.record = replace(
        turn.record, reminder=saved, updated_at=max(turn.record.updated_at, turn.now)
    )
    said = talk.changed(saved) if current is not None else talk.created(saved)
    return _finish(turn, said)


def _ask_permission(turn: Turn, reminder: Reminder) -> Response:
    """Alexa asks for the reminders permission in its own voice; the answer comes back later."""
    # Only this turn asks for a permission (snapstart.FIRST_USE).
    from ask_sdk_model.interfaces.connections.send_request_directive import (  # noqa: PLC0415
        SendRequestDirective,
    )

    _save_record(turn)
    directive = SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "1",
            "permissionScope": REMINDERS_SCOPE,
        },
        token=token_for(reminder),
    )
    return turn.handler_input.response_builder.add_directive(directive).response


def _card(turn: Turn) -> Response:
    """A permissions card in the Alexa app, said aloud; never a voice request after a refusal."""
    turn.handler_input.response_builder.set_card(
        AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE])
    )
    return _finish(turn, _talk(turn).permission_card())


def _finish(turn: Turn, said: Ssml) -> Response:
    """What was said, then back to the workout if one is going, else a short goodbye."""
    if turn.state is not None:
        question, asked = turn.next_question()
        return turn.respond(Script(said, None, end_session=False).then(question), asked)
    closing = said.extend(_talk(turn).see_you())
    return turn.respond(Script(closing, None, end_session=True), Asked())


def _save_record(turn: Turn) -> None:
    turn.save()
