"""Weekly reminders end to end: the Lambda entry, real envelopes, a real loopback Reminders API.

Every request body the skill sends is read back with ask-sdk-model's own classes, so a body that
does not match the Reminders API schema fails here.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.services.reminder_management.alert_info import AlertInfo
from ask_sdk_model.services.reminder_management.reminder_request import ReminderRequest
from ask_sdk_model.services.reminder_management.spoken_info import SpokenInfo
from ask_sdk_model.services.reminder_management.trigger_type import TriggerType

from alexa_api_stub import REMINDERS_SCOPE, AlexaApiStub, ApiEntry
from runner_strength.alexa.reminding import from_token, token_for
from runner_strength.alexa.services import ShortTimeoutApiClient
from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.engine.record import HistoryEntry
from runner_strength.engine.reminder import Reminder, usual_reminder
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import Device, FakeClock, Reply, at, event, play_short_workout

if TYPE_CHECKING:
    from collections.abc import Iterator

    from runner_strength.content.model import Library

DAY = 24 * 3600
TIMEOUT = 0.4
BERLIN_OFFSET_HOURS = 1  # Berlin is UTC+1 in November


@pytest.fixture
def stub() -> Iterator[AlexaApiStub]:
    """Alexa's API on a loopback port (time zone Europe/Berlin)."""
    server = AlexaApiStub().start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FakeClock:
    """Monday 16 November 2026, 06:00 UTC (07:00 in Berlin)."""
    return FakeClock(at(2026, 11, 16, 6))


@pytest.fixture
def api_entry(library: Library, clock: FakeClock, stub: AlexaApiStub) -> ApiEntry:
    """The Lambda entry with an API client; the runner has granted the reminders permission."""
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    skill = build_skill(
        library=library,
        adapter=adapter,
        clock=clock,
        rng_for=random.Random,
        api_client=ShortTimeoutApiClient(TIMEOUT, local=True),
    )
    return ApiEntry(LambdaEntry(skill), stub, granted=True)


@pytest.fixture
def echo(api_entry: ApiEntry, clock: FakeClock) -> Device:
    """One Echo talking to the skill through Alexa's side of the envelope."""
    return Device(api_entry, clock=clock)


finish_workout = play_short_workout


def body_of(seen_body: Any) -> ReminderRequest:
    """A request body read back with ask-sdk-model's ReminderRequest (fails when off-schema).

    ask-sdk-model 1.82's `AlertInfo` names a module that does not exist for its `spokenInfo`
    type, so that one part is read with `SpokenInfo` itself and put back.
    """
    body = dict(seen_body)
    alert_info = body.pop("alertInfo")
    assert set(alert_info) == {"spokenInfo"}
    serializer = DefaultSerializer()
    request = serializer.deserialize(json.dumps(body), ReminderRequest)
    assert isinstance(request, ReminderRequest)
    spoken = serializer.deserialize(json.dumps(alert_info["spokenInfo"]), SpokenInfo)
    assert isinstance(spoken, SpokenInfo)
    request.alert_info = AlertInfo(spoken_info=spoken)
    assert serializer.serialize(request) == seen_body  # nothing in the body was left unread
    return request


def rule_of(request: ReminderRequest) -> str:
    """The one recurrence rule of a reminder request."""
    assert request.trigger is not None
    assert request.trigger.recurrence is not None
    rules = request.trigger.recurrence.recurrence_rules
    assert rules is not None
    assert len(rules) == 1
    return str(rules[0])


def permission_answer(echo: Device, token: str, status: str, code: str = "200") -> Reply:
    """Alexa's Connections.Response to the AskFor request."""
    envelope = event("connections_response")
    envelope["request"]["token"] = token
    envelope["request"]["payload"]["status"] = status
    envelope["request"]["status"]["code"] = code
    return echo.send(envelope)


# ---------------------------------------------------------------- the offer and yes / no / other


def test_a_finished_workout_offers_a_weekly_reminder_and_yes_creates_it(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """Yes to the one-time offer creates a weekly reminder at the offered day and time."""
    done = finish_workout(echo, clock)
    # No history pattern yet: three days after this Monday, at 7 in the morning.
    assert "remind you every Thursday at 7 in the morning?" in done.text
    assert not done.ends_session
    reply = echo.say("AMAZON.YesIntent")
    assert "every Thursday at 7 in the morning" in reply.text
    assert reply.ends_session
    (create,) = stub.calls("create")
    request = body_of(create.body)
    assert request.trigger is not None
    assert request.trigger.object_type is TriggerType.SCHEDULED_ABSOLUTE
    assert request.trigger.time_zone_id == "Europe/Berlin"
    assert rule_of(request) == "FREQ=WEEKLY;BYDAY=TH;BYHOUR=7;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    assert request.trigger.recurrence is not None
    start = request.trigger.recurrence.start_date_time
    assert start is not None
    assert start.isoformat() == "2026-11-16T00:00:00"  # local midnight today, no offset
    assert request.alert_info is not None
    assert request.alert_info.spoken_info is not None
    (spoken,) = request.alert_info.spoken_info.content or []
    assert spoken.locale == "en-US"
    assert "Alexa, open runner strength" in str(spoken.text)
    assert request.push_notification is not None
    assert list(stub.reminders) == ["reminder-token-1"]


def test_the_cool_down_comes_first_and_the_reminder_offer_follows_a_no(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """The last set offers the cool-down; declining it brings the one-time reminder offer."""
    echo.say(
        "StartWorkoutIntent",
        workout=("five_basics", "five basics"),
        duration="PT5M",
        new_session=True,
    )
    last = None
    for _ in range(80):
        last = echo.say("ReadyIntent")
        clock.advance(last.seconds + 2)
        if last.asked == "cool_down_offer":
            break
    assert last is not None
    assert last.asked == "cool_down_offer"
    assert "remind" not in last.text
    offer = echo.say("AMAZON.NoIntent")
    assert "remind you every Thursday at 7 in the morning?" in offer.text
    assert not offer.ends_session
    assert stub.calls("create") == []


def test_ready_at_the_offer_asks_it_again(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """'Ready' with no workout left is no answer to the reminder offer: it is asked again."""
    offer = finish_workout(echo, clock)
    assert "remind you" in offer.text
    again = echo.say("ReadyIntent")
    assert not again.ends_session
    assert again.text.rstrip().endswith("?")
    assert "every Thursday at 7 in the morning?" in again.text
    assert "no workout" not in again.text.lower()
    assert stub.calls("create") == []


def test_the_offer_comes_once(echo: Device, stub: AlexaApiStub, clock: FakeClock) -> None:
    """An offer left unanswered is not made again after the next workout."""
    first = finish_workout(echo, clock)
    assert "remind you" in first.text
    echo.end_session()
    clock.advance(2 * DAY)
    second = finish_workout(echo, clock)
    assert "remind" not in second.text
    assert second.ends_session
    assert stub.calls("create") == []


def test_no_is_remembered_and_never_asked_again(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """After a no, later workouts end without an offer; the runner can still ask for one."""
    finish_workout(echo, clock)
    declined = echo.say("AMAZON.NoIntent")
    assert "won't ask again" in declined.text or "no reminder" in declined.text.lower()
    assert declined.ends_session
    for _ in range(2):
        clock.advance(3 * DAY)
        assert "remind" not in finish_workout(echo, clock).text
    asked = echo.say(
        "SetReminderIntent",
        day=("monday", "mondays"),
        second_day=("thursday", "thursdays"),
        new_session=True,
    )
    assert "every Monday and Thursday at 7 in the morning" in asked.text
    (create,) = stub.calls("create")
    assert rule_of(body_of(create.body)).startswith("FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=7;")


def test_make_it_saturday_at_nine_answers_the_offer(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """A day and time said at the offer replace the offered ones."""
    finish_workout(echo, clock)
    reply = echo.say("SetReminderIntent", day=("saturday", "saturday"), time="09:00")
    assert "every Saturday at 9 in the morning" in reply.text
    (create,) = stub.calls("create")
    assert rule_of(body_of(create.body)).startswith("FREQ=WEEKLY;BYDAY=SA;BYHOUR=9;BYMINUTE=0;")


def test_a_time_alone_keeps_the_offered_day(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """A time alone said at the offer keeps Thursday and moves the time to 6:30 pm."""
    finish_workout(echo, clock)
    reply = echo.say("SetReminderIntent", time="18:30")
    assert "every Thursday at 6:30 in the evening" in reply.text
    (create,) = stub.calls("create")
    assert "BYDAY=TH;BYHOUR=18;BYMINUTE=30;" in rule_of(body_of(create.body))


def test_help_repeat_and_unclear_answers_keep_the_offer_open(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """Help, repeat and fallback at the offer answer and ask it again; yes then still works."""
    finish_workout(echo, clock)
    helped = echo.say("AMAZON.HelpIntent")
    assert "weekly reminder" in helped.text
    assert helped.text.endswith("every Thursday at 7 in the morning?")
    repeated = echo.say("AMAZON.RepeatIntent")
    assert repeated.text.endswith("every Thursday at 7 in the morning?")
    missed = echo.say("AMAZON.FallbackIntent")
    assert missed.text.startswith("Sorry, I")
    assert missed.text.endswith("every Thursday at 7 in the morning?")
    for reply in (helped, repeated, missed):
        assert not reply.ends_session
    assert stub.calls("create") == []
    done = echo.say("AMAZON.YesIntent")
    assert "every Thursday at 7 in the morning" in done.text
    assert len(stub.calls("create")) == 1


def test_other_questions_at_the_offer_answer_then_ask_it_again(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """How am I doing, why, explain the plank, status: each answered, then the same offer.

    Repeat says the last answer again with the offer, and a day and time still answer it.
    """
    finish_workout(echo, clock)
    progress = echo.say("ProgressIntent")
    asides = [
        progress,
        echo.say("AMAZON.RepeatIntent"),
        echo.say("WhyExerciseIntent"),
        echo.say("ExplainExerciseIntent", exercise=("plank", "plank")),
        echo.say("WorkoutStatusIntent"),
    ]
    for reply in asides:
        assert not reply.ends_session, reply.text
        assert reply.text.endswith("every Thursday at 7 in the morning?"), reply.text
        assert reply.text.count("?") == 1, reply.text
    assert "this week" in progress.text.lower()
    assert "this week" in asides[1].text.lower(), "repeat says the progress again"
    assert "plank" in asides[3].text.lower()
    assert stub.calls("create") == []
    done = echo.say("SetReminderIntent", day="saturday", time="09:00")
    assert "every Saturday at 9 in the morning" in done.text
    assert "BYDAY=SA;BYHOUR=9;BYMINUTE=0;" in rule_of(body_of(stub.calls("create")[0].body))


def test_no_after_an_aside_at_the_offer_is_still_remembered(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """No to the offer asked again after "how am I doing" declines it for good."""
    finish_workout(echo, clock)
    echo.say("ProgressIntent")
    reply = echo.say("AMAZON.NoIntent")
    assert reply.ends_session
    clock.advance(2 * DAY)
    assert "remind" not in finish_workout(echo, clock).text
    assert stub.calls("create") == []


def test_without_alexas_services_there_is_no_offer(entry: LambdaEntry, clock: FakeClock) -> None:
    """The local console (no API client) ends a workout as before, with no offer."""
    local = Device(entry, clock=clock)
    assert "remind" not in finish_workout(local, clock).text


# ---------------------------------------------------------------- change and stop


def test_change_and_stop_the_reminder(echo: Device, stub: AlexaApiStub, clock: FakeClock) -> None:
    """Change updates the same reminder in place; stop deletes it; a second stop has nothing."""
    finish_workout(echo, clock)
    echo.say("AMAZON.YesIntent")
    asked = echo.say("ChangeReminderIntent", new_session=True)
    assert "Your reminder is every Thursday at 7 in the morning." in asked.text
    assert asked.text.endswith("What day and time would you like instead?")
    assert len(stub.calls("list")) == 1
    changed = echo.say(
        "SetReminderIntent",
        day=("tuesday", "tuesday"),
        second_day=("friday", "fridays"),
        time="18:00",
    )
    assert "now every Tuesday and Friday at 6 in the evening" in changed.text or (
        "every Tuesday and Friday at 6 in the evening from now on" in changed.text
    )
    (update,) = stub.calls("update")
    assert update.path == "/v1/alerts/reminders/reminder-token-1"
    assert rule_of(body_of(update.body)).startswith("FREQ=WEEKLY;BYDAY=TU,FR;BYHOUR=18;")
    asking_again = echo.say("SetReminderIntent", new_session=True)
    assert "Your reminder is every Tuesday and Friday at 6 in the evening." in asking_again.text
    same = echo.say(
        "ChangeReminderIntent",
        day=("tuesday", "tuesday"),
        second_day=("friday", "friday"),
        time="18:00",
        new_session=True,
    )
    assert "already every Tuesday and Friday" in same.text
    assert len(stub.calls("update")) == 1
    stopped = echo.say("StopReminderIntent", new_session=True)
    assert "stopped your reminder" in stopped.text or "no more reminders" in stopped.text
    assert [c.path for c in stub.calls("delete")] == ["/v1/alerts/reminders/reminder-token-1"]
    assert stub.reminders == {}
    again = echo.say("StopReminderIntent", new_session=True)
    assert "nothing to stop" in again.text
    assert len(stub.calls("delete")) == 1


def test_a_reminder_deleted_in_the_app_is_set_up_afresh(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """When Alexa no longer has the reminder, a change creates a new one instead of failing."""
    finish_workout(echo, clock)
    echo.say("AMAZON.YesIntent")
    stub.reminders.clear()  # the runner deleted it in the Alexa app
    reply = echo.say("SetReminderIntent", day=("monday", "monday"), time="07:00", new_session=True)
    assert "every Monday at 7 in the morning" in reply.text
    assert len(stub.calls("update")) == 1
    assert len(stub.calls("create")) == 2
    assert list(stub.reminders) == ["reminder-token-2"]


def test_skill_disabled_forgets_the_reminder(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """After SkillDisabled the skill holds no reminder id: change my reminder offers a new one."""
    finish_workout(echo, clock)
    echo.say("AMAZON.YesIntent")
    echo.send(event("skill_disabled"))
    reply = echo.say("ChangeReminderIntent", new_session=True)
    assert "Your reminder is" not in reply.text
    assert reply.text.endswith("every Thursday at 7 in the morning?")  # offered afresh
    assert stub.calls("list") == []


# ---------------------------------------------------------------- permission


def test_without_permission_alexa_asks_by_voice_and_accepted_creates(
    echo: Device, api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """Yes without the permission sends AskFor; its accepted answer creates the reminder."""
    api_entry.granted = False
    finish_workout(echo, clock)
    asking = echo.say("AMAZON.YesIntent")
    assert asking.ssml == ""  # Alexa asks in its own voice
    (directive,) = asking.response["directives"]
    assert directive["type"] == "Connections.SendRequest"
    assert directive["name"] == "AskFor"
    assert directive["payload"] == {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "1",
        "permissionScope": REMINDERS_SCOPE,
    }
    assert from_token(directive["token"]) == Reminder((3,), 7)
    assert stub.calls("create") == []
    api_entry.granted = True
    done = permission_answer(echo, directive["token"], "ACCEPTED")
    assert "every Thursday at 7 in the morning" in done.text
    assert len(stub.calls("create")) == 1


def test_a_refused_permission_is_remembered_and_never_asked_by_voice_again(
    echo: Device, api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """Denied: no reminder, no more offers; asking later gets a card, never another voice ask."""
    api_entry.granted = False
    finish_workout(echo, clock)
    asking = echo.say("AMAZON.YesIntent")
    token = asking.response["directives"][0]["token"]
    refused = permission_answer(echo, token, "DENIED")
    assert "won't ask for that permission again" in refused.text
    clock.advance(3 * DAY)
    assert "remind" not in finish_workout(echo, clock).text
    later = echo.say("SetReminderIntent", day=("monday", "monday"), new_session=True)
    assert "directives" not in later.response
    assert later.response["card"] == {
        "type": "AskForPermissionsConsent",
        "permissions": [REMINDERS_SCOPE],
    }
    assert "card" in later.text
    assert stub.calls("create") == []


def test_an_unanswered_permission_request_sets_nothing(
    echo: Device, api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """Not answered: nothing is created and the runner hears how to ask later."""
    api_entry.granted = False
    finish_workout(echo, clock)
    token = echo.say("AMAZON.YesIntent").response["directives"][0]["token"]
    reply = permission_answer(echo, token, "NOT_ANSWERED")
    assert "remind me to do strength" in reply.text
    assert stub.calls("create") == []


def test_a_device_that_cannot_ask_by_voice_gets_a_card(
    echo: Device, api_entry: ApiEntry, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """A Connections.Response that is not a 200 falls back to the permissions card."""
    api_entry.granted = False
    finish_workout(echo, clock)
    token = echo.say("AMAZON.YesIntent").response["directives"][0]["token"]
    reply = permission_answer(echo, token, "", code="400")
    assert reply.response["card"]["type"] == "AskForPermissionsConsent"
    assert "Alexa app" in reply.text
    assert stub.calls("create") == []


# ---------------------------------------------------------------- API failures


FAILURES: list[tuple[dict[str, int], dict[str, float]]] = [
    ({"create": s}, {}) for s in (401, 403, 429, 500, 503)
] + [({}, {"create": TIMEOUT + 0.6})]


@pytest.mark.parametrize(("fail", "stall"), FAILURES)
def test_a_failed_create_apologises_and_stores_nothing(
    echo: Device,
    stub: AlexaApiStub,
    clock: FakeClock,
    fail: dict[str, int],
    stall: dict[str, float],
) -> None:
    """Every failure (error status or timeout) is apologised for; no reminder id is kept."""
    finish_workout(echo, clock)
    stub.fail.update(fail)
    stub.stall.update(stall)
    reply = echo.say("AMAZON.YesIntent")
    assert reply.text.startswith("Sorry,")
    assert "as it was" in reply.text or "nothing changed" in reply.text
    stub.fail.clear()
    stub.stall.clear()
    later = echo.say("ChangeReminderIntent", new_session=True)
    assert "Your reminder is" not in later.text  # nothing was stored
    # The finished workout itself was kept.
    progress = echo.say("ProgressIntent", new_session=True)
    assert "one strength session" in progress.text


@pytest.mark.parametrize("status", [401, 403, 429, 500, 503])
def test_failed_update_and_delete_keep_the_reminder(
    echo: Device, stub: AlexaApiStub, clock: FakeClock, status: int
) -> None:
    """A failed change or stop leaves the reminder as it was, at Alexa and in the record."""
    finish_workout(echo, clock)
    echo.say("AMAZON.YesIntent")
    stub.fail.update({"update": status, "delete": status})
    changed = echo.say("SetReminderIntent", day=("sunday", "sundays"), new_session=True)
    assert changed.text.startswith("Sorry,")
    stopped = echo.say("StopReminderIntent", new_session=True)
    assert stopped.text.startswith("Sorry,")
    stub.fail.clear()
    asked = echo.say("ChangeReminderIntent", new_session=True)
    assert "Your reminder is every Thursday at 7 in the morning." in asked.text
    assert list(stub.reminders) == ["reminder-token-1"]


def test_a_failure_mid_workout_loses_nothing_of_the_workout(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """Asked for mid-workout, a failed reminder is apologised for and the set question returns."""
    echo.say("StartWorkoutIntent", workout=("five_basics", "five basics"), new_session=True)
    stub.fail["create"] = 500
    reply = echo.say("SetReminderIntent", day=("friday", "friday"), time="07:00")
    assert reply.text.startswith("Sorry,")
    assert not reply.ends_session
    assert reply.text.rstrip().endswith("?")
    status = echo.say("WorkoutStatusIntent")
    assert "Walking lunge" in status.text or "walking lunge" in status.text


# ---------------------------------------------------------------- the pattern and the token


def test_the_offer_follows_the_runners_pattern() -> None:
    """Sessions usually on Tuesday and Friday evenings suggest those days at 6 in the evening."""
    zone = datetime(2026, 1, 1, tzinfo=UTC).tzinfo
    assert zone is not None
    starts = [at(2026, 11, day, 18, 5) for day in (3, 6, 10, 13, 17)]  # Tue, Fri, Tue, Fri, Tue
    history = [
        HistoryEntry(
            id=str(i),
            workout_id="five_basics",
            started_at=s,
            ended_at=s + 900,
            finished=True,
            exercises_done=("plank",),
        )
        for i, s in enumerate(starts)
    ]
    assert usual_reminder(history, at(2026, 11, 18), zone) == Reminder((1, 4), 18)
    assert usual_reminder([], at(2026, 11, 16), zone) == Reminder((3,), 7)  # Monday -> Thursday


def test_the_permission_token_round_trips() -> None:
    """The AskFor token carries the days and time; anything else reads as no reminder."""
    reminder = Reminder((0, 3, 5), 18, 30)
    assert from_token(token_for(reminder)) == reminder
    for other in (
        None,
        "",
        "something-else",
        "runner-strength-reminder:9:7:0",
        "runner-strength-reminder:1:25:0",
    ):
        assert from_token(other) is None


# ---------------------------------------------------------------- delete my data


def test_delete_my_data_deletes_the_reminder_at_alexa_and_the_record(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """Yes to "delete my data?": the reminder is deleted through the API, then the record."""
    finish_workout(echo, clock)
    echo.say("AMAZON.YesIntent")
    asked = echo.say("DeleteDataIntent", new_session=True)
    assert asked.text.endswith("?")
    assert not asked.ends_session
    gone = echo.say("AMAZON.YesIntent")
    assert gone.ends_session
    assert "Alexa app" not in gone.text
    assert [c.path for c in stub.calls("delete")] == ["/v1/alerts/reminders/reminder-token-1"]
    assert stub.reminders == {}
    again = echo.say("ChangeReminderIntent", new_session=True)
    assert "Your reminder is" not in again.text


def test_a_reminder_alexa_will_not_delete_is_named_and_the_record_still_goes(
    echo: Device, stub: AlexaApiStub, clock: FakeClock
) -> None:
    """The Reminders API failing: the record is deleted and the runner told to use the app."""
    finish_workout(echo, clock)
    echo.say("AMAZON.YesIntent")
    stub.fail.update({"delete": 500})
    echo.say("DeleteDataIntent", new_session=True)
    gone = echo.say("AMAZON.YesIntent")
    assert "Alexa app" in gone.text
    welcome = echo.launch()
    assert "not medical advice" in welcome.text  # a first visit again: the health note
