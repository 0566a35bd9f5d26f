"""One process measuring the memory a Lambda entry needs for a whole workout.

    python benchmarks/memory_child.py {subject|baseline} {rss|tracemalloc} TURNS

subject:  imports `lambda_function` (store from the environment) and runs a whole workout.
baseline: imports `baseline_skill` and answers TURNS LaunchRequests (as many calls as the
          subject's workout).
rss:         peak resident set size (VmHWM) before the import and after the last turn, without
             tracing overhead. Not ru_maxrss: Linux carries that over from the parent across
             fork and exec, so a child of a big process would report its parent's peak.
tracemalloc: traced peak over import + turns, and over the turns alone.
Prints one JSON line.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "lambda"), str(HERE)]

from conversation import Device, whole_workout  # noqa: E402


def _max_rss_kb() -> int:
    """This process's peak resident set size in KiB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def main() -> None:
    """Measure one side in one mode."""
    side, mode, turns = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tracing = mode == "tracemalloc"
    before = _max_rss_kb()
    if tracing:
        tracemalloc.start()
    entry = importlib.import_module("lambda_function" if side == "subject" else "baseline_skill")
    after_import = _max_rss_kb()
    current_at_turns = tracemalloc.get_traced_memory()[0] if tracing else 0
    if tracing:
        tracemalloc.reset_peak()
    device = Device(entry.lambda_handler)
    if side == "subject":
        done = len(whole_workout(device))
    else:
        for _ in range(turns):
            device.launch()
        done = turns
    result: dict[str, float] = {"turns": done}
    if tracing:
        _, turns_peak = tracemalloc.get_traced_memory()
        result["turns_peak_kib"] = (turns_peak - current_at_turns) / 1024
        result["import_kib"] = current_at_turns / 1024
        result["peak_kib"] = turns_peak / 1024
    else:
        result["rss_before_kib"] = before
        result["rss_after_import_kib"] = after_import
        result["rss_peak_kib"] = _max_rss_kb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
