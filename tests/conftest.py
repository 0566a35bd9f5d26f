"""Shared fixtures: the real content library, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner_strength.content.loader import load_directory
from runner_strength.content.model import Library

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = REPO_ROOT / "content"


@pytest.fixture(scope="session")
def library() -> Library:
    """The real, validated content library from content/."""
    return load_directory(CONTENT_DIR)
