#!/usr/bin/env bash
# Sets up and runs every test: dependencies, a -Werror build, the unit and integration suites
# (ctest), and a short run of every fuzz target (2 minutes in all, tests/fuzz/README.md).
# OXD_SANITIZE=address,undefined or thread runs the suites under a sanitizer in
# build-<sanitizer>/ instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/deps.sh"
jobs="$(nproc)"
if [ -n "${OXD_SANITIZE:-}" ]; then
  export OXD_BUILD_DIR="$root/build-${OXD_SANITIZE//,/-}"
  bash "$root/scripts/build.sh" -DOXD_SANITIZE="$OXD_SANITIZE" -DOXD_BUILD_TESTS=ON
else
  export OXD_BUILD_DIR="$root/build"
  bash "$root/scripts/build.sh" -DOXD_BUILD_TESTS=ON
fi
status=0
# Style is part of the build: Google base, 100 columns (.clang-format).
unformatted=$(cd "$root" && git ls-files '*.cpp' '*.h' '*.c' | while read -r file; do
  clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || echo "$file"; done)
if [ -n "$unformatted" ]; then echo "clang-format differs on: $unformatted" >&2; status=1; fi
# Thread contracts: clang's -Wthread-safety over the core, parse only (scripts/thread-safety.sh).
if [ -z "${OXD_SANITIZE:-}" ]; then
  bash "$root/scripts/thread-safety.sh" "$OXD_BUILD_DIR" || status=1
fi
# The SIGKILL fault tests (label fault) run 10 iterations each here (about a minute); their full
# 200-iteration runs are by hand (tests/fault/README.md). OXD_FAULT=0 leaves them out.
fault_filter=()
[ "${OXD_FAULT:-1}" = 0 ] && fault_filter=(-LE fault)
ctest --test-dir "$OXD_BUILD_DIR" --output-on-failure -j "$jobs" --timeout 300 "${fault_filter[@]}" ||
  status=$?
if [ -z "${OXD_SANITIZE:-}" ] && [ -x "$root/tests/fuzz/run.sh" ] && [ "${OXD_SKIP_FUZZ:-0}" != 1 ]; then
  FUZZ_TOTAL_SECONDS="${FUZZ_TOTAL_SECONDS:-120}" bash "$root/tests/fuzz/run.sh" || status=$?
fi
exit "$status"
