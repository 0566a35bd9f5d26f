"""What every benchmark shares: paths, statistics, the result row, machine facts."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO_ROOT = Path(__file__).resolve().parents[1]
LAMBDA_DIR = REPO_ROOT / "lambda"
BENCH_DIR = REPO_ROOT / "benchmarks"
EVENTS_DIR = REPO_ROOT / "tests" / "events"

Better = Literal["lower", "higher"]


def ensure_paths() -> None:
    """Put lambda/, benchmarks/ and tests/ on sys.path (the code, these scripts, the test PKI)."""
    for path in (LAMBDA_DIR, BENCH_DIR, BENCH_DIR.parent / "tests"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


SKILL_ERROR_MARKERS = ("Traceback (most recent call last)", "unhandled error")
"""What a process's stderr shows when the skill failed a turn (its catch-all logs the error and
still answers, so a reply alone does not tell a real answer from an apology)."""


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def no_skill_errors(what: str) -> Iterator[None]:
    """Fail the benchmark if the skill logs an error inside the block: it measured apologies."""
    handler = _ErrorRecords()
    logger = logging.getLogger("runner_strength")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise RuntimeError(
            f"{what}: the skill logged {len(handler.messages)} error(s), the first: "
            f"{handler.messages[0]!r}; the figures would time error answers, so none are reported"
        )


def check_stderr(what: str, stderr: str) -> None:
    """Fail the benchmark if a child process's stderr shows a failed turn."""
    for marker in SKILL_ERROR_MARKERS:
        at = stderr.find(marker)
        if at >= 0:
            raise RuntimeError(f"{what}: the skill failed:\n{stderr[at : at + 3000]}")


def median(values: list[float]) -> float:
    """The median (0.0 for no values)."""
    return statistics.median(values) if values else 0.0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0..100), nearest-rank: a value that really occurred."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Row:
    """One line of the results table."""

    figure: str
    unit: str
    subject: float | None
    baseline: float | None
    target: str = ""
    """Human form of the target, e.g. "<= 1.15" (on the ratio) or "<= 10 MB" (absolute)."""
    met: bool | None = None
    """None when the figure has no target (reported for information)."""
    better: Better = "lower"
    notes: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """The subject divided by the baseline, when both are there and the baseline is not 0."""
        if self.subject is None or not self.baseline:
            return None
        return self.subject / self.baseline

    def as_dict(self) -> dict[str, Any]:
        """The row for results.json."""
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        return data


def ratio_at_most(row: Row, limit: float) -> Row:
    """Set the row's target to ratio <= limit and whether it was met."""
    row.target = f"ratio <= {limit:g}"
    row.met = row.ratio is not None and row.ratio <= limit
    return row


def ratio_at_least(row: Row, limit: float) -> Row:
    """Set the row's target to ratio >= limit and whether it was met."""
    row.target = f"ratio >= {limit:g}"
    row.met = row.ratio is not None and row.ratio >= limit
    return row


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0 or abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table (prints in a terminal, pastes into docs/benchmarks.md)."""
    header = ["figure", "subject", "baseline", "ratio", "target", "met?"]
    lines = [header]
    for row in rows:
        unit = f" {row.unit}" if row.unit else ""
        met = "-" if row.met is None else ("yes" if row.met else "NO")
        ratio = row.ratio
        lines.append(
            [
                row.figure,
                f"{_number(row.subject)}{unit}" if row.subject is not None else "-",
                f"{_number(row.baseline)}{unit}" if row.baseline is not None else "-",
                f"{ratio:.2f}" if ratio is not None else "-",
                row.target or "-",
                met,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for number, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if number == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git(*arguments: str) -> str:
    try:
        result = subprocess.run(
            ["git", *arguments], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return result.stdout.strip()


def machine() -> dict[str, Any]:
    """Where and when the figures were measured."""
    affinity = getattr(os, "sched_getaffinity", None)
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(affinity(0)) if affinity else os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the table."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)
