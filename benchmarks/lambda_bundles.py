"""The Lambda bundles the cold-start and footprint benchmarks run: built once per benchmark run.

- subject, as shipped: `build_bundle` exactly as `make package` runs it (arm64 wheels, boto3 left
  to the runtime, unchecked-hash .pyc compiled by the runtime's Python 3.13 beside the sources);
- subject, from source: the same zip without its .pyc files (what Lambda ran before bytecode);
- baseline (hello world), as shipped and from source: the same dependencies with
  `baseline_skill.py` as `lambda_function.py`, compiled by the same interpreter the same way;
- adapter baseline, as shipped: the same again with `adapter_baseline_skill.py` and the SDK's own
  DynamoDB persistence adapter (ask-sdk-dynamodb-persistence-adapter, `ADAPTER_REQUIREMENT`);
- the runtime: boto3 and botocore for Python 3.13, precompiled, in a directory placed after the
  bundle on sys.path, as the Lambda Python runtime provides them.

Every directory is unpacked once and made read-only; the children run with `-B` besides, so no
bytecode is ever written (as root, read-only bits alone would not stop it).
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from common import BENCH_DIR, REPO_ROOT, log
from runner_strength.buildtime import packaging

OWN_ENTRIES = ("runner_strength/", "lambda_function.py", "__pycache__/lambda_function.")
ADAPTER_REQUIREMENT = "ask-sdk-dynamodb-persistence-adapter==1.19.0"
"""The SDK's DynamoDB adapter, the release of the same date as the ask-sdk-core the skill locks."""
RUNTIME_CACHE = REPO_ROOT / "build" / "bench-runtime"
"""boto3 and botocore for the runtime's Python, kept between runs (build/ is gitignored)."""


@dataclass(frozen=True)
class Bundles:
    """Where everything was unpacked, and the zips' sizes."""

    interpreter: packaging.Interpreter
    runtime: Path
    dirs: dict[str, Path]
    """"subject shipped", "subject source", "subject pyc only", "baseline shipped", "baseline
    source", "adapter shipped"."""
    zips: dict[str, Path]
    reports: dict[str, packaging.BundleReport]


def _read_only(root: Path) -> None:
    for path in [*root.rglob("*"), root]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def _writable(root: Path) -> None:
    if root.exists():
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def _unpack(archive: Path, target: Path, *, keep_pyc: bool) -> Path:
    with zipfile.ZipFile(archive) as source:
        for info in source.infolist():
            if keep_pyc or not info.filename.endswith(".pyc"):
                source.extract(info, target)
    _read_only(target)
    return target


def _runtime(interpreter: packaging.Interpreter) -> Path:
    """boto3 & co. for the runtime's Python, compiled, as /var/runtime has them (cached)."""
    target = RUNTIME_CACHE / f"py{interpreter.version}"
    if (target / ".complete").exists():
        return target
    _writable(target)
    shutil.rmtree(target, ignore_errors=True)
    log(f"cold start: installing boto3 for Python {interpreter.version} into {target}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--disable-pip-version-check",
            "install",
            "--quiet",
            "--no-compile",
            "--only-binary=:all:",
            "--python-version",
            interpreter.version,
            "--implementation",
            "cp",
            "--target",
            str(target),
            "boto3",
        ],
        check=True,
    )
    subprocess.run([str(interpreter.path), "-m", "compileall", "-q", str(target)], check=True)
    (target / ".complete").write_text("ok\n", encoding="utf-8")
    _read_only(target)
    return target


def _baseline_zip(  # noqa: PLR0913  # the same build, for either baseline
    subject: Path,
    target: Path,
    interpreter: packaging.Interpreter,
    staging: Path,
    *,
    handler: Path,
    extra: Path | None = None,
) -> packaging.BundleReport:
    """The subject's dependencies (plus `extra`'s files) with `handler`, compiled the same way."""
    deps = staging / f"{target.stem}-sources"
    files: dict[str, Path] = {}
    with zipfile.ZipFile(subject) as source:
        for info in source.infolist():
            name = info.filename
            if name.startswith(OWN_ENTRIES) or name.endswith(".pyc"):
                continue
            source.extract(info, deps)
            files[name] = deps / name
    if extra is not None:
        for path in extra.rglob("*"):
            name = path.relative_to(extra).as_posix()
            if path.is_file() and "__pycache__" not in name and not name.startswith("bin/"):
                files[name] = path
    files["lambda_function.py"] = handler
    compiled = packaging.compile_bundle(
        files, staging / f"{target.stem}-task", interpreter, "with-sources"
    )
    packaging.write_zip(compiled, target)
    return packaging.BundleReport(
        path=target,
        platform="lambda",
        zipped_bytes=target.stat().st_size,
        unpacked_bytes=sum(p.stat().st_size for p in compiled.values()),
        file_count=len(compiled),
        sha256="",
        bytecode="with-sources",
        python=interpreter.version,
    )


def _adapter_package(interpreter: packaging.Interpreter, target: Path) -> Path:
    """The SDK's DynamoDB adapter (pure Python) for the runtime's Python, without dependencies."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--disable-pip-version-check",
            "install",
            "--quiet",
            "--no-compile",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            interpreter.version,
            "--implementation",
            "cp",
            "--target",
            str(target),
            ADAPTER_REQUIREMENT,
        ],
        check=True,
    )
    return target


@cache
def bundles() -> Bundles:
    """Build and unpack everything once per benchmark run (removed when the process exits)."""
    interpreter = packaging.find_runtime_python()
    work = Path(tempfile.mkdtemp(prefix="rs-bench-bundles-"))

    def clean() -> None:
        _writable(work)
        shutil.rmtree(work, ignore_errors=True)

    atexit.register(clean)
    log(f"bundles: runner-strength package (bytecode by Python {interpreter.version})")
    reports = {
        "subject shipped": packaging.build_bundle(work / "subject.zip", python=interpreter.path),
    }
    reports["subject pyc only"] = packaging.build_bundle(
        work / "subject-pyc-only.zip", python=interpreter.path, bytecode="only"
    )
    reports["baseline shipped"] = _baseline_zip(
        work / "subject.zip",
        work / "baseline.zip",
        interpreter,
        work,
        handler=BENCH_DIR / "baseline_skill.py",
    )
    reports["adapter shipped"] = _baseline_zip(
        work / "subject.zip",
        work / "adapter.zip",
        interpreter,
        work,
        handler=BENCH_DIR / "adapter_baseline_skill.py",
        extra=_adapter_package(interpreter, work / "adapter-deps"),
    )
    zips = {name: report.path for name, report in reports.items()}
    dirs = {
        "subject shipped": _unpack(
            zips["subject shipped"], work / "subject-shipped", keep_pyc=True
        ),
        "subject source": _unpack(zips["subject shipped"], work / "subject-source", keep_pyc=False),
        "subject pyc only": _unpack(
            zips["subject pyc only"], work / "subject-pyc-only", keep_pyc=True
        ),
        "baseline shipped": _unpack(
            zips["baseline shipped"], work / "baseline-shipped", keep_pyc=True
        ),
        "baseline source": _unpack(
            zips["baseline shipped"], work / "baseline-source", keep_pyc=False
        ),
        "adapter shipped": _unpack(
            zips["adapter shipped"], work / "adapter-shipped", keep_pyc=True
        ),
    }
    return Bundles(interpreter, _runtime(interpreter), dirs, zips, reports)
