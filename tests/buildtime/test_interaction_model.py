"""The generated Alexa skill package: drift, Alexa's rules, the SMAPI classes, content coverage."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_model_runtime.serializer import DefaultSerializer

from committed import committed_json
from runner_strength import cli
from runner_strength.buildtime import interaction_model as im

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from runner_strength.content.model import Library

JsonDict = dict[str, Any]

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
PACKAGE = REPO / "interaction_model"

MANIFEST_CLASS = "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope"
MODEL_CLASS = (
    "ask_smapi_model.v1.skill.interaction_model.interaction_model_data.InteractionModelData"
)
CUSTOM_INTENTS = (
    "StartWorkoutIntent",
    "ExplainExerciseIntent",
    "ResumeWorkoutIntent",
    "WorkoutStatusIntent",
    "SkipExerciseIntent",
    "EasierIntent",
    "HarderIntent",
    "ReadyIntent",
    "ListWorkoutsIntent",
    "WhyExerciseIntent",
)
BUILTIN_INTENTS = tuple(
    f"AMAZON.{name}Intent"
    for name in (
        "Help",
        "Stop",
        "Cancel",
        "Pause",
        "Resume",
        "Next",
        "Previous",
        "Repeat",
        "StartOver",
        "Yes",
        "No",
        "Fallback",
        "NavigateHome",
    )
)


@pytest.fixture(scope="module")
def utterances() -> im.Utterances:
    return im.load_utterances(CONTENT / "utterances" / "en.yaml")


@pytest.fixture(scope="module")
def package(library: Library, utterances: im.Utterances) -> Mapping[Path, str]:
    """The skill package generated from content today, built once for the module."""
    return im.build_package(library, utterances)


@pytest.fixture(scope="module")
def model() -> JsonDict:
    return im.load_model("en-US", package_dir=PACKAGE)


def _intents(model: JsonDict) -> dict[str, JsonDict]:
    return {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}


def _type(model: JsonDict, name: str) -> JsonDict:
    types: list[JsonDict] = model["interactionModel"]["languageModel"]["types"]
    return next(t for t in types if t["name"] == name)


# ---------------------------------------------------------------- drift


def test_committed_package_is_what_build_model_generates(package: Mapping[Path, str]) -> None:
    """The committed skill package equals what `build-model` generates from content today."""
    assert im.package_differences(package, PACKAGE) == [], "run `runner-strength build-model`"


def test_build_model_writes_the_package_and_check_reports_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`build-model --check` exits 1 listing missing or changed files, and 0 once written."""
    name_free = tmp_path / "name_free.json"
    args = [
        *("--content", str(CONTENT), "build-model", "--package-dir", str(tmp_path)),
        *("--name-free-file", str(name_free)),
    ]
    assert cli.main([*args, "--check"]) == 1
    assert "skill.json: missing" in capsys.readouterr().err
    assert cli.main(args) == 0
    assert cli.main([*args, "--check"]) == 0
    models = tmp_path / "interactionModels" / "custom"
    (models / "en-GB.json").write_text("{}\n", encoding="utf-8")
    (models / "de-DE.json").write_text("{}\n", encoding="utf-8")
    assert cli.main([*args, "--check"]) == 1
    err = capsys.readouterr().err
    assert "en-GB.json: differs" in err
    assert "de-DE.json: not generated" in err


def test_every_locale_has_the_same_model() -> None:
    """All five English locales ship the same interaction model file."""
    texts = {
        (PACKAGE / im.MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8")
        for locale in im.LOCALES
    }
    assert set(im.LOCALES) == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}
    assert len(texts) == 1


# ---------------------------------------------------------------- Alexa's rules, committed files


@pytest.mark.parametrize("locale", list(im.LOCALES))
def test_committed_model_follows_alexas_rules(locale: str, utterances: im.Utterances) -> None:
    """Invocation name, utterance characters, slot references, duplicates and values all pass."""
    model = im.load_model(locale, package_dir=PACKAGE)
    assert im.check_model(model, utterances.builtin_phrases) == []


def test_manifest_example_phrases_and_locales_check_out(
    model: JsonDict, utterances: im.Utterances
) -> None:
    """Every example phrase opens the skill or matches a sample with a real slot value."""
    manifest = json.loads((PACKAGE / "skill.json").read_text(encoding="utf-8"))
    assert im.check_manifest(manifest, model, utterances.builtin_phrases) == []
    phrases = manifest["manifest"]["publishingInformation"]["locales"]["en-US"]["examplePhrases"]
    assert phrases == [
        "Alexa, open runner strength",
        "Alexa, ask runner strength to explain the copenhagen plank",
        "Alexa, tell runner strength to start my workout",
    ]


def test_manifest_has_the_privacy_answers_events_and_endpoint() -> None:
    """The committed manifest: privacy answers, the reminders permission, no endpoint or events."""
    body = committed_json(PACKAGE / "skill.json")["manifest"]
    privacy = body["privacyAndCompliance"]
    assert privacy["isExportCompliant"] is True
    for flag in ("containsAds", "usesPersonalInfo", "isChildDirected", "allowsPurchases"):
        assert privacy[flag] is False, flag
    assert set(privacy["locales"]) == set(im.LOCALES)
    assert all(
        entry["privacyPolicyUrl"].startswith("https://") and entry["termsOfUseUrl"]
        for entry in privacy["locales"].values()
    )
    listing = body["publishingInformation"]
    assert set(listing["locales"]) == set(im.LOCALES)
    assert listing["locales"]["en-GB"]["name"] == "Runner Strength"
    for locale in im.LOCALES:
        description = " ".join(listing["locales"][locale]["description"].split())
        assert "no substitute for professional medical advice" in description, locale
    # SKILL_DISABLED comes from ask-resources.json's skillEvents; `ask deploy` writes the block.
    assert "events" not in body
    assert body["permissions"] == [
        {"name": "alexa::alerts:reminders:skill:readwrite"},
        {"name": "alexa::person_id:read"},
    ]
    # The deployer fills the endpoint in; a committed ARN would be a placeholder that fails deploy.
    assert "endpoint" not in body["apis"]["custom"]


def test_model_has_every_intent_the_skill_handles(model: JsonDict) -> None:
    """The custom and built-in intents the handlers answer are all in the model."""
    intents = _intents(model)
    assert set(CUSTOM_INTENTS) | set(BUILTIN_INTENTS) <= set(intents)
    assert model["interactionModel"]["languageModel"]["invocationName"] == "runner strength"
    slots = {s["name"]: s["type"] for s in intents["StartWorkoutIntent"]["slots"]}
    assert slots == {"workout": "WORKOUT", "duration": "AMAZON.DURATION"}
    assert intents["ExplainExerciseIntent"]["slots"] == [{"name": "exercise", "type": "EXERCISE"}]


def test_intents_have_many_samples_including_the_issues_phrases(model: JsonDict) -> None:
    """Main intents have dozens of samples, the rest ten or more, with the issue's phrases."""
    intents = {name: set(i["samples"]) for name, i in _intents(model).items()}
    assert len(intents["StartWorkoutIntent"]) >= 48
    assert len(intents["ExplainExerciseIntent"]) >= 48
    for name in CUSTOM_INTENTS:
        assert len(intents[name]) >= 10, name
    assert {"ready", "i'm ready", "go", "let's go"} <= intents["ReadyIntent"]
    # "I'm done" must never start the next set.
    assert not {"done", "finished"} & intents["ReadyIntent"]
    assert {"how much is left", "what set am i on"} <= intents["WorkoutStatusIntent"]
    assert "why am i doing this" in intents["WhyExerciseIntent"]
    assert {
        "explain the {exercise}",
        "how do i do {exercise}",
        "what's a {exercise}",
        "tell me about {exercise}",
        "show me how to do {exercise}",
    } <= intents["ExplainExerciseIntent"]
    assert {
        "start {workout}",
        "start a {duration} workout",
        "give me a quick workout",
        "start my workout",
    } <= intents["StartWorkoutIntent"]
    assert "resume" not in intents["ResumeWorkoutIntent"]


# ---------------------------------------------------------------- the official SMAPI model classes


def test_manifest_deserializes_into_the_smapi_model_without_losing_fields() -> None:
    """ask_smapi_model's SkillManifestEnvelope reads skill.json and writes back the same JSON."""
    serializer = DefaultSerializer()
    text = (PACKAGE / "skill.json").read_text(encoding="utf-8")
    envelope = serializer.deserialize(text, MANIFEST_CLASS)
    assert type(envelope).__name__ == "SkillManifestEnvelope"
    manifest = envelope.manifest
    assert manifest.events is None  # written by `ask deploy` from ask-resources.json
    assert sorted(c.value for c in manifest.publishing_information.distribution_countries) == [
        "AU",
        "CA",
        "GB",
        "IN",
        "US",
    ]
    assert manifest.privacy_and_compliance.is_export_compliant is True
    # Fields the classes do not know are kept as loose attributes and dropped on the way back out,
    # so a misspelt field shows up as a difference here.
    assert serializer.serialize(envelope) == json.loads(text)


@pytest.mark.parametrize("locale", list(im.LOCALES))
def test_interaction_model_deserializes_into_the_smapi_model_without_losing_fields(
    locale: str,
) -> None:
    """ask_smapi_model's InteractionModelData reads each locale file and writes the same JSON."""
    serializer = DefaultSerializer()
    text = (PACKAGE / im.MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8")
    data = serializer.deserialize(text, MODEL_CLASS)
    language = data.interaction_model.language_model
    assert type(language).__name__ == "LanguageModel"
    assert type(language.intents[0]).__name__ == "Intent"
    assert type(language.types[0].values[0].name).__name__ == "TypeValueObject"
    assert serializer.serialize(data) == json.loads(text)


def test_manifest_without_endpoint_is_still_a_valid_smapi_manifest(
    utterances: im.Utterances,
) -> None:
    """Leaving the endpoint to the deployer (ENDPOINT_URI None) still gives a readable manifest."""
    manifest = im.build_manifest(utterances, endpoint_uri=None)
    assert "endpoint" not in manifest["manifest"]["apis"]["custom"]
    assert "events" not in manifest["manifest"]
    serializer = DefaultSerializer()
    text = im.to_json(manifest)
    assert serializer.serialize(serializer.deserialize(text, MANIFEST_CLASS)) == manifest


# ---------------------------------------------------------------- slot types from content


def test_every_exercise_and_workout_is_a_slot_value(model: JsonDict, library: Library) -> None:
    """Each content exercise id is in EXERCISE and each workout id in WORKOUT, name as value."""
    records: dict[str, Any]
    for type_name, records in (
        ("EXERCISE", dict(library.exercises)),
        ("WORKOUT", dict(library.workouts)),
    ):
        values = {v["id"]: v["name"] for v in _type(model, type_name)["values"]}
        assert set(values) == set(records), type_name
        for record_id, record in records.items():
            assert values[record_id]["value"] == record.name
            synonyms = {im.spoken(s) for s in values[record_id].get("synonyms", [])}
            assert {im.spoken(a) for a in record.aliases} - {im.spoken(record.name)} <= synonyms


def _synonyms(model: JsonDict, type_name: str, value_id: str) -> set[str]:
    values = _type(model, type_name)["values"]
    return set(next(v for v in values if v["id"] == value_id)["name"].get("synonyms", []))


def test_names_are_synonyms_in_singular_plural_hyphenated_and_joined_forms(
    model: JsonDict,
) -> None:
    """The forms Alexa may transcribe are all there: "push up", "push-ups", "pushups", plurals."""
    assert {"push up", "push ups", "push-ups", "pushup", "pushups"} <= _synonyms(
        model, "EXERCISE", "push_up"
    )
    assert {"single leg roller hamstring curls", "single-leg roller hamstring curl"} <= _synonyms(
        model, "EXERCISE", "single_leg_roller_hamstring_curl"
    )
    assert "side planks with rotation" in _synonyms(model, "EXERCISE", "side_plank_rotation")
    assert {"single leg r. d. l.", "single-leg deadlifts", "single leg dead lift"} <= _synonyms(
        model, "EXERCISE", "single_leg_deadlift"
    )
    assert {"no equipment circuit", "body weight workout"} <= _synonyms(
        model, "WORKOUT", "no_equipment_circuit"
    )
    # Head nouns only: the step in "calf raises on a step" stays one step.
    calf = _synonyms(model, "EXERCISE", "calf_raise")
    assert "calf raise on a step" in calf
    assert "calf raises on a steps" not in calf


def test_generated_forms_never_take_another_exercises_name(library: Library) -> None:
    """A generated form sounding like another record's name or alias is left out; aliases stay."""
    # "split squat" is an alias of the stationary lunge and part of "Bulgarian split squat".
    forms = im.SpokenForms(spellings=(("split squat", "lunge"),))
    values = {v.id: v for v in im._content_values(library.exercises.values(), forms)}
    owners: dict[str, str] = {}
    for value in values.values():
        for text in (value.value, *value.synonyms):
            assert owners.setdefault(im.spoken(text), value.id) == value.id, text
    assert {"split squat", "split lunge"} <= set(values["stationary_lunge"].synonyms)
    assert "bulgarian lunge" in values["bulgarian_split_squat"].synonyms


def test_spelled_out_letters_become_initialisms_in_synonyms(model: JsonDict) -> None:
    """Aliases like "r d l" are written "r. d. l." so Alexa recognises the letters."""
    values = _type(model, "EXERCISE")["values"]
    rdl = next(v for v in values if v["id"] == "negative_dumbbell_rdl")
    assert "r. d. l." in rdl["name"]["synonyms"]
    assert "r d l" not in rdl["name"]["synonyms"]


# ---------------------------------------------------------------- the checker catches breakage


def _mutated(model: JsonDict, change: Callable[[JsonDict], object]) -> JsonDict:
    copy: JsonDict = json.loads(json.dumps(model))
    change(copy["interactionModel"]["languageModel"])
    return copy


def _samples(language: JsonDict, intent: str) -> list[str]:
    samples: list[str] = next(i for i in language["intents"] if i["name"] == intent)["samples"]
    return samples


def _first_value(language: JsonDict, type_name: str) -> JsonDict:
    values = next(t for t in language["types"] if t["name"] == type_name)["values"]
    name: JsonDict = values[0]["name"]
    return name


BROKEN: dict[str, tuple[Callable[[JsonDict], object], str]] = {
    "one-word invocation": (lambda lm: lm.update(invocationName="strength"), "two or more"),
    "wake word in invocation": (lambda lm: lm.update(invocationName="alexa strength"), "alexa"),
    "article in a two-word name": (lambda lm: lm.update(invocationName="the runner"), "article"),
    "digits in an utterance": (
        lambda lm: _samples(lm, "ReadyIntent").append("ready in 5"),
        "spell numbers out",
    ),
    "punctuation in an utterance": (
        lambda lm: _samples(lm, "ReadyIntent").append("ready!"),
        "spell numbers out",
    ),
    "undefined slot": (
        lambda lm: _samples(lm, "ReadyIntent").append("ready for {set}"),
        "{set} is not a slot of this intent",
    ),
    "same sample twice": (
        lambda lm: _samples(lm, "ReadyIntent").append("ready"),
        "appears 2 times",
    ),
    "sample in two intents": (
        lambda lm: _samples(lm, "HarderIntent").append("ready"),
        "'ready': already belongs to HarderIntent",
    ),
    "same sample but another slot": (
        lambda lm: _samples(lm, "StartWorkoutIntent").append("explain {workout}"),
        "'explain {exercise}': already belongs to StartWorkoutIntent",
    ),
    "a built-in's own phrase": (
        lambda lm: _samples(lm, "ResumeWorkoutIntent").append("resume"),
        "already belongs to AMAZON.ResumeIntent",
    ),
    "slot value too long": (
        lambda lm: _first_value(lm, "EXERCISE").update(value="plank " * 30),
        "at most 140",
    ),
    "synonym repeated": (
        lambda lm: _first_value(lm, "EXERCISE")["synonyms"].append(
            _first_value(lm, "EXERCISE")["synonyms"][0]
        ),
        "repeats a value or synonym",
    ),
    "synonym of another value": (
        lambda lm: _first_value(lm, "EXERCISE")["synonyms"].append("side plank"),
        "'Side plank' is already a value or synonym of alternating_step_up",
    ),
    "symbol in a slot value": (
        lambda lm: _first_value(lm, "WORKOUT").update(value="Core & more"),
        "word-internal hyphens only",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_checker_rejects_a_broken_model(
    case: str, model: JsonDict, utterances: im.Utterances
) -> None:
    """Each kind of broken model is reported with a message naming what is wrong."""
    change, expected = BROKEN[case]
    problems = im.check_model(_mutated(model, change), utterances.builtin_phrases)
    assert any(expected in p for p in problems), problems


def test_build_refuses_example_phrases_that_match_no_sample(
    library: Library, utterances: im.Utterances
) -> None:
    """An example phrase naming an unknown exercise stops the build before anything is written."""
    listing = replace(
        utterances.publishing,
        example_phrases=(
            "Alexa, open runner strength",
            "Alexa, ask runner strength to explain the moon walk",
        ),
    )
    with pytest.raises(im.ModelError, match="matches no sample utterance"):
        im.build_package(library, replace(utterances, publishing=listing))


def test_adding_an_intent_with_its_own_slot_type_is_a_data_change(
    library: Library, utterances: im.Utterances
) -> None:
    """A new intent, slot and slot type given as data come out in a model that passes the rules."""
    feeling = im.SlotValue(id="too_easy", value="too easy", synonyms=("that was too easy",))
    grown = replace(
        utterances,
        slot_types={**utterances.slot_types, "feeling": "FEELING"},
        types={
            **utterances.types,
            "FEELING": (feeling, im.SlotValue(id="just_right", value="just right")),
        },
        intents={**utterances.intents, "FeedbackIntent": ("so {feeling}", "it felt {feeling}")},
    )
    model = im.build_interaction_model(library, grown)
    assert im.check_model(model, grown.builtin_phrases) == []
    assert _intents(model)["FeedbackIntent"]["slots"] == [{"name": "feeling", "type": "FEELING"}]
    assert [v["id"] for v in _type(model, "FEELING")["values"]] == ["too_easy", "just_right"]


def test_utterance_data_errors_are_all_reported_with_their_field(tmp_path: Path) -> None:
    """Wrong shapes in the utterance file come back together, each naming its field."""
    path = tmp_path / "en.yaml"
    path.write_text(
        "invocation_name: runner strength\nslots: {}\n"
        "intents:\n  ReadyIntent: [go, no]\n"
        "builtin_phrases: {}\npublishing: {}\nsurprise: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(im.ModelError) as raised:
        im.load_utterances(path)
    text = str(raised.value)
    assert "intents.ReadyIntent[1]: must be text, got False (quote yes, no" in text
    assert "surprise: unknown field" in text
    assert "publishing.name: is required" in text


# ---------------------------------------------------------------- helpers for the console


def test_sample_pairs_list_every_sample_and_the_builtin_phrases(
    model: JsonDict, utterances: im.Utterances
) -> None:
    """sample_pairs gives (intent, pattern) for every sample, then the built-ins' own phrases."""
    pairs = im.sample_pairs(model, builtin_phrases=utterances.builtin_phrases)
    assert ("ExplainExerciseIntent", "explain the {exercise}") in pairs
    assert ("AMAZON.StopIntent", "stop") in pairs
    samples = sum(len(intent["samples"]) for intent in _intents(model).values())
    assert len(im.sample_pairs(model)) == samples


@pytest.mark.parametrize(
    ("typed", "intent", "slots"),
    [
        (
            "Explain the Copenhagen plank",
            "ExplainExerciseIntent",
            {"exercise": ("copenhagen plank", "copenhagen_plank")},
        ),
        (
            "how do I do side planks",
            "ExplainExerciseIntent",
            {"exercise": ("side planks", "side_plank")},
        ),
        ("explain the push up", "ExplainExerciseIntent", {"exercise": ("push up", "push_up")}),
        ("start my workout", "StartWorkoutIntent", {}),
        (
            "start the core workout",
            "StartWorkoutIntent",
            # "start the {workout} workout" has the most literal words; "core" is an alias.
            {"workout": ("core", "core_and_stability")},
        ),
        (
            "start a twenty minute workout",
            "StartWorkoutIntent",
            {"duration": ("twenty minute", None)},
        ),
        ("start the set", "ReadyIntent", {}),
        ("stop", "AMAZON.StopIntent", {}),
        ("resume my workout", "ResumeWorkoutIntent", {}),
    ],
)
def test_match_resolves_typed_text_like_the_model(
    typed: str,
    intent: str,
    slots: dict[str, tuple[str, str | None]],
    model: JsonDict,
    utterances: im.Utterances,
) -> None:
    """Typed text finds its intent and custom slots resolve to content ids, literal words first."""
    found = im.match(typed, model, builtin_phrases=utterances.builtin_phrases)
    assert found is not None
    assert (found.intent, dict(found.slots)) == (intent, slots)


def test_match_tries_the_longest_reading_of_a_slot_when_the_shortest_fails(
    model: JsonDict,
) -> None:
    """A workout name holding the word after its slot ("... for runners for ...") still fits."""
    found = im.match("start the eight exercises for runners for half an hour", model)
    assert found is not None
    assert found.slots["workout"] == ("eight exercises for runners", "janne_eight")
    assert found.slots["duration"][0] == "half an hour"


def test_match_gives_none_for_unknown_exercises_and_nonsense(
    model: JsonDict, utterances: im.Utterances
) -> None:
    """Text naming no known value, or fitting no sample, matches nothing."""
    assert im.match("explain the moon walk", model) is None
    assert im.match("sing me a song", model, builtin_phrases=utterances.builtin_phrases) is None


def test_endpoint_written_by_ask_deploy_is_not_drift(
    package: Mapping[Path, str], tmp_path: Path
) -> None:
    """After `ask deploy` writes the Lambda ARN into skill.json, the drift check still passes."""
    files = package
    im.write_package(files, tmp_path)
    skill = tmp_path / "skill.json"
    manifest = json.loads(skill.read_text(encoding="utf-8"))
    arn = {"uri": "arn:aws:lambda:us-east-1:123456789012:function:runner-strength"}
    manifest["manifest"]["apis"]["custom"]["endpoint"] = arn
    manifest["manifest"]["events"] = {
        "endpoint": arn,
        "subscriptions": [{"eventName": "SKILL_DISABLED"}],
    }
    skill.write_text(json.dumps(manifest), encoding="utf-8")
    assert im.package_differences(files, tmp_path) == []
    manifest["manifest"]["permissions"] = [{"name": "alexa::profile:email:read"}]
    skill.write_text(json.dumps(manifest), encoding="utf-8")
    assert im.package_differences(files, tmp_path) == [
        "skill.json: differs from what build-model generates"
    ]


# ---------------------------------------------------------------- name-free interaction


def test_name_free_phrases_follow_the_toolkits_rules(
    library: Library, utterances: im.Utterances
) -> None:
    """Launch and intent phrases: five at most a point, no slots, each intent's own samples."""
    container = im.build_name_free(utterances)
    model = im.build_interaction_model(library, utterances)
    assert im.check_name_free(container, model, utterances.builtin_phrases) == []
    points = {p.get("name", p["type"]): p for p in container["ingressPoints"]}
    launch = [u["value"] for u in points["LAUNCH"]["sampleUtterances"]]
    assert "start my runner strength workout" in launch
    assert "name" not in points["LAUNCH"]
    assert {"StartWorkoutIntent", "ResumeWorkoutIntent", "ExplainExerciseIntent"} <= set(points)
    assert all(u["format"] == "RAW_TEXT" for p in points.values() for u in p["sampleUtterances"])


def test_name_free_checker_rejects_slots_strangers_and_too_many_phrases(
    model: JsonDict, utterances: im.Utterances
) -> None:
    """A slot, a sixth phrase, a phrase of another intent and an unknown intent are reported."""
    raw = [{"format": "RAW_TEXT", "value": v} for v in ("start {workout}", "a", "b", "c", "d", "e")]
    container = {
        "ingressPoints": [
            {"type": "LAUNCH", "sampleUtterances": raw},
            {
                "type": "INTENT",
                "name": "ResumeWorkoutIntent",
                "sampleUtterances": [{"format": "RAW_TEXT", "value": "start my workout"}],
            },
            {"type": "INTENT", "name": "DanceIntent", "sampleUtterances": raw[1:2]},
        ]
    }
    problems = im.check_name_free(container, model, utterances.builtin_phrases)
    assert any("6 phrases" in p for p in problems), problems
    assert any("'start {workout}': lower-case words only, no slots" in p for p in problems)
    assert any("'start my workout' is no sample of ResumeWorkoutIntent" in p for p in problems)
    assert any("DanceIntent: not a custom intent" in p for p in problems)


def test_name_free_is_kept_out_of_the_package_until_asked_for(
    library: Library, utterances: im.Utterances, package: Mapping[Path, str]
) -> None:
    """The committed models carry no name-free container; --with-name-free adds it to each."""
    assert all(im.NAME_FREE_CONTAINER not in text for text in package.values())
    committed = json.loads(im.NAME_FREE_FILE.read_text(encoding="utf-8"))
    assert committed == {im.NAME_FREE_CONTAINER: im.build_name_free(utterances)}
    live = im.build_package(library, utterances, name_free=True)
    for locale in im.LOCALES:
        model = json.loads(live[im.MODELS_DIR / f"{locale}.json"])
        assert (
            model["interactionModel"][im.NAME_FREE_CONTAINER] == committed[im.NAME_FREE_CONTAINER]
        )


# ---------------------------------------------------------------- more ways runners say it


ISSUE_PHRASES: dict[str, tuple[str, dict[str, str]]] = {
    "a ten minute workout": ("StartWorkoutIntent", {}),
    "let's start": ("StartWorkoutIntent", {}),
    "begin my strength session": ("StartWorkoutIntent", {}),
    "i want to do my strength training": ("StartWorkoutIntent", {}),
    "how do i do a push up": ("ExplainExerciseIntent", {"exercise": "push_up"}),
    "how do i do pushups": ("ExplainExerciseIntent", {"exercise": "push_up"}),
    "explain single leg roller hamstring curls": (
        "ExplainExerciseIntent",
        {"exercise": "single_leg_roller_hamstring_curl"},
    ),
    "what's an r. d. l.": ("ExplainExerciseIntent", {"exercise": "negative_dumbbell_rdl"}),
    "resume my strength workout": ("ResumeWorkoutIntent", {}),
    "how much time is left": ("WorkoutStatusIntent", {}),
    "i'm done": ("AMAZON.StopIntent", {}),
}


@pytest.mark.parametrize("said", list(ISSUE_PHRASES))
def test_the_issues_phrases_match_a_sample_and_slot_value(
    said: str, model: JsonDict, utterances: im.Utterances
) -> None:
    """What real Alexa could not reach before ("let's start", "how do I do a push up") matches."""
    intent, slots = ISSUE_PHRASES[said]
    found = im.match(said, model, builtin_phrases=utterances.builtin_phrases)
    assert found is not None, said
    assert found.intent == intent
    assert {name: value_id for name, (_, value_id) in found.slots.items() if value_id} == slots


def test_no_sample_catches_i_am_followed_by_any_word(model: JsonDict) -> None:
    """No "i'm {slot}" sample: it would read "i'm finished" or "i'm tired" as a slot value."""
    samples = [s for _, s in im.sample_pairs(model)]
    assert not [s for s in samples if re.fullmatch(r"(i'm|i am) \{\w+\}", s)]
