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
