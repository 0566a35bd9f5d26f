import io
import re
import subprocess
from typing import Any, cast

import pytest

from runner_strength.console.display import (
    BAR_WIDTH,
    COACH,
    Display,
    Speaker,
    bar,
    phase_after,
    segments,
    spoken_only,
    wrap,
)
from runner_strength.narration.timing import speech_seconds

HOLD = (
    "Hold for 30 seconds. Into position. [5 s] And hold. [1.9 s] Relax your shoulders. [4.7 s] "
    "20 seconds left. [8.7 s] 5 [0.5 s] 4 [0.5 s] Done. Rest. Next, set 2. [12.4 s] "
    "Ready for set 2?"
)


class Sleeps:
    """A sleep that only writes down how long it was asked to wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        """Note the wait; return at once."""
        self.calls.append(seconds)

    @property
    def total(self) -> float:
        """All the time waited."""
        return sum(self.calls)


class KeptBytes(io.BytesIO):
    """A pipe whose bytes stay readable after the writer closes it."""

    def close(self) -> None:
        """Keep the buffer open for the test to read."""


class FakeProcess:
    """Stands in for an espeak-ng process: keeps what it was told to say."""

    def __init__(self, args: list[str], **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs
        self.stdin = KeptBytes()
        self.running = True
        self.waited = False
        self.terminated = False

    def poll(self) -> int | None:
        """None while speaking, as Popen.poll."""
        return None if self.running else 0

    def wait(self) -> int:
        """Speak to the end."""
        self.waited = True
        self.running = False
        return 0

    def terminate(self) -> None:
        """Be cut off."""
        self.terminated = True
        self.running = False

    @property
    def said(self) -> str:
        """The text written to the process's stdin."""
        return self.stdin.getvalue().decode("utf-8")


class FakePopen:
    """Records every process the speaker starts."""

    def __init__(self) -> None:
        self.started: list[FakeProcess] = []

    def __call__(self, args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        """Start a fake process."""
        process = FakeProcess(args, **kwargs)
        self.started.append(process)
        return cast("subprocess.Popen[bytes]", process)


def test_segments_split_words_from_timers() -> None:
    """Readable text splits into the words and the seconds of each timer, in order."""
    assert segments("Go. [5 s] 1 [2.5 s] 2") == ["Go.", 5.0, "1", 2.5, "2"]
    assert segments("[10 s]") == [10.0]
    assert spoken_only("Go. [5 s] 1 [2.5 s] 2") == "Go. 1 2"


def test_bar_fills_as_time_passes() -> None:
    """A countdown frame is filled by the part already waited and shows whole seconds left."""
    assert bar("rest", 20, 20) == f"rest [{'-' * BAR_WIDTH}] 20 s"
    assert bar("rest", 20, 12) == "rest [########------------] 12 s"
    assert bar("rest", 20, 0) == f"rest [{'#' * BAR_WIDTH}] 0 s"
    assert bar("hold", 12.4, 12.4).endswith("] 13 s"), "a part second counts as a second left"


def test_countdown_really_waits_and_counts_down_each_second() -> None:
    """The bar is redrawn each second for the whole timer, counting 13, 12 ... down to 0."""
    out, sleeps = io.StringIO(), Sleeps()
    Display(out, realtime=True, sleep=sleeps).countdown("rest", 12.4)
    assert sleeps.total == pytest.approx(12.4)
    assert sleeps.calls[0] == pytest.approx(0.4), "first to the whole second, then once a second"
    assert all(call == 1.0 for call in sleeps.calls[1:])
    frames = [f.strip() for f in out.getvalue().split("\r") if f.strip()]
    left = [int(f.rsplit(" ", 2)[-2]) for f in frames]
    assert left == [13, *range(12, -1, -1)]
    assert frames[-1] == f"rest [{'#' * BAR_WIDTH}] 0 s"
    assert out.getvalue().endswith("\n")


def test_realtime_play_takes_as_long_as_the_audio() -> None:
    """Playing a response waits through every word and every silence: the audio's length."""
    out, sleeps = io.StringIO(), Sleeps()
    Display(out, realtime=True, sleep=sleeps).show(HOLD)
    silences = sum(p for p in segments(HOLD) if isinstance(p, float))
    words = sum(speech_seconds(p) for p in segments(HOLD) if isinstance(p, str))
    assert sleeps.total == pytest.approx(silences + words)


def test_realtime_play_shows_long_silences_as_labelled_bars() -> None:
    """Long silences get a bar named by the cue before them; rep gaps and countdowns do not."""
    out = io.StringIO()
    Display(out, realtime=True, sleep=Sleeps()).show(HOLD)
    shown = out.getvalue()
    assert shown.startswith(COACH + "Hold for 30 seconds.")
    finals = re.findall(r"(\w[\w ]*?) \[#{20}\] 0 s", shown)
    assert finals == ["get ready", "hold", "hold", "rest"]
    assert "5 4 Done." in shown, "half-second gaps pass without a bar"
    assert shown.rstrip().endswith("Ready for set 2?")


@pytest.mark.parametrize(
    ("words", "before", "after"),
    [
        ("Rest. Coming up, set 2 of 3.", "work", "rest"),
        ("Into position.", "rest", "get ready"),
        ("And hold.", "get ready", "hold"),
        ("Go.", "get ready", "work"),
        ("30 seconds to go.", "rest", "rest"),
        ("Other side.", "hold", "switch sides"),
        ("Keep breathing steadily.", "hold", "hold"),
    ],
)
def test_the_last_cue_names_the_next_silence(words: str, before: str, after: str) -> None:
    """The last cue said before a silence says what it is for; no cue keeps the last one."""
    assert phase_after(words, before) == after


def test_compressed_display_prints_everything_at_once() -> None:
    """By default an answer is printed whole, timers as [n s], with no waiting at all."""
    out, sleeps = io.StringIO(), Sleeps()
    Display(out, sleep=sleeps, width=60).show(HOLD)
    assert sleeps.calls == []
    shown = out.getvalue()
    assert shown.startswith(COACH)
    assert "[12.4 s]" in shown.replace("\n" + " " * len(COACH), " ")
    assert all(len(line) <= 60 for line in shown.splitlines())


def test_wrapping_never_breaks_a_timer() -> None:
    """Wrapped text keeps every timer on one line."""
    text = " ".join(["1 [2.5 s] 2 [2.5 s] 3 [2.5 s]"] * 20)
    for line in wrap(text, 41).splitlines():
        assert not line.rstrip().endswith("["), line
        assert not re.search(r"\[\d+(\.\d)?$", line.rstrip()), line


def test_speaker_passes_plain_text_on_stdin_and_stops_the_last_speech() -> None:
    """The speaker hands espeak-ng the words on stdin and cuts off speech still playing."""
    popen = FakePopen()
    speaker = Speaker("/usr/bin/espeak-ng", popen)
    speaker.say("Rest now.", wait=False)
    speaker.say("Ready for set 2?", wait=False)
    first, second = popen.started
    assert first.args == ["/usr/bin/espeak-ng", "--stdin"]
    assert first.kwargs["stdin"] == subprocess.PIPE
    assert (first.said, second.said) == ("Rest now.", "Ready for set 2?")
    assert first.terminated, "new speech cuts off the old"
    speaker.stop()
    assert second.terminated


def test_speaker_waits_when_asked() -> None:
    """Speaking through waits until the speech is finished."""
    popen = FakePopen()
    Speaker("espeak-ng", popen).say("Go.", wait=True)
    assert popen.started[0].waited


def test_speaker_says_nothing_for_empty_text() -> None:
    """Empty text starts no process."""
    popen = FakePopen()
    Speaker("espeak-ng", popen).say("  ", wait=True)
    assert popen.started == []


def test_display_speaks_words_without_timers_or_markup() -> None:
    """The words spoken are the answer's text, timers and SSML left out."""
    popen = FakePopen()
    Display(io.StringIO(), sleep=Sleeps(), speaker=Speaker("espeak-ng", popen)).show(HOLD)
    said = popen.started[0].said
    assert said.startswith("Hold for 30 seconds. Into position. And hold.")
    assert "[" not in said
    assert "<" not in said


def test_realtime_speech_paces_the_words() -> None:
    """In real time each piece of words is spoken to its end, and the silences are still waited."""
    popen, sleeps = FakePopen(), Sleeps()
    Display(io.StringIO(), realtime=True, sleep=sleeps, speaker=Speaker("espeak-ng", popen)).show(
        "Into position. [5 s] And hold."
    )
    assert [p.said for p in popen.started] == ["Into position.", "And hold."]
    assert all(p.waited for p in popen.started)
    assert sleeps.total == pytest.approx(5.0), "speaking took the words' time; only silence slept"
