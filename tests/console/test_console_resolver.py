import itertools
import re
from collections.abc import Callable

import pytest

from runner_strength.buildtime.interaction_model import sample_pairs, spoken
from runner_strength.console.durations import duration_seconds, iso_duration
from runner_strength.console.resolver import (
    ER_MATCH,
    ER_NO_MATCH,
    Action,
    Resolver,
    Via,
    words,
)

DURATIONS = ("twenty minutes", "ten minutes", "half an hour", "an hour and a half", "15 min")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.load()


def _filled(resolver: Resolver) -> list[tuple[str, str]]:
    """Every sample and built-in phrase with each slot filled by a real value, values rotating."""
    values = {t: itertools.cycle(sorted(v)) for t, v in resolver.value_ids.items()}
    durations = itertools.cycle(DURATIONS)
    times = itertools.cycle(("nine", "seven thirty", "six in the evening", "noon"))
    filled = []
    for intent, pattern in sample_pairs(resolver.model, builtin_phrases=resolver.builtin_phrases):
        types = resolver.intent_slots.get(intent, {})

        def fill(ref: re.Match[str], types: dict[str, str] = types) -> str:
            slot_type = types[ref[1]]
            if slot_type == "AMAZON.TIME":
                return next(times)
            return next(durations) if slot_type == "AMAZON.DURATION" else next(values[slot_type])

        filled.append((intent, re.sub(r"\{(\w+)\}", fill, pattern)))
    return filled


def test_every_sample_utterance_resolves_to_its_own_intent(resolver: Resolver) -> None:
    """Each sample and built-in phrase of the model, slots filled, comes back as its own intent."""
    filled = _filled(resolver)
    wrong = [
        (intent, text, heard)
        for intent, text in filled
        if (heard := resolver.hear(text)) is None
        or heard.match is None
        or heard.match.intent != intent
    ]
    assert wrong == []
    assert len(filled) > 450, "the model's samples and the built-in phrases are all covered"
    print(f"{len(filled)} of {len(filled)} sample utterances resolve to their own intent")


def test_samples_match_exactly_and_fill_every_slot(resolver: Resolver) -> None:
    """A sample with real values is an exact match whose slots are all filled and resolved."""
    for _, text in _filled(resolver):
        found = resolver.intent(text)
        assert found is not None
        assert found.via is Via.EXACT, text
        for slot in found.slots:
            if slot.resolution is not None:
                assert slot.resolution.code == ER_MATCH, text


# About this many samples meet each change, spread over the whole model.
CHANGED_PER_VARIANT = 600
CHANGES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("no apostrophes", lambda text: text.replace("'", "")),
    ("please", lambda text: f"{text} please"),
    ("shouted", lambda text: text.upper() + "!"),
    ("um", lambda text: f"um, {text}"),
)
# Samples a change really changes, at most this many a change: a dropped apostrophe takes the
# fuzzy path, about 0.1 s a sample (all 118 it changed took 16 s on 5 December 2026, and none
# missed).
MAX_CHANGED = 24


@pytest.mark.parametrize(("turn", "variant", "change"), [(i, *c) for i, c in enumerate(CHANGES)])
def test_small_changes_to_any_sample_keep_its_intent(
    resolver: Resolver, turn: int, variant: str, change: Callable[[str], str]
) -> None:
    """Dropped apostrophes, a trailing please, capitals or an um keep what a sample means.

    The changes take the samples in turn (each change meets every fourth sample, or a fixed
    stride of them once a grammar makes thousands), and of those a few dozen it really changes,
    spread out: a fuzzy match is slow, and four per sample found nothing one per sample missed.
    """
    filled = _filled(resolver)
    stride = len(CHANGES) * max(1, len(filled) // (len(CHANGES) * CHANGED_PER_VARIANT))
    mine = [(intent, text) for intent, text in filled[turn::stride] if change(text) != text]
    mine = mine[:: max(1, -(-len(mine) // MAX_CHANGED))]
    wrong = [
        (intent, change(text))
        for intent, text in mine
        if (found := resolver.intent(change(text))) is None or found.intent != intent
    ]
    assert wrong == [], variant
    assert len(mine) >= MAX_CHANGED // 2, "each change meets a few dozen samples it changes"


def _one_slot_sample(resolver: Resolver, slot_type: str) -> tuple[str, str]:
    """A sample whose only slot has type `slot_type`: (intent, sample with `{}` for the slot)."""
    for intent, pattern in sample_pairs(resolver.model):
        refs = re.findall(r"\{(\w+)\}", pattern)
        if len(refs) == 1 and resolver.intent_slots[intent][refs[0]] == slot_type:
            return intent, pattern.replace(f"{{{refs[0]}}}", "{}")
    raise AssertionError(f"no sample uses {slot_type} alone")


def test_every_value_and_synonym_resolves_to_its_content_id(resolver: Resolver) -> None:
    """Each value and synonym of every custom slot type resolves to its id, as entity resolution."""
    checked = 0
    for slot_type, values in resolver.value_ids.items():
        intent, template = _one_slot_sample(resolver, slot_type)
        for value, value_id in values.items():
            found = resolver.intent(template.format(value))
            assert found is not None, value
            assert found.intent == intent
            slot = found.slots[0]
            assert slot.resolution is not None
            assert (slot.resolution.code, slot.resolution.value_id) == (ER_MATCH, value_id), value
            checked += 1
    assert checked > 200


def test_resolution_names_the_written_value(resolver: Resolver) -> None:
    """A synonym resolves to its value's written name, which Alexa sends alongside the id."""
    found = resolver.intent("explain copenhagens")
    assert found is not None
    slot = found.slot("exercise")
    assert slot is not None
    assert slot.value == "copenhagens"
    assert slot.resolution is not None
    assert (slot.resolution.value_id, slot.resolution.value_name) == (
        "copenhagen_plank",
        "Copenhagen plank",
    )


@pytest.mark.parametrize(
    ("typed", "intent", "slot_id"),
    [
        ("explain copenhagen planks please", "ExplainExerciseIntent", "copenhagen_plank"),
        ("whats left", "WorkoutStatusIntent", None),
        ("Whats left?", "WorkoutStatusIntent", None),
        ("how much time is left", "WorkoutStatusIntent", None),
        ("how long left", "WorkoutStatusIntent", None),
        ("i am ready", "ReadyIntent", None),
        ("redy", "ReadyIntent", None),
        ("explain copenhaggen plank", "ExplainExerciseIntent", "copenhagen_plank"),
        ("how do i do the copenhagen plank properly", "ExplainExerciseIntent", "copenhagen_plank"),
        ("okay start my workout now", "StartWorkoutIntent", None),
    ],
)
def test_forgiving_matches(
    resolver: Resolver, typed: str, intent: str, slot_id: str | None
) -> None:
    """Text a word or a typo away from a sample still means that sample's intent and value."""
    found = resolver.intent(typed)
    assert found is not None, typed
    assert found.intent == intent
    if slot_id is not None:
        resolved = [s.resolution.value_id for s in found.slots if s.resolution is not None]
        assert resolved == [slot_id]


@pytest.mark.parametrize(
    "typed",
    [
        "purple monkey dishwasher",
        "sing me a song",
        "what's the weather in paris",
        "stop it",
        "do my homework",
        "i have a question",
        "",
        "   ",
        "?!",
    ],
)
def test_nonsense_resolves_to_nothing(resolver: Resolver, typed: str) -> None:
    """Text close to no sample utterance means nothing at all."""
    assert resolver.hear(typed) is None


def test_unknown_exercise_is_sent_unresolved(resolver: Resolver) -> None:
    """A sample whose slot names no known exercise is still sent, with ER_SUCCESS_NO_MATCH."""
    found = resolver.intent("explain the moon walk")
    assert found is not None
    assert (found.intent, found.via) == ("ExplainExerciseIntent", Via.OPEN_SLOT)
    slot = found.slot("exercise")
    assert slot is not None
    assert slot.value == "moon walk"
    assert slot.resolution is not None
    assert (slot.resolution.code, slot.resolution.value_id) == (ER_NO_MATCH, None)


def test_durations_are_sent_as_iso_8601(resolver: Resolver) -> None:
    """A duration slot carries the ISO-8601 value Alexa sends, and the workout slot its id."""
    found = resolver.intent("start the five basics for twenty five minutes")
    assert found is not None
    assert found.intent == "StartWorkoutIntent"
    duration = found.slot("duration")
    workout = found.slot("workout")
    assert duration is not None
    assert (duration.value, duration.resolution) == ("PT25M", None)
    assert workout is not None
    assert workout.resolution is not None
    assert workout.resolution.value_id == "five_basics"


@pytest.mark.parametrize(
    ("typed", "action"),
    [
        ("open runner strength", Action.LAUNCH),
        ("Alexa, open Runner Strength", Action.LAUNCH),
        ("launch", Action.LAUNCH),
        ("open", Action.LAUNCH),
        ("ask runner strength", Action.LAUNCH),
        ("start runner strength", Action.LAUNCH),
        ("exit", Action.EXIT),
    ],
)
def test_launch_and_exit_phrases(resolver: Resolver, typed: str, action: Action) -> None:
    """Opening phrases are a launch in a new session, and "exit" leaves the skill."""
    heard = resolver.hear(typed)
    assert heard is not None
    assert heard.action is action


@pytest.mark.parametrize(
    ("typed", "intent"),
    [
        ("Alexa, ask runner strength to explain the Copenhagen plank", "ExplainExerciseIntent"),
        ("alexa tell runner strength to start my workout", "StartWorkoutIntent"),
        ("ask runner strength for a quick workout", "StartWorkoutIntent"),
        ("ask runner strength how much is left", "WorkoutStatusIntent"),
        ("open runner strength and start the five basics", "StartWorkoutIntent"),
        ("start my runner strength workout", "StartWorkoutIntent"),
    ],
)
def test_one_shot_phrasing_starts_a_new_session(
    resolver: Resolver, typed: str, intent: str
) -> None:
    """Naming the skill with a request is a one-shot: the request, in a new session."""
    heard = resolver.hear(typed)
    assert heard is not None
    assert heard.action is Action.INTENT
    assert heard.invoked
    assert heard.match is not None
    assert heard.match.intent == intent


def test_plain_requests_continue_the_session(resolver: Resolver) -> None:
    """A request that does not name the skill goes to the open session."""
    heard = resolver.hear("pause")
    assert heard is not None
    assert (heard.action, heard.invoked) == (Action.INTENT, False)
    assert heard.match is not None
    assert heard.match.intent == "AMAZON.PauseIntent"


def test_one_shot_with_nonsense_resolves_to_nothing(resolver: Resolver) -> None:
    """Naming the skill does not rescue a request that matches nothing."""
    assert resolver.hear("ask runner strength to sing me a song") is None


def test_comparable_words_expand_contractions_and_drop_fillers() -> None:
    """Contractions typed with or without apostrophes compare alike; fillers are dropped."""
    assert words("Okay, what's left please") == ["what", "is", "left"]
    assert words("whats left") == words("what's left")
    assert words("I'm ready") == ["i", "am", "ready"]
    assert spoken("Push-up!") == "push up"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("twenty minutes", "PT20M"),
        ("twenty five minutes", "PT25M"),
        ("10 min", "PT10M"),
        ("five minute", "PT5M"),
        ("half an hour", "PT30M"),
        ("an hour and a half", "PT1H30M"),
        ("one hour and thirty minutes", "PT1H30M"),
        ("ninety seconds", "PT1M30S"),
        ("a couple of minutes", "PT2M"),
    ],
)
def test_spoken_durations(text: str, iso: str) -> None:
    """Spoken durations become the ISO-8601 values AMAZON.DURATION delivers."""
    assert iso_duration(text) == iso


@pytest.mark.parametrize("text", ["a question", "minutes", "twenty", "the five basics", ""])
def test_words_that_are_no_duration(text: str) -> None:
    """Words that do not say a length of time are no duration."""
    assert duration_seconds(text) is None
    assert iso_duration(text) is None
