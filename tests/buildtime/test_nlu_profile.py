"""`runner-strength nlu-profile` against loopback stand-ins for Login with Amazon and SMAPI.

The stand-in is a real HTTP server on 127.0.0.1: it refreshes the token only for the right refresh
token and LWA client, answers `profileNlu` only with that token, and reads each utterance the way
the deployed model is pretended to (right, wrong intent, unresolved slot, built-in value, a call
slower than the deadline). The command runs in-process with its URLs pointed at it through the
config module's environment.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from runner_strength import cli
from runner_strength.buildtime import nlu_profile
from runner_strength.buildtime.nlu_corpus import Phrase, accuracy_table
from runner_strength.config import ProfilerSettings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SKILL = "amzn1.ask.skill.00000000-test-4000-8000-000000000000"
PROFILE_PATH = re.compile(
    r"^/v1/skills/(?P<skill>[^/]+)/stages/(?P<stage>[^/]+)/interactionModel/locales/"
    r"(?P<locale>[^/]+)/profileNlu$"
)
DEADLINE = 0.3


def _selected(intent: str, **slots: dict[str, Any]) -> dict[str, Any]:
    return {
        "sessionEnded": False,
        "selectedIntent": {"name": intent, "confirmationStatus": "NONE", "slots": slots},
        "consideredIntents": [],
    }


def _custom(value: str, value_id: str | None) -> dict[str, Any]:
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.{SKILL}.EXERCISE",
        "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"},
    }
    if value_id:
        authority["values"] = [{"value": {"name": value, "id": value_id}}]
    return {
        "name": "exercise",
        "value": value,
        "resolutions": {"resolutionsPerAuthority": [authority]},
    }


# How the pretend deployed model reads each utterance.
ANSWERS: dict[str, dict[str, Any]] = {
    "explain the copenhagen plank": _selected(
        "ExplainExerciseIntent", exercise=_custom("copenhagen plank", "copenhagen_plank")
    ),
    "how do i do a turkish get up": _selected(
        "ExplainExerciseIntent", exercise=_custom("turkish get up", None)
    ),
    "start a twenty minute workout": _selected(
        "StartWorkoutIntent",
        duration={"name": "duration", "value": "PT20M"},
        workout={"name": "workout"},
    ),
    "start my workout": _selected("StartWorkoutIntent", workout={"name": "workout"}),
    "sure": _selected("AMAZON.YesIntent"),
    "go for it": _selected("AMAZON.FallbackIntent"),
}
SLOW = "wait for me"

CORPUS = """\
ExplainExerciseIntent:
  - explain the copenhagen plank: {exercise: copenhagen_plank}
  - how do i do a turkish get up: {exercise: kettlebell_get_up}
StartWorkoutIntent:
  - start a twenty minute workout: {duration: PT20M}
  - ask runner strength to start my workout
AMAZON.YesIntent:
  - sure
  - go for it
  - wait for me
LaunchRequest:
  - open runner strength
"""


class StandIn(BaseHTTPRequestHandler):
    """Login with Amazon's token endpoint and SMAPI's profileNlu, on loopback."""

    token_forms: ClassVar[list[dict[str, str]]] = []
    profiled: ClassVar[list[tuple[str, dict[str, str], str]]] = []

    def do_POST(self) -> None:
        """A token refresh or a profileNlu call, answered as the real services would."""
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/auth/o2/token":
            form = dict(urllib.parse.parse_qsl(body.decode()))
            self.token_forms.append(form)
            good = (
                form.get("grant_type") == "refresh_token"
                and form.get("refresh_token") == "Atzr|stored-refresh"
                and (form.get("client_id"), form.get("client_secret")) == ("cli-id", "cli-secret")
            )
            if good:
                self._json(200, {"access_token": "Atza|fresh", "expires_in": 3600})
            else:
                self._json(400, {"error": "invalid_grant"})
            return
        found = PROFILE_PATH.match(self.path)
        if found is None:
            self._json(404, {"message": "no such operation"})
            return
        said = json.loads(body)["utterance"]
        self.profiled.append((said, found.groupdict(), self.headers.get("Authorization", "")))
        if self.headers.get("Authorization") not in {"Atza|fresh", "Atza|stored"}:
            self._json(401, {"message": "Token is invalid"})
            return
        if said == SLOW:
            time.sleep(DEADLINE * 3)
        self._json(200, ANSWERS.get(said, _selected("AMAZON.FallbackIntent")))

    def _json(self, status: int, data: dict[str, Any]) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (the deadline test)
            self.wfile.write(raw)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # the base's name
        """Quiet."""


@pytest.fixture
def stand_in() -> Iterator[str]:
    """The stand-in's base URL; its records cleared for each test."""
    StandIn.token_forms.clear()
    StandIn.profiled.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _cli_config(tmp_path: Path, *, expires_at: str = "2020-01-01T00:00:00.000Z") -> Path:
    path = tmp_path / "cli_config"
    token = {
        "access_token": "Atza|stored",
        "refresh_token": "Atzr|stored-refresh",
        "token_type": "bearer",
        "expires_in": 3600,
        "expires_at": expires_at,
    }
    path.write_text(json.dumps({"profiles": {"default": {"token": token}}}), encoding="utf-8")
    return path


@pytest.fixture
def env(stand_in: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The command's environment: stand-in URLs, the CLI's config file, the LWA client."""
    values = {
        "SMAPI_BASE_URL": stand_in,
        "LWA_TOKEN_URL": f"{stand_in}/auth/o2/token",
        "ASK_CLI_CONFIG": str(_cli_config(tmp_path)),
        "ASK_LWA_CLIENT_ID": "cli-id",
        "ASK_LWA_CLIENT_SECRET": "cli-secret",
        "NLU_PROFILE_TIMEOUT_SECONDS": str(DEADLINE),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.yaml"
    path.write_text(CORPUS, encoding="utf-8")
    return path


def test_every_phrase_is_profiled_and_the_accuracy_table_printed(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refreshed token, one call per phrase, and per-intent and overall figures with misses."""
    started = time.monotonic()
    code = cli.main(
        ["nlu-profile", "--skill-id", SKILL, "--corpus", str(_corpus(tmp_path)), "--misses"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert (
        time.monotonic() - started < DEADLINE * 3 + 2
    )  # the slow call was given up at its deadline
    assert StandIn.token_forms == [
        {
            "grant_type": "refresh_token",
            "refresh_token": "Atzr|stored-refresh",
            "client_id": "cli-id",
            "client_secret": "cli-secret",
        }
    ]
    said = [s for s, _, _ in StandIn.profiled]
    # Launch phrases are not utterances inside the skill; a one-shot's request is sent alone.
    assert said == [
        "explain the copenhagen plank",
        "how do i do a turkish get up",
        "start a twenty minute workout",
        "start my workout",
        "sure",
        "go for it",
        "wait for me",
    ]
    assert {(p["skill"], p["stage"], p["locale"]) for _, p, _ in StandIn.profiled} == {
        (SKILL, "development", "en-US")
    }
    assert {auth for _, _, auth in StandIn.profiled} == {"Atza|fresh"}
    assert "| StartWorkoutIntent | 2 | 2 | 100.0% |" in out
    assert "| ExplainExerciseIntent | 2 | 1 | 50.0% |" in out
    assert "| AMAZON.YesIntent | 3 | 1 | 33.3% |" in out
    assert "| **overall** | 7 | 4 | 57.1% |" in out
    assert "not profiled: 1 launch phrases" in out
    assert "'how do i do a turkish get up'" in out
    assert "turkish get up (no match)" in out
    assert "heard as AMAZON.FallbackIntent" in out
    assert "'wait for me'" in out
    assert "no answer" in out


def test_an_unexpired_stored_token_is_used_without_an_lwa_client(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With no LWA client set, the ASK CLI's own access token is used while it is valid."""
    monkeypatch.delenv("ASK_LWA_CLIENT_ID")
    monkeypatch.delenv("ASK_LWA_CLIENT_SECRET")
    monkeypatch.setenv(
        "ASK_CLI_CONFIG", str(_cli_config(tmp_path, expires_at="2999-01-01T00:00:00.000Z"))
    )
    corpus = tmp_path / "one.yaml"
    corpus.write_text("AMAZON.YesIntent:\n  - sure\n", encoding="utf-8")
    assert cli.main(["nlu-profile", "--skill-id", SKILL, "--corpus", str(corpus)]) == 0
    assert StandIn.token_forms == []
    assert [auth for _, _, auth in StandIn.profiled] == ["Atza|stored"]
    assert "| **overall** | 1 | 1 | 100.0% |" in capsys.readouterr().out


def test_an_expired_token_without_an_lwa_client_stops_before_any_call(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Expired and nothing to refresh it with: exit 1 saying how to fix it, nothing sent."""
    monkeypatch.delenv("ASK_LWA_CLIENT_SECRET")
    assert cli.main(["nlu-profile", "--skill-id", SKILL, "--corpus", str(_corpus(tmp_path))]) == 1
    assert "ASK_LWA_CLIENT_ID" in capsys.readouterr().err
    assert StandIn.profiled == []


def test_a_refused_refresh_or_token_stops_the_run(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """LWA refusing the refresh stops it; SMAPI refusing the token stops it after one call."""
    monkeypatch.setenv("ASK_LWA_CLIENT_SECRET", "wrong")
    corpus = str(_corpus(tmp_path))
    assert cli.main(["nlu-profile", "--skill-id", SKILL, "--corpus", corpus]) == 1
    assert "refused the refresh" in capsys.readouterr().err
    assert StandIn.profiled == []
    # A token LWA gave but SMAPI no longer accepts (revoked): the first call says so, and stops.
    monkeypatch.setattr(nlu_profile, "access_token", lambda *_: "Atza|revoked")
    phrases = [Phrase("sure", "AMAZON.YesIntent"), Phrase("nah", "AMAZON.NoIntent")]
    target = nlu_profile.Target(SKILL, "runner strength")
    with pytest.raises(nlu_profile.ProfileError, match="refused the token"):
        nlu_profile.run(ProfilerSettings.from_env(), phrases, target, clock=lambda: 0.0)
    assert len(StandIn.profiled) == 1


def test_only_https_or_loopback_is_called(tmp_path: Path) -> None:
    """A plain-HTTP URL off this machine is refused before anything is sent."""
    settings = ProfilerSettings(
        smapi_base_url="http://example.com",
        lwa_token_url="http://example.com/auth/o2/token",  # noqa: S106  # a URL
        ask_cli_config=_cli_config(tmp_path),
        lwa_client_id="cli-id",
        lwa_client_secret="cli-secret",  # noqa: S106  # the stand-in's, not a secret
    )
    with pytest.raises(nlu_profile.ProfileError, match="HTTPS only"):
        nlu_profile.access_token(settings, 0.0)


def test_the_skill_id_comes_from_ask_states_after_deploy(tmp_path: Path) -> None:
    """`ask deploy` records the skill id in .ask/ask-states.json; the command reads it there."""
    states = tmp_path / "ask-states.json"
    states.write_text(json.dumps({"profiles": {"default": {"skillId": SKILL}}}), encoding="utf-8")
    assert nlu_profile.skill_id_from_states(states) == SKILL
    assert nlu_profile.skill_id_from_states(tmp_path / "missing.json") is None


def test_the_table_lists_worst_intents_first_then_overall() -> None:
    """The same table the offline test prints: per intent, worst first, then the whole corpus."""
    yes, no = Phrase("sure", "AMAZON.YesIntent"), Phrase("nah", "AMAZON.NoIntent")
    table = accuracy_table([(yes, None), (no, "heard as X"), (no, None)])
    lines = table.splitlines()
    assert lines[2] == "| AMAZON.NoIntent | 2 | 1 | 50.0% |"
    assert lines[3] == "| AMAZON.YesIntent | 1 | 1 | 100.0% |"
    assert lines[4] == "| **overall** | 3 | 2 | 66.7% |"
