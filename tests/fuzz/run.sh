#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS (default 60) from the
# checked-in seed corpus. Exit status 0 means no findings; a crash leaves its input as
# $FUZZ_BUILD_DIR/fuzz-crash-* and fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-60}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
  -DOXD_BUILD_FUZZ=ON -DOXD_BUILD_TESTS=OFF -DOXD_BUILD_BENCH=OFF >/dev/null
ninja -C "$build" oxd_fuzz_line

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp "$root/tests/fuzz/corpus/line/"* "$corpus/"
"$build/tests/fuzz/oxd_fuzz_line" "$corpus" -max_total_time="$seconds" -max_len=8192 \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/fuzz-"
