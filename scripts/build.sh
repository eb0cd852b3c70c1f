#!/usr/bin/env bash
# Configures and builds oxd into build/ (or $OXD_BUILD_DIR). Extra arguments go to CMake.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${OXD_BUILD_DIR:-$root/build}"
# ccache keeps rebuilds short on a machine that built before; the base dir makes its keys
# independent of where the checkout lives.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$root")}"
  # With -g ccache also hashes the build dir, so a second checkout (a git worktree) would miss
  # every object; the cost is a debug-info compilation dir that may name the other checkout.
  export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${OXD_BUILD_TYPE:-RelWithDebInfo}" \
  "${launcher[@]}" "$@" >/dev/null
ninja -C "$build" >/dev/null
