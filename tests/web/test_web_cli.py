"""`runner-strength serve`: options, the --dev switch and its warning, the skill factory."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils.predicate import is_request_type

from runner_strength.cli import build_parser, main
from runner_strength.web import server

if TYPE_CHECKING:
    from typing import TextIO

    from flask import Flask
    from flask.testing import FlaskClient

SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"


def _tiny_skill() -> Any:  # ask_sdk_core.skill.CustomSkill is untyped
    builder = SkillBuilder()

    def launch(handler_input: Any) -> Any:  # untyped SDK
        return handler_input.response_builder.speak("hello").response

    builder.request_handler(can_handle_func=is_request_type("LaunchRequest"))(launch)
    return builder.create()


def _unsigned_launch(skill_id: str = SKILL_ID) -> bytes:
    return json.dumps(
        {
            "version": "1.0",
            "context": {
                "System": {
                    "application": {"applicationId": skill_id},
                    "user": {"userId": "amzn1.ask.account.TEST"},
                }
            },
            "request": {
                "type": "LaunchRequest",
                "requestId": "amzn1.echo-api.request.TEST",
                "timestamp": "2020-01-01T00:00:00Z",
                "locale": "en-US",
            },
        }
    ).encode()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Runs `serve` up to the point of listening, capturing the app instead of blocking."""
    captured: dict[str, Any] = {}
    monkeypatch.delenv("SKILL_ID", raising=False)
    monkeypatch.setattr(server, "load_skill", _tiny_skill)

    def fake_waitress(app: Flask, host: str, port: int, route: str, err: TextIO) -> None:
        captured.update(app=app, host=host, port=port, route=route)

    monkeypatch.setattr(server, "_run_waitress", fake_waitress)
    return captured


def _post(client: FlaskClient, route: str = "/", skill_id: str = SKILL_ID) -> int:
    response = client.post(route, data=_unsigned_launch(skill_id), content_type="application/json")
    return response.status_code


def test_serve_defaults_to_loopback_8080_and_root_route() -> None:
    """Without options the service listens on 127.0.0.1:8080 at / with verification on."""
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.route, args.dev) == ("127.0.0.1", 8080, "/", False)


def test_serve_verifies_requests_by_default(
    started: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain `serve` rejects an unsigned request and prints no --dev warning."""
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    assert main(["serve", "--host", "0.0.0.0", "--port", "9999", "--route", "/alexa"]) == 0  # noqa: S104
    assert (started["host"], started["port"], started["route"]) == ("0.0.0.0", 9999, "/alexa")  # noqa: S104
    assert _post(started["app"].test_client(), "/alexa") == 400
    err = capsys.readouterr().err
    assert "VERIFICATION ARE OFF" not in err
    assert "verifying Alexa signatures" in err


def test_dev_turns_verification_off_and_warns_loudly(
    started: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve --dev` accepts an unsigned, old request and prints the warning banner."""
    assert main(["serve", "--dev"]) == 0
    assert _post(started["app"].test_client()) == 200
    err = capsys.readouterr().err
    assert "--dev: REQUEST SIGNATURE AND TIMESTAMP VERIFICATION ARE OFF" in err
    assert "never expose it" in err


def test_skill_id_from_the_environment_is_enforced_even_with_dev(
    started: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SKILL_ID (read by Config) rejects other skills' requests; --dev does not lift that."""
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    assert main(["serve", "--dev"]) == 0
    client = started["app"].test_client()
    assert _post(client) == 200
    assert _post(client, skill_id="amzn1.ask.skill.other") == 400


def test_serve_reports_a_missing_skill_factory(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the skill cannot be loaded, serve says where it looked and exits 1."""
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    monkeypatch.setattr(server, "SKILL_FACTORY", ("runner_strength.no_such_module", "build"))
    monkeypatch.setattr(server, "_run_waitress", lambda *_: None)  # never block if it did load
    assert main(["serve"]) == 1
    assert "runner_strength.no_such_module.build" in capsys.readouterr().err


def test_verifying_serve_refuses_to_start_without_a_skill_id(
    started: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Without SKILL_ID a verifying server would serve any skill: exit 2, saying how to set it."""
    assert main(["serve"]) == 2
    assert "app" not in started
    err = capsys.readouterr().err
    assert "SKILL_ID is not set" in err
    assert "SKILL_ID=amzn1.ask.skill." in err
    assert "--dev" in err


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])  # noqa: S104
def test_dev_refuses_a_host_that_is_not_loopback(
    started: dict[str, Any], capsys: pytest.CaptureFixture[str], host: str
) -> None:
    """--dev turns verification off, so it will not listen beyond this machine."""
    assert main(["serve", "--dev", "--host", host]) == 2
    assert "app" not in started
    assert "only on loopback" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_dev_runs_on_loopback_hosts_without_a_skill_id(started: dict[str, Any], host: str) -> None:
    """--dev on any loopback address starts without a skill id."""
    assert main(["serve", "--dev", "--host", host]) == 0
    assert started["host"] == host


def test_production_app_refuses_to_build_without_a_skill_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gunicorn factory fails loudly, with the same advice, when SKILL_ID is unset."""
    monkeypatch.delenv("SKILL_ID", raising=False)
    monkeypatch.setattr(server, "load_skill", _tiny_skill)
    with pytest.raises(RuntimeError, match="SKILL_ID is not set"):
        server.production_app()
