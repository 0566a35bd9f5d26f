#!/usr/bin/env bash
# ASK CLI "custom" build flow: `ask deploy` runs {projectRoot}/hooks/build.sh <zip to write> <debug>
# instead of its built-in python-pip flow, which would pip-install for this machine (not for arm64
# Lambda), zip boto3 along and skip the bundle checks. This writes the same zip as `make package`.
set -euo pipefail
zip_path="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The CLI runs this from its build folder; make the output path absolute before leaving it.
case "$zip_path" in /*) ;; *) zip_path="$PWD/$zip_path" ;; esac
make -C "$root" --no-print-directory .venv/.stamp-run
cd "$root"
exec .venv/bin/runner-strength package --output "$zip_path"
