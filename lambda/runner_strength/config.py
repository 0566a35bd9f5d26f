"""Configuration: the one module that reads environment variables.

Everything else receives a `Config` (or the values in it) from the composition root, so tests build
their own without touching the process environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_TTL_DAYS = 365
DEFAULT_ALEXA_API_TIMEOUT_SECONDS = 2.0
DEFAULT_SERVICE_NAME = "runner-strength"


def default_state_dir(env: Mapping[str, str]) -> Path:
    """Where local runs keep their SQLite file: $XDG_STATE_HOME or ~/.local/state."""
    base = env.get("XDG_STATE_HOME") or str(
        Path(env.get("HOME", "~")).expanduser() / ".local" / "state"
    )
    return Path(base) / "runner-strength"


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for one process; built once at cold start."""

    table_name: str | None
    """DynamoDB table; when set, state lives in DynamoDB, otherwise in SQLite."""
    db_path: Path
    """SQLite file for local runs."""
    skill_id: str | None
    """When set, requests for any other skill are rejected."""
    ttl_days: int
    """Inactive users' items expire after this many days."""
    dynamodb_endpoint: str | None
    """boto3 reads AWS_ENDPOINT_URL_DYNAMODB itself; kept here to report it."""
    log_level: str
    alexa_api_timeout: float = DEFAULT_ALEXA_API_TIMEOUT_SECONDS
    """Seconds each call to Alexa's Settings and Reminders APIs may take (inside Alexa's 8 s)."""
    on_lambda: bool = False
    """Running in AWS Lambda (AWS_LAMBDA_FUNCTION_NAME is set): log lines become JSON for
    CloudWatch; elsewhere (tests, the console) Python's logging stays as it is."""
    service_name: str = DEFAULT_SERVICE_NAME
    """The logs' `service` and the metrics' `service` dimension: the stack's name when deployed
    (POWERTOOLS_SERVICE_NAME, which Powertools also reads), so alarms watch one stack."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """Read the settings from the environment (the process's own unless one is passed)."""
        env = os.environ if env is None else env
        db = env.get("RUNNER_STRENGTH_DB")
        return cls(
            table_name=env.get("TABLE_NAME") or None,
            db_path=Path(db) if db else default_state_dir(env) / "state.sqlite3",
            skill_id=env.get("SKILL_ID") or None,
            ttl_days=int(env.get("STATE_TTL_DAYS", DEFAULT_TTL_DAYS)),
            dynamodb_endpoint=env.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            alexa_api_timeout=float(
                env.get("ALEXA_API_TIMEOUT_SECONDS", DEFAULT_ALEXA_API_TIMEOUT_SECONDS)
            ),
            on_lambda=bool(env.get("AWS_LAMBDA_FUNCTION_NAME")),
            service_name=env.get("POWERTOOLS_SERVICE_NAME") or DEFAULT_SERVICE_NAME,
        )


DEFAULT_SMAPI_BASE_URL = "https://api.amazonalexa.com"
DEFAULT_LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"  # noqa: S105  # a URL, no secret
DEFAULT_PROFILER_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class ProfilerSettings:
    """Where `runner-strength nlu-profile` sends the corpus, and with whose token.

    A developer's tool, not the skill's: Alexa's Utterance Profiler (SMAPI) and Login with Amazon,
    reached with the ASK CLI's stored refresh token. The base URLs are settings so tests can put
    loopback stand-ins in their place.
    """

    smapi_base_url: str = DEFAULT_SMAPI_BASE_URL
    lwa_token_url: str = DEFAULT_LWA_TOKEN_URL
    ask_cli_config: Path = Path("~/.ask/cli_config")
    """The ASK CLI's file: `profiles.<name>.token` holds the refresh token (read, never written)."""
    ask_profile: str = "default"
    lwa_client_id: str | None = None
    """The LWA client the refresh token belongs to (the ASK CLI reads ASK_LWA_CLIENT_ID too)."""
    lwa_client_secret: str | None = None
    timeout: float = DEFAULT_PROFILER_TIMEOUT_SECONDS
    """Seconds each call (token refresh, each utterance) may take before it is given up."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ProfilerSettings:
        """Read the settings from the environment (the process's own unless one is passed)."""
        env = os.environ if env is None else env
        home = Path(env.get("HOME", "~")).expanduser()
        return cls(
            smapi_base_url=env.get("SMAPI_BASE_URL") or DEFAULT_SMAPI_BASE_URL,
            lwa_token_url=env.get("LWA_TOKEN_URL") or DEFAULT_LWA_TOKEN_URL,
            ask_cli_config=Path(env.get("ASK_CLI_CONFIG") or home / ".ask" / "cli_config"),
            ask_profile=env.get("ASK_DEFAULT_PROFILE") or "default",
            lwa_client_id=env.get("ASK_LWA_CLIENT_ID") or None,
            lwa_client_secret=env.get("ASK_LWA_CLIENT_SECRET") or None,
            timeout=float(env.get("NLU_PROFILE_TIMEOUT_SECONDS", DEFAULT_PROFILER_TIMEOUT_SECONDS)),
        )
