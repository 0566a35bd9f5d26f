"""Footprint: the Lambda bundle's size, and the Lambda entry's memory over a whole workout.

Bundle: `runner-strength package --platform lambda` into a temp dir (the real build: arm64 wheels,
boto3 left to the runtime). The baseline bundle is the same zip with our package swapped for the
hello-world handler: the same dependencies (ask-sdk-core and what it pulls in), which is what the
hello-world skill would ship.

Memory: `memory_child.py` in fresh processes, interleaved, 3 runs per side, medians; the subject
runs with the store the environment names (DynamoDB Local under `make bench`, else SQLite in a temp
dir).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from common import BENCH_DIR, REPO_ROOT, Row, check_stderr, log, median

BUDGET_MB = 10.0
"""packaging.MAX_ZIP_BYTES, in decimal MB."""
OWN_ENTRIES = ("runner_strength/", "lambda_function.py")
MEMORY_RUNS = 3


def _package_command() -> list[str]:
    script = Path(sys.executable).parent / "runner-strength"
    if script.exists():
        return [str(script)]
    found = shutil.which("runner-strength")
    if found is None:
        raise RuntimeError("runner-strength is not installed (make bench installs it)")
    return [found]


def baseline_zip(subject: Path, target: Path) -> int:
    """The subject zip's dependencies plus baseline_skill.py as the handler; its size in bytes."""
    with (
        zipfile.ZipFile(subject) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dest,
    ):
        for info in source.infolist():
            if not info.filename.startswith(OWN_ENTRIES):
                dest.writestr(info, source.read(info), compresslevel=9)
        handler = zipfile.ZipInfo("lambda_function.py", date_time=(1980, 1, 1, 0, 0, 0))
        dest.writestr(handler, (BENCH_DIR / "baseline_skill.py").read_bytes(), compresslevel=9)
    return target.stat().st_size


def bundle_rows() -> list[Row]:
    """The Lambda zip's size beside the hello-world's."""
    log("bundle: runner-strength package --platform lambda")
    with tempfile.TemporaryDirectory(prefix="rs-bench-bundle-") as tmp:
        subject = Path(tmp) / "lambda.zip"
        result = subprocess.run(
            [*_package_command(), "package", "--platform", "lambda", "--output", str(subject)],
            cwd=REPO_ROOT, capture_output=True, text=True, check=False,
        )
        if not subject.exists():  # an over-budget zip is written (and exits 1): measure it
            log(f"bundle: package failed:\n{result.stdout}{result.stderr}")
            failed = Row("Lambda bundle, zipped", "MB", None, None, notes="package failed")
            failed.target, failed.met = f"<= {BUDGET_MB:g} MB", False
            return [failed]
        subject_bytes = subject.stat().st_size
        base_bytes = baseline_zip(subject, Path(tmp) / "baseline.zip")
        with zipfile.ZipFile(subject) as archive:
            own = sum(
                i.compress_size for i in archive.infolist() if i.filename.startswith(OWN_ENTRIES)
            )
            files = len(archive.infolist())
            unpacked = sum(i.file_size for i in archive.infolist())
    row = Row(
        "Lambda bundle, zipped", "MB", subject_bytes / 1e6, base_bytes / 1e6,
        target=f"<= {BUDGET_MB:g} MB", met=subject_bytes / 1e6 <= BUDGET_MB,
        notes=(
            f"{result.stdout.strip().split(': ', 1)[-1]}; our own code {own / 1e6:.2f} MB zipped; "
            "baseline: the same "
            "dependencies with the hello-world handler"
        ),
        details={
            "subject_bytes": subject_bytes, "baseline_bytes": base_bytes, "own_code_bytes": own,
            "files": files, "unpacked_bytes": unpacked,
        },
    )
    return [row]


def _memory_child(side: str, mode: str, turns: int, env: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(BENCH_DIR / "memory_child.py"), side, mode, str(turns)],
        capture_output=True, text=True, check=False, env=env, cwd=BENCH_DIR,
    )
    if result.returncode != 0:
        raise RuntimeError(f"memory {side} {mode} failed:\n{result.stderr[-3000:]}")
    check_stderr(f"memory ({side})", result.stderr)
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def memory_rows() -> list[Row]:
    """Peak memory (RSS growth and traced peak) of a whole workout vs the same number of calls."""
    log(f"memory: whole workout through the Lambda entry, {MEMORY_RUNS} runs per side")
    with tempfile.TemporaryDirectory(prefix="rs-bench-mem-") as tmp:
        env = dict(os.environ)
        dynamo = bool(env.get("AWS_ENDPOINT_URL_DYNAMODB") and env.get("TABLE_NAME"))
        if not dynamo:
            env.pop("TABLE_NAME", None)
            env["RUNNER_STRENGTH_DB"] = str(Path(tmp) / "state.sqlite3")
        turns = int(_memory_child("subject", "rss", 0, env)["turns"])  # also the warm-up
        rss: dict[str, list[float]] = {"subject": [], "baseline": []}
        traced: dict[str, list[float]] = {"subject": [], "baseline": []}
        traced_turns: dict[str, list[float]] = {"subject": [], "baseline": []}
        for number in range(MEMORY_RUNS):
            order = ["subject", "baseline"] if number % 2 == 0 else ["baseline", "subject"]
            for side in order:
                got = _memory_child(side, "rss", turns, env)
                rss[side].append((got["rss_peak_kib"] - got["rss_before_kib"]) / 1024)
                got = _memory_child(side, "tracemalloc", turns, env)
                traced[side].append(got["peak_kib"] / 1024)
                traced_turns[side].append(got["turns_peak_kib"] / 1024)
    store = "DynamoDB Local" if dynamo else "SQLite"
    note = (
        f"fresh process: import the entry, then {turns} turns (subject: a whole workout, store: "
        f"{store}; baseline: {turns} LaunchRequests)"
    )
    details = {
        "turns": turns,
        "store": store,
        "traced_peak_during_turns_mib": {
            side: round(median(v), 3) for side, v in traced_turns.items()
        },
        "rss_growth_runs_mib": rss,
        "traced_peak_runs_mib": traced,
    }
    return [
        Row(
            "peak memory, RSS growth", "MiB", median(rss["subject"]), median(rss["baseline"]),
            notes=note + "; peak RSS (VmHWM) after the last turn minus before the import",
            details=details,
        ),
        Row(
            "peak memory, traced (tracemalloc)", "MiB", median(traced["subject"]),
            median(traced["baseline"]), notes=note + "; Python allocations, import included",
        ),
    ]
