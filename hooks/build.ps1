# ASK CLI "custom" build flow on Windows. `ask deploy` runs, from the project root:
#   PowerShell.exe -Command "& {& '<root>\hooks\build.ps1' '<zip to write>' $False }"
# (hooks/build.sh on Linux and macOS). Without this file the CLI would zip lambda\ as it is, with no
# dependencies, and the function would crash on import. The bundle (arm64 wheels for Python 3.13,
# boto3 left to the runtime, the 10 MB budget check) is built by `make package`, which needs a
# POSIX shell and make, so on Windows this stops the deploy, loudly, before anything is uploaded.
param(
    [Parameter(Position = 0)][string]$OutFile = "",
    [Parameter(Position = 1)][bool]$DoDebug = $false
)

$message = @"
runner-strength: the Lambda bundle cannot be built by PowerShell; nothing was deployed.
Deploy from WSL (Windows Subsystem for Linux) instead, where hooks/build.sh builds it:
  1. wsl --install -d Debian            (once, from an administrator PowerShell; then restart)
  2. in the WSL shell: sudo apt-get install -y python3 python3-venv make zip nodejs npm git
  3. npm install -g ask-cli; ask configure   (link your Amazon developer and AWS profiles)
  4. git clone <this repository> and cd into it (inside the Linux file system, e.g. ~/src)
  5. ask deploy
Or build the zip on any Linux or macOS machine with `make package` and deploy it with
CloudFormation as docs/deploy.md describes.
"@

[Console]::Error.WriteLine($message)
exit 1
