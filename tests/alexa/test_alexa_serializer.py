"""The caching serializer reads and writes exactly what the SDK's own serializer does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.request_envelope import RequestEnvelope
from ask_sdk_model.response_envelope import ResponseEnvelope

from runner_strength.alexa.serializer import CachingSerializer

EVENTS = sorted((Path(__file__).resolve().parents[1] / "events").glob("*.json"))
SDK = DefaultSerializer()


def _both(text: str) -> tuple[Any, Any]:
    return (
        SDK.deserialize(text, RequestEnvelope),
        CachingSerializer().deserialize(text, RequestEnvelope),
    )


@pytest.mark.parametrize("path", EVENTS, ids=[p.stem for p in EVENTS])
def test_every_fixture_reads_into_the_same_model(path: Path) -> None:
    """Each real envelope becomes an equal model, of the same request class, twice in a row."""
    text = path.read_text(encoding="utf-8")
    for _ in range(2):  # the second read runs on the caches
        theirs, ours = _both(text)
        assert type(ours.request) is type(theirs.request)
        assert ours == theirs
        assert ours.request.timestamp == theirs.request.timestamp
        assert CachingSerializer().serialize(ours) == SDK.serialize(theirs)


def test_extra_fields_are_kept_as_the_sdk_keeps_them() -> None:
    """A field the model does not know is set as an attribute, as the SDK does."""
    data = json.loads((EVENTS[0]).read_text(encoding="utf-8"))
    data["request"]["brandNewField"] = {"x": 1}
    theirs, ours = _both(json.dumps(data))
    assert ours.request.brandNewField == theirs.request.brandNewField == {"x": 1}


@pytest.mark.parametrize(
    "change",
    [
        {"timestamp": "not a time"},
        {"type": "NoSuchRequestType"},
        {"locale": 12},
    ],
)
def test_bad_fields_fail_or_pass_as_in_the_sdk(change: dict[str, object]) -> None:
    """A bad timestamp or unknown request type fails in both; a mistyped string passes in both."""
    data = json.loads((Path(__file__).resolve().parents[1] / "events" / "launch.json").read_text())
    data["request"].update(change)
    text = json.dumps(data)
    outcomes = []
    for serializer in (SDK, CachingSerializer()):
        try:
            envelope = serializer.deserialize(text, RequestEnvelope)
        except SerializationException:
            outcomes.append("failed")
        else:
            outcomes.append(repr(serializer.serialize(envelope)))
    assert outcomes[0] == outcomes[1]


def test_responses_serialize_the_same() -> None:
    """A response envelope with speech, reprompt and session attributes writes the same dict."""
    payload = {
        "version": "1.0",
        "sessionAttributes": {"rs": {"format": 2, "record": "abc"}},
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>Ready?</speak>"},
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Ready?</speak>"}},
            "shouldEndSession": False,
        },
    }
    model = SDK.deserialize(json.dumps(payload), ResponseEnvelope)
    assert CachingSerializer().serialize(model) == SDK.serialize(model)
    assert json.dumps(CachingSerializer().serialize(model)) == json.dumps(SDK.serialize(model))
