"""Lambda SnapStart hooks: what a restored snapshot re-seeds and rebuilds, registered at start."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import snapshot_restore_py

from runner_strength.alexa import snapstart
from runner_strength.alexa.skill import build_default_skill
from runner_strength.config import Config
from runner_strength.persistence.dynamodb import DynamoDbAdapter
from runner_strength.persistence.factory import build_adapter

if TYPE_CHECKING:
    import pytest

LAMBDA_ROOT = Path(__file__).resolve().parents[2] / "lambda"
LAUNCH = Path(__file__).resolve().parents[1] / "events" / "launch.json"


def _dynamodb_config(tmp_path: Path) -> Config:
    return Config(
        table_name="runner-strength-test",
        db_path=tmp_path / "unused.sqlite3",
        skill_id=None,
        ttl_days=30,
        dynamodb_endpoint="http://127.0.0.1:9",
        log_level="WARNING",
    )


def test_after_restore_reseeds_random_and_rebuilds_the_dynamodb_client(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two environments restored from one snapshot draw different numbers and get a new client."""
    for name, value in (
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
    ):
        monkeypatch.setenv(name, value)
    adapter = build_adapter(_dynamodb_config(tmp_path), lambda: 0.0)
    assert isinstance(adapter, DynamoDbAdapter)
    before = adapter._client
    random.seed(1234)  # the state the snapshot froze
    snapshot_state = random.getstate()
    draws = []
    for _ in range(2):
        random.setstate(snapshot_state)
        snapstart.after_restore(adapter)
        draws.append(random.random())
    random.setstate(snapshot_state)
    frozen = random.random()
    assert frozen not in draws
    assert draws[0] != draws[1]
    assert adapter._client is not before
    assert adapter._client.meta.endpoint_url == "http://127.0.0.1:9"


def test_production_skill_registers_both_hooks(tmp_path: Path) -> None:
    """build_default_skill registers a before-snapshot and an after-restore hook for its store."""
    before = len(snapshot_restore_py._before_snapshot_registry)
    after = len(snapshot_restore_py._after_restore_registry)
    config = Config(
        table_name=None,
        db_path=tmp_path / "state.sqlite3",
        skill_id=None,
        ttl_days=30,
        dynamodb_endpoint=None,
        log_level="WARNING",
    )
    build_default_skill(config)
    new_before = snapshot_restore_py._before_snapshot_registry[before:]
    new_after = snapshot_restore_py._after_restore_registry[after:]
    assert [entry[0] for entry in new_before] == [snapstart.prime]
    assert [entry[0] for entry in new_after] == [snapstart.after_restore]
    ((function, args, kwargs),) = new_before
    function(*args, **kwargs)  # priming deserializes its envelope (it raises if it could not)


def test_stores_without_a_client_reconnect_as_a_no_op(tmp_path: Path) -> None:
    """SQLite (local runs) has nothing to rebuild; reconnecting leaves it working."""
    config = Config(
        table_name=None,
        db_path=tmp_path / "state.sqlite3",
        skill_id=None,
        ttl_days=30,
        dynamodb_endpoint=None,
        log_level="WARNING",
    )
    adapter = build_adapter(config, lambda: 0.0)
    adapter.reconnect()
    assert adapter.read("0" * 64) is None


_SPEAKER_COLD_START = """
import json, sys
import lambda_function
from runner_strength.alexa import snapstart
with open(sys.argv[1], encoding="utf-8") as handle:
    event = json.load(handle)
reply = lambda_function.lambda_handler(event, None)
answered = [name for name in snapstart.FIRST_USE if name in sys.modules]
snapstart.prime(lambda_function.lambda_handler.entry.skill)
primed = [name for name in snapstart.FIRST_USE if name in sys.modules]
print(json.dumps({"reply": reply, "answered": answered, "primed": primed}))
"""


def test_a_speakers_cold_start_leaves_first_use_modules_to_priming(tmp_path: Path) -> None:
    """A speaker's launch on a fresh entry imports no FIRST_USE module; priming imports them all."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TABLE_NAME", "AWS_ENDPOINT_URL_DYNAMODB"} and not key.startswith("PYTHON")
    }
    env |= {"RUNNER_STRENGTH_DB": str(tmp_path / "state.sqlite3"), "PYTHONPATH": str(LAMBDA_ROOT)}
    assert "Alexa.Presentation.APL" not in LAUNCH.read_text(encoding="utf-8")  # a speaker
    result = subprocess.run(
        [sys.executable, "-c", _SPEAKER_COLD_START, str(LAUNCH)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["reply"]["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert out["answered"] == []
    assert out["primed"] == list(snapstart.FIRST_USE)
