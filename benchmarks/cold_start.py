"""Cold start: a fresh interpreter imports the Lambda module and answers one LaunchRequest.

Each sample is one new `python -c` process. Inside it the clock starts right before the import of
the handler module and stops when the first response is back: the part of a Lambda cold start the
function's code decides (the interpreter's own start-up, the same for both sides, is recorded
separately as whole-process time). Sides are interleaved, rotating their order, so drift on a
noisy machine hits every side alike.

Bytecode is controlled, because it decides a large share of import time:

- "bytecode" sides run with PYTHONPYCACHEPREFIX pointing at a private directory filled by an
  unrecorded warm-up run, so every module of both sides loads from a .pyc (as on a developer's
  machine), whatever PYTHONDONTWRITEBYTECODE says and without writing into the tree.
- "as shipped" sides mimic Lambda: `runner-strength package` ships no .pyc files and /var/task is
  read-only, so the function's own code and its bundled dependencies (ASK SDK, dateutil ...) are
  compiled from source on every cold start; the standard library and the runtime-provided boto3
  and botocore come precompiled. Those modules alone are precompiled into the prefix, and the runs
  may not write bytecode.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from common import (
    BENCH_DIR,
    EVENTS_DIR,
    LAMBDA_DIR,
    Row,
    check_stderr,
    log,
    median,
    ratio_at_most,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

TARGET_RATIO = 1.15
SKILL_ID = "amzn1.ask.skill.2f3a8c1e-7d4b-4e1a-9c55-0b6d2e9f1a77"
"""The applicationId of tests/events/*.json; production sets SKILL_ID, so the subject does too."""
STORE_VARIABLES = ("TABLE_NAME", "AWS_ENDPOINT_URL_DYNAMODB", "RUNNER_STRENGTH_DB")
BYTECODE_VARIABLES = ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})
"""Top-level packages the Lambda Python runtime ships (precompiled); see packaging.py."""

CHILD = """
import json, sys, time
code_root, module, event_path, list_modules = sys.argv[1:5]
with open(event_path, encoding="utf-8") as handle:
    event = json.load(handle)
began = time.perf_counter()
sys.path.insert(0, code_root)
entry = __import__(module)
imported = time.perf_counter()
reply = entry.lambda_handler(event, None)
answered = time.perf_counter()
if not reply["response"].get("outputSpeech"):
    raise SystemExit("no speech in the reply: %r" % (reply,))
files = {}
if list_modules == "1":
    files = {n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())}
print(json.dumps({"import": imported - began, "total": answered - began,
                  "boto3": "boto3" in sys.modules, "files": files}))
"""

PRECOMPILE = """
import importlib.util, py_compile, sys
for path in sys.stdin.read().split():
    py_compile.compile(path, cfile=importlib.util.cache_from_source(path), doraise=False)
"""


@dataclass(frozen=True)
class Side:
    """One thing whose cold start is measured."""

    name: str
    code_root: Path
    module: str
    env: Mapping[str, str]


@dataclass
class Samples:
    """Measurements of one side."""

    total: list[float] = field(default_factory=list)
    imported: list[float] = field(default_factory=list)
    process: list[float] = field(default_factory=list)
    boto3: bool = False


@dataclass
class _Child:
    figures: dict[str, float]
    boto3: bool
    files: dict[str, str | None]
    process: float
    stderr: str


def _run(side: Side, *, importtime: bool = False, list_modules: bool = False) -> _Child:
    command = [sys.executable]
    if importtime:
        command += ["-X", "importtime"]
    command += ["-c", CHILD, str(side.code_root), side.module, str(EVENTS_DIR / "launch.json")]
    command.append("1" if list_modules else "0")
    began = time.perf_counter()
    result = subprocess.run(
        command, env=dict(side.env), capture_output=True, text=True, check=False, cwd=BENCH_DIR
    )
    process = time.perf_counter() - began
    if result.returncode != 0:
        raise RuntimeError(f"{side.name}: cold start failed:\n{result.stderr[-3000:]}")
    check_stderr(f"cold start ({side.name})", result.stderr)
    data = json.loads(result.stdout.strip().splitlines()[-1])
    figures = {"import": float(data["import"]), "total": float(data["total"])}
    return _Child(figures, bool(data["boto3"]), data["files"], process, result.stderr)


def _precompiled_in_lambda(path: Path) -> bool:
    """Whether Lambda would load this module from bytecode (stdlib and the runtime's boto3)."""
    purelib = Path(sysconfig.get_paths()["purelib"]).resolve()
    path = path.resolve()
    if path.is_relative_to(LAMBDA_DIR) or path.is_relative_to(BENCH_DIR):
        return False
    if path.is_relative_to(purelib):
        return path.relative_to(purelib).parts[0] in RUNTIME_PROVIDED
    return True


def _prepare_as_shipped(prefix: Path, probes: list[Side]) -> int:
    """Precompile into `prefix` what Lambda has precompiled, for the modules `probes` import."""
    paths: set[str] = set()
    for side in probes:
        for file in _run(side, list_modules=True).files.values():
            if file and file.endswith(".py") and _precompiled_in_lambda(Path(file)):
                paths.add(file)
    env = {k: v for k, v in os.environ.items() if k not in BYTECODE_VARIABLES}
    env["PYTHONPYCACHEPREFIX"] = str(prefix)
    subprocess.run(
        [sys.executable, "-c", PRECOMPILE], input="\n".join(sorted(paths)), text=True,
        env=env, check=True,
    )
    return len(paths)


def sides(work: Path) -> tuple[list[Side], list[Side]]:
    """The sides measured with full bytecode, and the ones measured as Lambda ships them.

    Bytecode: the baseline, the skill on SQLite (the store without AWS) and, under DynamoDB
    Local, the skill on DynamoDB as Lambda runs it. As shipped: the baseline and the skill on
    DynamoDB (SQLite without DynamoDB Local).
    """
    plain = {
        k: v for k, v in os.environ.items() if k not in STORE_VARIABLES + BYTECODE_VARIABLES
    }
    plain["SKILL_ID"] = SKILL_ID
    sqlite = {"RUNNER_STRENGTH_DB": str(work / "state.sqlite3")}
    endpoint, table = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"), os.environ.get("TABLE_NAME")
    dynamo = (
        {"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "TABLE_NAME": table} if endpoint and table else {}
    )
    full = {**plain, "PYTHONPYCACHEPREFIX": str(work / "pyc-full")}
    shipped = {
        **plain, "PYTHONPYCACHEPREFIX": str(work / "pyc-lambda"), "PYTHONDONTWRITEBYTECODE": "1"
    }
    bytecode = [
        Side("baseline", BENCH_DIR, "baseline_skill", full),
        Side("sqlite", LAMBDA_DIR, "lambda_function", {**full, **sqlite}),
    ]
    if dynamo:
        bytecode.append(Side("dynamodb", LAMBDA_DIR, "lambda_function", {**full, **dynamo}))
    store, name = (dynamo, "dynamodb") if dynamo else (sqlite, "sqlite")
    as_shipped = [
        Side("baseline, as shipped", BENCH_DIR, "baseline_skill", shipped),
        Side(f"{name}, as shipped", LAMBDA_DIR, "lambda_function", {**shipped, **store}),
    ]
    return bytecode, as_shipped


def measure(runs: int, work: Path) -> tuple[dict[str, Samples], list[Side], list[Side]]:
    """`runs` interleaved cold starts of every side, after unrecorded warm-ups."""
    bytecode, as_shipped = sides(work)
    for side in bytecode:  # fills the bytecode prefix, warms the page cache, stores the user
        _run(side)
    compiled = _prepare_as_shipped(work / "pyc-lambda", as_shipped)
    log(f"cold start: {compiled} stdlib and boto3 modules precompiled for the as-shipped runs")
    everyone = bytecode + as_shipped
    samples = {side.name: Samples() for side in everyone}
    for number in range(runs):
        shift = number % len(everyone)
        for side in everyone[shift:] + everyone[:shift]:
            child = _run(side)
            got = samples[side.name]
            got.total.append(child.figures["total"])
            got.imported.append(child.figures["import"])
            got.process.append(child.process)
            got.boto3 = child.boto3
    return samples, bytecode, as_shipped


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
    shipped = "as shipped" in side.name
    store = "DynamoDB Local" if side.name.startswith("dynamodb") else "SQLite in a temp dir"
    bytecode = (
        "own code and bundled deps compiled from source, stdlib/boto3 from .pyc (as on Lambda)"
        if shipped
        else "every module from .pyc"
    )
    return Row(
        figure=f"cold start, median ({side.name})",
        unit="ms",
        subject=median(got.total) * 1000,
        baseline=median(base.total) * 1000,
        notes=(
            f"import + first LaunchRequest; store: {store}; {bytecode}; "
            f"boto3 imported: subject {got.boto3}, baseline {base.boto3}"
        ),
        details={
            "runs": runs,
            "subject_total_ms": [round(v * 1000, 2) for v in got.total],
            "baseline_total_ms": [round(v * 1000, 2) for v in base.total],
            "subject_import_median_ms": round(median(got.imported) * 1000, 2),
            "baseline_import_median_ms": round(median(base.imported) * 1000, 2),
            "subject_process_median_ms": round(median(got.process) * 1000, 2),
            "baseline_process_median_ms": round(median(base.process) * 1000, 2),
            "subject_imports_boto3": got.boto3,
        },
    )


def rows(runs: int, *, profile: bool) -> list[Row]:
    """The cold-start rows of the table."""
    log(f"cold start: {runs} interleaved fresh interpreters per side")
    with tempfile.TemporaryDirectory(prefix="rs-bench-cold-") as tmp:
        samples, bytecode, as_shipped = measure(runs, Path(tmp))
        result = []
        for group in (bytecode, as_shipped):
            base = samples[group[0].name]
            for side in group[1:]:
                row = _row(side, samples[side.name], base, runs)
                if profile:
                    row.details["importtime_top"] = importtime_profile(side)
                result.append(ratio_at_most(row, TARGET_RATIO))
    return result
