#!/usr/bin/env bash
# Configures and builds oxd into build/ (or $OXD_BUILD_DIR). Extra arguments go to CMake.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${OXD_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${OXD_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
ninja -C "$build" >/dev/null
