"""Web service throughput and latency on loopback, signature verification on, vs. a bare SDK app.

Both services run in their own processes (`web_server.py`), on waitress, with the same verifiers
and a test PKI. The client sends pre-signed LaunchRequests (one runner per client thread, so the
subject's store sees no write conflicts) from 8 threads over keep-alive connections. Rounds of a
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


def signed_launches(pki: Pki, now: float) -> list[tuple[bytes, dict[str, str]]]:
    """One signed LaunchRequest per client, each for its own runner."""
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    template = event("launch")
    requests = []
    for number in range(CLIENTS):
        envelope: dict[str, Any] = copy.deepcopy(template)
        user = f"amzn1.ask.account.BENCHWEB{number:04d}"
        envelope["context"]["System"]["user"]["userId"] = user
        envelope["session"]["user"]["userId"] = user
        envelope["session"]["sessionId"] = f"amzn1.echo-api.session.web-{number}"
        envelope["request"]["requestId"] = f"amzn1.echo-api.request.web-{number}"
        envelope["request"]["timestamp"] = stamp
        body = json.dumps(envelope).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", **pki.sign(body)}
        requests.append((body, headers))
    return requests


def _client(  # noqa: PLR0913  # one thread's fixed inputs
    *,
    port: int,
    body: bytes,
    headers: dict[str, str],
    count: int,
    gate: threading.Barrier,
    out: Result,
    lock: threading.Lock,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    errors = 0
    gate.wait()
    for _ in range(count):
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
    service: Service, requests: list[tuple[bytes, dict[str, str]]], per_client: int, out: Result
) -> None:
    """`per_client` requests from each of the client threads at once; adds to `out`."""
    gate = threading.Barrier(len(requests) + 1)
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_client,
            kwargs={
                "port": service.port,
                "body": body,
                "headers": headers,
                "count": per_client,
                "gate": gate,
                "out": out,
                "lock": lock,
            },
        )
        for body, headers in requests
    ]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    out.seconds += elapsed
    out.requests += per_client * len(requests)
    out.round_rps.append(per_client * len(requests) / elapsed)


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
            requests = signed_launches(pki, now)
            for name in results:  # one request alone: the chain is fetched once and cached
                run_round(services[name], requests[:1], 1, Result())
            for name in results:  # warm-up: first records, connection set-up, caches
                run_round(services[name], requests, max(5, per_client // 4), Result())
            order = ["baseline", "subject", "subject", "baseline"]
            paired: list[float] = []
            for number in range(rounds * 2):
                name = order[number % len(order)]
                run_round(services[name], requests, per_client, results[name])
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
