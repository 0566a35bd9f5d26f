"""`runner-strength chat`: type what you would say to Alexa, and the real skill answers.

Each line goes through the resolver (the interaction model's own utterances) into a request
envelope, and through the same Lambda entry a deployed skill uses (`LambdaEntry`), with the store
from the configuration (embedded SQLite unless a DynamoDB table is configured). The answer is shown
as text with its timers (`display.py`). Quitting keeps the workout in the store; the next run's
"open runner strength" offers to pick it up.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, TextIO

from runner_strength.alexa.skill import LambdaEntry, build_skill
from runner_strength.config import Config
from runner_strength.console.clock import ConsoleClock
from runner_strength.console.display import ESPEAK, Display, Speaker
from runner_strength.console.resolver import Action, Heard, IntentMatch, Resolver, Via
from runner_strength.console.session import FALLBACK_INTENT, Device, Reply
from runner_strength.content.compiled import load_compiled
from runner_strength.engine.pace import ANSWER_SECONDS
from runner_strength.persistence.factory import build_adapter

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from pathlib import Path

PROMPT = "you> "
MAX_WIDTH = 100
QUIT_COMMANDS = frozenset({"/quit", "/exit", "/q"})
HELP_COMMANDS = frozenset({"/help", "/h", "/?"})
BANNER = """\
Runner Strength voice console: type what you would say to Alexa; the coach answers here.
Press Enter to open the skill, then try: start my workout, ready, explain the copenhagen plank,
how much is left, pause, stop. /help for more, Ctrl-D or /quit to leave.
"""
HELP = """\
Say what a runner would say to the skill, for example:
  open runner strength              start the five basics             ready
  explain the copenhagen plank      how much is left                  pause
  give me a twenty minute workout   make it easier                    stop
One-shots work too: "ask runner strength to explain the side plank".
Enter on its own opens the skill; mid-session it is a runner who did not answer.
Close phrasings work ("whats left", "explain copenhagen planks please").
/quit or Ctrl-D leaves; your workout is saved and the next `chat` offers to resume it.
"""

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChatOptions:
    """What `chat` was asked to do."""

    script: Path | None = None
    realtime: bool = False
    speak: bool = False
    screen: bool = False
    db: Path | None = None
    verbose: bool = False


@dataclass(frozen=True)
class Io:
    """The console's connections to the world; tests pass their own streams, clock and sleep."""

    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    wall: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    which: Callable[[str], str | None] = shutil.which
    popen: Callable[..., subprocess.Popen[bytes]] = subprocess.Popen
    interactive: bool | None = None
    """Line editing with `input()`; None means: when stdin is the process's own terminal."""
    width: int | None = None
    """Text width; None means the terminal's, at most 100."""


class Outcome(Enum):
    """What became of one typed line."""

    ANSWERED = "answered"
    UNRESOLVED = "unresolved"
    QUIT = "quit"


def build_entry(config: Config, clock: Callable[[], float]) -> LambdaEntry:
    """The Lambda entry over the production composition, with the console's clock.

    Same parts as `build_default_skill`: compiled content, the configured store, the skill id;
    only the clock differs, so time skipped by the console reaches the skill and the store alike.
    """
    logging.getLogger("runner_strength").setLevel(config.log_level)
    return LambdaEntry(
        build_skill(
            library=load_compiled(),
            adapter=build_adapter(config, clock),
            clock=clock,
            skill_id=config.skill_id,
        )
    )


def clock_file(config: Config) -> Path | None:
    """Where the console keeps its skipped time: next to the SQLite file (none for DynamoDB)."""
    if config.table_name:
        return None
    return config.db_path.with_name(config.db_path.name + ".console-clock")


def store_name(config: Config) -> str:
    """Where this run keeps state, in words for the banner."""
    if config.table_name:
        return f"the DynamoDB table {config.table_name}"
    return str(config.db_path)


def describe(heard: Heard) -> str:
    """How a line was understood, for the transcript: intent, sample, slots."""
    if heard.action is Action.LAUNCH:
        return "[LaunchRequest]"
    if heard.action is Action.EXIT:
        return "[SessionEndedRequest]"
    found = heard.match
    if found is None:
        return "[?]"
    slots = "".join(f", {_slot_text(found, s.name)}" for s in found.slots)
    one_shot = ", new session" if heard.invoked else ""
    return f'[{found.intent}: "{found.pattern}" ({found.via}){slots}{one_shot}]'


def _slot_text(found: IntentMatch, name: str) -> str:
    slot = found.slot(name)
    if slot is None:
        return name
    resolution = slot.resolution
    if resolution is None:
        return f"{name}={slot.value}"
    if resolution.value_id is None:
        return f'{name}="{slot.value}" (no such value: {resolution.code})'
    return f"{name}={resolution.value_id}"


class Console:
    """One conversation: typed lines in, the coach's answers out."""

    def __init__(
        self,
        resolver: Resolver,
        device: Device,
        display: Display,
        clock: ConsoleClock,
        *,
        verbose: bool = False,
    ) -> None:
        self.resolver = resolver
        self.device = device
        self.display = display
        self.clock = clock
        self.out = display.out
        self.verbose = verbose
        self._unanswered = 0

    def say(self, line: str, *, scripted: bool = False) -> Outcome:
        """Say one line to Alexa and show the answer."""
        text = line.strip()
        if not text:
            return self._silence()
        self._unanswered = 0
        heard = self.resolver.hear(text)
        if heard is None:
            if scripted or not self.device.in_session:
                return Outcome.UNRESOLVED
            # In a session Alexa still sends what it did not understand, as FallbackIntent.
            self._note("(no sample utterance matches; Alexa sends AMAZON.FallbackIntent)")
            self._show(self.device.send_intent(FALLBACK_INTENT))
            return Outcome.ANSWERED
        if self.verbose or (heard.match is not None and heard.match.via is not Via.EXACT):
            self._note(describe(heard))
        if heard.action is Action.EXIT:
            if not self.device.in_session:
                return Outcome.QUIT
            self.device.end_session("USER_INITIATED")
            self._note("(session ended)")
            return Outcome.ANSWERED
        if heard.action is Action.LAUNCH:
            self._show(self.device.launch())
        elif heard.match is not None:
            declared = list(self.resolver.intent_slots.get(heard.match.intent, {}))
            self._show(
                self.device.intent(heard.match, declared=declared, new_session=heard.invoked)
            )
        return Outcome.ANSWERED

    def _silence(self) -> Outcome:
        """Enter on its own: opens the skill, or is an unanswered question mid-session."""
        if not self.device.in_session:
            self._unanswered = 0
            self._show(self.device.launch())
            return Outcome.ANSWERED
        self._unanswered += 1
        last = self.device.last
        if self._unanswered == 1 and last is not None and last.reprompt:
            # Alexa itself plays the reprompt; the skill hears nothing of it.
            self._note("(no answer; Alexa asks again)")
            self.display.show(last.reprompt)
            return Outcome.ANSWERED
        self._unanswered = 0
        self.device.end_session("EXCEEDED_MAX_REPROMPTS")
        self._note("(still no answer; Alexa closed the session)")
        return Outcome.ANSWERED

    def _show(self, reply: Reply) -> None:
        self.display.show(reply.text)
        if reply.panel:
            self.out.write(f"{reply.panel}\n")
            self.out.flush()
        if not self.display.realtime:
            # Printed at once, but a device would have played it in full first.
            self.clock.skip(reply.seconds)
        if reply.ends_session and reply.text:
            self._note("(session ended)")

    def _note(self, text: str) -> None:
        self.out.write(f"  {text}\n")
        self.out.flush()

    def close(self) -> None:
        """Leave the way a runner walks away: Alexa ends an open session."""
        if self.device.in_session:
            self.device.end_session("EXCEEDED_MAX_REPROMPTS")
        if self.display.speaker is not None:
            self.display.speaker.stop()

    # ------------------------------------------------------------ the two ways to talk

    def run_script(self, path: Path, err: TextIO) -> int:
        """Say each line of a script (not blanks or `#` comments); 1 at a line nothing matches."""
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            err.write(f"chat: cannot read {path}: {error.strerror or error}\n")
            return 1
        for number, raw in enumerate(lines, start=1):
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            self.out.write(f"{PROMPT}{line}\n")
            # A scripted line takes as long to say as a spoken answer (typed ones take longer).
            self.clock.skip(ANSWER_SECONDS)
            outcome = self.say(line, scripted=True)
            if outcome is Outcome.UNRESOLVED:
                err.write(f"{path}:{number}: {line!r} matches nothing in the interaction model\n")
                return 1
            if outcome is Outcome.QUIT:
                break
            self.out.write("\n")
        return 0

    def run_interactive(self, io: Io, store: str = "") -> int:
        """Read lines until end of input, /quit or Ctrl-C; always ends with exit status 0."""
        self.out.write(BANNER + (f"Your workouts are kept in {store}.\n" if store else "") + "\n")
        interactive = io.interactive
        if interactive is None:
            interactive = io.stdin is sys.stdin and sys.stdin.isatty()
        if interactive:
            with contextlib.suppress(ImportError):  # not on every platform; only a convenience
                import readline  # noqa: F401, PLC0415  # importing it gives input() editing
        while True:
            try:
                line = _read(io, interactive=interactive)
            except (EOFError, KeyboardInterrupt):
                self.out.write("\n")
                return 0
            if line.strip().lower() in QUIT_COMMANDS:
                return 0
            if line.strip().lower() in HELP_COMMANDS:
                self.out.write(HELP)
                continue
            try:
                outcome = self.say(line)
            except KeyboardInterrupt:
                # Ctrl-C while the coach talks is talking over it: stop and listen again.
                if self.display.speaker is not None:
                    self.display.speaker.stop()
                self.out.write("\n")
                self._note("(interrupted; Ctrl-C again at the prompt to leave)")
                continue
            if outcome is Outcome.QUIT:
                return 0
            if outcome is Outcome.UNRESOLVED:
                self._note(
                    "(nothing the skill understands matches that; try "
                    '"open runner strength", or /help)'
                )
            self.out.write("\n")


def _read(io: Io, *, interactive: bool) -> str:
    """One line; typed lines are echoed when they come from a pipe, so the transcript reads."""
    if interactive:
        return input(PROMPT)  # line editing and history once `readline` is imported
    io.stdout.write(PROMPT)
    io.stdout.flush()
    line = io.stdin.readline()
    if not line:
        raise EOFError
    line = line.rstrip("\r\n")
    io.stdout.write(line + "\n")
    return line


def _speaker(io: Io, *, through: bool) -> Speaker | None:
    program = io.which(ESPEAK)
    if program is None:
        io.stderr.write(
            f"{ESPEAK} is not installed, so answers are not read aloud "
            "(sudo apt install espeak-ng).\n"
        )
        return None
    return Speaker(program, io.popen, through=through)


def run_chat(options: ChatOptions, config: Config | None = None, io: Io | None = None) -> int:
    """Run the console; the exit status (0, or 1 for a script line that matches nothing)."""
    io = io or Io()
    config = config or Config.from_env()
    if options.db is not None:
        # An explicit file always means the embedded store, whatever the environment names.
        config = dataclasses.replace(config, db_path=options.db, table_name=None)
    try:
        resolver = Resolver.load()
    except (OSError, ValueError) as error:  # the model unreadable or malformed
        io.stderr.write(f"chat: cannot read the interaction model: {error}\n")
        return 1
    saved = clock_file(config)
    clock = ConsoleClock.resumed(io.wall, saved)
    device = Device(build_entry(config, clock), clock, screen=options.screen)
    if config.skill_id:
        device.skill_id = config.skill_id
    width = io.width or min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH)
    speaker = _speaker(io, through=options.script is not None) if options.speak else None
    display = Display(
        io.stdout, realtime=options.realtime, sleep=io.sleep, speaker=speaker, width=width
    )
    console = Console(resolver, device, display, clock, verbose=options.verbose)
    try:
        if options.script is not None:
            return console.run_script(options.script, io.stderr)
        return console.run_interactive(io, store_name(config))
    finally:
        try:
            console.close()
        finally:
            clock.save(saved)


def run_from_args(args: argparse.Namespace) -> int:
    """`runner-strength chat ...` (see `options.add_chat_arguments`)."""
    options = ChatOptions(
        script=args.script,
        realtime=args.realtime,
        speak=args.speak,
        screen=args.screen,
        db=args.db,
        verbose=args.verbose,
    )
    try:
        return run_chat(options)
    except BrokenPipeError:
        # The reader left (`chat --script demo.txt | head`); the recipe in Python's signal docs:
        # point stdout at /dev/null so the interpreter's last flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
