"""The [server] extra: gunicorn with infra/web/gunicorn.conf.py serves the verified web service."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SETTINGS = REPO_ROOT / "infra" / "web" / "gunicorn.conf.py"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def _settings() -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile(SETTINGS.read_text("utf-8"), str(SETTINGS), "exec"), namespace)  # noqa: S102  # our own settings file
    return {k: v for k, v in namespace.items() if not k.startswith("__")}


def test_settings_listen_on_loopback_and_give_up_before_alexa_does() -> None:
    """Loopback behind a proxy, threads, a 7 s request timeout, no preloading across forks."""
    settings = _settings()
    assert str(settings["bind"]).startswith("127.0.0.1:")
    assert settings["worker_class"] == "gthread"
    assert isinstance(settings["timeout"], int)
    assert settings["timeout"] < 8
    assert settings["preload_app"] is False
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_gunicorn_serves_health_and_refuses_an_unsigned_request(tmp_path: Path) -> None:
    """The real server starts from the settings file, answers /healthz, refuses unsigned posts."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists() and shutil.which("gunicorn") is None:
        pytest.fail("gunicorn is not installed (the [server] extra; make test installs it)")
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SKILL_ID": SKILL_ID,
        "RUNNER_STRENGTH_DB": str(tmp_path / "state.sqlite3"),
    }
    server = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            str(SETTINGS),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "runner_strength.web.server:production_app()",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as health:  # noqa: S310  # loopback
                    assert health.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer /healthz"
                time.sleep(0.3)
        unsigned = urllib.request.Request(  # noqa: S310  # loopback
            f"{base}/",
            data=b'{"version": "1.0"}',
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unsigned, timeout=5)  # noqa: S310  # loopback
        assert refused.value.code == 400
        refused.value.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert b"Booting worker" in output
