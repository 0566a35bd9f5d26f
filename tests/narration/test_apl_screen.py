"""The Echo Show screen: documents, datasources, touches, sizes, speaker parity.

Every APL document and every datasource-bound render the workouts produce is validated with
Amazon's `apl-suggester` (npm, installed into tests/apl by `make test`); its warnings are printed.
Dialog tests go through the Lambda entry with an APL-capable device envelope.
"""

from __future__ import annotations

import copy
import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from runner_strength.alexa.skill import REJECTED, LambdaEntry, build_skill
from runner_strength.content.model import Mode
from runner_strength.engine import transitions
from runner_strength.engine.serialize import record_from_dict
from runner_strength.narration.screen import Page, Screen, panel
from runner_strength.persistence.base import hash_user_id
from runner_strength.persistence.memory import MemoryAdapter
from skilltest import MAX_RESPONSE_BYTES, Device, FakeClock, Reply, check_response, event

if TYPE_CHECKING:
    from collections.abc import Iterator

    from runner_strength.content.model import Library
    from runner_strength.engine.plan import Plan, Slot
    from runner_strength.engine.state import WorkoutState

REPO = Path(__file__).resolve().parents[2]
DISPLAY = REPO / "interaction_model" / "response" / "display"
NODE_PROJECT = Path(__file__).resolve().parents[1] / "apl"
DOCUMENTS = {
    path.parent.name: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted(DISPLAY.glob("*/document.json"))
}
BINDING = re.compile(r"\$\{payload\.screen\.([A-Za-z0-9_.]+)\}")
REFERENCE = re.compile(r"payload\.screen\.([A-Za-z0-9_.]+)")
BUTTONS = ("ready", "pause", "skip", "explain", "easier", "harder")
SPOKEN = {
    "ready": "ReadyIntent",
    "resume": "ResumeWorkoutIntent",
    "progress": "ProgressIntent",
    "list": "ListWorkoutsIntent",
    "pause": "AMAZON.PauseIntent",
    "skip": "SkipExerciseIntent",
    "easier": "EasierIntent",
    "harder": "HarderIntent",
}


# ---------------------------------------------------------------- helpers


def _entry(library: Library, clock: FakeClock) -> tuple[LambdaEntry, MemoryAdapter]:
    """A skill whose wording does not depend on request ids, so two runs can be compared."""
    adapter = MemoryAdapter(clock=clock, ttl_days=365)
    skill = build_skill(
        library=library, adapter=adapter, clock=clock, rng_for=lambda _: random.Random(0)
    )
    return LambdaEntry(skill), adapter


def _state(adapter: MemoryAdapter, device: Device) -> WorkoutState | None:
    """The workout the store holds for this device."""
    snapshot = adapter.read(hash_user_id(device.user_id))
    if snapshot is None:
        return None
    return record_from_dict(snapshot.record).active.get(device.device_id)


def _workout_turns(library: Library, workout_id: str) -> Iterator[tuple[str, Reply]]:
    """Every turn of one workout on an Echo Show: launch, start, ready to the end, the extras."""
    clock = FakeClock()
    entry, _ = _entry(library, clock)
    show = Device(entry, clock=clock, screen=True)
    yield "launch", show.launch()
    started = show.say("StartWorkoutIntent", workout=(workout_id, workout_id))
    yield "start", started
    exercise = library.workout(workout_id).items[0].exercise_id
    yield "explain", show.say("ExplainExerciseIntent", exercise=(exercise, exercise))
    yield "status", show.say("WorkoutStatusIntent")
    for reply in show.ready_until_done():
        yield "ready", reply
    yield "progress", show.say("ProgressIntent", new_session=True)
    yield "list", show.say("ListWorkoutsIntent")
    if workout_id == "five_basics":  # a workout ended with no set to play: the summary page
        show.say("StartWorkoutIntent", workout=(workout_id, workout_id))
        for _ in range(len(library.workout(workout_id).items) + 1):  # the first: no warm-up
            skipped = show.say("SkipExerciseIntent")
            yield "skip", skipped
            if skipped.screen["page"] == Page.SUMMARY.value:
                break


def _lookup(data: dict[str, Any], path: str) -> Any:  # any JSON value
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(path)
        value = value[part]
    return value


def bind(node: Any, data: dict[str, Any]) -> Any:  # any JSON value
    """A document with its plain `${payload.screen.x}` bindings replaced by the datasource's.

    A string that is one binding becomes the value itself (arrays included, so the validator sees
    the real `data` arrays); a binding inside a longer string is written in as text. Expressions
    (conditions, arithmetic, `elapsedTime`) are left for the device to evaluate.
    """
    if isinstance(node, dict):
        return {key: bind(value, data) for key, value in node.items()}
    if isinstance(node, list):
        return [bind(value, data) for value in node]
    if isinstance(node, str):
        whole = BINDING.fullmatch(node)
        if whole is not None:
            return _lookup(data, whole.group(1))

        def scalar(match: re.Match[str]) -> str:
            value = _lookup(data, match.group(1))
            return match.group(0) if isinstance(value, (dict, list)) else str(value)

        return BINDING.sub(scalar, node)
    return node


def _suggester(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """apl-suggester's findings for every case (a document and its datasources)."""
    node = shutil.which("node")
    if node is None or not (NODE_PROJECT / "node_modules" / "apl-suggester").is_dir():
        pytest.fail("apl-suggester is not installed: run `npm ci --prefix tests/apl` (make test)")
    done = subprocess.run(  # our own script, our own input
        [node, str(NODE_PROJECT / "validate.js")],
        input=json.dumps({"cases": cases}),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


@pytest.fixture(scope="module")
def every_turn(library: Library) -> dict[str, list[tuple[str, Reply]]]:
    """Every turn of every workout on an Echo Show, by workout id."""
    return {
        workout_id: list(_workout_turns(library, workout_id))
        for workout_id in sorted(library.workouts)
    }


# ---------------------------------------------------------------- documents


def test_the_package_holds_one_document_per_page() -> None:
    """Each page the skill links to is saved as response/display/<page>/document.json."""
    assert set(DOCUMENTS) == {page.value for page in Page}
    for name, document in DOCUMENTS.items():
        assert document["type"] == "APL", name
        assert document["mainTemplate"]["parameters"] == ["payload"], name
        assert document["theme"] == "dark", name


def test_manifest_declares_the_apl_interface() -> None:
    """skill.json declares ALEXA_PRESENTATION_APL with round, hub and TV viewports."""
    manifest = json.loads((REPO / "interaction_model" / "skill.json").read_text(encoding="utf-8"))
    interfaces = manifest["manifest"]["apis"]["custom"]["interfaces"]
    apl = next(i for i in interfaces if i["type"] == "ALEXA_PRESENTATION_APL")
    kinds = {(v["mode"], v["shape"]) for v in apl["supportedViewports"]}
    assert kinds == {("HUB", "ROUND"), ("HUB", "RECTANGLE"), ("TV", "RECTANGLE")}


def test_every_document_and_bound_render_passes_apl_suggester(
    every_turn: dict[str, list[tuple[str, Reply]]], capsys: pytest.CaptureFixture[str]
) -> None:
    """apl-suggester finds no errors in the documents or in any render a workout produces."""
    cases = [
        {"name": f"{name} (document)", "document": document} for name, document in DOCUMENTS.items()
    ]
    seen: set[str] = set()
    for workout_id, turns in every_turn.items():
        for index, (said, reply) in enumerate(turns):
            render = reply.render
            assert render is not None, (workout_id, said)
            page = render["document"]["src"].rsplit("/", 1)[-1]
            bound = bind(DOCUMENTS[page], render["datasources"]["screen"])
            text = json.dumps(bound, sort_keys=True)
            if text in seen:
                continue
            seen.add(text)
            cases.append(
                {
                    "name": f"{workout_id} turn {index} ({said}, {page})",
                    "document": bound,
                    "datasources": render["datasources"],
                }
            )
    results = _suggester(cases)
    assert len(results) == len(cases)
    errors = [(r["name"], f) for r in results for f in r["findings"] if f["level"] == "ERROR"]
    warnings = [(r["name"], f) for r in results for f in r["findings"] if f["level"] != "ERROR"]
    with capsys.disabled():
        print(
            f"\napl-suggester: {len(cases)} documents and renders, {len(errors)} errors, "
            f"{len(warnings)} warnings"
        )
        for name, found in warnings:
            print(f"  warning: {name}: {found['path']}: {found['message']}")
    assert errors == []
    assert len(cases) > len(DOCUMENTS) + 50, "every distinct render was validated"


def test_every_binding_finds_its_field_in_every_datasource(
    every_turn: dict[str, list[tuple[str, Reply]]],
) -> None:
    """Each `payload.screen.x` a document reads is present in every datasource sent with it."""
    for workout_id, turns in every_turn.items():
        for said, reply in turns:
            render = reply.render
            assert render is not None
            page = render["document"]["src"].rsplit("/", 1)[-1]
            data = render["datasources"]["screen"]
            assert data["page"] == page
            for path in set(REFERENCE.findall(json.dumps(DOCUMENTS[page]))):
                _lookup(data, path)  # raises KeyError naming the missing field
            assert data["buttons"], (workout_id, said)


def test_bind_fills_simple_bindings_and_leaves_expressions() -> None:
    """`bind` writes values in for plain bindings and keeps conditional expressions as they are."""
    data = {"name": "Plank", "cues": ["a", "b"], "side": ""}
    node = {
        "text": "${payload.screen.name}",
        "data": "${payload.screen.cues}",
        "label": "Do ${payload.screen.name} now",
        "when": "${payload.screen.side ? 1 : 0}",
    }
    assert bind(node, data) == {
        "text": "Plank",
        "data": ["a", "b"],
        "label": "Do Plank now",
        "when": "${payload.screen.side ? 1 : 0}",
    }


# ---------------------------------------------------------------- responses


def test_every_turn_of_every_workout_stays_under_24_kb(
    every_turn: dict[str, list[tuple[str, Reply]]], capsys: pytest.CaptureFixture[str]
) -> None:
    """With the screen's datasource, every response of every workout stays under 24 KB."""
    sizes = {
        (w, i): len(json.dumps(reply.raw).encode("utf-8"))
        for w, turns in every_turn.items()
        for i, (_, reply) in enumerate(turns)
    }
    largest = max(sizes, key=lambda k: sizes[k])
    with capsys.disabled():
        print(
            f"\nresponse sizes on an Echo Show: {len(sizes)} turns, largest "
            f"{sizes[largest]} bytes ({largest[0]} turn {largest[1]}), "
            f"median {sorted(sizes.values())[len(sizes) // 2]} bytes"
        )
    assert sizes[largest] < MAX_RESPONSE_BYTES
    for turns in every_turn.values():
        for _, reply in turns:
            render = reply.render
            assert render is not None
            assert render["document"] == {"type": "Link", "src": render["document"]["src"]}, (
                "documents go by link"
            )
            assert render["document"]["src"].startswith("doc://alexa/apl/documents/")


def test_a_speaker_gets_exactly_the_response_it_got_before(library: Library) -> None:
    """The same conversation on a speaker and on a Show: identical but for the APL directive."""
    replies: dict[bool, list[dict[str, Any]]] = {}
    for screen in (False, True):
        clock = FakeClock()
        entry, _ = _entry(library, clock)
        device = Device(entry, clock=clock, screen=screen)
        said = [
            device.launch(),
            device.say("AMAZON.YesIntent"),
            device.say("ReadyIntent"),
            device.say("ExplainExerciseIntent", exercise=("plank", "plank")),
            device.say("AMAZON.PauseIntent"),
        ]
        replies[screen] = [copy.deepcopy(reply.raw) for reply in said]
    for spoken in replies[False]:
        assert "directives" not in spoken["response"] or not spoken["response"]["directives"]
    for shown in replies[True]:
        directives = shown["response"].pop("directives")
        assert [d["type"] for d in directives] == ["Alexa.Presentation.APL.RenderDocument"]
    assert replies[True] == replies[False]


def _set_timers_match(
    library: Library, plan: Plan, slot: Slot, data: dict[str, Any], *, first: bool
) -> bool:
    """Check one set's timers on a set screen; True when the set is a hold."""
    name = library.exercise(slot.exercise_id).name
    title = f"{name}, set {slot.set_number} of {slot.total_sets}"
    mine = [t for t in data["timers"] if t["kind"] != "rest" and t["title"] == title]
    dosage = plan.dosages[slot.exercise_id]
    pulses = [t for t in mine if t["kind"] == "pulses"]
    assert len(pulses) == (len(slot.sides) if dosage.pulses else 0), "pulses after each hold"
    if dosage.mode is not Mode.HOLD:
        assert all(t["reps"] == dosage.reps for t in mine), mine
        return False
    if first:  # the header's target is the first set's
        assert f"{dosage.hold_seconds} s hold" in data["target"]
    for timer in mine:
        if timer["kind"] == "hold":
            assert abs(timer["seconds"] - (dosage.hold_seconds or 0)) <= 1.0
    return True


def test_the_set_screen_matches_the_engine_and_the_spoken_timers(library: Library) -> None:
    """Exercise, set, side and seconds on screen are the engine's; timers match the speech.

    A response of several sets shows the first in its header; each timer names its own set.
    """
    clock = FakeClock()
    entry, adapter = _entry(library, clock)
    show = Device(entry, clock=clock, screen=True)
    show.say("StartWorkoutIntent", workout=("core_and_stability", "core"))
    holds = 0
    several = 0
    while True:
        reply = show.say("ReadyIntent")
        data = reply.screen
        if reply.ends_session or reply.asked == "cool_down_offer":
            # The last set plays first, then the summary takes the screen when its timers end.
            assert data["page"] == Page.WORKOUT.value
            assert data["done"]["title"] == "Workout done"
            ends = max(t["start"] + t["seconds"] for t in data["timers"])
            assert data["done"]["at"] == pytest.approx(ends, abs=0.05)
            assert data["done"]["at"] < reply.seconds
            break
        state = _state(adapter, show)
        assert state is not None
        assert state.last_set is not None
        plan = transitions.plan_of(library, state)
        played = sorted({mark.slot for mark in state.last_set.marks})
        slots = [plan.slots[index] for index in played]
        several += len(slots) > 1
        first = slots[0]
        exercise = library.exercise(first.exercise_id)
        assert data["exercise"] == {"id": exercise.id, "name": exercise.name}
        assert data["set"]["number"] == first.set_number
        assert data["set"]["total"] == first.total_sets
        assert data["set"]["label"] == f"Set {first.set_number} of {first.total_sets}"
        work = [timer for timer in data["timers"] if timer["kind"] != "rest"]
        main = [timer for timer in work if timer["kind"] != "pulses"]
        titles = [
            f"{library.exercise(slot.exercise_id).name}, set {slot.set_number} of {slot.total_sets}"
            for slot in slots
            for _ in slot.sides
        ]
        assert [timer["title"] for timer in main] == titles, "one hold or rep timer a side done"
        holds += sum(
            _set_timers_match(library, plan, slot, data, first=slot is first) for slot in slots
        )
        for timer in data["timers"]:
            assert 0 < timer["start"] < timer["start"] + timer["seconds"] <= reply.seconds + 1.0
        rests = [t for t in data["timers"] if t["kind"] == "rest"]
        if rests:
            assert data["upNext"], "a rest says what comes next"
            for rest in rests:
                assert rest["seconds"] <= plan.full.items[0].dosage.rest_seconds + 60
        assert state.last_set.work_ends == pytest.approx(
            max(t["start"] + t["seconds"] for t in work), abs=30.0
        )
        clock.advance(reply.seconds + 2)
    assert holds > 0
    assert several > 0, "core and stability plays sets of one exercise in one response"


def test_hold_countdown_ends_when_the_spoken_countdown_does(library: Library) -> None:
    """The screen's hold ends within 1 s of the spoken "1" plus the last second of the hold."""
    clock = FakeClock()
    entry, _ = _entry(library, clock)
    show = Device(entry, clock=clock, screen=True)
    show.say("StartWorkoutIntent", workout=("core_and_stability", "core"))
    checked = 0
    for reply in show.ready_until_done():
        if reply.screen["page"] != Page.WORKOUT.value:
            continue
        for timer in reply.screen["timers"]:
            if timer["kind"] != "hold":
                continue
            # The speech up to the end of the hold, estimated the narrator's way, in pieces.
            end = timer["start"] + timer["seconds"]
            assert _spoken_one_at(reply.ssml, after=timer["start"]) == pytest.approx(
                end - 1.0, abs=1.0
            )
            checked += 1
    assert checked > 0


def _spoken_one_at(ssml: str, *, after: float) -> float:
    """When the first spoken "1" of a countdown after `after` seconds starts, by the estimate."""
    from runner_strength.narration.ssml import estimate_seconds  # noqa: PLC0415  # only here

    # A countdown's "1" follows its "2" and a short break; numbers are bare digits.
    for found in re.finditer(r"\b2 <break time=\"\d+ms\"/> (1)\b", ssml):
        prefix = ssml[: found.start(1)]
        # Close whatever is open so the prefix is well-formed SSML the estimate can read.
        opened = re.findall(r"<(s|p|emphasis|prosody)\b[^>]*>", prefix)
        closed = re.findall(r"</(s|p|emphasis|prosody)>", prefix)
        tail = "".join(f"</{tag}>" for tag in reversed(opened[len(closed) :]))
        at = estimate_seconds(prefix + tail + "</speak>")
        if at > after:
            return at
    pytest.fail(f"no countdown after {after} s")


# ---------------------------------------------------------------- touches


@pytest.mark.parametrize("button", [*BUTTONS, "resume", "progress", "list"])
def test_every_touch_button_leads_where_the_spoken_intent_does(
    library: Library, button: str
) -> None:
    """A touch answers exactly as the spoken intent: the same response, the same stored state."""
    results = []
    for by_touch in (False, True):
        clock = FakeClock()
        entry, adapter = _entry(library, clock)
        show = Device(entry, clock=clock, screen=True)
        shown = show.launch().screen
        exercise_id = ""
        if button not in {"progress", "list"}:  # those are on the launch screen
            show.say("StartWorkoutIntent", workout=("core_and_stability", "core"))
            first = show.say("ReadyIntent")
            clock.advance(first.seconds + 2)
            exercise_id = first.screen["exercise"]["id"]
            shown = first.screen
        if button == "resume":
            shown = show.say("AMAZON.PauseIntent").screen
        touchable = {b["action"] for b in shown["buttons"]} | {
            i["action"] for i in shown.get("items", [])
        }
        assert button in touchable | {"list"}, "list is on the explain and summary pages"
        if by_touch:
            reply = show.touch(button, exercise_id if button == "explain" else "")
        elif button == "explain":
            name = library.exercise(exercise_id).name
            reply = show.say("ExplainExerciseIntent", exercise=(exercise_id, name))
        else:
            reply = show.say(SPOKEN[button])
        results.append((reply.raw, _state(adapter, show)))
    (spoken, spoken_state), (touched, touched_state) = results
    assert touched["response"] == spoken["response"]
    assert touched_state == spoken_state


def test_a_touched_workout_in_the_list_starts_it(echo_show: Device, library: Library) -> None:
    """Touching a workout on the launch screen starts that workout, as naming it would."""
    menu = echo_show.launch().screen
    assert menu["page"] == "menu"
    items = {item["argument"]: item for item in menu["items"]}
    assert set(items) == set(library.workouts)
    started = echo_show.touch("start", "single_leg_strength")
    assert library.workout("single_leg_strength").name in started.text
    assert started.screen["page"] == "workout"
    assert started.screen["workout"] == library.workout("single_leg_strength").name


def test_explaining_shows_the_whole_exercise(echo_show: Device, library: Library) -> None:
    """The explanation page holds set-up, every cue and mistake, and easier and harder versions."""
    reply = echo_show.say("ExplainExerciseIntent", exercise=("side_plank", "side plank"))
    data = reply.screen
    exercise = library.exercise("side_plank")
    assert data["page"] == "explain"
    assert data["setup"] == exercise.setup
    assert data["cues"] == list(exercise.cues)
    assert data["mistakes"] == list(exercise.mistakes)
    labels = [option["label"] for option in data["options"]]
    assert ("Easier" in labels) == (exercise.easier is not None)
    assert ("Harder" in labels) == (exercise.harder is not None)


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["bogus"],
        ["explain"],
        ["explain", "no_such_exercise"],
        ["start", "x" * 500],
        [None, None],
        [12, {"a": 1}],
        ["READY "],
        ["\x00\x01"],
        [["ready"]],
        "ready",
        None,
    ],
    ids=repr,
)
def test_malformed_touches_get_a_clear_spoken_answer(echo_show: Device, arguments: object) -> None:
    """A UserEvent with odd arguments is answered aloud, within the rules, never an error."""
    echo_show.launch()
    envelope = event("apl_user_event")
    if arguments is None:
        del envelope["request"]["arguments"]
    else:
        envelope["request"]["arguments"] = arguments
    reply = echo_show.send(envelope)
    assert reply.raw != REJECTED
    check_response(reply)
    assert reply.ssml
    assert "hiccup" not in reply.text


def test_the_console_panel_shows_a_set(library: Library) -> None:
    """The text panel names the exercise, the set, the target, the timers and the buttons."""
    clock = FakeClock()
    entry, _ = _entry(library, clock)
    show = Device(entry, clock=clock, screen=True)
    show.say("StartWorkoutIntent", workout=("core_and_stability", "core"))
    data = show.say("ReadyIntent").screen
    text = panel(Screen(Page(data["page"]), data))
    assert data["exercise"]["name"] in text
    assert data["set"]["label"] in text
    assert "Rest:" in text
    assert "[Ready] [Pause] [Skip]" in text


@pytest.fixture
def echo_show(entry: LambdaEntry, clock: FakeClock) -> Device:
    """One Echo Show talking to `entry`."""
    return Device(entry, clock=clock, screen=True)


def test_a_fault_in_the_screen_costs_the_screen_not_the_answer(
    echo_show: Device, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """When building the datasource fails, the runner still hears the answer, without a screen."""
    from runner_strength.narration import screen  # noqa: PLC0415  # patched only here

    def broken(*_: object, **__: object) -> Screen:
        raise KeyError("broken")

    monkeypatch.setattr(screen, "menu_screen", broken)
    reply = echo_show.launch()
    assert reply.render is None
    assert "Runner Strength" in reply.text
    assert "no screen" in caplog.text


def _shape(value: Any) -> Any:  # any JSON value
    """The keys of a JSON value, nested (lists by their first item), without the values."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def test_preview_samples_have_the_shape_the_skill_sends(
    every_turn: dict[str, list[tuple[str, Reply]]],
) -> None:
    """docs/apl/<page>.datasources.json (for the authoring tool) match a real render's fields."""
    real: dict[str, Any] = {}
    for turns in every_turn.values():
        for _, reply in turns:
            render = reply.render
            assert render is not None
            data = render["datasources"]
            real.setdefault(data["screen"]["page"], data)
    for page in Page:
        sample = json.loads(
            (REPO / "docs" / "apl" / f"{page.value}.datasources.json").read_text(encoding="utf-8")
        )
        assert set(_shape(sample)["screen"]) == set(_shape(real[page.value])["screen"]), page


def test_declining_to_resume_shows_the_menu_not_a_summary(
    echo_show: Device, clock: FakeClock
) -> None:
    """Saying no to "pick up where you left off?" shows the workout list the coach offers from."""
    echo_show.launch()
    echo_show.say("StartWorkoutIntent", workout=("five_basics", "five basics"))
    clock.advance(echo_show.say("ReadyIntent").seconds + 2)
    echo_show.say("AMAZON.StopIntent")
    assert echo_show.launch().screen["page"] == "workout", "the offer shows where it stopped"
    declined = echo_show.say("AMAZON.NoIntent").screen
    assert declined["page"] == "menu"
    assert declined["offered"]


def test_timers_pair_each_start_with_its_end_in_time_order() -> None:
    """Marks of a hold on each side and a rest become three timers, in the order they run."""
    from runner_strength.narration.screen import timers  # noqa: PLC0415  # the unit under test

    marks = [
        ("hold_start", 10.0),
        ("hold_end", 40.04),
        ("hold_start", 47.5),
        ("hold_end", 77.5),
        ("rest_start", 80.0),
        ("rest_end", 125.0),
    ]
    found = timers(marks)
    assert [(t["kind"], t["start"], t["seconds"]) for t in found] == [
        ("hold", 10.0, 30.0),
        ("hold", 47.5, 30.0),
        ("rest", 80.0, 45.0),
    ]
