#!/usr/bin/env bash
# The codedb plugin against plain tools on the Boost corpus (figures in tests/bench/codedb/README.md;
# note). The real oxd serves a project that is a clone of the corpus (make_corpus.sh: the
# headers of /usr/include/boost in 220 commits); sections, chosen by SECTIONS (default abcde):
#   a. full index: `oxctl index --full` vs `git cat-file --batch-all-objects --batch` piped into
#      a Python sqlite3 bulk load of the text blobs into FTS5 (trigram, detail=none)   ≤ 3×
#   b. token queries (code_search, word and plain) p50 ≤ 5 ms, p99 ≤ 25 ms, and
#      vs `git grep -l -F` (median of 3)                                               ≥ 20× faster
#   c. substring queries p99 vs `rg -l -F` p99                                         ≤ 0.3×
#   d. overlay: refresh after editing 10 files and adding 2, and a search hitting a dirty file,
#      vs `git status --porcelain` (median of 5)                                       ≤ 0.05×;
#      save → searchable                                                               ≤ settle + 50 ms
#   e. ping p99 while `code_index {"full": true}` runs vs idle ping p99, twice         ≤ 1.5×
# Each section prints its detail lines (indented) and one summary line with the verdict.
#
#   tests/bench/codedb/index_bench.sh [BUILD_DIR]     (default: build; oxd, oxctl, plugins/codedb.so)
#   SECTIONS=abcde  CORPUS_DIR=$TMPDIR/oxd-codedb-corpus (built once, cached)
#   RUNS=50 GREP_RUNS=3 RG_RUNS=10 PINGS=2000 SAVE_TRIALS=5 INDEX_TIMEOUT=1800 (s, one full run)
#   BENCH_TIMEOUT=5400 (s, the whole measurement)   KEEP_WORLD=1 (keep the temp dir, oxd.out)
#
# Meaningful with a Release or RelWithDebInfo build on a quiet machine: a parallel build on
# the same cores makes every figure noisy. Installs nothing; without `rg` section c says so.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../../build}" && pwd)
sections=${SECTIONS:-abcde}
corpus=${CORPUS_DIR:-${TMPDIR:-/tmp}/oxd-codedb-corpus}
oxd=$build/bin/oxd
oxctl=$build/bin/oxctl
for tool in git python3; do
  command -v $tool >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
[[ -x $oxd && -x $oxctl && -f $build/plugins/codedb.so ]] ||
  { echo "build oxd, oxctl and the codedb plugin in $build first" >&2; exit 2; }
"$oxctl" help index >/dev/null 2>&1 ||
  { echo "$oxctl has no index command (an older build?): rebuild oxctl" >&2; exit 2; }
command -v rg >/dev/null || echo "note: rg not installed (section c compares with it): apt-get install ripgrep"

"$here/make_corpus.sh" "$corpus"

source "$(dirname "${BASH_SOURCE[0]}")/../../support/world.sh"
new_world cbench
project=$world/project
pid=
cleanup() {
  # The project is a throwaway clone, but leave its tree as committed in case KEEP_WORLD=1.
  if [[ -d $project/.git ]]; then
    git -C "$project" checkout -q -- . 2>/dev/null || true
    git -C "$project" clean -fdq 2>/dev/null || true
  fi
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [[ ${KEEP_WORLD:-0} == 1 ]]; then echo "kept $world"; else rm -rf "$world"; fi
}
trap cleanup EXIT

# A local clone shares the corpus's objects (hard links) and gets its own working tree, which
# section d edits; the daemon's project file stays out of git status, rg and git grep.
rm -rf "$project"  # the world's empty one
git clone -q "$corpus" "$project"
git -C "$project" config core.autocrlf false
mkdir -p "$project/.oxd"
echo ".oxd/" >>"$project/.git/info/exclude"
commits=$(git -C "$project" rev-list --count HEAD)
cd "$project"

# Sync and whisper off: nothing but codedb works in the daemon. codedb keeps its defaults
# (settle 100 ms, overlay on): the figures are those of a default install.
"$oxd" --project "$project" --define "daemon.plugin_dir=$build/plugins" \
  --define sync.enabled=false --define whisper.enabled=false >"$world/oxd.out" 2>&1 &
pid=$!
for _ in $(seq 200); do "$oxctl" ping >/dev/null 2>&1 && break; sleep 0.05; done
"$oxctl" ping >/dev/null 2>&1 || { echo "oxd did not start:" >&2; cat "$world/oxd.out" >&2; exit 1; }
socket=$("$oxctl" socket)

# The daemon indexes the project on start (a first, full run); the sections start after it.
start=$(date +%s)
indexed() {
  "$oxctl" --json send code_status | python3 -c '
import json, sys
data = json.load(sys.stdin).get("data", {})
sys.exit(0 if data.get("commits") == int(sys.argv[1]) and not data.get("indexing_now") else 1)' "$commits"
}
until indexed; do
  if (($(date +%s) - start > ${INDEX_TIMEOUT:-1800})); then
    echo "oxd did not index the corpus in ${INDEX_TIMEOUT:-1800} s:" >&2
    "$oxctl" --json send code_status >&2
    tail "$world/oxd.out" >&2
    exit 1
  fi
  kill -0 "$pid" 2>/dev/null || { echo "oxd exited:" >&2; tail "$world/oxd.out" >&2; exit 1; }
  sleep 1
done
echo "corpus HEAD $(git -C "$project" rev-parse --short HEAD) ($commits commits) indexed by oxd at start in $(($(date +%s) - start)) s; sections $sections"

status=0
timeout "${BENCH_TIMEOUT:-5400}" python3 "$here/index_bench.py" "$socket" "$project" "$oxctl" \
  "$world" "$sections" || status=$?
kill -0 "$pid" 2>/dev/null || { echo "oxd exited during the bench:" >&2; tail -n 20 "$world/oxd.out" >&2; }
exit "$status"
