"""`runner-strength package`: what goes into the Lambda zip, its size, and that it runs alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from runner_strength import cli
from runner_strength.buildtime import packaging

REPO_ROOT = Path(__file__).resolve().parents[2]
LAUNCH_EVENT = REPO_ROOT / "tests" / "events" / "launch.json"
EXCLUDED_TOP_LEVEL = {
    "boto3",
    "botocore",
    "s3transfer",
    "yaml",
    "_yaml",
    "flask",
    "werkzeug",
    "cryptography",
    "pytest",
    "bin",
}


# ---------------------------------------------------------------- fast: the pieces


def test_runtime_requirements_leave_out_authoring_and_extras() -> None:
    """The bundle installs the core dependencies only: no PyYAML, nothing from the extras."""
    names = {packaging._distribution_name(r) for r in packaging.runtime_requirements()}
    assert "ask-sdk-core" in names
    assert "pyyaml" not in names
    assert not names & {"flask", "flask-ask-sdk", "cryptography", "waitress", "pytest"}
    # boto3 is resolved with the rest (so shared dependencies suit the runtime's botocore) and
    # removed after installation.
    assert "boto3" in names
    assert "boto3" in packaging.RUNTIME_PROVIDED


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("requests/api.py", True),
        ("requests-2.0.dist-info/METADATA", True),
        ("requests-2.0.dist-info/licenses/LICENSE", True),
        ("requests-2.0.dist-info/RECORD", False),
        ("requests-2.0.dist-info/INSTALLER", False),
        ("requests-2.0.dist-info/direct_url.json", False),
        ("bin/normalizer", False),
        ("requests/__pycache__/api.cpython-311.pyc", False),
        ("six.pyi", False),
        ("somepkg/tests/test_x.py", False),
        ("tests.py", True),
    ],
)
def test_dependency_files_kept_or_dropped(path: str, kept: bool) -> None:
    """Installed files that only pip, editors or test runners use stay out of the bundle."""
    assert packaging._keep_dependency_file(PurePosixPath(path)) is kept


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("alexa/handlers.py", True),
        ("data/library.json", True),
        ("config.py", True),
        ("cli.py", False),
        ("buildtime/packaging.py", False),
        ("buildtime/loader.py", False),
        ("web/app.py", False),
        ("console/chat.py", False),
        ("engine/__pycache__/state.cpython-311.pyc", False),
        ("webhooks.py", True),
        ("buildtime/interaction_model.py", False),
        ("content/compiled.py", True),
    ],
)
def test_own_files_kept_or_dropped(path: str, kept: bool) -> None:
    """Developer-only modules (cli, console, web, buildtime) and caches stay out of the bundle."""
    assert packaging._keep_own_file(PurePosixPath(path)) is kept


def test_an_interpreter_of_another_version_is_refused_with_how_to_get_one() -> None:
    """Asked to compile with a Python that is not the runtime's, the build says how to get one."""
    with pytest.raises(packaging.BundleError, match=r"pyenv install 3\.99.*--python"):
        packaging.find_runtime_python("3.99", Path(sys.executable))


def test_pyc_header_reads_magic_and_flags() -> None:
    """The header reader returns the magic number in hex and the PEP 552 flags."""
    header = bytes.fromhex("f30d0d0a") + (1).to_bytes(4, "little") + bytes(8)
    assert packaging.pyc_header(header) == ("f30d0d0a", 1)


def test_zip_is_deterministic(tmp_path: Path) -> None:
    """The same files give byte-identical zips, sorted, with one timestamp and mode 644."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "b.py").write_text("B = 1\n")
    (source / "a.py").write_text("A = 1\n")
    files = {"pkg/b.py": source / "b.py", "a.py": source / "a.py"}
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    packaging.write_zip(files, first)
    (source / "a.py").touch()  # a newer mtime must not change the archive
    packaging.write_zip(dict(reversed(files.items())), second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a.py", "pkg/b.py"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_bundle_needs_the_handler_and_the_compiled_content(tmp_path: Path) -> None:
    """Building without lambda_function.py or data/library.json fails with what to do."""
    (tmp_path / "runner_strength" / "data").mkdir(parents=True)
    with pytest.raises(packaging.BundleError, match=r"lambda_function\.py"):
        packaging.bundle_files(tmp_path, None)
    (tmp_path / "lambda_function.py").write_text("def lambda_handler(e, c): ...\n")
    with pytest.raises(packaging.BundleError, match="build-content"):
        packaging.bundle_files(tmp_path, None)
    (tmp_path / "runner_strength" / "data" / "library.json").write_text("{}")
    assert set(packaging.bundle_files(tmp_path, None)) == {
        "lambda_function.py",
        "runner_strength/data/library.json",
    }


def test_remove_distributions_deletes_what_their_record_lists(tmp_path: Path) -> None:
    """Runtime-provided distributions vanish from a pip target: files, metadata and folders."""
    for name, module in (("boto3-1.0", "boto3"), ("requests-2.0", "requests")):
        (tmp_path / module).mkdir()
        (tmp_path / module / "__init__.py").write_text("")
        info = tmp_path / f"{name}.dist-info"
        info.mkdir()
        (info / "RECORD").write_text(f"{module}/__init__.py,,\n{name}.dist-info/RECORD,,\n")
    removed = packaging.remove_distributions(tmp_path, ["boto3"])
    assert removed == ["boto3-1.0.dist-info"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requests", "requests-2.0.dist-info"]


def _report(tmp_path: Path, zipped_bytes: int) -> packaging.BundleReport:
    return packaging.BundleReport(
        path=tmp_path / "lambda.zip",
        platform="lambda",
        zipped_bytes=zipped_bytes,
        unpacked_bytes=zipped_bytes * 3,
        file_count=1,
        sha256="0" * 64,
    )


def test_package_command_fails_over_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`package` reports the size and exits 1 when the zip is over 10 MB, 0 when it fits."""
    sizes = iter([packaging.MAX_ZIP_BYTES + 1, packaging.MAX_ZIP_BYTES])

    def fake_build(output: Path, *, platform: str, **options: object) -> packaging.BundleReport:
        return _report(tmp_path, next(sizes))

    monkeypatch.setattr(packaging, "build_bundle", fake_build)
    assert cli.main(["package", "--output", str(tmp_path / "lambda.zip")]) == 1
    assert "over the 10 MB budget" in capsys.readouterr().err
    assert cli.main(["package", "--output", str(tmp_path / "lambda.zip")]) == 0
    assert "10.00 MB zipped" in capsys.readouterr().out


def test_package_command_reports_build_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bundle that cannot be built exits 1 with the reason, not a traceback."""

    def fake_build(output: Path, *, platform: str, **options: object) -> packaging.BundleReport:
        raise packaging.BundleError("no handler")

    monkeypatch.setattr(packaging, "build_bundle", fake_build)
    assert cli.main(["package", "--output", str(tmp_path / "x.zip"), "--platform", "host"]) == 1
    assert "package failed: no handler" in capsys.readouterr().err


def test_the_lock_is_current_and_within_pyprojects_ranges() -> None:
    """requirements-lambda.txt was made from today's dependencies; each pin satisfies its range."""
    from packaging.requirements import Requirement  # noqa: PLC0415  # only this test reads ranges

    inputs, locked = packaging.read_lock()
    requirements = packaging.runtime_requirements()
    assert inputs == packaging.requirements_digest(requirements), "run `runner-strength lock`"
    versions = {wheel.name: wheel.version for wheel in locked}
    assert len(versions) == len(locked), "one version per distribution"
    for text in requirements:
        requirement = Requirement(text)
        name = packaging._distribution_name(requirement.name)
        assert name in versions, f"{name} is not locked"
        assert requirement.specifier.contains(versions[name]), (name, versions[name])
    assert all(len(wheel.sha256) == 64 for wheel in locked)


def test_a_stale_lock_is_refused(tmp_path: Path) -> None:
    """A lock made from other dependencies stops the build and says which command fixes it."""
    stale = tmp_path / "requirements-lambda.txt"
    text = packaging.LOCK_PATH.read_text(encoding="utf-8")
    stale.write_text(re.sub(r"# inputs: \w+", "# inputs: 0000", text), encoding="utf-8")
    with pytest.raises(packaging.BundleError, match="runner-strength lock"):
        packaging.install_dependencies([], tmp_path / "deps", platform="lambda", lock=stale)


# ---------------------------------------------------------------- slow: real builds


@pytest.fixture(scope="module")
def runtime_python() -> packaging.Interpreter:
    """An interpreter of the Lambda runtime's Python version, found as `make package` finds it."""
    try:
        return packaging.find_runtime_python()
    except packaging.BundleError as error:
        pytest.skip(f"no Python {packaging.LAMBDA_PYTHON} to compile the bundle with: {error}")


@pytest.fixture(scope="module")
def lambda_bundle(
    tmp_path_factory: pytest.TempPathFactory, runtime_python: packaging.Interpreter
) -> packaging.BundleReport:
    """The real arm64 bundle, built once for this module (wheels cached under build/wheels)."""
    report = packaging.build_bundle(
        tmp_path_factory.mktemp("lambda") / "lambda.zip", python=runtime_python.path
    )
    print(report.summary())
    return report


@pytest.fixture(scope="module")
def host_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle built for this machine's Python, unpacked into a fresh directory."""
    build = tmp_path_factory.mktemp("host")
    report = packaging.build_bundle(build / "lambda.zip", platform="host")
    print(report.summary())
    task = build / "task"
    with zipfile.ZipFile(report.path) as archive:
        archive.extractall(task)
    return task


@pytest.mark.slow
def test_lambda_bundle_fits_and_holds_only_what_lambda_needs(
    lambda_bundle: packaging.BundleReport,
) -> None:
    """The arm64 zip is under 10 MB, has the handler and content, and no runtime-provided code."""
    assert lambda_bundle.within_budget, lambda_bundle.summary()
    with zipfile.ZipFile(lambda_bundle.path) as archive:
        names = archive.namelist()
    assert "lambda_function.py" in names
    assert "runner_strength/data/library.json" in names
    assert "runner_strength/persistence/schema.py" in names
    top_level = {n.split("/")[0] for n in names}
    assert not top_level & EXCLUDED_TOP_LEVEL
    assert not [n for n in top_level if n.split("-")[0].lower() in packaging.RUNTIME_PROVIDED]
    developer_only = ("runner_strength/web/", "runner_strength/console/", "runner_strength/cli.py")
    assert not [n for n in names if n.startswith(developer_only)]
    native = [n for n in names if n.endswith(".so")]
    assert all("aarch64" in n and "cpython-313" in n for n in native), native


@pytest.mark.slow
def test_lambda_bundle_holds_exactly_the_locked_versions(
    lambda_bundle: packaging.BundleReport,
) -> None:
    """The zip ships each locked distribution the runtime lacks, at its locked version, no other."""
    with zipfile.ZipFile(lambda_bundle.path) as archive:
        infos = {n.split("/")[0] for n in archive.namelist() if ".dist-info/" in n}
    shipped = {}
    for info in infos:
        name, version = info.removesuffix(".dist-info").rsplit("-", 1)
        shipped[packaging._distribution_name(name)] = version
    _, locked = packaging.read_lock()
    expected = {
        wheel.name: wheel.version
        for wheel in locked
        if wheel.name not in packaging.RUNTIME_PROVIDED
    }
    assert shipped == expected


@pytest.mark.slow
def test_lambda_bundle_ships_bytecode_for_the_runtimes_python(
    lambda_bundle: packaging.BundleReport,
    runtime_python: packaging.Interpreter,
) -> None:
    """Every module has an unchecked-hash .pyc whose magic number is the runtime Python's."""
    runtime = packaging.load_template()["Parameters"]["LambdaRuntime"]
    assert runtime["AllowedValues"] == [runtime["Default"]]
    assert runtime["Default"] == f"python{runtime_python.version}"
    tag = f"cpython-{runtime_python.version.replace('.', '')}"
    with zipfile.ZipFile(lambda_bundle.path) as archive:
        names = set(archive.namelist())
        sources = sorted(n for n in names if n.endswith(".py"))
        pycs = sorted(n for n in names if n.endswith(".pyc"))
        headers = {packaging.pyc_header(archive.read(n)[:16]) for n in pycs}
    missing = [
        n
        for n in sources
        if f"{n.rpartition('/')[0]}/__pycache__/{Path(n).stem}.{tag}.pyc".lstrip("/") not in names
    ]
    assert missing == []
    assert len(pycs) == len(sources) > 500
    # flags 1: hash-based and not checked against the source, whose mtime the zip does not keep.
    assert headers == {(runtime_python.magic, 1)}
    assert lambda_bundle.python == runtime_python.version


_RUN_READ_ONLY = """
import json, sys
task, event_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, task)
import lambda_function
with open(event_path, encoding="utf-8") as f:
    event = json.load(f)
response = lambda_function.lambda_handler(event, None)
print(json.dumps(response))
"""


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.slow
def test_cold_start_from_a_read_only_copy_is_warning_free(
    lambda_bundle: packaging.BundleReport,
    runtime_python: packaging.Interpreter,
    tmp_path: Path,
) -> None:
    """The unpacked zip, read-only, answers a LaunchRequest on the runtime Python with no stderr.

    SyntaxWarnings are errors here, so compiling ask-sdk-model from source would fail the run;
    as root the read-only bits do not stop writes, so a compiled-and-cached module would also
    show up as a new file in the tree.
    """
    task = tmp_path / "task"
    with zipfile.ZipFile(lambda_bundle.path) as archive:
        archive.extractall(task)
    for path in [*task.rglob("*"), task]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    before = _tree(task)
    event = json.loads(LAUNCH_EVENT.read_text(encoding="utf-8"))
    env = {
        "HOME": str(tmp_path),
        "RUNNER_STRENGTH_DB": str(tmp_path / "state.sqlite3"),
        "SKILL_ID": event["session"]["application"]["applicationId"],
        "LOG_LEVEL": "WARNING",
    }
    try:
        result = subprocess.run(
            [
                str(runtime_python.path),
                "-I",
                "-W",
                "error::SyntaxWarning",
                "-c",
                _RUN_READ_ONLY,
                str(task),
                str(LAUNCH_EVENT),
            ],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=120,
            cwd=tmp_path,
        )
        after = _tree(task)
    finally:
        for path in [task, *task.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == ""
    assert after == before
    speech = json.loads(result.stdout)["response"]["outputSpeech"]
    assert speech["ssml"].startswith("<speak>")


@pytest.mark.slow
def test_lambda_bundle_is_reproducible(
    lambda_bundle: packaging.BundleReport, runtime_python: packaging.Interpreter, tmp_path: Path
) -> None:
    """A second build from the same sources and wheel cache is byte for byte the same."""
    again = packaging.build_bundle(tmp_path / "lambda.zip", python=runtime_python.path)
    assert again.sha256 == lambda_bundle.sha256


_RUN_LAUNCH = """
import json, sys, sysconfig
task, event_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, task)
import lambda_function

class Context:
    function_name = "runner-strength-test"
    aws_request_id = "test-request"
    memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self):
        return 7000

with open(event_path, encoding="utf-8") as f:
    event = json.load(f)
response = lambda_function.lambda_handler(event, Context())
stdlib = (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
foreign = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None)
    and not module.__file__.startswith(task)
    and (not module.__file__.startswith(stdlib) or "site-packages" in module.__file__)
)
print(json.dumps({"response": response, "foreign": foreign, "modules": sorted(sys.modules)}))
"""


def _clean_python(code: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """Run code in an isolated interpreter: no site-packages, no PYTHON* variables, no cwd."""
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


@pytest.mark.slow
def test_unpacked_bundle_answers_a_launch_request_on_its_own(
    host_bundle: Path, tmp_path: Path
) -> None:
    """With only the unpacked bundle and the stdlib, lambda_handler answers a LaunchRequest."""
    event = json.loads(LAUNCH_EVENT.read_text(encoding="utf-8"))
    env = {
        "HOME": str(tmp_path),
        "RUNNER_STRENGTH_DB": str(tmp_path / "state.sqlite3"),
        "SKILL_ID": event["session"]["application"]["applicationId"],
        "LOG_LEVEL": "WARNING",
    }
    out = _clean_python(_RUN_LAUNCH, str(host_bundle), str(LAUNCH_EVENT), env=env)
    assert out["foreign"] == [], "imported from outside the bundle and the standard library"
    assert not {"boto3", "botocore", "yaml"} & set(out["modules"])
    speech = out["response"]["response"]["outputSpeech"]
    assert speech["type"] == "SSML"
    assert speech["ssml"].startswith("<speak>")
    assert (tmp_path / "state.sqlite3").exists()


_IMPORT_ALL = """
import json, pkgutil, sys, importlib
task, runtime = sys.argv[1], sys.argv[2]
sys.path[:0] = [task, runtime]
import runner_strength
names = [m.name for m in pkgutil.walk_packages(runner_strength.__path__, "runner_strength.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names}))
"""


@pytest.mark.slow
def test_every_bundled_module_imports_with_the_runtimes_boto3(
    host_bundle: Path, tmp_path: Path
) -> None:
    """Each bundled runner_strength module imports when boto3 comes from the runtime, as on Lambda.

    The runtime's boto3 is stood in for by links to this venv's copies, placed after the bundle on
    the path as Lambda places its own; botocore then runs on the bundle's urllib3 and dateutil.
    """
    import boto3  # noqa: PLC0415  # only to locate the installed copies

    site = Path(boto3.__file__).resolve().parents[1]
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    for name in sorted(packaging.RUNTIME_PROVIDED):
        module = name.replace("-", "_")
        if (site / module).is_dir():
            (runtime / module).symlink_to(site / module, target_is_directory=True)
        else:
            (runtime / f"{module}.py").symlink_to(site / f"{module}.py")
    out = _clean_python(_IMPORT_ALL, str(host_bundle), str(runtime), env={"HOME": str(tmp_path)})
    assert "runner_strength.persistence.dynamodb" in out["imported"]
    assert not [m for m in out["imported"] if m.startswith("runner_strength.buildtime")]
