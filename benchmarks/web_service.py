"""Web service throughput and latency on loopback, signature verification on, vs. a bare SDK app.

Both services run in their own processes (`web_server.py`), on waitress, with the same verifiers
and a test PKI. The client sends LaunchRequests signed before each round, each with its own
request id (the subject refuses a replayed one), one runner per client thread (so the subject's
store sees no write conflicts), from 8 threads over keep-alive connections. Rounds of a
fixed number of requests alternate between the sides (B S S B ...), after one warm-up round each;
a first lone request has each service fetch the chain, which its verifier then caches (the fetch
counts reported at the end show no other download).
"""

from __future__ import annotations

import copy
import http.client
import json
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alexa_pki import Pki, make_pki
from common import BENCH_DIR, Row, check_stderr, log, median, percentile, ratio_at_least
from conversation import event

TARGET_THROUGHPUT_RATIO = 0.8
CLIENTS = 8
STARTUP_TIMEOUT_SECONDS = 60.0


@dataclass
class Service:
    """A running web service process."""

    name: str
    process: subprocess.Popen[str]
    port: int
    verifiers: list[str]
    stderr: Path
    fetches: int | None = None

    def stop(self) -> None:
        """SIGTERM; the server prints its certificate fetch count on the way out."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        for line in out.splitlines():
            if line.startswith("{"):
                self.fetches = json.loads(line).get("fetches", self.fetches)

    def check(self) -> None:
        """Raise if the service's log shows a failed turn (the catch-all answers with 200)."""
        check_stderr(f"web service ({self.name})", self.stderr.read_text(errors="replace"))


@dataclass
class Result:
    """All rounds of one side."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    requests: int = 0
    errors: int = 0
    round_rps: list[float] = field(default_factory=list)


def start(name: str, root: Path, chain: Path, now: float) -> Service:
    """Start `web_server.py` for one side and wait for its port; its stderr goes to a file."""
    stderr = root.parent / f"{name}.stderr"
    with stderr.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                str(BENCH_DIR / "web_server.py"),
                name,
                str(root),
                str(chain),
                str(now),
            ],
            stdout=subprocess.PIPE,
            stderr=sink,
            text=True,
            cwd=BENCH_DIR,
        )
    if process.stdout is None:
        raise RuntimeError("no stdout pipe")
    began = time.perf_counter()
    line = process.stdout.readline()
    if not line or time.perf_counter() - began > STARTUP_TIMEOUT_SECONDS:
        process.kill()
        raise RuntimeError(f"{name} web service did not start:\n{stderr.read_text()[-3000:]}")
    info = json.loads(line)
    return Service(name, process, int(info["port"]), list(info["verifiers"]), stderr)


class Launches:
    """Signed LaunchRequests, each with its own request id: the subject refuses a replayed id.

    Client `number` speaks for its own runner (so the subject's store sees no write conflicts);
    every request is signed before its round starts, so signing is never timed.
    """

    def __init__(self, pki: Pki, now: float) -> None:
        self._pki = pki
        self._stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._template = event("launch")
        self._sent = 0

    def batch(self, clients: int, per_client: int) -> list[list[tuple[bytes, dict[str, str]]]]:
        """`per_client` new signed requests for each of `clients` clients."""
        return [[self._one(number) for _ in range(per_client)] for number in range(clients)]

    def _one(self, number: int) -> tuple[bytes, dict[str, str]]:
        self._sent += 1
        envelope: dict[str, Any] = copy.deepcopy(self._template)
        user = f"amzn1.ask.account.BENCHWEB{number:04d}"
        envelope["context"]["System"]["user"]["userId"] = user
        envelope["session"]["user"]["userId"] = user
        envelope["session"]["sessionId"] = f"amzn1.echo-api.session.web-{number}"
        envelope["request"]["requestId"] = f"amzn1.echo-api.request.web-{self._sent}"
        envelope["request"]["timestamp"] = self._stamp
        body = json.dumps(envelope).encode()
        return body, {"Content-Type": "application/json; charset=utf-8", **self._pki.sign(body)}


def _client(
    *,
    port: int,
    requests: list[tuple[bytes, dict[str, str]]],
    gate: threading.Barrier,
    out: Result,
    lock: threading.Lock,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    errors = 0
    gate.wait()
    for body, headers in requests:
        began = time.perf_counter()
        try:
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            ok = response.status == 200 and b'"outputSpeech"' in data
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append(time.perf_counter() - began)
        errors += 0 if ok else 1
    connection.close()
    with lock:
        out.latencies.extend(latencies)
        out.errors += errors


def run_round(
    service: Service, requests: list[list[tuple[bytes, dict[str, str]]]], out: Result
) -> None:
    """Each client thread sends its list of requests, all threads at once; adds to `out`."""
    gate = threading.Barrier(len(requests) + 1)
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_client,
            kwargs={
                "port": service.port,
                "requests": mine,
                "gate": gate,
                "out": out,
                "lock": lock,
            },
        )
        for mine in requests
    ]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    out.seconds += elapsed
    sent = sum(len(mine) for mine in requests)
    out.requests += sent
    out.round_rps.append(sent / elapsed)


def measure(
    rounds: int, per_client: int
) -> tuple[dict[str, Result], dict[str, Service], list[float]]:
    """Alternating rounds against both services; also each adjacent pair's throughput ratio."""
    now = float(int(time.time()))
    pki = make_pki(now)
    results = {"baseline": Result(), "subject": Result()}
    with tempfile.TemporaryDirectory(prefix="rs-bench-web-") as tmp:
        root, chain = Path(tmp) / "root.pem", Path(tmp) / "chain.pem"
        root.write_bytes(pki.root_pem)
        chain.write_bytes(pki.chain_pem)
        services: dict[str, Service] = {}
        try:
            for name in results:
                services[name] = start(name, root, chain, now)
            launches = Launches(pki, now)
            for name in results:  # one request alone: the chain is fetched once and cached
                run_round(services[name], launches.batch(1, 1), Result())
            for name in results:  # warm-up: first records, connection set-up, caches
                run_round(
                    services[name], launches.batch(CLIENTS, max(5, per_client // 4)), Result()
                )
            order = ["baseline", "subject", "subject", "baseline"]
            paired: list[float] = []
            for number in range(rounds * 2):
                name = order[number % len(order)]
                run_round(services[name], launches.batch(CLIENTS, per_client), results[name])
                if number % 2 == 1:  # rounds 2k and 2k+1 ran back to back, one of each side
                    latest = results["subject"].round_rps[-1], results["baseline"].round_rps[-1]
                    paired.append(latest[0] / latest[1])
        finally:
            for service in services.values():
                service.stop()
        for service in services.values():
            service.check()
    return results, services, paired


def rows(rounds: int, per_client: int) -> list[Row]:
    """Throughput and p99 rows."""
    log(
        f"web service: {rounds} rounds per side of {CLIENTS} clients x {per_client} signed "
        "LaunchRequests, alternating"
    )
    results, services, paired = measure(rounds, per_client)
    base, subject = results["baseline"], results["subject"]
    verifiers = ", ".join(services["subject"].verifiers)
    note = (
        f"waitress on loopback, {CLIENTS} client threads, keep-alive, signed LaunchRequests; "
        f"both sides verify with: {verifiers} (runner_strength.web.verifier; the SDK's default "
        "verifiers need certvalidator/oscrypto, which cannot load this OpenSSL, and trust only "
        "Amazon's certificate); chain fetches: "
        f"subject {services['subject'].fetches}, baseline {services['baseline'].fetches}; "
        f"errors: subject {subject.errors}, baseline {base.errors}; subject store: in-memory"
    )
    details = {
        "requests_per_side": subject.requests,
        "rounds_per_side": rounds,
        "subject_round_rps": [round(v, 1) for v in subject.round_rps],
        "baseline_round_rps": [round(v, 1) for v in base.round_rps],
        "subject_median_ms": round(percentile(subject.latencies, 50) * 1000, 2),
        "baseline_median_ms": round(percentile(base.latencies, 50) * 1000, 2),
        "verifiers": services["subject"].verifiers,
        "chain_fetches": {n: s.fetches for n, s in services.items()},
        "errors": {"subject": subject.errors, "baseline": base.errors},
        "paired_round_ratios": [round(v, 3) for v in paired],
        "paired_ratio_median": round(median(paired), 3),
        "aggregate_rps": {
            "subject": round(subject.requests / subject.seconds, 1),
            "baseline": round(base.requests / base.seconds, 1),
        },
    }
    throughput = Row(
        "web throughput (median round)",
        "req/s",
        median(subject.round_rps),
        median(base.round_rps),
        better="higher",
        notes=note,
        details=details,
    )
    throughput = ratio_at_least(throughput, TARGET_THROUGHPUT_RATIO)
    if subject.errors or base.errors:
        throughput.met = False
    p99 = Row(
        "web latency, p99",
        "ms",
        percentile(subject.latencies, 99) * 1000,
        percentile(base.latencies, 99) * 1000,
        notes=note,
    )
    return [throughput, p99]
