"""Build the Lambda deployment zip, and read the CloudFormation template other tools rely on.

The bundle holds `lambda/lambda_function.py`, the `runner_strength` code the skill runs (with the
compiled content `data/library.json`) and the runtime dependencies installed by pip for the Lambda
platform (manylinux, aarch64, the runtime's Python). Left out on purpose:

- boto3, botocore, s3transfer: the Lambda Python runtime ships them, and botocore alone is bigger
  zipped than the 10 MB budget. They are resolved with the rest and then removed, so the shared
  dependencies match what the runtime's botocore needs. (jmespath stays: Powertools' logger
  imports it, and the bundle answers a request with nothing but the standard library beside it.)

The versions and hashes come from one lock, `requirements-lambda.txt` (`runner-strength lock`
writes it for the runtime's Python on Linux arm64); `make package` installs exactly that with
`pip --require-hashes`, so two machines ship the same bytes or fail.
- PyYAML: only authoring tools read YAML; the skill loads the compiled JSON.
- the web and dev extras, and the modules only a developer's machine runs (cli, console, web,
  the interaction model read as words, the interaction-model generator, this module).

Bytecode ships with the sources. Lambda's code directory is read-only, so Python cannot cache what
it compiles: without `.pyc` files every cold start compiles the SDK, ask-sdk-model and our package
from source again (and logs ask-sdk-model's SyntaxWarnings). The bundle is therefore compiled by an
interpreter of the runtime's own Python version (`find_runtime_python`), into unchecked-hash `.pyc`
files (PEP 552: loaded without comparing them to the source's mtime, which the zip does not keep)
beside the sources, so tracebacks still show the lines.

The zip is deterministic (sorted entries, fixed timestamps and permissions), so the same inputs give
the same bytes and the same hash: deployers that upload only on change stay quiet.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import yaml

from runner_strength.content.compiled import COMPILED_PATH

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from mypy_boto3_dynamodb.literals import KeyTypeType, ScalarAttributeTypeType
    from mypy_boto3_dynamodb.type_defs import AttributeDefinitionTypeDef, KeySchemaElementTypeDef

REPO_ROOT = Path(__file__).resolve().parents[3]
LOCK_PATH = REPO_ROOT / "requirements-lambda.txt"
"""The Lambda bundle's dependencies: every distribution, its version and wheel hash."""
LAMBDA_ROOT = REPO_ROOT / "lambda"
TEMPLATE_PATH = REPO_ROOT / "infra" / "template.yaml"
DEFAULT_OUTPUT = REPO_ROOT / "build" / "lambda.zip"
WHEEL_CACHE = REPO_ROOT / "build" / "wheels"
"""Downloaded wheels, per platform; `build/` is gitignored. Delete it to pick up new releases."""

LAMBDA_RUNTIME = "python3.13"
"""The function's runtime; the template pins the same value (a test compares them)."""
LAMBDA_PYTHON = "3.13"
LAMBDA_PLATFORM = "manylinux2014_aarch64"
"""arm64 (Graviton) Lambda; Amazon Linux 2023's glibc runs manylinux2014 wheels."""
LAMBDA_ARCHITECTURE = "arm64"
MAX_ZIP_BYTES = 10_000_000
"""The bundle budget: 10 MB zipped (decimal MB, the stricter reading)."""

RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "snapshot-restore-py"})
"""Distributions the Lambda Python runtime already provides (snapshot-restore-py: the SnapStart
runtime hooks library, "included in Python managed runtimes" per the Lambda documentation)."""
NOT_NEEDED_AT_RUNTIME = frozenset({"pyyaml"})
"""Distributions only the authoring tools use."""
DEVELOPER_ONLY_MODULES = ("cli.py", "spoken_model.py", "console/", "web/", "buildtime/")
"""Modules only a developer's machine runs: the layers above `alexa` and the build-time package
(content loader and validator, interaction-model generator, this module); import-linter keeps
the skill off them. The LaunchRequest test in tests/buildtime/test_package.py fails if the skill
needs one."""

Platform = Literal["lambda", "host"]
Bytecode = Literal["with-sources", "only", "none"]
"""`.pyc` beside each `.py` (the default), `.pyc` instead of `.py`, or sources only."""
LAMBDA_CODE_DIR = "/var/task"
"""Where Lambda unpacks the zip: the file names compiled into the bytecode point there."""


class BundleError(Exception):
    """The bundle cannot be built; the message says why and what to run."""


# ---------------------------------------------------------------- the CloudFormation template


class _CfnLoader(yaml.SafeLoader):
    """A safe YAML loader that reads CloudFormation's short tags (`!Ref`, `!GetAtt`, `!Sub` ...)."""


def _short_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    """`!Ref X` is {"Ref": "X"}, `!GetAtt A.B` {"Fn::GetAtt": ["A", "B"]}, `!F x` {"Fn::F": x}."""
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        message = f"unexpected node for !{suffix}"
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_tag)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as plain data, short tags turned into their long `Ref` / `Fn::` forms."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506  # a SafeLoader subclass
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise BundleError(f"{path}: not a CloudFormation template (no Resources)")
    return data


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """The template's resources of one type, by logical id."""
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource.get("Type") == resource_type
    }


class TableKeySchema(NamedTuple):
    """What creating the state table needs, in the shape boto3's `create_table` takes."""

    attribute_definitions: list[AttributeDefinitionTypeDef]
    key_schema: list[KeySchemaElementTypeDef]
    ttl_attribute: str | None


_ATTRIBUTE_TYPES: dict[str, ScalarAttributeTypeType] = {"S": "S", "N": "N", "B": "B"}
_KEY_TYPES: dict[str, KeyTypeType] = {"HASH": "HASH", "RANGE": "RANGE"}


def table_key_schema(template_path: Path = TEMPLATE_PATH) -> TableKeySchema:
    """The DynamoDB table's attribute definitions, key schema and TTL attribute, from the template.

    The DynamoDB Local fixture creates its table from this, so tests run against the key schema
    that is deployed rather than a copy of it.
    """
    tables = resources_of_type(load_template(template_path), "AWS::DynamoDB::Table")
    if len(tables) != 1:
        raise BundleError(f"{template_path}: expected one DynamoDB table, found {sorted(tables)}")
    properties = next(iter(tables.values()))["Properties"]
    definitions: list[AttributeDefinitionTypeDef] = [
        {
            "AttributeName": str(d["AttributeName"]),
            "AttributeType": _ATTRIBUTE_TYPES[d["AttributeType"]],
        }
        for d in properties["AttributeDefinitions"]
    ]
    keys: list[KeySchemaElementTypeDef] = [
        {"AttributeName": str(k["AttributeName"]), "KeyType": _KEY_TYPES[k["KeyType"]]}
        for k in properties["KeySchema"]
    ]
    ttl = properties.get("TimeToLiveSpecification") or {}
    ttl_attribute = str(ttl["AttributeName"]) if ttl.get("Enabled") else None
    return TableKeySchema(definitions, keys, ttl_attribute)


# ---------------------------------------------------------------- dependencies


def _distribution_name(requirement: str) -> str:
    """The PEP 503 normalised project name at the start of a requirement string."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if match is None:
        raise BundleError(f"cannot read requirement {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def runtime_requirements(pyproject: Path = REPO_ROOT / "pyproject.toml") -> list[str]:
    """The project's own dependencies (no extras) minus the ones only authoring tools use.

    boto3 stays in the list on purpose: pip then resolves the shared dependencies (urllib3,
    python-dateutil) to versions the runtime's botocore accepts, because the bundle's copies come
    first on Lambda's sys.path and botocore imports them too. `install_dependencies` removes the
    runtime-provided distributions afterwards.
    """
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [
        r for r in project["dependencies"] if _distribution_name(r) not in NOT_NEEDED_AT_RUNTIME
    ]


def _platform_options(platform: Platform) -> list[str]:
    # Binary wheels only: an sdist would be built for this machine, not for Lambda.
    if platform == "host":
        return ["--only-binary=:all:"]
    return [
        "--only-binary=:all:",
        "--platform",
        LAMBDA_PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        LAMBDA_PYTHON,
    ]


def _cache_dir(platform: Platform, wheel_cache: Path) -> Path:
    if platform == "host":
        return wheel_cache / f"host-py{sys.version_info.major}{sys.version_info.minor}"
    return wheel_cache / f"{LAMBDA_PLATFORM}-py{LAMBDA_PYTHON.replace('.', '')}"


def _pip(arguments: Sequence[str], *, quiet: bool = False) -> bool:
    """Run this interpreter's pip; `quiet` keeps the output of an attempt that may fail."""
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *arguments]
    result = subprocess.run(command, check=False, capture_output=quiet)  # noqa: S603  # fixed args
    return result.returncode == 0


_LOCK_HEADER = """\
# The Lambda bundle's dependencies, locked with hashes for CPython {python} on {platform}.
# Generated by `runner-strength lock` from pyproject.toml's dependencies; do not edit by hand.
# `make package` installs exactly these (pip --require-hashes --no-deps).
# inputs: {inputs}
"""
_WHEEL_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)-.+\.whl$")


def requirements_digest(requirements: Sequence[str]) -> str:
    """A short hash of the requirement strings, so a lock knows which inputs it was made from."""
    text = "\n".join(sorted(r.strip() for r in requirements))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class LockedWheel:
    """One line of the lock: a distribution, its exact version and its wheel's SHA-256."""

    name: str
    version: str
    sha256: str


def read_lock(path: Path = LOCK_PATH) -> tuple[str | None, list[LockedWheel]]:
    """The lock's inputs digest and its entries."""
    inputs = None
    entries: list[LockedWheel] = []
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if line.startswith("# inputs: "):
            inputs = line.removeprefix("# inputs: ").strip()
        match = re.match(r"^([A-Za-z0-9._-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if match:
            entries.append(LockedWheel(_distribution_name(match[1]), match[2], match[3]))
    return inputs, entries


def lock_dependencies(output: Path = LOCK_PATH) -> list[LockedWheel]:
    """Resolve the runtime requirements for Lambda's platform and write the hashed lock.

    pip downloads the wheels it would install for the runtime (from the configured index, its
    cache first); each one's name, version and SHA-256 become a line.
    """
    requirements = runtime_requirements()
    with tempfile.TemporaryDirectory(prefix="runner-strength-lock-") as scratch:
        options = _platform_options("lambda")
        if not _pip(["download", "--quiet", "--dest", scratch, *options, *requirements]):
            raise BundleError("pip could not resolve the runtime dependencies (see above)")
        wheels: list[LockedWheel] = []
        for wheel in sorted(Path(scratch).glob("*.whl")):
            match = _WHEEL_NAME.match(wheel.name)
            if match is None:
                raise BundleError(f"cannot read the wheel name {wheel.name}")
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            wheels.append(LockedWheel(_distribution_name(match["name"]), match["version"], digest))
    header = _LOCK_HEADER.format(
        python=LAMBDA_PYTHON, platform=LAMBDA_PLATFORM, inputs=requirements_digest(requirements)
    )
    lines = [f"{w.name}=={w.version} \\\n    --hash=sha256:{w.sha256}" for w in wheels]
    output.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return wheels


def _lock_is_current(lock: Path) -> None:
    inputs, entries = read_lock(lock)
    if not entries:
        raise BundleError(f"{lock} holds no locked wheel: run `runner-strength lock`")
    if inputs != requirements_digest(runtime_requirements()):
        raise BundleError(
            f"{lock} was made from other dependencies than pyproject.toml's: "
            "run `runner-strength lock` and commit the result"
        )


def install_dependencies(
    requirements: Sequence[str],
    target: Path,
    *,
    platform: Platform,
    wheel_cache: Path = WHEEL_CACHE,
    lock: Path | None = LOCK_PATH,
) -> None:
    """pip-install the dependencies into `target` for the platform, then drop runtime-provided ones.

    For Lambda they come from the lock (`requirements` only checks the lock is current): exact
    versions, every wheel's hash verified, no resolution. The host platform (tests on this
    machine) resolves `requirements` instead, since the lock's wheels are for Linux arm64. The
    first try is offline against the wheel cache; only when that cannot satisfy the request does
    pip download (from the configured index) into the cache, so repeated builds are fast.
    """
    cache = _cache_dir(platform, wheel_cache)
    cache.mkdir(parents=True, exist_ok=True)
    options = _platform_options(platform)
    wanted: list[str] = list(requirements)
    if platform == "lambda" and lock is not None:
        _lock_is_current(lock)
        wanted = ["--require-hashes", "--no-deps", "-r", str(lock)]
    # --no-warn-conflicts: pip would compare the target with this venv, which is not what ships.
    install = [
        "install",
        "--quiet",
        "--no-compile",
        "--no-warn-conflicts",
        "--no-index",
        "--find-links",
        str(cache),
        "--target",
        str(target),
        *options,
        *wanted,
    ]
    if not _pip(install, quiet=True):
        if not _pip(["download", "--quiet", "--dest", str(cache), *options, *wanted]):
            raise BundleError("pip could not download the runtime dependencies (see above)")
        if not _pip(install):
            raise BundleError("pip could not install the runtime dependencies (see above)")
    remove_distributions(target, RUNTIME_PROVIDED)


def remove_distributions(target: Path, names: Iterable[str]) -> list[str]:
    """Delete the named distributions (files listed in their RECORD) from a pip --target dir."""
    wanted = {_distribution_name(n) for n in names}
    removed: list[str] = []
    for info in sorted(target.glob("*.dist-info")):
        if _distribution_name(info.name.split("-")[0]) not in wanted:
            continue
        record = (info / "RECORD").read_text(encoding="utf-8").splitlines()
        for row in csv.reader(record):
            path = (target / row[0]).resolve() if row else target
            if path.is_file() and path.is_relative_to(target.resolve()):
                path.unlink()
        shutil.rmtree(info, ignore_errors=True)
        removed.append(info.name)
    # Their package directories are empty now (pip ran with --no-compile); remove those too.
    for directory in sorted(target.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return removed


# ---------------------------------------------------------------- selecting files

_DROPPED_METADATA = frozenset({"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"})


def _keep_dependency_file(relative: PurePosixPath) -> bool:
    """Whether an installed dependency file belongs in the bundle."""
    parts = relative.parts
    if parts[0] == "bin":  # console scripts with this machine's interpreter in the shebang
        return False
    if "__pycache__" in parts or relative.suffix in {".pyc", ".pyi"}:
        return False
    if any(part in {"tests", "test"} for part in parts[1:-1]):
        return False
    return not (parts[0].endswith(".dist-info") and relative.name in _DROPPED_METADATA)


def _keep_own_file(relative: PurePosixPath) -> bool:
    """Whether a file under lambda/runner_strength belongs in the bundle."""
    text = relative.as_posix()
    if "__pycache__" in relative.parts or relative.suffix == ".pyc":
        return False
    return not any(
        text == m or (m.endswith("/") and text.startswith(m)) for m in DEVELOPER_ONLY_MODULES
    )


def _files_under(
    root: Path, keep: Callable[[PurePosixPath], bool], prefix: str = ""
) -> dict[str, Path]:
    selected: dict[str, Path] = {}
    for path in root.rglob("*"):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_file() and keep(relative):
            selected[prefix + relative.as_posix()] = path
    return selected


def bundle_files(lambda_root: Path, dependencies_dir: Path | None) -> dict[str, Path]:
    """Archive name -> source file for everything the bundle holds."""
    handler = lambda_root / "lambda_function.py"
    library = lambda_root / COMPILED_PATH.relative_to(COMPILED_PATH.parents[2])
    if not handler.is_file():
        raise BundleError(f"{handler} is missing: it is the Lambda entry point")
    if not library.is_file():
        raise BundleError(f"{library} is missing: run `runner-strength build-content` first")
    files: dict[str, Path] = {}
    if dependencies_dir is not None:
        files.update(_files_under(dependencies_dir, _keep_dependency_file))
    own = _files_under(lambda_root / "runner_strength", _keep_own_file, "runner_strength/")
    clash = sorted(name for name in own if name in files)
    if clash:
        raise BundleError(f"a dependency ships files under our package name: {clash[:3]}")
    files.update(own)
    files["lambda_function.py"] = handler
    return files


# ---------------------------------------------------------------- the zip

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold


def write_zip(files: Mapping[str, Path], output: Path) -> None:
    """Write a deterministic zip: sorted names, one timestamp, rw-r--r-- for every file."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so Lambda honours the mode below
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[name].read_bytes(), compresslevel=9)
    partial.replace(output)


# ---------------------------------------------------------------- bytecode

_VERSION_PROBE = (
    "import sys, importlib.util; "
    "print(sys.version_info[0], sys.version_info[1], "
    "importlib.util.MAGIC_NUMBER.hex())"
)


class Interpreter(NamedTuple):
    """A Python interpreter, its version and its bytecode magic number (hex)."""

    path: Path
    version: str
    magic: str


def probe_interpreter(path: Path) -> Interpreter | None:
    """The interpreter at `path` with its version and magic number, or None if it does not run."""
    try:
        result = subprocess.run(  # noqa: S603  # fixed args
            [str(path), "-I", "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    major, minor, magic = result.stdout.split()
    return Interpreter(path, f"{major}.{minor}", magic)


def _candidates(version: str) -> list[Path]:
    """Where an interpreter of `version` usually lives: this one, PATH, pyenv, uv, deadsnakes."""
    found: list[Path] = [Path(sys.executable)]
    on_path = shutil.which(f"python{version}")
    if on_path:
        found.append(Path(on_path))
    for root in (Path.home() / ".pyenv", Path("/root/.pyenv"), Path("/opt/pyenv")):
        found += sorted((root / "versions").glob(f"{version}*/bin/python{version}"), reverse=True)
    uv_root = Path.home() / ".local" / "share" / "uv" / "python"
    found += sorted(uv_root.glob(f"cpython-{version}*/bin/python{version}"), reverse=True)
    found += [Path(f"/usr/bin/python{version}"), Path(f"/usr/local/bin/python{version}")]
    return found


def find_runtime_python(version: str = LAMBDA_PYTHON, explicit: Path | None = None) -> Interpreter:
    """An interpreter of the Lambda runtime's Python version, to compile the bundle with.

    Bytecode is only loaded by the exact minor version that wrote it (the magic number), so a
    bundle compiled by another Python would be compiled again from source on every cold start.
    """
    candidates = [explicit] if explicit is not None else _candidates(version)
    for path in candidates:
        if not path.is_file():
            continue
        interpreter = probe_interpreter(path)
        if interpreter is not None and interpreter.version == version:
            return interpreter
    where = f"{explicit} is not" if explicit is not None else "found no"
    raise BundleError(
        f"{where} a Python {version} interpreter: the bundle's bytecode must be compiled by the "
        f"Lambda runtime's Python (python{version}). Install one (`pyenv install {version}`, "
        f"`uv python install {version}`, or `apt-get install python{version}`) and run again, or "
        f"pass `runner-strength package --python /path/to/python{version}`; "
        "`--bytecode none` builds a sources-only zip that compiles on every cold start."
    )


_COMPILE = """
import compileall, py_compile, sys, warnings
root, ddir, legacy = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
# ask-sdk-model's docstrings hold invalid escapes: warnings at compile time, here, not on Lambda.
warnings.simplefilter("ignore", SyntaxWarning)
ok = compileall.compile_dir(root, ddir=ddir, quiet=1, legacy=legacy, workers=1,
                            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
sys.exit(0 if ok else 1)
"""


def compile_bundle(
    files: Mapping[str, Path], staging: Path, interpreter: Interpreter, mode: Bytecode
) -> dict[str, Path]:
    """Copy the bundle into `staging`, compile it with `interpreter`, return the new file map.

    `with-sources` adds `__pycache__/<name>.cpython-3XX.pyc` beside every module; `only` puts
    `<name>.pyc` in place of `<name>.py` (except the handler module, which Lambda looks up by file).
    """
    if mode == "none":
        return dict(files)
    for name, source in files.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    legacy = "1" if mode == "only" else "0"
    command = [str(interpreter.path), "-I", "-c", _COMPILE, str(staging), LAMBDA_CODE_DIR, legacy]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # fixed args
    if result.returncode != 0:
        raise BundleError(
            f"compiling the bundle failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    compiled: dict[str, Path] = {}
    for path in sorted(staging.rglob("*")):
        name = path.relative_to(staging).as_posix()
        if not path.is_file():
            continue
        dropped_source = (
            mode == "only"
            and path.suffix == ".py"
            and name != "lambda_function.py"
            and path.with_suffix(".pyc").is_file()
        )
        if not dropped_source:
            compiled[name] = path
    return compiled


def pyc_header(data: bytes) -> tuple[str, int]:
    """A .pyc's magic number (hex) and flags (PEP 552: 1 = hash-based, 2 = check the source)."""
    return data[:4].hex(), int.from_bytes(data[4:8], "little")


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What `build_bundle` wrote."""

    path: Path
    platform: Platform
    zipped_bytes: int
    unpacked_bytes: int
    file_count: int
    sha256: str
    bytecode: Bytecode = "none"
    python: str | None = None
    """The version of the interpreter that compiled the bytecode (None without bytecode)."""

    @property
    def within_budget(self) -> bool:
        """Whether the zip fits the 10 MB budget."""
        return self.zipped_bytes <= MAX_ZIP_BYTES

    def summary(self) -> str:
        """One line for people: path, sizes, file count, bytecode and hash."""
        compiled = (
            f"bytecode {self.bytecode} by Python {self.python}" if self.python else "no bytecode"
        )
        return (
            f"{self.path}: {self.zipped_bytes / 1e6:.2f} MB zipped "
            f"({self.unpacked_bytes / 1e6:.2f} MB unpacked, {self.file_count} files, "
            f"platform {self.platform}, {compiled}), budget {MAX_ZIP_BYTES / 1e6:.0f} MB, "
            f"sha256 {self.sha256}"
        )


def build_bundle(  # noqa: PLR0913  # build options
    output: Path = DEFAULT_OUTPUT,
    *,
    platform: Platform = "lambda",
    lambda_root: Path = LAMBDA_ROOT,
    wheel_cache: Path = WHEEL_CACHE,
    bytecode: Bytecode = "with-sources",
    python: Path | None = None,
) -> BundleReport:
    """Install the dependencies, select the files, compile them, write the zip.

    For Lambda the bytecode is compiled by a Python of the runtime's version (`python`, else
    `find_runtime_python` looks for one); for the host platform by this interpreter. The caller
    checks the budget.
    """
    interpreter = None
    if bytecode != "none":
        interpreter = (
            find_runtime_python(LAMBDA_PYTHON, python)
            if platform == "lambda"
            else probe_interpreter(python or Path(sys.executable))
        )
        if interpreter is None:
            raise BundleError(f"cannot run {python or sys.executable} to compile the bundle")
    with tempfile.TemporaryDirectory(prefix="runner-strength-deps-") as staging:
        deps = Path(staging) / "deps"
        install_dependencies(
            runtime_requirements(), deps, platform=platform, wheel_cache=wheel_cache
        )
        files = bundle_files(lambda_root, deps)
        if interpreter is not None:
            files = compile_bundle(files, Path(staging) / "task", interpreter, bytecode)
        write_zip(files, output)
        unpacked = sum(p.stat().st_size for p in files.values())
    data = output.read_bytes()
    return BundleReport(
        path=output,
        platform=platform,
        zipped_bytes=len(data),
        unpacked_bytes=unpacked,
        file_count=len(files),
        sha256=hashlib.sha256(data).hexdigest(),
        bytecode=bytecode if interpreter else "none",
        python=interpreter.version if interpreter else None,
    )
