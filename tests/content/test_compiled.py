import json

from runner_strength.content.compiled import decode, encode
from runner_strength.content.model import Library


def test_encode_and_decode_are_each_others_inverse(library: Library) -> None:
    """The validated library survives encode, JSON text and decode unchanged."""
    text = json.dumps(encode(library), sort_keys=True)
    assert decode(Library, json.loads(text)) == library
