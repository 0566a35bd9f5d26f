"""The `chat` sub-command's options, kept apart so building the CLI parser imports nothing heavy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_chat_arguments(parser: argparse.ArgumentParser) -> None:
    """Add `chat`'s options to its sub-parser."""
    parser.add_argument(
        "--script",
        type=Path,
        metavar="FILE",
        help="say the lines of FILE in turn (# comments); exit 1 at one that matches nothing",
    )
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="play each answer at speaking pace, timers as live progress bars",
    )
    parser.add_argument(
        "--speak",
        action="store_true",
        help="read the answers aloud with espeak-ng, when it is installed",
    )
    parser.add_argument(
        "--screen",
        action="store_true",
        help="be an Echo Show: print what the screen would show as a text panel",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="SQLite file to keep state in (default: RUNNER_STRENGTH_DB or the state directory)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show the intent and slots each line was understood as",
    )
