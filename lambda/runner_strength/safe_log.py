"""Log lines a request cannot forge: control characters in logged values are escaped.

A request is written by whoever sends it, and many log lines carry a piece of one (a request
type, an error message Alexa relays, a slot value). A newline in such a value would start a fake
log line of the sender's choosing, and an ANSI escape could rewrite what a terminal shows. The
record factory installed here escapes every control character (and the Unicode line and paragraph
separators) in the message and its arguments of records from this package's loggers, so one call
to `log.info` is always one line. Records from other packages pass through untouched.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

PACKAGE = "runner_strength"
_installed = threading.Lock()
_state = {"installed": False}
_PLAIN = (int, float, bool, type(None))


def escape(text: str) -> str:
    """`text` with every control character written as a visible escape (a newline as two chars)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    return repr(ch)[1:-1] if ch not in "\u2028\u2029" else f"\\u{ord(ch):04x}"


def _safe_arg(value: object) -> object:
    if isinstance(value, _PLAIN):
        return value
    # Anything else is formatted with %s (or %r) by the message: escaping its text here gives the
    # same line a well-behaved value gives, and a hostile one cannot break out of it.
    return escape(value if isinstance(value, str) else str(value))


def install() -> None:
    """Escape control characters in this package's log records (idempotent, process-wide)."""
    with _installed:
        if _state["installed"]:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:  # as logging's
            record = previous(*args, **kwargs)
            if record.name == PACKAGE or record.name.startswith(PACKAGE + "."):
                _sanitise(record)
            return record

        logging.setLogRecordFactory(factory)
        _state["installed"] = True


def _sanitise(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        record.msg = escape(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_safe_arg(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _safe_arg(value) for key, value in record.args.items()}
