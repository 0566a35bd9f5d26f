"""Showing what the coach says: readable text with its timers, played in real time or at once.

The skill's speech is read back with `plain_text`, which writes every silence as a timer like
`[30 s]`. By default a response is printed whole, timers included, the moment it arrives. In real
time each piece is shown as the voice would reach it: words, then the silence, long silences as a
progress bar that counts down (`rest [######--------------] 12 s`), so a runner can follow a
workout on a laptop. `Speaker` reads the words aloud with espeak-ng.
"""

from __future__ import annotations

import math
import re
import subprocess
import textwrap
from typing import IO, TYPE_CHECKING, TextIO

from runner_strength.narration.timing import speech_seconds

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

COACH = "coach> "
INDENT = " " * len(COACH)
BAR_WIDTH = 20
# Shorter silences are the gaps in a rep count ("1 [2.5 s] 2") or a countdown ("5 [0.5 s] 4"): a
# bar for each would bury the words, so the console just waits through them.
MIN_BAR_SECONDS = 3.0
ESPEAK = "espeak-ng"

_TIMER = re.compile(r"\[(\d+(?:\.\d+)?) s\]")
# Cues that say what a silence is for; the last one said before a silence names its bar.
_PHASES: Sequence[tuple[re.Pattern[str], str]] = (
    (re.compile(r"\brest\b", re.IGNORECASE), "rest"),
    (re.compile(r"\bhold\b", re.IGNORECASE), "hold"),
    (re.compile(r"(?:^|[.!?]\s+)(?:and\s+)?go\b", re.IGNORECASE), "work"),
    (re.compile(r"\b(?:position|set up|get set)\b", re.IGNORECASE), "get ready"),
    (re.compile(r"\b(?:other side|switch)", re.IGNORECASE), "switch sides"),
)
DEFAULT_PHASE = "pause"


def segments(text: str) -> list[str | float]:
    """Text split into words (str) and the timers between them (seconds, float)."""
    parts: list[str | float] = []
    position = 0
    for found in _TIMER.finditer(text):
        if words := text[position : found.start()].strip():
            parts.append(words)
        parts.append(float(found.group(1)))
        position = found.end()
    if words := text[position:].strip():
        parts.append(words)
    return parts


def spoken_only(text: str) -> str:
    """The words without the timers, for a speech synthesiser."""
    return " ".join(p for p in segments(text) if isinstance(p, str))


def phase_after(words: str, phase: str) -> str:
    """What the next silence is for, given the words just said (unchanged when they give no cue)."""
    latest = -1
    for pattern, name in _PHASES:
        for found in pattern.finditer(words):
            if found.start() > latest:
                latest, phase = found.start(), name
    return phase


def bar(label: str, total: float, remaining: float, width: int = BAR_WIDTH) -> str:
    """One frame of a countdown: `rest [######--------------] 12 s` (filled as time passes)."""
    done = 1.0 if total <= 0 else min(1.0, max(0.0, (total - remaining) / total))
    filled = round(done * width)
    return f"{label} [{'#' * filled}{'-' * (width - filled)}] {math.ceil(remaining - 1e-9)} s"


def wrap(text: str, width: int) -> str:
    """The coach's words wrapped under the `coach>` prompt, never breaking a timer in two."""
    whole = text.replace(" s]", "\0s]")
    wrapped = textwrap.fill(
        whole,
        max(width, 40),
        initial_indent=COACH,
        subsequent_indent=INDENT,
        break_on_hyphens=False,
    )
    return wrapped.replace("\0", " ")


class Speaker:
    """Reads text aloud with espeak-ng; starting new speech stops what is still being said."""

    def __init__(
        self,
        program: str,
        popen: Callable[..., subprocess.Popen[bytes]] = subprocess.Popen,
        *,
        through: bool = False,
    ) -> None:
        self.program = program
        self._popen = popen
        self.through = through
        """Say each answer to the end before going on (a script has no one to talk over it)."""
        self._playing: subprocess.Popen[bytes] | None = None

    def say(self, text: str, *, wait: bool) -> None:
        """Speak `text` (plain words, not SSML); with `wait`, return when it has been said."""
        self.stop()
        if not text.strip():
            return
        # Text goes in on stdin: no argument-length limit, and a leading "-" is never an option.
        process = self._popen(
            [self.program, "--stdin"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stdin: IO[bytes] | None = process.stdin
        if stdin is not None:
            try:
                stdin.write(text.encode("utf-8"))
                stdin.close()
            except BrokenPipeError:
                pass  # the synthesiser quit early; speech is a nicety, the text is on screen
        self._playing = process
        if wait:
            process.wait()
            self._playing = None

    def stop(self) -> None:
        """Cut off speech still playing (the runner spoke over the coach)."""
        playing, self._playing = self._playing, None
        if playing is not None and playing.poll() is None:
            playing.terminate()
            playing.wait()


class Display:
    """Prints each response: all at once (compressed timers) or paced in real time."""

    def __init__(
        self,
        out: TextIO,
        *,
        realtime: bool = False,
        sleep: Callable[[float], None],
        speaker: Speaker | None = None,
        width: int = 100,
    ) -> None:
        self.out = out
        self.realtime = realtime
        self.sleep = sleep
        self.speaker = speaker
        self.width = width

    def show(self, text: str) -> None:
        """Show (and speak) one response."""
        if not text:
            return
        if self.realtime:
            self.play(text)
            return
        self.out.write(wrap(text, self.width) + "\n")
        self.out.flush()
        if self.speaker is not None:
            self.speaker.say(spoken_only(text), wait=self.speaker.through)

    def play(self, text: str) -> None:
        """Words as the voice reaches them, every silence waited through, long ones as a bar."""
        phase = DEFAULT_PHASE
        self.out.write(COACH)
        at_line_start = False
        for part in segments(text):
            if isinstance(part, str):
                phase = phase_after(part, phase)
                self.out.write((INDENT if at_line_start else "") + part + " ")
                self.out.flush()
                at_line_start = False
                if self.speaker is not None:
                    self.speaker.say(part, wait=True)
                else:
                    self.sleep(speech_seconds(part))
            elif part < MIN_BAR_SECONDS:
                self.sleep(part)
            else:
                if not at_line_start:
                    self.out.write("\n")
                self.countdown(phase, part)
                at_line_start = True
        if not at_line_start:
            self.out.write("\n")
        self.out.flush()

    def countdown(self, label: str, seconds: float) -> None:
        """A progress bar redrawn every second until `seconds` have passed, then left complete."""
        remaining = seconds
        shown = ""
        while remaining > 0:
            shown = self._frame(bar(label, seconds, remaining), shown)
            # Step to the next whole second first, so the count reads 12, 11, 10 ... on time.
            step = remaining - math.floor(remaining) or 1.0
            step = min(step, remaining)
            self.sleep(step)
            remaining = round(remaining - step, 3)
        self._frame(bar(label, seconds, 0), shown)
        self.out.write("\n")
        self.out.flush()

    def _frame(self, line: str, previous: str) -> str:
        """Redraw the bar in place: back to the line start, padded over a longer last frame."""
        self.out.write("\r" + INDENT + line.ljust(len(previous)))
        self.out.flush()
        return line
