import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runner_strength.cli import main
from runner_strength.config import Config
from runner_strength.console.chat import ChatOptions, Io, run_chat
from skilltest import FakeClock

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO = REPO_ROOT / "examples" / "demo.txt"
# "Ready"s that play Five basics through: one per exercise, its sets flowing on in one response
# (the first also answers the warm-up offer, which "ready" declines), and one for the last set,
# which plays alone.
FIVE_BASICS_READIES = 6


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "console.sqlite3"


@pytest.fixture
def config(db: Path) -> Config:
    # Built from a made-up environment: never the user's state directory, never DynamoDB.
    return Config.from_env({"RUNNER_STRENGTH_DB": str(db), "HOME": str(db.parent)})


class Sleeps:
    """A sleep that lets time pass on a fake wall clock instead of waiting."""

    def __init__(self, wall: FakeClock) -> None:
        self.wall = wall
        self.total = 0.0

    def __call__(self, seconds: float) -> None:
        """Let `seconds` pass at once."""
        self.total += seconds
        self.wall.advance(seconds)


class Streams:
    """Console streams in memory: what is typed, and what comes out on stdout and stderr."""

    def __init__(self, typed: str = "", **kwargs: Any) -> None:
        self.out = io.StringIO()
        self.err = io.StringIO()
        self.io = Io(
            stdin=io.StringIO(typed),
            stdout=self.out,
            stderr=self.err,
            interactive=False,
            width=100,
            **kwargs,
        )

    @property
    def stdout(self) -> str:
        """Everything written to stdout."""
        return self.out.getvalue()

    @property
    def stderr(self) -> str:
        """Everything written to stderr."""
        return self.err.getvalue()


def _chat(config: Config, lines: list[str], tmp_path: Path, **options: Any) -> tuple[int, str, str]:
    """Run `lines` as a script; the exit status, stdout and stderr."""
    script = tmp_path / "script.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    streams = Streams(**{k: options.pop(k) for k in ("wall", "sleep", "which") if k in options})
    code = run_chat(ChatOptions(script=script, **options), config, streams.io)
    return code, streams.stdout, streams.stderr


def _turns(stdout: str) -> dict[str, str]:
    """The coach's text after each `you>` line (later turns with the same words win)."""
    turns = {}
    for block in stdout.split("you> ")[1:]:
        said, _, answer = block.partition("\n")
        turns[said] = " ".join(answer.split())
    return turns


def test_demo_script_runs_the_whole_session(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped demo opens, trains, explains, pauses, resumes in a new session and stops."""
    code = main(["chat", "--script", str(DEMO), "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 0
    said = re.findall(r"^you> (.*)$", out, flags=re.MULTILINE)
    assert said[:2] == ["open runner strength", "start the five basics"]
    assert said.count("open runner strength") == 2
    assert "explain the copenhagen plank" in said
    assert "Copenhagen plank" in out
    second_visit = out.split("you> open runner strength")[2]
    assert "Five basics" in second_visit.split("you> yes")[0], "the second open offers to resume"
    assert "not medical advice" not in second_visit
    assert out.count("(session ended)") == 3, "pause and the two stops end the session"
    next_day = out.split("you> ask runner strength to start core and stability")[1]
    asked = " ".join(next_day.split("you> how much is left")[0].split())  # unwrap the console
    assert "will keep for later. " in asked
    assert "Core and stability now?" in asked
    assert db.exists()


def test_scripted_full_workout_ends_with_the_summary(config: Config, tmp_path: Path) -> None:
    """A whole workout typed as a script ends with the summary, timed like a real session."""
    # The first "ready" skips the offered warm-up; the "no" after the last set, the cool-down.
    lines = [
        "open runner strength",
        "start the five basics",
        *["ready"] * FIVE_BASICS_READIES,
        "no",
    ]
    code, out, err = _chat(config, lines, tmp_path)
    assert (code, err) == (0, "")
    last = " ".join(out.split("you> ready")[-1].split())
    assert re.search(r"Walking lunge|Squat|5 exercises and 12 sets", last), "a summary"
    minutes = re.search(r"(?:trained for|That was) (\d+) minutes", last)
    assert minutes is not None, last
    # Printed at once, but the skill's clock moved on by each answer's audio: a real session's time.
    assert 14 <= int(minutes.group(1)) <= 25
    assert last.rstrip().endswith("(session ended)")


def test_quit_mid_workout_and_rerun_resumes(config: Config, tmp_path: Path) -> None:
    """Leaving mid-workout and running chat again on the same store offers to resume it."""
    code, first, _ = _chat(
        config, ["open runner strength", "start the five basics", "ready"], tmp_path
    )
    assert code == 0
    assert "set 3 of 3" in " ".join(first.lower().split()), "the lunge's three sets were done"
    code, second, _ = _chat(config, ["open runner strength", "yes"], tmp_path)
    assert code == 0
    turns = _turns(second)
    offer = turns["open runner strength"]
    assert "Five basics" in offer
    assert "the squat, set 1 of 3" in offer.lower()
    assert "not medical advice" not in offer
    assert "set 1 of 3" in turns["yes"].lower()
    assert "walking lunge" not in turns["yes"].lower()


def test_unresolved_script_line_fails_naming_the_line(config: Config, tmp_path: Path) -> None:
    """A script line nothing matches stops the run with status 1 and names file and line."""
    code, out, err = _chat(
        config,
        ["# a comment", "", "open runner strength", "purple monkey dishwasher", "ready"],
        tmp_path,
    )
    assert code == 1
    assert re.search(r"script\.txt:4: 'purple monkey dishwasher' matches nothing", err)
    assert "you> ready" not in out
    assert "you> # a comment" not in out


def test_missing_script_is_an_error(config: Config, tmp_path: Path) -> None:
    """A script that cannot be read is reported with status 1."""
    streams = Streams()
    code = run_chat(ChatOptions(script=tmp_path / "none.txt"), config, streams.io)
    assert code == 1
    assert "cannot read" in streams.stderr


def test_virtual_clock_keeps_a_finished_set_when_pausing(config: Config, tmp_path: Path) -> None:
    """Pausing after a set shown at once keeps the set done: the console skipped its audio."""
    frozen = FakeClock()
    code, out, _ = _chat(config, ["start the five basics", "ready", "pause"], tmp_path, wall=frozen)
    assert code == 0
    assert "the squat, set 1 of 3" in _turns(out)["pause"], "the lunge's three sets are kept"


def test_without_time_passing_a_pause_rolls_the_set_back(config: Config, tmp_path: Path) -> None:
    """Control: a pause the skill sees at the moment the set began rolls it back to do again."""
    frozen = FakeClock()
    code, out, _ = _chat(
        config,
        ["start the five basics", "ready", "pause"],
        tmp_path,
        wall=frozen,
        realtime=True,
        sleep=lambda _: None,
    )
    assert code == 0
    assert "the walking lunge, set 1 of 3" in _turns(out)["pause"]


def test_realtime_counts_down_on_the_real_clock(config: Config, tmp_path: Path) -> None:
    """With --realtime the console waits through each answer, bars counting, and time passes."""
    wall = FakeClock()
    sleeps = Sleeps(wall)
    code, out, _ = _chat(
        config,
        ["start the five basics", "ready", "pause"],
        tmp_path,
        wall=wall,
        sleep=sleeps,
        realtime=True,
    )
    assert code == 0
    assert re.search(r"rest \[#{20}\] 0 s", out)
    assert re.search(r"get ready \[#{8}-{12}\] 3 s", out), "a bar part-way through its count"
    assert sleeps.total > 60, "a set with its rest takes minutes"
    assert "the squat, set 1 of 3" in _turns(out)["pause"], "real time passed: sets kept"


def test_interactive_enter_opens_and_end_of_input_exits_cleanly(config: Config) -> None:
    """Enter opens the skill, typed lines are echoed from a pipe, and end of input exits 0."""
    streams = Streams("\nstart the five basics\n")
    code = run_chat(ChatOptions(), config, streams.io)
    out = streams.stdout
    assert code == 0
    assert out.startswith("Runner Strength voice console")
    assert "Welcome" in out or "welcome" in out
    assert "you> start the five basics\n" in out
    assert "Five basics" in out


def test_interactive_silence_reprompts_then_closes_the_session(config: Config) -> None:
    """Mid-session, one empty line hears the reprompt and a second one ends the session."""
    streams = Streams("open runner strength\n\n\n")
    assert run_chat(ChatOptions(), config, streams.io) == 0
    out = streams.stdout
    assert "(no answer; Alexa asks again)" in out
    assert "(still no answer; Alexa closed the session)" in out


def test_interactive_unknown_text_is_a_fallback_in_session(config: Config) -> None:
    """In a session, text nothing matches goes to the skill as AMAZON.FallbackIntent."""
    streams = Streams("purple monkey dishwasher\nopen runner strength\npurple monkey dishwasher\n")
    assert run_chat(ChatOptions(), config, streams.io) == 0
    out = streams.stdout
    first, second = out.split("you> purple monkey dishwasher")[1:]
    assert "nothing the skill understands matches that" in first
    assert "AMAZON.FallbackIntent" in second
    assert "coach>" in second


def test_verbose_shows_how_each_line_was_understood(config: Config) -> None:
    """--verbose prints the request, intent, sample and resolved slots of every line."""
    streams = Streams("open runner strength\nexplain copenhagen planks now\n")
    assert run_chat(ChatOptions(verbose=True), config, streams.io) == 0
    out = streams.stdout
    assert "[LaunchRequest]" in out
    understood = (
        '[ExplainExerciseIntent: "explain {exercise}" (forgiving), exercise=copenhagen_plank]'
    )
    assert understood in out


def test_help_and_quit_commands(config: Config) -> None:
    """/help lists example phrases and /quit leaves at once with status 0."""
    streams = Streams("/help\n/quit\nopen runner strength\n")
    assert run_chat(ChatOptions(), config, streams.io) == 0
    out = streams.stdout
    assert "explain the copenhagen plank" in out
    assert "coach>" not in out


def test_exit_ends_the_session_then_leaves(config: Config) -> None:
    """Saying exit ends an open session (SessionEndedRequest); with none open it leaves."""
    streams = Streams("open runner strength\nexit\nexit\nopen runner strength\n")
    assert run_chat(ChatOptions(), config, streams.io) == 0
    out = streams.stdout
    assert out.count("coach>") == 1
    assert "(session ended)" in out


def test_ctrl_c_at_the_prompt_ends_cleanly(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C at the prompt leaves with status 0 and no traceback."""

    def interrupt(*_: object) -> str:
        raise KeyboardInterrupt

    stdin, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(stdin, "readline", interrupt)
    streams = Io(stdin=stdin, stdout=io.StringIO(), stderr=err, interactive=False)
    assert run_chat(ChatOptions(), config, streams) == 0
    assert err.getvalue() == ""


def test_ctrl_c_while_the_coach_talks_interrupts_and_listens_again(config: Config) -> None:
    """In real time Ctrl-C stops the answer being played and the prompt comes back."""
    presses = iter([KeyboardInterrupt])

    def sleep(_: float) -> None:
        error = next(presses, None)
        if error is not None:
            raise error

    streams = Streams("open runner strength\nhow much is left\n", sleep=sleep)
    assert run_chat(ChatOptions(realtime=True), config, streams.io) == 0
    out = streams.stdout
    assert "(interrupted; Ctrl-C again at the prompt to leave)" in out
    assert "you> how much is left" in out


def test_speak_without_espeak_notes_it_once_and_goes_on(config: Config) -> None:
    """--speak with no espeak-ng installed says so in one line and still shows the answers."""
    streams = Streams("open runner strength\n", which=lambda _: None)
    assert run_chat(ChatOptions(speak=True), config, streams.io) == 0
    err = streams.stderr
    assert err.count("\n") == 1
    assert "espeak-ng is not installed" in err
    assert "coach>" in streams.stdout


def test_db_option_wins_over_a_configured_dynamodb_table(db: Path, tmp_path: Path) -> None:
    """--db always means the embedded SQLite file, even when the environment names a table."""
    config = Config.from_env({"TABLE_NAME": "no-such-table", "HOME": str(tmp_path)})
    streams = Streams("open runner strength\n")
    assert run_chat(ChatOptions(db=db), config, streams.io) == 0
    assert db.exists()
    assert db.with_name(db.name + ".console-clock").exists(), "skipped time kept beside it"


# ---------------------------------------------------------------- as a real process


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TABLE_NAME", "SKILL_ID"}}
    env.update(
        HOME=str(tmp_path),
        XDG_STATE_HOME=str(tmp_path / "state"),
        RUNNER_STRENGTH_DB=str(tmp_path / "env.sqlite3"),
        **extra,
    )
    return env


def test_chat_with_no_terminal_exits_cleanly_at_end_of_input(tmp_path: Path) -> None:
    """`runner-strength chat` (what make run starts) with stdin closed exits 0 at once."""
    result = subprocess.run(
        [sys.executable, "-m", "runner_strength.cli", "chat"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=_environment(tmp_path),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Runner Strength voice console")
    assert "Traceback" not in result.stderr


def test_speak_runs_espeak_with_the_plain_text(tmp_path: Path) -> None:
    """--speak hands espeak-ng (a fake one on PATH) each answer's words, no SSML, no timers."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "espeak.log"
    fake = bin_dir / "espeak-ng"
    fake.write_text(
        f'#!/bin/sh\necho "ARGS $*" >> "{log}"\ncat >> "{log}"\necho >> "{log}"\n', encoding="utf-8"
    )
    fake.chmod(0o755)
    script = tmp_path / "speak.txt"
    script.write_text("open runner strength\nstart the five basics\nready\n", encoding="utf-8")
    env = _environment(tmp_path, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run(
        [sys.executable, "-m", "runner_strength.cli", "chat", "--speak", "--script", str(script)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    spoken = log.read_text(encoding="utf-8")
    assert spoken.count("ARGS --stdin") == 3
    assert "Runner Strength" in spoken
    assert "the walking lunge" in spoken
    assert "<speak>" not in spoken
    assert not re.search(r"\[\d+(\.\d+)? s\]", spoken)


def test_screen_prints_what_an_echo_show_would_display(config: Config, tmp_path: Path) -> None:
    """`--screen` adds a text panel to each answer: the list, then the set with its timers."""
    lines = ["open runner strength", "start the five basics", "ready"]
    code, out, err = _chat(config, lines, tmp_path, screen=True)
    assert (code, err) == (0, "")
    launch, start, ready = out.split("you> ")[1:]
    assert "Five basics (" in launch, "the menu lists the workouts"
    assert "Walking lunge · Set 1 of 3" in start
    assert "[Ready] [Pause] [Skip] [Explain] [Easier] [Harder]" in ready
    assert re.search(r"Rest: \d+(\.\d)? s from \d+(\.\d)? s", ready)
    assert "Up next: Squat, set 1 of 3" in ready


def test_without_screen_there_is_no_panel(config: Config, tmp_path: Path) -> None:
    """A plain chat is a speaker: no panel is printed."""
    code, out, _ = _chat(config, ["open runner strength", "start the five basics"], tmp_path)
    assert code == 0
    assert "[Ready]" not in out
