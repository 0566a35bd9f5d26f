"""Files as committed (`git show HEAD:path`), for tests about what the repository ships.

`ask deploy` edits the working tree's skill.json (it writes the endpoint and events), so a test of
the committed manifest reads the commit, not the file: `make test` passes after a real deploy.
Outside a git checkout (an unpacked source archive) the working tree is what ships.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


def committed_text(path: Path) -> str:
    """The file's text at HEAD, or on disk when it is not in a commit (or there is no git)."""
    relative = path.resolve().relative_to(REPO_ROOT).as_posix()
    try:
        result = subprocess.run(
            ["git", "show", f"HEAD:{relative}"],
            capture_output=True,
            check=False,
            cwd=REPO_ROOT,
        )
    except OSError:
        return path.read_text(encoding="utf-8")
    if result.returncode != 0:
        return path.read_text(encoding="utf-8")
    return result.stdout.decode("utf-8")


def committed_json(path: Path) -> Any:
    """The file's JSON at HEAD (see `committed_text`)."""
    return json.loads(committed_text(path))
