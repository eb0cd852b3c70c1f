#!/usr/bin/env bash
# Sets up and runs oxd in the foreground for the project in the working directory.
# Usage: bash /path/to/oxd/scripts/run.sh [oxd options]     (Ctrl-C stops it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$PWD"
bash "$root/scripts/deps.sh"
bash "$root/scripts/build.sh"
echo "oxd: serving $project — talk to it with $root/build/bin/oxctl status --json" >&2
exec "$root/build/bin/oxd" --project "$project" "$@"
