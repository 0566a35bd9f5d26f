"""Phrasings through Bespoken's virtual-alexa on the generated model, to a skill on loopback.

tests/nlu/resolve.js reads en-US.json literally (samples and slot values alike), builds the request
envelope real Alexa would send for each phrase and POSTs it to a real HTTP server in this process,
which answers with the `Respond` a test gives: the Lambda entry, or a recorder.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.console.durations import alexa_time, iso_duration
from runner_strength.persistence.memory import MemoryAdapter

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from runner_strength.buildtime.nlu_corpus import Phrase
    from runner_strength.content.model import Library

JsonDict = dict[str, Any]
Respond = Callable[[JsonDict], JsonDict]

REPO = Path(__file__).resolve().parents[1]
NLU_DIR = REPO / "tests" / "nlu"
RESOLVE = NLU_DIR / "resolve.js"
MODEL = REPO / "interaction_model" / "interactionModels" / "custom" / "en-US.json"
NPM_TIMEOUT_S = 600
NODE_TIMEOUT_S = 900
# A fixed time: these runs judge what was understood, not when.
FIXED_NOW = 1_767_225_600.0


def node() -> str:
    """The node binary, with virtual-alexa installed from tests/nlu's lock file (npm, once)."""
    found, npm = shutil.which("node"), shutil.which("npm")
    assert found, "node is needed to read the model as virtual-alexa does"
    if not (NLU_DIR / "node_modules" / "virtual-alexa" / "package.json").is_file():
        assert npm, "npm is needed to install virtual-alexa (npm ci --prefix tests/nlu)"
        subprocess.run(  # fixed arguments, npm from PATH
            [npm, "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
            cwd=NLU_DIR,
            check=True,
            timeout=NPM_TIMEOUT_S,
        )
    return found


def lambda_entry(library: Library) -> Respond:
    """The real Lambda entry on a memory store, at a fixed time, answering each envelope."""
    entry = LambdaEntry(
        build_skill(
            library=library,
            adapter=MemoryAdapter(clock=lambda: FIXED_NOW, ttl_days=365),
            clock=lambda: FIXED_NOW,
            rng_for=random.Random,  # phrase variants, not secrets
        )
    )
    return lambda envelope: entry(envelope, None)


# Built-in slots Alexa sends as values, not words: "ten minutes" -> "PT10M", "seven am" -> "07:00".
AS_ALEXA_SENDS: dict[str, Callable[[str], str | None]] = {
    "duration": iso_duration,
    "time": alexa_time,
}


def verdict(phrase: Phrase, result: Mapping[str, Any]) -> str | None:
    """Why the result misses what the runner meant, or None when intent and slot ids are right."""
    if "error" in result:
        return str(result["error"])
    got = result.get("intent") or result.get("request")
    if got != phrase.intent:
        return f"heard as {got}"
    slots: Mapping[str, Mapping[str, Any]] = result.get("slots", {})
    heard = {
        name: AS_ALEXA_SENDS[name](str(slot["value"])) if name in AS_ALEXA_SENDS else slot["id"]
        for name, slot in slots.items()
    }
    if heard != dict(phrase.slots):
        return f"slots {heard} (values { ({n: s['value'] for n, s in slots.items()}) })"
    return None


def as_alexa_sends(respond: Respond) -> Respond:
    """`respond` given built-in slots as Alexa sends them (ISO 8601 durations, "HH:MM" times)."""

    def convert(envelope: JsonDict) -> JsonDict:
        slots = envelope.get("request", {}).get("intent", {}).get("slots") or {}
        for name, slot in slots.items():
            if name in AS_ALEXA_SENDS and slot.get("value"):
                slot["value"] = AS_ALEXA_SENDS[name](slot["value"])
        return respond(envelope)

    return convert


def plain_answer(_: JsonDict) -> JsonDict:
    """The least a skill may answer: nothing said, session over."""
    return {"version": "1.0", "response": {"shouldEndSession": True}}


def resolve(
    phrases: Sequence[str],
    respond: Respond,
    workdir: Path,
    *,
    model: Path = MODEL,
    timeout: float = NODE_TIMEOUT_S,
) -> list[JsonDict]:
    """What virtual-alexa made of each phrase (resolve.js's line for it), in order."""
    binary = node()
    handler = type("Endpoint", (_Endpoint,), {"respond": staticmethod(respond)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    listing = workdir / "phrases.json"
    listing.write_text(json.dumps(list(phrases)), encoding="utf-8")
    try:
        done = subprocess.run(  # fixed arguments, node from PATH
            [
                binary,
                str(RESOLVE),
                str(model),
                str(listing),
                f"http://127.0.0.1:{server.server_address[1]}/",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["say"] for r in results] == list(phrases)
    return results


class _Endpoint(BaseHTTPRequestHandler):
    """The skill's side of the wire: one request envelope in, the `respond` answer out."""

    respond: Respond

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.dumps(self.respond(json.loads(self.rfile.read(length)))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # the base's name
        """Quiet: the tests report what matters."""
