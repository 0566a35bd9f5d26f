"""The ASK CLI's custom build hooks: build.sh builds the bundle, build.ps1 stops a Windows deploy.

ASK CLI 2.30 (lib/builtins/build-flows/custom.js) looks for hooks/build.ps1 on win32 and
hooks/build.sh elsewhere, and runs it with the zip path and a debug flag. No PowerShell runs here,
so the Windows hook is checked as text: it takes the CLI's two arguments, writes no zip, says how to
deploy from WSL and exits non-zero, which makes the CLI's execSync, and so `ask deploy`, fail.
"""

from __future__ import annotations

import re
from pathlib import Path

HOOKS = Path(__file__).resolve().parents[2] / "hooks"


def _powershell() -> str:
    return (HOOKS / "build.ps1").read_text(encoding="utf-8")


def test_windows_has_a_build_hook_so_the_cli_never_zips_lambda_bare() -> None:
    """hooks/build.ps1 exists beside build.sh: the CLI's custom flow handles Windows too."""
    assert (HOOKS / "build.sh").is_file()
    assert (HOOKS / "build.ps1").is_file()


def test_windows_hook_takes_the_cli_arguments() -> None:
    """The script declares the zip path and the debug flag, positionally, as the CLI passes them."""
    parameters = re.search(r"param\((.*?)\n\)", _powershell(), re.DOTALL)
    assert parameters is not None
    text = parameters.group(1)
    assert "[Parameter(Position = 0)][string]$OutFile" in text
    assert "[Parameter(Position = 1)][bool]$DoDebug" in text


def test_windows_hook_fails_loudly_with_wsl_steps_and_builds_nothing() -> None:
    """It explains how to deploy from WSL on stderr, exits 1, and writes no zip."""
    script = _powershell()
    code = [line for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert code[-1].strip() == "exit 1"
    assert "[Console]::Error.WriteLine($message)" in script
    for step in ("wsl --install", "ask deploy", "hooks/build.sh", "make package"):
        assert step in script, step
    assert not re.search(r"Compress-Archive|Out-File|Set-Content", script)
    assert script.count("$OutFile") == 1  # declared, never written to
