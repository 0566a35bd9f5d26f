"""The `runner-strength` command: browse and check content, rehearse, chat, serve, package.

Each sub-command is a thin wrapper; the work lives in the module it names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from runner_strength.buildtime.loader import ContentError, compile_to, load_directory
from runner_strength.console.options import add_chat_arguments
from runner_strength.content.compiled import COMPILED_PATH, CompiledContentError
from runner_strength.engine.plan import workout_seconds
from runner_strength.spoken_model import BUILTIN_PHRASES_FILE

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from runner_strength.content.model import Library

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTENT_DIR = REPO_ROOT / "content"


def _library(args: argparse.Namespace) -> Library:
    """The library from the YAML sources when present (a checkout), else the compiled artefact."""
    content_dir = Path(args.content)
    if content_dir.is_dir():
        return load_directory(content_dir)
    from runner_strength.content.compiled import load_compiled  # noqa: PLC0415  # installed without content/

    return load_compiled()


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:.0f} min"


def cmd_exercises(args: argparse.Namespace) -> int:
    """List every exercise with its sources."""
    library = _library(args)
    rows = sorted(library.exercises.values(), key=lambda e: e.id)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "name": e.name,
                        "aliases": list(e.aliases),
                        "sources": list(e.sources),
                        "category": e.category.value,
                        "equipment": sorted(e.equipment),
                        "level": e.level.value,
                        "dosage": {
                            "mode": e.dosage.mode.value,
                            "sets": e.dosage.sets,
                            "reps": e.dosage.reps,
                            "hold_seconds": e.dosage.hold_seconds,
                            "per_side": e.dosage.per_side,
                            "rest_seconds": e.dosage.rest_seconds,
                        },
                    }
                    for e in rows
                ],
                indent=2,
            )
        )
        return 0
    for e in rows:
        amount = f"{e.dosage.reps} reps" if e.dosage.reps else f"{e.dosage.hold_seconds} s hold"
        side = " each side" if e.dosage.per_side else ""
        print(f"{e.id:36} {e.name:34} {e.dosage.sets} x {amount}{side}   [{', '.join(e.sources)}]")
    print(f"\n{len(rows)} exercises from {len(library.sources)} sources")
    return 0


def cmd_workouts(args: argparse.Namespace) -> int:
    """List every workout with its computed duration and equipment."""
    library = _library(args)
    rows = sorted(library.workouts.values(), key=lambda w: w.id)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": w.id,
                        "name": w.name,
                        "aliases": list(w.aliases),
                        "level": w.level.value,
                        "format": w.format.value,
                        "rounds": w.rounds,
                        "sets": w.set_count(),
                        "estimated_seconds": workout_seconds(library, w.id),
                        "equipment": sorted(library.workout_equipment(w)),
                        "exercises": [i.exercise_id for i in w.items],
                        "sources": list(w.sources),
                    }
                    for w in rows
                ],
                indent=2,
            )
        )
        return 0
    for w in rows:
        kit = ", ".join(sorted(library.workout_equipment(w))) or "no equipment"
        print(
            f"{w.id:26} {w.name:30} {w.format.value:8} {w.set_count():3} sets "
            f"{_minutes(workout_seconds(library, w.id)):>7}  {w.level.value:12} {kit}"
        )
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Print what the coach says when asked to explain an exercise."""
    from runner_strength.narration.rehearsal import explain_text  # noqa: PLC0415  # keep `check` light

    library = _library(args)
    exercise = library.find_exercise(args.name)
    if exercise is None:
        print(f"No exercise called {args.name!r}.", file=sys.stderr)
        return 1
    print(explain_text(library, exercise))
    return 0


def cmd_rehearse(args: argparse.Namespace) -> int:
    """Print a whole workout's narration as readable text, timers shown like [10 s]."""
    import random  # noqa: PLC0415  # only the rehearsal needs a seeded random source
    import textwrap  # noqa: PLC0415

    from runner_strength.narration.rehearsal import rehearsal  # noqa: PLC0415  # keep `check` light

    library = _library(args)
    workout = library.find_workout(args.workout)
    if workout is None:
        print(f"No workout called {args.workout!r}.", file=sys.stderr)
        return 1
    for said, speech in rehearsal(library, workout.id, random.Random(args.seed)):  # noqa: S311  # wording, not security
        print(f"RUNNER: {said}")
        timers_whole = speech.display.replace(" s]", "\0s]")  # never wrap inside a timer
        text = textwrap.fill(
            timers_whole, 100, initial_indent="COACH:  ", subsequent_indent=" " * 8
        )
        print(text.replace("\0", " "))
        print()
    return 0


def _rehearse_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("workout", help="a workout name or alias, e.g. 'five basics'")
    p.add_argument("--seed", type=int, default=0, help="seed for the choice of phrase variants")


# The budgets `lengths` plays through the skill, as a runner asks for them.
BUDGETS_HEARD = (2, 15, 20, 60)


def cmd_lengths(args: argparse.Namespace) -> int:
    """Rehearse every workout and version: announced length against played length."""
    import datetime as dt  # noqa: PLC0415  # only the table's date needs it
    import subprocess  # noqa: PLC0415  # only the table's commit needs it

    from runner_strength.console import budgets  # noqa: PLC0415  # keep `check` light
    from runner_strength.narration import lengths  # noqa: PLC0415

    library = _library(args)
    rows = lengths.measure_all(library)
    heard = budgets.transcript([budgets.play_budget(library, m) for m in BUDGETS_HEARD])
    commit = (
        args.commit
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607  # a developer's own checkout
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    )
    date = args.date or dt.datetime.now(dt.UTC).date().isoformat()
    section = lengths.markdown(library, rows, commit=commit or "unknown", date=date, more=heard)
    if args.update:
        path = Path(args.update)
        path.write_text(lengths.update(path.read_text() if path.exists() else "", section))
        print(f"wrote the lengths of {len(rows)} versions into {path}")
    else:
        print(section, end="")
    return 0 if all(abs(row.error) <= lengths.TOLERANCE for row in rows) else 1


def _lengths_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--update", metavar="FILE", help="write the table into FILE's lengths section")
    p.add_argument("--commit", help="the commit measured (default: git rev-parse --short HEAD)")
    p.add_argument("--date", help="the date measured (default: today, UTC)")


def cmd_check(args: argparse.Namespace) -> int:
    """Validate all content (with --release, what certification needs too); exit 1 on problems."""
    library = _library(args)
    print(
        f"content ok: {len(library.exercises)} exercises, {len(library.workouts)} workouts, "
        f"{len(library.sources)} sources, {len(library.phrases.phrases)} phrases"
    )
    from runner_strength.alexa.dialog_table import check as check_dialog  # noqa: PLC0415  # keep `check` light
    from runner_strength.alexa.flows import FLOWS  # noqa: PLC0415

    dialog_problems = check_dialog(FLOWS, library.phrases.phrases)
    for problem in dialog_problems:
        print(f"dialog table: {problem}", file=sys.stderr)
    if dialog_problems:
        return 1
    print("dialog table ok: every question has a row, every flow and phrase key exists")
    if not getattr(args, "release", False):
        return 0
    from runner_strength.buildtime.release import release_problems  # noqa: PLC0415  # keep `check` light

    problems = release_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"not ready for release: {len(problems)} problems", file=sys.stderr)
        return 1
    print("release ok: privacy and terms URLs, icons and policy documents")
    return 0


def cmd_build_release(args: argparse.Namespace) -> int:
    """Fill docs/PRIVACY.md, docs/TERMS.md and the manifest's policy URLs from release.yaml."""
    from runner_strength.buildtime import release  # noqa: PLC0415  # keep `check` light

    try:
        config = release.load_release_config(Path(args.config))
    except release.ReleaseConfigError as error:
        print(error, file=sys.stderr)
        return 1
    written = release.fill_policies(config, Path(args.docs_dir))
    urls = release.policy_urls(config)
    print(f"policies: filled {len(written)} of {len(release.POLICY_FILES)} files")
    print(f"privacy {urls.privacy}, terms {urls.terms}")
    print("now run `runner-strength build-model` (it writes these URLs into skill.json)")
    return 0


def _build_release_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=str(REPO_ROOT / "release.yaml"), help="the release file")
    p.add_argument("--docs-dir", default=str(REPO_ROOT / "docs"), help="where the policies go")


def _check_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--release",
        action="store_true",
        help="also fail on placeholder privacy/terms URLs, icons or policy documents",
    )


def cmd_build_content(args: argparse.Namespace) -> int:
    """Compile content/ into the JSON artefact the skill loads."""
    text = compile_to(Path(args.content), Path(args.output))
    print(f"wrote {args.output} ({len(text.encode())} bytes)")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    """Build the Lambda deployment zip; exit 1 if it cannot be built or exceeds 10 MB."""
    from runner_strength.buildtime import packaging  # noqa: PLC0415  # pip and YAML only when packaging

    try:
        report = packaging.build_bundle(
            Path(args.output),
            platform=args.platform,
            bytecode=args.bytecode,
            python=Path(args.python) if args.python else None,
        )
    except packaging.BundleError as error:
        print(f"package failed: {error}", file=sys.stderr)
        return 1
    print(f"wrote {report.summary()}")
    if not report.within_budget:
        print("package failed: the zip is over the 10 MB budget", file=sys.stderr)
        return 1
    return 0


def _package_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", default="build/lambda.zip", help="where to write the zip")
    p.add_argument(
        "--platform",
        choices=["lambda", "host"],
        default="lambda",
        help="dependencies for Lambda (arm64, Python 3.13) or for this machine (tests)",
    )
    p.add_argument(
        "--bytecode",
        choices=["with-sources", "only", "none"],
        default="with-sources",
        help=".pyc beside the sources (default), .pyc instead of them, or no .pyc",
    )
    p.add_argument(
        "--python",
        default=None,
        help="the Python 3.13 that compiles the bytecode (default: found on PATH, pyenv or uv)",
    )


def cmd_lock(args: argparse.Namespace) -> int:
    """Lock the Lambda bundle's dependencies with hashes (requirements-lambda.txt)."""
    from runner_strength.buildtime import packaging  # noqa: PLC0415  # keep the other commands light

    try:
        wheels = packaging.lock_dependencies(Path(args.output))
    except packaging.BundleError as error:
        print(f"lock failed: {error}", file=sys.stderr)
        return 1
    print(
        f"{args.output}: {len(wheels)} wheels for CPython {packaging.LAMBDA_PYTHON}, "
        f"{packaging.LAMBDA_PLATFORM}"
    )
    return 0


def _lock_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--output", default=str(REPO_ROOT / "requirements-lambda.txt"), help="where to write it"
    )


def cmd_rollback(args: argparse.Namespace) -> int:
    """Point the skill's `live` alias back at the previous published version (or --to N)."""
    import boto3  # noqa: PLC0415  # only this command talks to AWS

    from runner_strength.buildtime import rollback  # noqa: PLC0415  # keep the other commands light

    session = boto3.session.Session(region_name=args.region)
    try:
        function_name = args.function or rollback.function_of_stack(
            session.client("cloudformation"), args.stack
        )
        moved = rollback.roll_back(session.client("lambda"), function_name, to=args.to)
    except rollback.RollbackError as error:
        print(f"rollback failed: {error}", file=sys.stderr)
        return 1
    print(moved.summary())
    return 0


def _rollback_options(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--function", help="the skill function's name (the stack's FunctionName)")
    which.add_argument("--stack", help="the stack's name or id (.ask/ask-states.json: stackId)")
    p.add_argument("--to", type=int, default=None, help="this version instead of the previous one")
    p.add_argument("--region", default=None, help="AWS region (default: the AWS profile's)")


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the skill as an Alexa web service (waitress; put HTTPS in front)."""
    from runner_strength.web.server import serve  # noqa: PLC0415  # flask is the optional [web] extra

    return serve(host=args.host, port=args.port, route=args.route, dev=args.dev)


def cmd_chat(args: argparse.Namespace) -> int:
    """Type what you would say to Alexa; the skill answers through its real Lambda entry."""
    from runner_strength.console.chat import run_from_args  # noqa: PLC0415  # the SDK only when chatting

    return run_from_args(args)


def cmd_build_model(args: argparse.Namespace) -> int:
    """Generate the Alexa skill package (interaction_model/) from content and utterances."""
    from runner_strength.buildtime import interaction_model as im  # noqa: PLC0415  # keep `check` light

    try:
        utterances = im.load_utterances(Path(args.content) / "utterances" / "en.yaml")
        files = im.build_package(_library(args), utterances, name_free=args.with_name_free)
    except im.ModelError as error:
        print(error, file=sys.stderr)
        return 1
    package_dir = Path(args.package_dir)
    name_free = Path(args.name_free_file)
    name_free_text = im.to_json({im.NAME_FREE_CONTAINER: im.build_name_free(utterances)})
    # Outside the package too: the console's copy of Alexa's own built-in phrases, as JSON.
    builtins = Path(args.builtin_phrases_file)
    builtins_text = im.to_json({k: list(v) for k, v in utterances.builtin_phrases.items()})
    if args.check:
        differences = [f"{package_dir}/{d}" for d in im.package_differences(files, package_dir)]
        for path, text in ((name_free, name_free_text), (builtins, builtins_text)):
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                differences.append(f"{path}: differs from what build-model generates")
        for difference in differences:
            print(difference, file=sys.stderr)
        if differences:
            print("run `runner-strength build-model` and commit the result", file=sys.stderr)
            return 1
        print(f"{package_dir}: up to date ({len(files)} files)")
        return 0
    written = im.write_package(files, package_dir)
    for path, text in ((name_free, name_free_text), (builtins, builtins_text)):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    print(f"{package_dir}: wrote {len(written)} of {len(files)} files")
    return 0


def _build_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 listing the files that differ"
    )
    p.add_argument(
        "--package-dir",
        default=str(REPO_ROOT / "interaction_model"),
        help="the skill package directory",
    )
    p.add_argument(
        "--name-free-file",
        default=str(REPO_ROOT / "docs" / "name_free_interaction.json"),
        help="where the name-free launch phrases are written (outside the package)",
    )
    p.add_argument(
        "--builtin-phrases-file",
        default=str(BUILTIN_PHRASES_FILE),
        help="where Alexa's built-in intents' phrases are written for the console (JSON)",
    )
    p.add_argument(
        "--with-name-free",
        action="store_true",
        help="also put the name-free launch phrases into the models (live skills only)",
    )


def cmd_nlu_profile(args: argparse.Namespace) -> int:
    """Send every NLU corpus phrase to Alexa's Utterance Profiler; print the accuracy table."""
    import time  # noqa: PLC0415  # the clock, at the composition root

    from runner_strength.buildtime import interaction_model as im  # noqa: PLC0415
    from runner_strength.buildtime import nlu_corpus, nlu_profile  # noqa: PLC0415
    from runner_strength.config import ProfilerSettings  # noqa: PLC0415

    settings = ProfilerSettings.from_env()
    skill_id = args.skill_id or nlu_profile.skill_id_from_states(profile=settings.ask_profile)
    if not skill_id:
        print("no skill id: pass --skill-id, or run `ask deploy` first", file=sys.stderr)
        return 1
    model = im.load_model(args.locale)
    invocation = str(model["interactionModel"]["languageModel"]["invocationName"])
    phrases = nlu_corpus.load_corpus(Path(args.corpus))
    try:
        target = nlu_profile.Target(skill_id, invocation, args.stage, args.locale)
        result = nlu_profile.run(settings, phrases, target, time.time)
    except nlu_profile.ProfileError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Utterance Profiler, {args.locale} {args.stage} model of {skill_id}:")
    print(nlu_corpus.accuracy_table(result.judged))
    if result.not_profiled:
        print(f"not profiled: {len(result.not_profiled)} launch phrases (no utterance inside)")
    if args.misses:
        for phrase, miss in result.judged:
            if miss is not None:
                print(f"{phrase.say!r}: want {phrase.intent} {dict(phrase.slots)}, {miss}")
    return 0


def _nlu_profile_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--skill-id", help="the skill (default: .ask/ask-states.json's, after deploy)")
    p.add_argument("--stage", default="development", help="development or live")
    p.add_argument("--locale", default="en-US", help="the model's locale")
    p.add_argument("--corpus", default=str(REPO_ROOT / "tests/nlu/corpus.yaml"), help="phrases")
    p.add_argument("--misses", action="store_true", help="list every miss after the table")


Command = tuple[
    str, "Callable[[argparse.Namespace], int]", "Callable[[argparse.ArgumentParser], None]"
]


def _no_options(_: argparse.ArgumentParser) -> None:
    return None


def _commands() -> list[Command]:
    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="machine-readable output")

    def name_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("name", help="an exercise name or alias, e.g. 'copenhagen plank'")

    def output_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--output", default=str(COMPILED_PATH), help="where to write the artefact")

    def serve_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1", help="interface to listen on")
        p.add_argument("--port", type=int, default=8080, help="TCP port to listen on")
        p.add_argument("--route", default="/", help="URL path Alexa posts to")
        p.add_argument(
            "--dev",
            action="store_true",
            help="UNSAFE: no Alexa signature/timestamp checks (local tools only)",
        )

    return [
        ("exercises", cmd_exercises, json_flag),
        ("workouts", cmd_workouts, json_flag),
        ("explain", cmd_explain, name_arg),
        ("rehearse", cmd_rehearse, _rehearse_options),
        ("lengths", cmd_lengths, _lengths_options),
        ("check", cmd_check, _check_options),
        ("build-content", cmd_build_content, output_arg),
        ("build-model", cmd_build_model, _build_model_options),
        ("build-release", cmd_build_release, _build_release_options),
        ("package", cmd_package, _package_options),
        ("lock", cmd_lock, _lock_options),
        ("rollback", cmd_rollback, _rollback_options),
        ("serve", cmd_serve, serve_args),
        ("chat", cmd_chat, add_chat_arguments),
        ("nlu-profile", cmd_nlu_profile, _nlu_profile_options),
    ]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="runner-strength", description=__doc__)
    parser.add_argument("--content", default=str(CONTENT_DIR), help="content directory (YAML)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, handler, configure in _commands():
        command = sub.add_parser(name, help=(handler.__doc__ or "").strip())
        configure(command)
        command.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; content problems print one per line and exit 1."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (ContentError, CompiledContentError) as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
