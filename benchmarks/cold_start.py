"""Cold start as Lambda runs it: the shipped zip, unpacked read-only, on the runtime's Python.

Each sample is one new process of the runtime's interpreter (Python 3.13, the one that compiled
the bundle), started with `-I -B` on a read-only copy of an unpacked zip (see lambda_bundles.py),
with boto3 and botocore precompiled in a directory after it on sys.path, as the Lambda runtime
provides them. No bytecode cache is writable, so whatever the zip does not ship as .pyc is
compiled from source on every cold start, exactly as on Lambda.

Inside the child the clock starts right before the import of the handler module and stops when the
first LaunchRequest's response is back: the part of a Lambda cold start the function's code decides
(the interpreter's own start-up, the same for both sides, is recorded separately as whole-process
time). Sides are interleaved, rotating their order, so drift on a noisy machine hits all alike.

Rows: "as shipped" (the zip `make package` writes, .pyc beside the sources) and "from source" (the
same zip without .pyc), each against the hello world bundled and compiled the same way, on SQLite
and, under DynamoDB Local, on DynamoDB (the store Lambda uses).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from common import (
    BENCH_DIR,
    EVENTS_DIR,
    Row,
    check_stderr,
    log,
    median,
    ratio_at_most,
)
from lambda_bundles import bundles

if TYPE_CHECKING:
    from collections.abc import Mapping

TARGET_RATIO = 1.1
ADAPTER_TARGET_RATIO = 1.15
"""Against the hello world on the SDK's own DynamoDB adapter, with the same round trips."""
SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"
"""The applicationId of tests/events/*.json; production sets SKILL_ID, so the subject does too."""
STORE_VARIABLES = ("TABLE_NAME", "AWS_ENDPOINT_URL_DYNAMODB", "RUNNER_STRENGTH_DB")

CHILD = """
import json, sys, time
code_root, runtime, event_path, list_modules = sys.argv[1:5]
with open(event_path, encoding="utf-8") as handle:
    event = json.load(handle)
sys.path[:0] = [code_root, runtime]
began = time.perf_counter()
import lambda_function
imported = time.perf_counter()
reply = lambda_function.lambda_handler(event, None)
answered = time.perf_counter()
if not reply["response"].get("outputSpeech"):
    raise SystemExit("no speech in the reply: %r" % (reply,))
files = {}
if list_modules == "1":
    files = {n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())}
print(json.dumps({"import": imported - began, "total": answered - began,
                  "sdk": "boto3" if "boto3" in sys.modules
                         else "botocore" if "botocore" in sys.modules else "none",
                  "files": files}))
"""


@dataclass(frozen=True)
class Side:
    """One thing whose cold start is measured."""

    name: str
    code_root: Path
    env: Mapping[str, str]
    shipped: bool
    store: str
    pyc_only: bool = False
    """The .pyc-only alternative (not shipped): reported beside the shipped zip, no target."""


@dataclass
class Samples:
    """Measurements of one side."""

    total: list[float] = field(default_factory=list)
    imported: list[float] = field(default_factory=list)
    process: list[float] = field(default_factory=list)
    sdk: str = "none"
    """The AWS SDK the cold start imported: "boto3", "botocore" alone, or "none"."""
    warnings: int = 0
    """SyntaxWarning lines written to stderr by the last cold start (compiling from source)."""


@dataclass
class _Child:
    figures: dict[str, float]
    sdk: str
    files: dict[str, str | None]
    process: float
    stderr: str


def _run(side: Side, *, importtime: bool = False, list_modules: bool = False) -> _Child:
    built = bundles()
    command = [str(built.interpreter.path), "-I", "-B"]
    if importtime:
        command += ["-X", "importtime"]
    command += [
        "-c",
        CHILD,
        str(side.code_root),
        str(built.runtime),
        str(EVENTS_DIR / "launch.json"),
        "1" if list_modules else "0",
    ]
    began = time.perf_counter()
    result = subprocess.run(
        command, env=dict(side.env), capture_output=True, text=True, check=False, cwd=BENCH_DIR
    )
    process = time.perf_counter() - began
    if result.returncode != 0:
        raise RuntimeError(f"{side.name}: cold start failed:\n{result.stderr[-3000:]}")
    check_stderr(f"cold start ({side.name})", result.stderr)
    if result.stderr and side.shipped and not importtime:
        raise RuntimeError(f"{side.name}: the cold start wrote to stderr:\n{result.stderr[:3000]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    figures = {"import": float(data["import"]), "total": float(data["total"])}
    return _Child(figures, str(data["sdk"]), data["files"], process, result.stderr)


def sides(work: Path) -> list[Side]:
    """Baselines first (as shipped, from source), then the skill on each store, both ways."""
    built = bundles()
    plain = {
        k: v
        for k, v in os.environ.items()
        if k not in STORE_VARIABLES and not k.startswith("PYTHON")
    }
    plain["SKILL_ID"] = SKILL_ID
    stores: dict[str, dict[str, str]] = {"sqlite": {"RUNNER_STRENGTH_DB": str(work / "s.sqlite3")}}
    endpoint, table = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"), os.environ.get("TABLE_NAME")
    if endpoint and table:
        stores["dynamodb"] = {"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "TABLE_NAME": table}
    found = [
        Side(
            "baseline, as shipped", built.dirs["baseline shipped"], plain, shipped=True, store="-"
        ),
        Side(
            "baseline, from source", built.dirs["baseline source"], plain, shipped=False, store="-"
        ),
    ]
    if "dynamodb" in stores:
        found.append(
            Side(
                "adapter baseline, as shipped",
                built.dirs["adapter shipped"],
                {**plain, **stores["dynamodb"]},
                shipped=True,
                store="dynamodb",
            )
        )
    for store, env in stores.items():
        found.append(
            Side(
                f"{store}, as shipped",
                built.dirs["subject shipped"],
                {**plain, **env},
                shipped=True,
                store=store,
            )
        )
        found.append(
            Side(
                f"{store}, from source",
                built.dirs["subject source"],
                {**plain, **env},
                shipped=False,
                store=store,
            )
        )
    # The alternative to shipping sources and .pyc, on the store Lambda uses when it is here.
    store, env = list(stores.items())[-1]
    found.append(
        Side(
            f"{store}, .pyc only (not shipped)",
            built.dirs["subject pyc only"],
            {**plain, **env},
            shipped=True,
            store=store,
            pyc_only=True,
        )
    )
    return found


def measure(runs: int, work: Path) -> tuple[dict[str, Samples], list[Side]]:
    """`runs` interleaved cold starts of every side, after one unrecorded warm-up each."""
    everyone = sides(work)
    for side in everyone:  # warms the page cache and stores the user
        _run(side)
    samples = {side.name: Samples() for side in everyone}
    for number in range(runs):
        shift = number % len(everyone)
        for side in everyone[shift:] + everyone[:shift]:
            child = _run(side)
            got = samples[side.name]
            got.total.append(child.figures["total"])
            got.imported.append(child.figures["import"])
            got.process.append(child.process)
            got.sdk = child.sdk
            got.warnings = child.stderr.count("SyntaxWarning")
    return samples, everyone


def importtime_profile(side: Side, top: int = 25) -> list[tuple[str, float, float]]:
    """The biggest imports of one cold start: (module, self ms, cumulative ms), by cumulative."""
    rows = []
    for line in _run(side, importtime=True).stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        rows.append((name.rstrip(), int(self_us) / 1000, int(cumulative_us) / 1000))
    rows.sort(key=lambda row: row[2], reverse=True)
    return rows[:top]


def _row(side: Side, got: Samples, base: Samples, runs: int) -> Row:
    store = "DynamoDB Local" if side.store == "dynamodb" else "SQLite in a temp dir"
    bytecode = (
        ".pyc in place of .py (the alternative not shipped: tracebacks lose source lines)"
        if side.pyc_only
        else ".pyc shipped in the zip (compiled by the runtime's Python), nothing compiled at start"
        if side.shipped
        else "no .pyc in the zip: own code and bundled deps compiled from source every time"
    )
    return Row(
        figure=f"cold start, {side.name.split(', ')[1]} ({side.store})",
        unit="ms",
        subject=median(got.total) * 1000,
        baseline=median(base.total) * 1000,
        notes=(
            f"median of {runs}; import + first LaunchRequest on Python "
            f"{bundles().interpreter.version}, read-only unpacked zip, no bytecode cache; "
            f"store: {store}; {bytecode}; baseline: the hello world bundled and compiled the same "
            f"way; AWS SDK imported: subject {got.sdk}, baseline {base.sdk}"
        ),
        details={
            "runs": runs,
            "subject_total_ms": [round(v * 1000, 2) for v in got.total],
            "baseline_total_ms": [round(v * 1000, 2) for v in base.total],
            "subject_import_median_ms": round(median(got.imported) * 1000, 2),
            "baseline_import_median_ms": round(median(base.imported) * 1000, 2),
            "subject_process_median_ms": round(median(got.process) * 1000, 2),
            "baseline_process_median_ms": round(median(base.process) * 1000, 2),
            "subject_aws_sdk": got.sdk,
            "subject_syntax_warnings_per_start": got.warnings,
            "baseline_syntax_warnings_per_start": base.warnings,
        },
    )


def rows(runs: int, *, profile: bool) -> list[Row]:
    """The cold-start rows of the table."""
    log(f"cold start: {runs} interleaved fresh interpreters per side")
    with tempfile.TemporaryDirectory(prefix="rs-bench-cold-") as tmp:
        samples, everyone = measure(runs, Path(tmp))
        baselines = {True: samples[everyone[0].name], False: samples[everyone[1].name]}
        adapter = next((s for s in everyone if s.name.startswith("adapter baseline")), None)
        result = []
        for side in everyone[2:]:
            if side is adapter:
                continue
            row = _row(side, samples[side.name], baselines[side.shipped], runs)
            if profile:
                row.details["importtime_top"] = importtime_profile(side)
            if side.shipped and not side.pyc_only:
                ratio_at_most(row, TARGET_RATIO)
            result.append(row)
            if adapter is not None and side.store == "dynamodb" and side.shipped:
                against = _row(side, samples[side.name], samples[adapter.name], runs)
                against.figure += " vs the SDK's DynamoDB adapter"
                against.notes += (
                    "; baseline here: the hello world persisting through ask-sdk-dynamodb-"
                    "persistence-adapter with the same round trips (one GetItem at launch)"
                )
                if not side.pyc_only:
                    ratio_at_most(against, ADAPTER_TARGET_RATIO)
                result.append(against)
    return result
