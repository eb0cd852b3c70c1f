#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each from its checked-in seed corpus
# (tests/fuzz/README.md). Usage: tests/fuzz/run.sh [target...]  (default: every target)
#   FUZZ_TOTAL_SECONDS  the time shared by the targets run (default 120: scripts/test.sh's short
#                       run); FUZZ_SECONDS, when set, is the time of each target instead
#   FUZZ_TIMEOUT        seconds one input may take before it counts as a finding (default 1)
#   FUZZ_BUILD_DIR      the clang build dir (default build-fuzz/)
# Exit status 0 means no findings; a finding leaves its input as $FUZZ_BUILD_DIR/fuzz-<target>-*
# and fails the run (the other targets still run).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
all_targets=(line payload config files codedb_query extract)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
seconds=${FUZZ_SECONDS:-$(( ${FUZZ_TOTAL_SECONDS:-120} / ${#targets[@]} ))}
[ "$seconds" -lt 1 ] && seconds=1
timeout=${FUZZ_TIMEOUT:-1}

launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$root")}" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang "${launcher[@]}" \
  -DOXD_BUILD_FUZZ=ON -DOXD_BUILD_TESTS=OFF -DOXD_BUILD_BENCH=OFF >/dev/null
ninja -C "$build" "${targets[@]/#/oxd_fuzz_}"

# The targets' scratch files (an index, ini and state files) go under a dir removed at the end.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
status=0
for target in "${targets[@]}"; do
  corpus=$(mktemp -d)
  # A copy: what the run adds stays out of the checked-in seeds.
  cp "$root/tests/fuzz/corpus/$target/"* "$corpus/"
  echo "== oxd_fuzz_$target: $seconds s"
  "$build/tests/fuzz/oxd_fuzz_$target" "$corpus" -max_total_time="$seconds" -max_len=8192 \
    -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-$target-" || status=1
  rm -rf "$corpus"
done
exit "$status"
