#!/usr/bin/env bash
# Crash safety of the sync plugin: kill oxd with SIGKILL at random moments of sync,
# clone, GC and murmur commits, restart it, and check what a user relies on:
#   - the next manual sync (ledger and teams) succeeds and reports no lock;
#   - `git fsck --full` is clean in every checkout;
#   - no *.lock file is left in any .git (the next sync would raise git_lock: a lock oxd left
#     behind is fresh, so the 10-minute stale rule would not remove it);
#   - no committed local work is lost: every local commit made before the kill is in the
#     checkout's history or in the remote's.
#
#   tests/fault/sync_sigkill.sh [BUILD_DIR]        (default ./build)
#   SYNC_SIGKILL_ITERATIONS=200 (default)   SYNC_SIGKILL_SEED=N (repeat a run's random choices)
#
# One world (HOME, XDG dirs, project, file:// remotes: a ledger and two team contexts) for the
# whole run; each iteration: teammate pushes and local commits while oxd is down, start oxd,
# trigger one kind of work (sync, team sync, re-clone of a deleted checkout, trigger_gc, murmur),
# SIGKILL after 0–300 ms, restart, wait for anti-entropy, sync by hand, check. Kinds whose
# message the daemon answers with "unknown message type" are skipped (printed at the start).
# Prints "N iterations, M failures"; exit 1 on any failure (the world is then kept).
set -uo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
iterations=${SYNC_SIGKILL_ITERATIONS:-200}
RANDOM=${SYNC_SIGKILL_SEED:-$$}
oxd=$build_dir/bin/oxd
oxctl=$build_dir/bin/oxctl
plugins=$build_dir/plugins
for tool in git jq python3; do
  command -v $tool >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
[[ -x $oxd && -x $oxctl && -f $plugins/sync.so ]] ||
  { echo "build oxd, oxctl and sync in $build_dir first" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world fault
# The script starts and kills oxd itself: an oxctl in its loops must not start another one
# (after new_world, which clears every OXD_ variable).
export OXD_NO_AUTOSTART=1
# No automatic `git gc` from the script's own commits: it runs in the background and leaves
# gc.log.lock and vanishing object directories that would be blamed on oxd (libgit2 never
# auto-gcs).
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0
mkdir "$world/remotes"
remotes=$world/remotes
project=$world/project
cd "$project"

daemon_pid=
failures=0
keep_world=0
cleanup() {
  if [[ -n $daemon_pid ]]; then
    kill -KILL "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  if ((keep_world)); then echo "world kept: $world (daemon log: $world/daemon.out)" >&2; else rm -rf "$world"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so that cleanup also runs when the run is interrupted

make_remote() {  # NAME: bare remote + a teammate's clone with one commit
  local name=$1
  git init -q --bare -b main "$remotes/$name.git"
  git clone -q "$remotes/$name.git" "$remotes/$name-mate" 2>/dev/null
  echo "$name" >"$remotes/$name-mate/README.md"
  git -C "$remotes/$name-mate" add -A
  git -C "$remotes/$name-mate" commit -q -m seed
  git -C "$remotes/$name-mate" push -q origin main
}
for name in ledger team-a team-b; do make_remote $name; done
cat >"$project/.oxd/project.json" <<EOF
{"ledger": {"url": "file://$remotes/ledger.git"},
 "team_contexts": [{"id": "team_a", "name": "A", "url": "file://$remotes/team-a.git"},
                   {"id": "team_b", "name": "B", "url": "file://$remotes/team-b.git"}]}
EOF

start_daemon() {
  "$oxd" --project "$project" --define "daemon.plugin_dir=$plugins" \
    --define daemon.restart_throttle=false --define sync.interval=1h \
    --define sync.team_interval=1h >>"$world/daemon.out" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 250); do "$oxctl" ping >/dev/null 2>&1 && return 0; sleep 0.02; done
  return 1
}
stop_daemon() {  # SIGTERM: the clean end of an iteration
  [[ -n $daemon_pid ]] || return 0
  kill -TERM "$daemon_pid" 2>/dev/null
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
}
workspace_paths() {  # ledger, team_a, team_b checkout paths, one a line
  "$oxctl" --json send status | jq -r '.data.workspaces | (.ledger[0].path),
    (."team-context"[] | select(.id == "team_a") | .path),
    (."team-context"[] | select(.id == "team_b") | .path)'
}
all_cloned() {
  local path
  for path in "$ledger" "$team_a" "$team_b"; do [[ -e $path/.git/HEAD ]] || return 1; done
}
wait_cloned() {  # anti-entropy clones what is missing in the background
  for _ in $(seq 250); do all_cloned && return 0; sleep 0.02; done
  return 1
}
# One request over the socket without oxctl's one-way shortcut: "unknown" when the daemon
# answers "unknown message type", "handled" otherwise (a one-way handler closes silently).
probe() {
  python3 - "$("$oxctl" socket)" "$1" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall((json.dumps({"type": sys.argv[2], "payload": {}}) + "\n").encode())
reply = b""
try:
    while chunk := s.recv(65536):
        reply += chunk
except socket.timeout:
    pass
print("unknown" if b"unknown message type" in reply else "handled")
EOF
}

start_daemon || { echo "oxd did not come up" >&2; keep_world=1; exit 1; }
mapfile -t paths < <(workspace_paths)
ledger=${paths[0]:-} team_a=${paths[1]:-} team_b=${paths[2]:-}
[[ -n $ledger && -n $team_a && -n $team_b ]] ||
  { echo "status lists no ledger/team paths" >&2; keep_world=1; exit 1; }
wait_cloned || { echo "first clones did not finish" >&2; keep_world=1; exit 1; }
kinds=(sync team_sync clone)
skipped=()
for kind in trigger_gc murmur; do
  if [[ $(probe $kind) == unknown ]]; then skipped+=("$kind"); else kinds+=("$kind"); fi
done
stop_daemon
echo "kinds exercised: ${kinds[*]}${skipped:+; skipped (unknown message type): ${skipped[*]}}"

# "<checkout> <file>": a sync rebases local commits onto the teammates' (new ids), so a commit
# is found by its subject and its file, in the checkout's HEAD or the remote's main.
declare -a local_commits=()
remote_of() {
  case $1 in "$ledger") echo "$remotes/ledger.git" ;; "$team_a") echo "$remotes/team-a.git" ;;
    *) echo "$remotes/team-b.git" ;; esac
}
fail() {
  echo "iteration $iteration ($kind, kill after ${delay} ms): $*"
  failed=1
  keep_world=1  # also when the run is interrupted later
}

has_commit() {  # REPO REF FILE: a commit "local FILE" in REF's history and FILE in REF's tree
  local subjects  # not `git log | grep -q`: under pipefail an early grep exit fails git log
  git -C "$1" cat-file -e "$2:$3" 2>/dev/null &&
    subjects=$(git -C "$1" log --format=%s "$2" 2>/dev/null) &&
    grep -qFx "local $3" <<<"$subjects"
}
local_commit() {  # CHECKOUT: one committed file, recorded (only if the commit was made)
  local checkout=$1 file
  file=local/$iteration-$RANDOM.txt
  mkdir -p "$checkout/local"
  echo "$iteration" >"$checkout/$file"
  git -C "$checkout" add "$file" 2>/dev/null && git -C "$checkout" commit -q -m "local $file" 2>/dev/null ||
    return 0
  local_commits+=("$checkout $file")
}
teammate_push() {  # NAME
  local mate=$remotes/$1-mate
  git -C "$mate" pull -q --rebase origin main 2>/dev/null
  echo "$iteration" >"$mate/mate-$iteration.txt"
  git -C "$mate" add -A && git -C "$mate" commit -q -m "mate $iteration" &&
    git -C "$mate" push -q origin main 2>/dev/null
}

trigger() {  # KIND: the work to interrupt; oxctl runs in the background and dies with oxd
  case $1 in
    sync) "$oxctl" send sync >/dev/null 2>&1 & ;;
    team_sync) "$oxctl" send team_sync >/dev/null 2>&1 & ;;
    clone)
      rm -rf "$team_b"
      "$oxctl" send doctor >/dev/null 2>&1 & ;;
    trigger_gc) "$oxctl" send trigger_gc >/dev/null 2>&1 & ;;
    murmur)
      local body
      body=$(printf '{"iteration":%d}' "$iteration" | base64 -w0)
      "$oxctl" send murmur "{\"target_dir\":\"$ledger\",\"rel_path\":\"data/murmurs/m-$iteration.json\",\"content\":\"fault $iteration\",\"murmur_json\":\"$body\"}" \
        >/dev/null 2>&1 & ;;
  esac
}

check() {
  local output checkout entry sha
  for _ in 1 2; do  # a second pass: a sync may skip once while a clone it raced finishes
    output=$("$oxctl" send sync 2>&1) && break
  done || fail "manual sync failed: $(tail -2 <<<"$output")"
  [[ $output != *lock* ]] || fail "manual sync reports a lock: $(grep lock <<<"$output")"
  output=$("$oxctl" send team_sync 2>&1) || fail "team sync failed: $(tail -2 <<<"$output")"
  [[ $output != *"[error]"* && $output != *lock* ]] ||
    fail "team sync: $(grep -E 'error|lock' <<<"$output")"
  if issues=$("$oxctl" --json send status | jq -r '.data.issues[]? | select(.type == "git_lock" or
      .type == "rebase_stuck" or .type == "merge_conflict") | .type + ": " + .summary'); then
    [[ -z $issues ]] || fail "issues after restart: $issues"
  fi
  for checkout in "$ledger" "$team_a" "$team_b"; do
    output=$(git -C "$checkout" fsck --full 2>&1) || fail "git fsck in $checkout: $output"
    # objects/pack/*.lock are libgit2's indexer temporaries: no git operation waits on them.
    output=$(find "$checkout/.git" -name '*.lock' -not -path '*/objects/pack/*' 2>/dev/null)
    if [[ -n $output ]]; then
      fail "lock files left: $output"
      # Counted once: removed as the git_lock hint tells a user, so that the following
      # iterations test something else than this same lock.
      find "$checkout/.git" -name '*.lock' -delete
    fi
  done
  local file
  for entry in "${local_commits[@]}"; do
    checkout=${entry% *} file=${entry#* }
    has_commit "$checkout" HEAD "$file" || has_commit "$(remote_of "$checkout")" main "$file" ||
      fail "local commit 'local $file' of $checkout is lost"
  done
}

started=$(date +%s%N)
for ((iteration = 1; iteration <= iterations; iteration++)); do
  failed=0
  kind=${kinds[RANDOM % ${#kinds[@]}]}
  delay=$((RANDOM % 301))
  # While oxd is down: nobody races the script for the index.
  teammate_push ledger
  teammate_push team-a
  ((RANDOM % 2)) && teammate_push team-b
  local_commit "$ledger"
  local_commit "$team_a"
  start_daemon || fail "oxd did not start"
  wait_cloned || fail "a checkout was not cloned back"
  trigger "$kind"
  client=$!
  sleep "$(printf '0.%03d' "$delay")"
  kill -KILL "$daemon_pid" 2>/dev/null
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
  wait "$client" 2>/dev/null
  # The script is also the git server: a file:// push runs inside oxd, so a kill mid-push
  # leaves the bare remote's ref lock, which a real server (its own process) cleans up itself.
  find "$remotes" -path '*.git/*' -name '*.lock' -delete 2>/dev/null
  if start_daemon && wait_cloned; then
    check
  else
    fail "after the kill: oxd did not start or did not clone back ($(tail -3 "$world/daemon.out"))"
  fi
  stop_daemon
  ((failed)) && failures=$((failures + 1))
done
elapsed_ms=$((($(date +%s%N) - started) / 1000000))

((failures)) && keep_world=1
echo "$iterations iterations, $failures failures ($((elapsed_ms / (iterations > 0 ? iterations : 1))) ms per iteration; kinds: ${kinds[*]})"
((failures == 0))
