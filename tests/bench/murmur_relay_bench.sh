#!/usr/bin/env bash
# Murmur relay after a pull: 1,000 teammates' murmurs freshly written into a checkout, relayed
# into a fresh ledger store (listing, reading, decoding, relay marks, one transaction), in process
# (tests/bench/MurmurRelayBench.cpp; oxd_whisper_relay_bench is built with the tests).
#   1. this build: the original's layout (data/murmurs/<date>/<hour>/) against oxd's earlier
#      layout (murmurs/<date>/, which this build still reads), interleaved in one process;
#   2. with BASELINE (an oxd checkout whose build/ holds its oxd_whisper_logic, e.g. the commit
#      before the original's layout): this build relaying the original's layout against the
#      baseline's relay of its own layout — "today's relay" — alternating processes.
# Target: 2. (else 1.) median <= 1.2x.
# Usage: tests/bench/murmur_relay_bench.sh [build dir] [BASELINE checkout]
set -euo pipefail
build=$(cd "${1:-$(dirname "$0")/../../build}" && pwd)
bench="$build/plugins/whisper/oxd_whisper_relay_bench"
rounds=${RELAY_BENCH_ROUNDS:-7}
[ -x "$bench" ] || { echo "$bench not built (ninja -C $build oxd_whisper_relay_bench)" >&2; exit 2; }

echo "1. this build, both layouts, $((rounds * 3)) runs each:"
"$bench" --runs $((rounds * 3))

[ -n "${2:-}" ] || exit 0
base=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The bench uses only MurmurRelay/StoreSet interfaces that the baseline has too.
c++ -std=c++20 -O2 -DNDEBUG -I"$base/plugins/whisper" -I"$base/sdk/include" \
  "$(dirname "$0")/MurmurRelayBench.cpp" "$base/build/plugins/whisper/liboxd_whisper_logic.a" \
  -lPocoJSON -lPocoDataSQLite -lPocoData -lPocoFoundation -lsqlite3 -lpthread \
  -o "$tmp/baseline_bench"
for _ in $(seq "$rounds"); do
  "$bench" --layout original --runs 3 | sed -n 's/.*median \([0-9.]*\) ms.*/new \1/p'
  "$tmp/baseline_bench" --layout oxd --runs 3 | sed -n 's/.*median \([0-9.]*\) ms.*/base \1/p'
done | python3 -c '
import statistics, sys
runs = {"new": [], "base": []}
for line in sys.stdin:
    kind, ms = line.split()
    runs[kind].append(float(ms))
new, base = statistics.median(runs["new"]), statistics.median(runs["base"])
print("2. this build, original layout: median %.1f ms | baseline, oxd layout: median %.1f ms |"
      " ratio %.2fx (target <= 1.2x), %d rounds" % (new, base, new / base, len(runs["new"])))
'
