"""Footprint: the Lambda bundle's size, and the Lambda entry's memory over a whole workout.

Bundle: the zips of lambda_bundles.py: `make package`'s build (arm64 wheels, boto3 left to the
runtime, .pyc compiled by Python 3.13 beside the sources), and the hello world with the same
dependencies compiled the same way; the .pyc-only alternative is reported beside them.

Memory: `memory_child.py` in fresh processes, interleaved, 3 runs per side, medians; the subject
runs with the store the environment names (DynamoDB Local under `make bench`, else SQLite in a temp
dir).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from common import BENCH_DIR, Row, check_stderr, log, median
from lambda_bundles import OWN_ENTRIES, bundles

BUDGET_MB = 10.0
"""packaging.MAX_ZIP_BYTES, in decimal MB."""
MEMORY_RUNS = 3


def bundle_rows() -> list[Row]:
    """The Lambda zip's size beside the hello-world's, both with bytecode; the .pyc-only size."""
    built = bundles()
    subject = built.reports["subject shipped"]
    baseline = built.reports["baseline shipped"]
    pyc_only = built.reports["subject pyc only"]
    with zipfile.ZipFile(subject.path) as archive:
        infos = archive.infolist()
    own = sum(i.compress_size for i in infos if i.filename.startswith(OWN_ENTRIES))
    source_only = sum(i.compress_size for i in infos if not i.filename.endswith(".pyc"))
    row = Row(
        "Lambda bundle, zipped (as shipped: .py + .pyc)",
        "MB",
        subject.zipped_bytes / 1e6,
        baseline.zipped_bytes / 1e6,
        target=f"<= {BUDGET_MB:g} MB",
        met=subject.zipped_bytes / 1e6 <= BUDGET_MB,
        notes=(
            f"{subject.summary()}; our own code {own / 1e6:.2f} MB zipped; baseline: the same "
            "dependencies with the hello-world handler, compiled the same way"
        ),
        details={
            "subject_bytes": subject.zipped_bytes,
            "baseline_bytes": baseline.zipped_bytes,
            "own_code_bytes": own,
            "files": subject.file_count,
            "unpacked_bytes": subject.unpacked_bytes,
            "sources_only_compressed_bytes": source_only,
        },
    )
    only = Row(
        "Lambda bundle, zipped (.pyc only, not shipped)",
        "MB",
        pyc_only.zipped_bytes / 1e6,
        subject.zipped_bytes / 1e6,
        notes=(
            "the alternative: .pyc in place of .py (no source lines in tracebacks); baseline "
            f"here: the shipped zip; {pyc_only.summary()}"
        ),
        details={
            "subject_bytes": pyc_only.zipped_bytes,
            "files": pyc_only.file_count,
            "unpacked_bytes": pyc_only.unpacked_bytes,
        },
    )
    return [row, only]


def _memory_child(side: str, mode: str, turns: int, env: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(BENCH_DIR / "memory_child.py"), side, mode, str(turns)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=BENCH_DIR,
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
            "peak memory, RSS growth",
            "MiB",
            median(rss["subject"]),
            median(rss["baseline"]),
            notes=note + "; peak RSS (VmHWM) after the last turn minus before the import",
            details=details,
        ),
        Row(
            "peak memory, traced (tracemalloc)",
            "MiB",
            median(traced["subject"]),
            median(traced["baseline"]),
            notes=note + "; Python allocations, import included",
        ),
    ]
