"""The conversation's modules stay small enough to read whole: none over 400 lines."""

from __future__ import annotations

from pathlib import Path

import runner_strength.alexa

MOST_LINES = 400
ALEXA = Path(runner_strength.alexa.__file__).resolve().parent


def _too_long(folder: Path, most: int = MOST_LINES) -> dict[str, int]:
    """The Python files under `folder` longer than `most` lines, with their line counts."""
    counts = {
        str(path.relative_to(folder)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(folder.rglob("*.py"))
    }
    return {name: lines for name, lines in counts.items() if lines > most}


def test_no_module_of_the_alexa_package_is_over_400_lines() -> None:
    """Every file in lambda/runner_strength/alexa/ has at most 400 lines: split along a seam."""
    assert list(ALEXA.glob("*.py")), ALEXA
    assert _too_long(ALEXA) == {}, (
        "split these along their seams (see docs/ARCHITECTURE.md for the alexa/ modules)"
    )


def test_the_line_count_catches_a_long_module(tmp_path: Path) -> None:
    """The check is real: a file one line over the limit is named, one at the limit is not."""
    (tmp_path / "long.py").write_text("x = 1\n" * (MOST_LINES + 1), encoding="utf-8")
    (tmp_path / "fits.py").write_text("x = 1\n" * MOST_LINES, encoding="utf-8")
    assert _too_long(tmp_path) == {"long.py": MOST_LINES + 1}
