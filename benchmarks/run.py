"""Run every benchmark beside its baseline, print the table, write benchmarks/results.json.

    make bench                                  # under DynamoDB Local (tools/dynamodb_local.py)
    .venv/bin/python benchmarks/run.py --quick  # fewer samples, a smoke test
    .venv/bin/python benchmarks/run.py --only cold,warm --profile

Each figure is measured in this run next to the hello-world baseline (`baseline_skill.py`), with
the two interleaved, and reported as a ratio: absolute times on a shared 2-core machine mean little,
ratios measured side by side mean more. Without DynamoDB Local in the environment (TABLE_NAME and
AWS_ENDPOINT_URL_DYNAMODB, as `make bench` sets them) the round-trip figures and the DynamoDB cold
start are skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common import BENCH_DIR, Row, ensure_paths, log, machine, table

ensure_paths()

import adapter_turns  # noqa: E402  # needs lambda/ on sys.path (set just above)
import cold_start  # noqa: E402
import footprint  # noqa: E402
import round_trips  # noqa: E402
import warm_turn  # noqa: E402
import web_service  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

BENCHMARKS = ("cold", "warm", "warm-dynamodb", "storage", "web", "bundle", "memory")


def _settings(quick: bool) -> dict[str, int]:  # noqa: FBT001
    if quick:
        return {"cold_runs": 3, "workouts": 5, "web_rounds": 1, "web_per_client": 20}
    return {"cold_runs": 15, "workouts": 40, "web_rounds": 6, "web_per_client": 50}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; exit 1 if one failed (or, with --strict, missed its target)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke test)")
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help=f"comma-separated subset of {BENCHMARKS}"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="add -X importtime and cProfile output to results.json",
    )
    parser.add_argument("--output", default=str(BENCH_DIR / "results.json"))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmarks {unknown}; choose from {BENCHMARKS}")
    settings = _settings(args.quick)
    began = time.perf_counter()
    extras: dict[str, Any] = {}

    def storage() -> list[Row]:
        found, kinds = round_trips.rows()
        extras["round_trips_by_kind"] = kinds
        return found

    steps: dict[str, Callable[[], list[Row]]] = {
        "cold": lambda: cold_start.rows(settings["cold_runs"], profile=args.profile),
        "warm": lambda: warm_turn.rows(settings["workouts"], profile_turns=args.profile),
        "warm-dynamodb": lambda: adapter_turns.rows(max(1, settings["workouts"] // 4)),
        "storage": storage,
        "web": lambda: web_service.rows(settings["web_rounds"], settings["web_per_client"]),
        "bundle": footprint.bundle_rows,
        "memory": footprint.memory_rows,
    }
    rows: list[Row] = []
    failures: dict[str, str] = {}
    for name in BENCHMARKS:
        if name not in chosen:
            continue
        try:
            rows += steps[name]()
        except Exception:  # noqa: BLE001  # one broken benchmark must not hide the others
            failures[name] = traceback.format_exc()
            log(f"{name} failed:\n{failures[name]}")
    if failures:
        extras["failures"] = failures
    seconds = time.perf_counter() - began
    info = machine()
    report = {
        "machine": info,
        "settings": {**settings, "quick": args.quick, "benchmarks": chosen},
        "seconds": round(seconds, 1),
        "rows": [row.as_dict() for row in rows],
        **extras,
    }
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _print(rows, info, extras, seconds)
    log(f"wrote {args.output}")
    missed = [row.figure for row in rows if row.met is False]
    return 1 if failures or (args.strict and missed) else 0


def _print(rows: list[Row], info: dict[str, Any], extras: dict[str, Any], seconds: float) -> None:
    print()
    print(
        f"Runner Strength benchmarks, {info['date']}: {info['cpu_model']}, {info['cores']} cores, "
        f"{info['implementation']} {info['python']}, {info['platform']} "
        f"(commit {info['git_commit']}{', dirty' if info['git_dirty'] else ''}), {seconds:.0f} s"
    )
    print()
    print(table(rows))
    if extras.get("round_trips_by_kind"):
        print()
        print("Storage calls per turn kind (DynamoDB Local):")
        print()
        print(extras["round_trips_by_kind"])
    print()
    print("How each figure was measured:")
    seen: set[str] = set()
    for row in rows:
        if row.notes and row.notes not in seen:
            seen.add(row.notes)
            print(f"- {row.figure}: {row.notes}")
    missed = [row.figure for row in rows if row.met is False]
    print()
    print(f"Targets missed: {', '.join(missed)}" if missed else "All targets met.")
    if not round_trips.available():
        print(
            "No DynamoDB Local in the environment: the round trips and the DynamoDB cold starts "
            "were skipped (`make bench` runs everything under tools/dynamodb_local.py)."
        )
    if extras.get("failures"):
        print(f"Benchmarks that failed (see stderr): {', '.join(extras['failures'])}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
