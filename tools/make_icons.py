"""Draw the skill's store icons from one source drawing: 108 and 512 px PNG.

    .venv/bin/python tools/make_icons.py          # writes interaction_model/assets/images/
    .venv/bin/python tools/make_icons.py --check  # exit 1 when the committed icons differ

The drawing is `draw_icon`: shapes on a 512-unit square (a kettlebell for strength, speed lines
for running, on a deep blue tile). Each size is rendered at four times its size and scaled down
with a Lanczos filter, so both icons come from the same shapes, with smooth edges. The ASK CLI
uploads them from the skill package (`file://assets/images/...` in skill.json): no host needed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

REPO_ROOT = Path(__file__).resolve().parents[1]
IMAGES_DIR = REPO_ROOT / "interaction_model" / "assets" / "images"
SIZES = {"icon-108.png": 108, "icon-512.png": 512}
"""Alexa's small and large skill icons (PNG, square, these exact sizes)."""
UNITS = 512
SUPERSAMPLE = 4
TOLERANCE = 8
"""Largest per-channel difference `--check` accepts: Pillow versions resample slightly apart."""

TILE = (16, 42, 84)
ACCENT = (255, 138, 36)
WHITE = (250, 250, 247)


def draw_icon(size: int) -> Image.Image:
    """The icon at `size` x `size` pixels (RGB, no transparency), drawn from the shapes below."""
    big = size * SUPERSAMPLE
    scale = big / UNITS
    image = Image.new("RGB", (big, big), TILE)
    pen = ImageDraw.Draw(image)

    def box(left: float, top: float, right: float, bottom: float) -> tuple[float, ...]:
        return (left * scale, top * scale, right * scale, bottom * scale)

    # A warm disc behind the kettlebell.
    pen.ellipse(box(96, 96, 416, 416), fill=ACCENT)
    # Kettlebell: a wide handle (an oval ring, its lower half hidden by the bell), a round bell
    # wider than the handle, and a flat foot it stands on.
    pen.ellipse(box(184, 112, 372, 268), fill=WHITE)
    pen.ellipse(box(222, 146, 334, 236), fill=ACCENT)
    pen.ellipse(box(160, 184, 396, 404), fill=WHITE)
    pen.rounded_rectangle(box(196, 372, 360, 400), radius=10 * scale, fill=WHITE)
    # Speed lines: the bell is on the move.
    for top, left in ((232, 60), (278, 36), (324, 72)):
        pen.rounded_rectangle(box(left, top, 140, top + 22), radius=11 * scale, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def largest_difference(first: Image.Image, second: Image.Image) -> int:
    """The largest per-channel difference between two same-sized RGB images (0 when equal)."""
    difference = ImageChops.difference(first.convert("RGB"), second.convert("RGB"))
    largest = 0
    for band in difference.split():
        counts = band.histogram()  # counts[v]: how many pixels differ by exactly v
        largest = max([largest, *(value for value, count in enumerate(counts) if count)])
    return largest


def main(argv: list[str] | None = None) -> int:
    """Write the icons, or with --check compare them with freshly drawn ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--output", type=Path, default=IMAGES_DIR, help="where the icons go")
    args = parser.parse_args(argv)
    problems = []
    for name, size in SIZES.items():
        target = args.output / name
        drawn = draw_icon(size)
        if args.check:
            if not target.is_file():
                problems.append(f"{target}: missing")
                continue
            with Image.open(target) as committed:
                if committed.size != (size, size):
                    problems.append(f"{target}: {committed.size}, expected {size} x {size}")
                elif largest_difference(committed, drawn) > TOLERANCE:
                    problems.append(f"{target}: differs from the drawing")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        drawn.save(target, format="PNG", optimize=True)
        print(f"wrote {target} ({size} x {size}, {target.stat().st_size} bytes)")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run `python tools/make_icons.py` and commit the result", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
