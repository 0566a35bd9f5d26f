"""A runner per voice: two recognised people on one Echo keep their own records.

Alexa sends `context.System.person.personId` when it recognises the speaker's voice (the skill
asks for `alexa::person_id:read`). Through the Lambda entry, on the in-memory store, SQLite and
DynamoDB Local: two voices on one device keep separate progress; the person recognised at launch
owns the session even if another voice speaks in it; without a recognised voice the account's
record is used, as before; disabling the skill deletes every person's record of the account, and
"delete my data" by voice deletes the speaker's own.
"""

from __future__ import annotations

import copy
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.engine.serialize import record_from_dict
from runner_strength.engine.transitions import plan_of
from runner_strength.persistence.base import (
    OWNER_ATTRIBUTE,
    hash_user_id,
    index_key,
    person_key,
)
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from runner_strength.persistence.memory import MemoryAdapter
from runner_strength.persistence.sqlite import SqliteAdapter
from skilltest import Device, FakeClock, event

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import DynamoDbLocalTable
    from runner_strength.content.model import Library
    from runner_strength.engine.record import UserRecord
    from runner_strength.persistence.base import VersionedAdapter

DEVICE = "amzn1.ask.device.AEXAMPLEHALLWAYECHOP3RS0NQ7Z2W6M5XN4VYBR8"
ANNA = "amzn1.ask.person.ANNAEXAMPLEVOICE0001"
BEN = "amzn1.ask.person.BENEXAMPLEVOICE00002"
FIVE_BASICS = ("five_basics", "five basics")
CORE = ("core_and_stability", "core workout")


@dataclass
class Household:
    """The skill over one store, and the account every voice here belongs to."""

    adapter: VersionedAdapter
    clock: FakeClock
    entry: LambdaEntry
    user: str

    def voice(self, person: str | None) -> Device:
        """The hallway Echo, heard as `person` (None: a voice Alexa does not recognise)."""

        def as_person(envelope: dict[str, Any], context: object) -> dict[str, Any]:
            envelope = copy.deepcopy(envelope)
            system = envelope["context"]["System"]
            system.pop("person", None)
            if person is not None:
                system["person"] = {"personId": person}
            return self.entry(envelope, context)

        return Device(as_person, device_id=DEVICE, user_id=self.user, clock=self.clock)

    def key(self, person: str | None) -> str:
        """The storage key of `person` of this account (the account's own for None)."""
        account = hash_user_id(self.user)
        return account if person is None else person_key(account, person)

    def record(self, person: str | None) -> UserRecord | None:
        """What the store holds for `person` now."""
        snapshot = self.adapter.read(self.key(person))
        return None if snapshot is None else record_from_dict(snapshot.record)


@pytest.fixture(params=["memory", "sqlite", pytest.param("dynamodb", marks=pytest.mark.dynamodb)])
def household(
    request: pytest.FixtureRequest, library: Library, tmp_path: Path
) -> Iterator[Household]:
    """One account's Echo over the memory store, SQLite or DynamoDB Local."""
    clock = FakeClock(start=time.time())  # DynamoDB Local deletes items past their TTL
    adapter: VersionedAdapter
    if request.param == "dynamodb":
        table: DynamoDbLocalTable = request.getfixturevalue("dynamodb_local")
        adapter = DynamoDbAdapter(table.client(), table.table_name, clock=clock, ttl_days=365)
    elif request.param == "sqlite":
        adapter = SqliteAdapter(tmp_path / "state.sqlite3", clock=clock, ttl_days=365)
    else:
        adapter = MemoryAdapter(clock=clock, ttl_days=365)
    entry = LambdaEntry(
        build_skill(library=library, adapter=adapter, clock=clock, rng_for=random.Random)
    )
    user = f"amzn1.ask.account.AMAXQ7PERSONS{uuid.uuid4().hex.upper()}"
    yield Household(adapter, clock, entry, user)
    if isinstance(adapter, SqliteAdapter):
        adapter.close()


def _start_and_stop(echo: Device, workout: tuple[str, str], sets: int) -> None:
    """Launch, start `workout`, do `sets` sets, pause and walk away."""
    echo.launch()
    echo.say("StartWorkoutIntent", workout=workout)
    for _ in range(sets):
        reply = echo.say("ReadyIntent")
        assert echo.clock is not None
        echo.clock.advance(reply.seconds + 2)
    paused = echo.say("AMAZON.PauseIntent")
    if not paused.ends_session:
        echo.end_session("USER_INITIATED")


def _workouts(record: UserRecord | None) -> set[str]:
    assert record is not None
    return {state.workout_id for state in record.active.values()}


def test_two_voices_on_one_echo_keep_separate_progress(
    household: Household, library: Library
) -> None:
    """Anna and Ben each pause a different workout on the same Echo; each resumes their own."""
    anna, ben = household.voice(ANNA), household.voice(BEN)
    _start_and_stop(anna, FIVE_BASICS, sets=2)
    household.clock.advance(3600)
    _start_and_stop(ben, CORE, sets=1)
    assert _workouts(household.record(ANNA)) == {"five_basics"}
    assert _workouts(household.record(BEN)) == {"core_and_stability"}
    assert household.record(None) is None, "nothing went to the shared account record"
    household.clock.advance(3600)
    for person, voice in ((ANNA, anna), (BEN, ben)):
        record = household.record(person)
        assert record is not None
        state = next(iter(record.active.values()))
        slot = plan_of(library, state).slots[state.position]
        exercise = library.exercise(slot.exercise_id).name.lower()
        resumed = voice.say("ResumeWorkoutIntent", new_session=True)
        assert exercise in resumed.text.lower(), (person, exercise, resumed.text[:200])


def test_the_person_recognised_at_launch_owns_the_session(household: Household) -> None:
    """Ben speaking in Anna's session changes Anna's record; Ben gets none of his own."""
    anna = household.voice(ANNA)
    anna.launch()
    ben_in_annas_session = household.voice(BEN)
    ben_in_annas_session.session_id = anna.session_id
    ben_in_annas_session.attributes = anna.attributes
    assert anna.attributes[OWNER_ATTRIBUTE] == household.key(ANNA)
    ben_in_annas_session.say("StartWorkoutIntent", workout=FIVE_BASICS)
    ben_in_annas_session.say("AMAZON.PauseIntent")
    assert _workouts(household.record(ANNA)) == {"five_basics"}
    assert household.record(BEN) is None


def test_an_unrecognised_voice_uses_the_accounts_record_as_before(household: Household) -> None:
    """No personId: the record is the account's, under the same key as before persons."""
    _start_and_stop(household.voice(None), FIVE_BASICS, sets=1)
    assert _workouts(household.record(None)) == {"five_basics"}
    assert household.adapter.read(index_key(hash_user_id(household.user))) is None


def test_a_session_owner_of_another_account_is_ignored(household: Household) -> None:
    """A session attribute naming another account's key cannot reach that account's record."""
    victim = hash_user_id("amzn1.ask.account.SOMEONEELSE")
    echo = household.voice(None)
    echo.launch()
    echo.attributes[OWNER_ATTRIBUTE] = victim
    echo.say("StartWorkoutIntent", workout=FIVE_BASICS)
    echo.say("AMAZON.PauseIntent")
    assert household.adapter.read(victim) is None
    assert _workouts(household.record(None)) == {"five_basics"}


def test_disabling_the_skill_deletes_every_persons_record(household: Household) -> None:
    """SkillDisabled removes Anna's, Ben's and the account's records and the person index."""
    _start_and_stop(household.voice(ANNA), FIVE_BASICS, sets=1)
    _start_and_stop(household.voice(BEN), CORE, sets=1)
    _start_and_stop(household.voice(None), FIVE_BASICS, sets=1)
    account = hash_user_id(household.user)
    assert household.adapter.read(index_key(account)) is not None
    disabled = event("skill_disabled")
    disabled["context"]["System"]["user"]["userId"] = household.user
    household.entry(disabled, None)
    for person in (ANNA, BEN, None):
        assert household.record(person) is None, person
    assert household.adapter.read(index_key(account)) is None


def test_the_privacy_policy_says_disabling_deletes_every_persons_record() -> None:
    """The policy names the personalisation permission and the deletion of every person's record."""
    text = (Path(__file__).parents[2] / "docs" / "PRIVACY.md").read_text("utf-8")
    assert "personalisation" in text
    assert "each recognised person's" in text


def test_delete_my_data_by_voice_deletes_only_the_speakers_record(household: Household) -> None:
    """Anna says "delete my data", then yes: hers goes; Ben's and the account's stay."""
    _start_and_stop(household.voice(ANNA), FIVE_BASICS, sets=1)
    _start_and_stop(household.voice(BEN), CORE, sets=1)
    _start_and_stop(household.voice(None), FIVE_BASICS, sets=1)
    anna = household.voice(ANNA)
    asked = anna.say("DeleteDataIntent", new_session=True)
    assert not asked.ends_session
    assert household.record(ANNA) is not None, "nothing goes before the yes"
    gone = anna.say("AMAZON.YesIntent")
    assert gone.ends_session
    assert household.record(ANNA) is None
    assert _workouts(household.record(BEN)) == {"core_and_stability"}
    assert _workouts(household.record(None)) == {"five_basics"}


def test_no_to_delete_my_data_keeps_everything_and_the_workout_question(
    household: Household,
) -> None:
    """Mid-workout, "delete my data" then no: the record is as it was and "ready?" comes back."""
    echo = household.voice(None)
    echo.launch()
    echo.say("StartWorkoutIntent", workout=FIVE_BASICS)
    echo.say("AMAZON.NoIntent")  # no warm-up
    done = echo.say("ReadyIntent")
    household.clock.advance(done.seconds + 2)
    before = household.record(None)
    echo.say("DeleteDataIntent")
    kept = echo.say("AMAZON.NoIntent")
    assert not kept.ends_session
    assert done.text.endswith("the squat?"), "the lunge's sets played, the squat is asked"
    assert kept.text.endswith("the squat?"), kept.text[-120:]
    assert household.record(None) == before
