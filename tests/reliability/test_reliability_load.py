"""Load: the web service under 16 concurrent clients for 15 s, DynamoDB Local behind it.

The production waitress server runs the verifying app on 127.0.0.1 with the real skill and the
DynamoDB store; every request is stamped with the current time and signed by a test CA, as Alexa
would. Sixteen client threads, each one Echo on its own keep-alive connection, hold mixed
conversations until the 15 s are up: open and say yes to the offered workout, one-shot starts
of a shortened workout, and pauses with the session closed and the workout resumed in a new one,
with help, status, "why" and explanations in between, then "ready" until the workout finishes.
Clients 0-7 each have a runner of their own; clients 8-15 share a runner in pairs (two Echos of
one account), so their writes conflict and are merged.

Checked: every response is a 200 that keeps the platform rules (zero 5xx, zero 4xx); and
afterwards every workout a client saw finish is in its runner's stored history as finished (no
lost updates). Printed: requests, throughput, p50/p99/max latency, conflicts merged.
"""

from __future__ import annotations

import random
import threading
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from alexa_pki import make_pki
from reliability_kit import (
    SKILL_ID,
    Connection,
    HttpFailureError,
    HttpReply,
    figures,
    percentile,
    quiet_skill_logs,
    session_record,
    signed_handler,
    stored_record,
    waitress_on_loopback,
)
from runner_strength.alexa.skill import build_skill
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from runner_strength.web.app import create_app
from skilltest import Device, Reply

if TYPE_CHECKING:
    from conftest import DynamoDbLocalTable
    from runner_strength.content.model import Library

pytestmark = [pytest.mark.dynamodb, pytest.mark.slow]

CLIENTS = 16
PRIVATE_CLIENTS = 8
"""Clients 0-7 have a runner each; the other eight share four runners in pairs."""
SECONDS = 15.0
MAX_REQUESTS_PER_CLIENT = 20_000
"""A bound on each client's loop besides the clock."""
WORKOUTS_PER_RUNNER = 15
"""A client moves on to a fresh runner after this many finished workouts, so no stored history
reaches its 50-entry cap (a pair shares at most 30) and every finished workout must be found."""
TURN_LIMIT = 80
EXPLAIN = ("plank", "squat", "glute_bridge", "calf_raise")


@dataclass
class Client:
    """One Echo talking to the service: its runner, what it saw finish, what went wrong."""

    number: int
    run: str
    base: str
    pki: Any
    rng: random.Random
    replies: list[HttpReply] = field(default_factory=list)
    finished: list[tuple[str, str]] = field(default_factory=list)
    """(userId, workout state id) of every workout this client saw finish."""
    failures: list[str] = field(default_factory=list)
    conversations: int = 0
    taken_over: int = 0
    workout: str | None = None
    """The workout this client's Echo is in now (its state id)."""
    """Conversations whose workout the other Echo of the same account finished or ended."""

    def user_id(self) -> str:
        """This client's runner now (shared with its pair for clients 8-15)."""
        generation = len(self.finished) // WORKOUTS_PER_RUNNER
        if self.number < PRIVATE_CLIENTS:
            return f"amzn1.ask.account.LOAD{self.run}P{self.number:02d}G{generation:02d}"
        pair = (self.number - PRIVATE_CLIENTS) // 2
        return f"amzn1.ask.account.LOAD{self.run}S{pair:02d}G{generation:02d}"

    def run_until(self, deadline: float) -> None:
        """Hold conversations until the deadline (or the request bound); never raises."""
        connection = Connection(self.base)
        echo = Device(
            signed_handler(connection, self.pki, self.replies),
            device_id=f"amzn1.ask.device.LOAD{self.run}C{self.number:02d}",
        )
        try:
            while time.monotonic() < deadline and len(self.replies) < MAX_REQUESTS_PER_CLIENT:
                echo.user_id = self.user_id()
                echo.session_id = None
                echo.replies.clear()
                self.workout = None
                self.conversation(echo, deadline)
                self.conversations += 1
        except HttpFailureError as failure:
            self.failures.append(str(failure))
        except Exception:  # noqa: BLE001  # reported by the test, with the traceback
            self.failures.append(traceback.format_exc(limit=6))
        finally:
            connection.close()

    def conversation(self, echo: Device, deadline: float) -> None:
        """One conversation of a kind drawn at random, played to the end of its workout."""
        reply = self.opening(echo)
        if reply is None:
            return
        for _ in range(TURN_LIMIT):
            if reply.finishes_workout:  # the session ends, or the cool-down is offered
                break
            if self.workout is None:
                self.taken_over += 1  # finished or ended by the other Echo of this account
                return
            if time.monotonic() > deadline:
                return  # the run is over; an unfinished workout is not a lost one
            reply = self.say(echo, self.interjection())
        else:
            self.failures.append(f"a workout did not finish in {TURN_LIMIT} turns")
            return
        record = session_record(reply.raw)
        workout = self.workout
        entry = next((e for e in record.history if e.id == workout), None) if record else None
        if workout is None or entry is None or not entry.finished:
            own = record.active.get(echo.device_id) if record is not None else None
            if own is None or own.id != workout:
                # The other Echo of this account took the workout over mid-session (it is now
                # active there, or paused there), so this session ended on that Echo's state.
                self.taken_over += 1
                return
            self.failures.append(f"the session ended without finishing {workout}: {reply.text}")

    def opening(self, echo: Device) -> Reply | None:
        """The first turns of a conversation of a kind drawn at random; None if they finished it."""
        kind = self.rng.random()
        if kind < 0.4:
            self.track(echo, echo.launch())
            reply = self.say(echo, "AMAZON.YesIntent")
        elif kind < 0.8:
            reply = self.say(
                echo,
                "StartWorkoutIntent",
                new_session=True,
                duration=self.rng.choice(("PT5M", "PT10M")),
            )
        else:
            self.track(echo, echo.launch())
            # The launch may offer the other Echo's workout, and these turns may finish it.
            if self.say(echo, "StartWorkoutIntent", duration="PT10M").finishes_workout:
                return None
            if self.say(echo, "ReadyIntent").finishes_workout:
                return None
            self.say(echo, "AMAZON.PauseIntent")
            if echo.session_id is not None:
                echo.end_session("USER_INITIATED")
            reply = self.say(echo, "ResumeWorkoutIntent", new_session=True)
            if "left off" in reply.text:
                reply = self.say(echo, "AMAZON.YesIntent")
        return reply

    def say(self, echo: Device, intent: str, **kwargs: Any) -> Reply:
        """Say `intent` (Device.say's arguments); note a finish heard and the workout left in."""
        workout = self.workout
        reply = self.track(echo, echo.say(intent, **kwargs))
        if workout is not None and reply.finishes_workout:
            record = session_record(reply.raw)
            history = record.history if record is not None else []
            seen = (echo.user_id, workout)
            if any(e.id == workout and e.finished for e in history) and seen not in self.finished:
                self.finished.append(seen)
        return reply

    def track(self, echo: Device, reply: Reply) -> Reply:
        """Note the workout the next turn continues, from a reply that keeps the session open.

        After the finishing turn this Echo may fall back to the other Echo's workout, so the
        workout a turn finishes is the one named by the reply before it.
        """
        if not reply.finishes_workout:
            self.workout = _active_id(reply, echo.device_id)
        return reply

    def interjection(self) -> str:
        """Mostly "ready"; now and then a question a runner asks mid-workout."""
        roll = self.rng.random()
        if roll < 0.9:
            return "ReadyIntent"
        return self.rng.choice(
            ("AMAZON.HelpIntent", "WorkoutStatusIntent", "WhyExerciseIntent", "AMAZON.RepeatIntent")
        )


def _active_id(reply: Reply, device_id: str) -> str | None:
    """The id of the workout this device continues, as the reply's session record has it."""
    record = session_record(reply.raw)
    state = record.active_for(device_id) if record is not None else None
    return state.id if state is not None else None


def _count_conflicts(client: Any) -> Counter[str]:  # a boto3 DynamoDB client
    """Counts conditional-write refusals (version conflicts) seen by `client`."""
    seen: Counter[str] = Counter()

    def after_put(parsed: dict[str, Any], **_: Any) -> None:
        if parsed.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            seen["conflicts"] += 1
        seen["writes"] += 1

    client.meta.events.register("after-call.dynamodb.PutItem", after_put)
    return seen


def test_sixteen_clients_for_fifteen_seconds_get_no_5xx_and_lose_nothing(
    library: Library,
    dynamodb_local: DynamoDbLocalTable,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """16 clients, mixed conversations, shared runners: all 200s, every finished workout stored."""
    quiet_skill_logs(caplog)
    pki = make_pki(time.time())
    client = dynamodb_local.client()
    writes = _count_conflicts(client)
    adapter = DynamoDbAdapter(client, dynamodb_local.table_name, clock=time.time, ttl_days=365)
    skill = build_skill(library=library, adapter=adapter, clock=time.time)
    app = create_app(
        skill,
        verify=True,
        skill_id=SKILL_ID,
        cert_fetcher=pki.fetch,
        clock=time.time,
        trusted_roots=[pki.root],
    )
    run = uuid.uuid4().hex[:10].upper()
    with waitress_on_loopback(app) as base:
        clients = [Client(n, run, base, pki, random.Random(n)) for n in range(CLIENTS)]
        threads = [
            threading.Thread(
                target=c.run_until,
                args=(time.monotonic() + SECONDS,),
                name=f"load-client-{c.number}",
            )
            for c in clients
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 60)
        seconds = time.perf_counter() - began
        assert not any(thread.is_alive() for thread in threads), "a client did not stop"

    replies = [reply for c in clients for reply in c.replies]
    statuses = Counter(reply.status for reply in replies)
    latencies = [reply.seconds * 1000 for reply in replies]
    finished = [item for c in clients for item in c.finished]
    lost = _lost_updates(adapter, finished)
    figures(
        capsys,
        f"load: {CLIENTS} clients x {seconds:.0f} s: {len(replies)} signed requests "
        f"({len(replies) / seconds:.0f}/s), statuses {dict(statuses)}, latency p50 "
        f"{percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, max "
        f"{max(latencies):.0f} ms; {sum(c.conversations for c in clients)} conversations, "
        f"{len(finished)} workouts finished ({sum(c.taken_over for c in clients)} taken over by "
        f"the other Echo of a shared account), {writes['conflicts']} write conflicts merged of "
        f"{writes['writes']} writes, {len(lost)} lost or phantom",
    )
    failures = [f"client {c.number}: {failure}" for c in clients for failure in c.failures]
    assert failures == [], "\n".join(failures[:10])
    assert statuses.keys() == {200}, statuses
    assert lost == [], lost[:10]
    assert len(finished) >= CLIENTS, "too few workouts finished to say anything"


def _lost_updates(adapter: DynamoDbAdapter, finished: list[tuple[str, str]]) -> list[str]:
    """Differences between the workouts clients saw finish and the finished ones stored.

    A workout seen finished but missing (or stored unfinished) is a lost update; one stored
    finished that no client saw finish would be a phantom. Both must be absent.
    """
    seen: dict[str, set[str]] = {}
    for user_id, workout in finished:
        seen.setdefault(user_id, set()).add(workout)
    problems = []
    for user_id, workouts in seen.items():
        record = stored_record(adapter, user_id)
        stored = {e.id for e in record.history if e.finished} if record is not None else set()
        problems += [f"lost {user_id[-14:]} {w}" for w in sorted(workouts - stored)]
        problems += [f"phantom {user_id[-14:]} {w}" for w in sorted(stored - workouts)]
    return problems
