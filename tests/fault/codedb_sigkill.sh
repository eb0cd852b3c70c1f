#!/usr/bin/env bash
# Crash safety of the codedb plugin: SIGKILL oxd while it indexes — the start-up run
# over new commits, or a `code_index {full: true}` rebuild — restart it, and check what a user
# relies on:
#   - `PRAGMA integrity_check` of the index is "ok" after every kill;
#   - after the restart the index completes by itself (every commit of HEAD indexed) and
#     answers text, symbol and history searches exactly as `git grep` / the history say.
# Each iteration adds a few commits first (so the start-up run has work), and half of them
# also ask for a full rebuild; the kill lands 0-1.5 s later.
#
#   tests/fault/codedb_sigkill.sh [BUILD_DIR]      (default ./build)
#   CODEDB_SIGKILL_ITERATIONS=100 (default)   CODEDB_SIGKILL_SEED=N
#
# Prints "N iterations, M failures"; exit 1 on any failure (the world is then kept).
set -uo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
iterations=${CODEDB_SIGKILL_ITERATIONS:-100}
RANDOM=${CODEDB_SIGKILL_SEED:-$$}
oxd=$build_dir/bin/oxd
oxctl=$build_dir/bin/oxctl
for tool in sqlite3 python3 git; do
  command -v $tool >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
[[ -x $oxd && -x $oxctl && -f $build_dir/plugins/codedb.so ]] ||
  { echo "build oxd, oxctl and codedb in $build_dir first" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world cfault
# The script starts and kills oxd itself: an oxctl in its loops must not start another one
# (after new_world, which clears every OXD_ variable).
export OXD_NO_AUTOSTART=1
project=$world/project
cd "$project"

daemon_pid=
client_pid=
failures=0
keep_world=0
cleanup() {
  [[ -n $client_pid ]] && kill -KILL "$client_pid" 2>/dev/null
  if [[ -n $daemon_pid ]]; then kill -KILL "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; fi
  if ((keep_world)); then echo "world kept: $world" >&2; else rm -rf "$world"; fi
}
trap cleanup EXIT
fail() { echo "FAIL (iteration $1): $2" >&2; failures=$((failures + 1)); keep_world=1; }

# commits N TAG: N commits, each adding a C file with a function and a comment, and editing a
# shared file (so blobs are shared and versions close), through fast-import (fast).
commits() {
  python3 - "$1" "$2" <<'PY' | git fast-import --quiet
import sys
n, tag = int(sys.argv[1]), sys.argv[2]
import subprocess
head = subprocess.run(["git", "rev-parse", "-q", "--verify", "refs/heads/main"],
                      capture_output=True, text=True).stdout.strip()
for i in range(n):
    name = "%s_%d" % (tag, i)
    body = "// %s does one thing.\nint fn_%s(void) { return %d; }\n" % (name, name, i)
    shared = "int shared_%s = %d;\n" % (name, i)
    print("commit refs/heads/main")
    print("committer Me <me@example.com> %d +0000" % (1700000000 + i))
    msg = "add %s" % name
    print("data %d\n%s" % (len(msg), msg))
    if i == 0 and head:
        print("from %s" % head)
    print("M 100644 inline src/%s/%s.c" % (tag, name))
    print("data %d\n%s" % (len(body.encode()), body))
    print("M 100644 inline shared.c")
    print("data %d\n%s" % (len(shared.encode()), shared))
PY
  git reset -q --hard main
}

git init -q -b main
echo ".oxd/" >.git/info/exclude
commits 400 base

start_daemon() {
  "$oxd" --project "$project" --define daemon.plugin_dir="$build_dir/plugins" \
    --define sync.enabled=false --define whisper.enabled=false \
    --define daemon.restart_throttle=false >>"$world/daemon.out" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do
    "$oxctl" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}
index=
# Waits until every commit of HEAD is indexed and no run is active.
wait_indexed() {
  local want
  want=$(git rev-list --count HEAD)
  for _ in $(seq 1200); do
    "$oxctl" --json send code_status 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)["data"]
sys.exit(0 if d["commits"] == int(sys.argv[1]) and not d["indexing_now"] else 1)' "$want" && return 0
    sleep 0.1
  done
  return 1
}
search_paths() {  # QUERY KIND [HISTORY]
  "$oxctl" --json send code_search "{\"query\": \"$1\", \"kind\": \"$2\", \"limit\": 1000${3:+, \"history\": true}}" |
    python3 -c 'import json, sys; print("\n".join(sorted({r["path"] for r in json.load(sys.stdin)["data"]["results"]})))'
}

for ((i = 1; i <= iterations; i++)); do
  commits $((RANDOM % 20 + 1)) "it$i"
  start_daemon || { fail $i "oxd did not answer after a restart"; tail -5 "$world/daemon.out" >&2; break; }
  if ((RANDOM % 2)); then
    "$oxctl" --json send code_index '{"full": true}' >/dev/null 2>&1 &
    client_pid=$!
  fi
  sleep "$((RANDOM % 2)).$(printf "%03d" $((RANDOM % 500)))"
  kill -KILL "$daemon_pid"
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
  if [[ -n $client_pid ]]; then kill -KILL "$client_pid" 2>/dev/null; wait "$client_pid" 2>/dev/null; fi
  client_pid=
  index=${index:-$(ls "$XDG_DATA_HOME"/oxd/workspaces/*/codedb/project.db 2>/dev/null)}
  if [[ -n $index && -f $index ]]; then
    integrity=$(sqlite3 "$index" "PRAGMA integrity_check" 2>&1)
    [[ $integrity == ok ]] || fail $i "integrity_check: $integrity"
  fi
  # Every few iterations (and the last), the restarted daemon must finish and answer exactly.
  if ((i % 5 == 0 || i == iterations)); then
    start_daemon || { fail $i "oxd did not answer"; break; }
    if ! wait_indexed; then
      fail $i "the index did not complete after the restart"
    else
      tag="it$i"
      [[ $(search_paths "fn_${tag}_0" text) == "$(git grep -l -F "fn_${tag}_0")" ]] ||
        fail $i "text search differs from git grep"
      [[ $(search_paths "shared_" text) == "$(git grep -l -F shared_)" ]] ||
        fail $i "common text search differs from git grep"
      [[ $(search_paths "fn_base_7" symbol) == "src/base/base_7.c" ]] ||
        fail $i "symbol search lost fn_base_7"
      [[ $(search_paths "shared_base_3" text history) == "shared.c" ]] ||
        fail $i "history search lost an old version"
    fi
    kill -TERM "$daemon_pid"; wait "$daemon_pid" 2>/dev/null; daemon_pid=
  fi
done
echo "$iterations iterations, $failures failures ($(git rev-list --count HEAD) commits indexed at the end)"
((failures == 0))
