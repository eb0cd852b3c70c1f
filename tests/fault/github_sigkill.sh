#!/usr/bin/env bash
# A GitHub sync killed at any moment leaves the ledger clean and the next sync completes it
# (plugins/github/README.md, "Failures"): the real oxd with the sync and github plugins, a ledger
# over file://, the fake GitHub API as a process (tests/support/fake_github_main.cpp) with 250
# PRs and 250 issues. Each iteration edits 10 random items upstream, starts `github_sync`, kills
# oxd with SIGKILL 0–1.5 s in, restarts it and syncs again. Then: `git fsck --full` of the
# checkout and the remote is clean, no `*.lock` is left, the checkout has no uncommitted change
# and equals the remote, every github commit of the first sync holds all 500 files (no partial
# commit), and every edit made so far is in the remote's file of its item.
#
#   tests/fault/github_sigkill.sh [BUILD_DIR]      (default ./build)
#   GITHUB_SIGKILL_ITERATIONS=100 (default)   GITHUB_SIGKILL_SEED=N (repeat a run's choices)
#
# Prints "N iterations, M failures"; exit 1 on any failure (the world is then kept).
set -uo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
iterations=${GITHUB_SIGKILL_ITERATIONS:-100}
seed=${GITHUB_SIGKILL_SEED:-$$}
RANDOM=$seed
oxd=$build_dir/bin/oxd
oxctl=$build_dir/bin/oxctl
fake=$build_dir/bin/fake_github
plugins=$build_dir/plugins
for tool in git jq; do
  command -v $tool >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
[[ -x $oxd && -x $oxctl && -x $fake && -f $plugins/sync.so && -f $plugins/github.so ]] ||
  { echo "build oxd, oxctl, fake_github, sync and github in $build_dir first" >&2; exit 2; }
echo "seed $seed"

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world ghfault
# The script starts and kills oxd itself: an oxctl in its loops must not start another one
# (after new_world, which clears every OXD_ variable).
export OXD_NO_AUTOSTART=1
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0
remotes=$world/remotes
project=$world/project
mkdir "$remotes" "$world/plugins"
# Only the two plugins under test, copied: a rebuild of the tree's others never reaches this run.
cp "$plugins/sync.so" "$plugins/github.so" "$world/plugins/"
plugins=$world/plugins
cd "$project"

daemon_pid=
failures=0
keep_world=0
coproc FAKE { exec "$fake" --prs 250 --issues 250 --comments 1 --reviews 1 2>"$world/fake.err"; }
read -r _ port <&"${FAKE[0]}" || { echo "fake_github did not start" >&2; exit 2; }
fake_in=${FAKE[1]}
cleanup() {
  if [[ -n $daemon_pid ]]; then kill -KILL "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; fi
  exec {fake_in}>&- 2>/dev/null
  wait "$FAKE_PID" 2>/dev/null
  if ((keep_world)); then echo "world kept: $world (daemon log: $world/daemon.out)" >&2; else rm -rf "$world"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL (iteration $1): $2" >&2; failed=1; keep_world=1; }

git init -q --bare -b main "$remotes/ledger.git"
git clone -q "$remotes/ledger.git" "$remotes/mate" 2>/dev/null
echo ledger >"$remotes/mate/README.md"
git -C "$remotes/mate" add -A && git -C "$remotes/mate" commit -q -m seed &&
  git -C "$remotes/mate" push -q origin main
cat >"$project/.oxd/project.json" <<JSON
{"ledger": {"url": "file://$remotes/ledger.git"}, "github": {"owner": "acme", "repo": "widgets"}}
JSON
ledger=

start_daemon() {
  "$oxd" --project "$project" --define "daemon.plugin_dir=$plugins" \
    --define daemon.restart_throttle=false --define sync.interval=1h \
    --define sync.team_interval=1h --define "github.api_url=http://127.0.0.1:$port" \
    --define github.interval=0 >>"$world/daemon.out" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 250); do "$oxctl" ping >/dev/null 2>&1 && break; sleep 0.02; done
  for _ in $(seq 250); do
    ledger=$("$oxctl" --json send status 2>/dev/null | jq -r 'select(.data.workspaces.ledger[0].exists) | .data.workspaces.ledger[0].path')
    [[ -n $ledger ]] && return 0
    sleep 0.02
  done
  return 1
}

declare -A latest  # item number → the body it was last given upstream
started=$(date +%s%N)
for ((i = 1; i <= iterations; i++)); do
  failed=0
  for ((e = 0; e < 10; e++)); do
    n=$((1 + RANDOM % 500))
    latest[$n]="edit-$i-$e"
    echo "edit $n edit-$i-$e" >&"$fake_in"
  done
  delay_ms=$((RANDOM % 1501))
  start_daemon || { fail $i "oxd did not start or clone the ledger"; break; }
  "$oxctl" send github_sync >/dev/null 2>&1 &
  sync_pid=$!
  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
  kill -KILL "$daemon_pid"
  wait "$daemon_pid" 2>/dev/null
  wait "$sync_pid" 2>/dev/null
  daemon_pid=
  # The script is also the git server: a kill mid-push leaves the bare remote's ref lock.
  find "$remotes" -path '*.git/*' -name '*.lock' -delete 2>/dev/null
  git -C "$ledger" fsck --full >/dev/null 2>"$world/fsck.err" ||
    fail $i "fsck of the checkout after the kill at ${delay_ms} ms: $(head -3 "$world/fsck.err")"

  start_daemon || { fail $i "oxd did not come back"; break; }
  reply=$("$oxctl" --json send github_sync 2>&1 | tail -1)
  [[ $(jq -r .success <<<"$reply" 2>/dev/null) == true ]] ||
    fail $i "the sync after the kill at ${delay_ms} ms failed: $reply"
  kill -TERM "$daemon_pid" 2>/dev/null
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=

  git --git-dir="$remotes/ledger.git" fsck --full >/dev/null 2>&1 || fail $i "fsck of the remote"
  locks=$(find "$ledger/.git" -name '*.lock' 2>/dev/null)
  [[ -z $locks ]] || fail $i "lock files left: $locks"
  dirty=$(git -C "$ledger" status --porcelain)
  [[ -z $dirty ]] || fail $i "uncommitted changes in the checkout: $(head -3 <<<"$dirty")"
  [[ $(git -C "$ledger" rev-parse HEAD) == $(git --git-dir="$remotes/ledger.git" rev-parse main) ]] ||
    fail $i "the checkout and the remote differ"
  first=$(git --git-dir="$remotes/ledger.git" log --reverse --format=%H --grep='^github: sync' main | head -1)
  files=$(git --git-dir="$remotes/ledger.git" ls-tree -r --name-only "$first" -- data/github | wc -l)
  ((files == 500)) || fail $i "the first github commit holds $files files, not 500"
  tree=$(git --git-dir="$remotes/ledger.git" ls-tree -r --name-only main -- data/github)
  for n in "${!latest[@]}"; do
    path=$(grep -E "/$n\.json$" <<<"$tree")
    body=$(git --git-dir="$remotes/ledger.git" show "main:$path" 2>/dev/null | jq -r .body)
    [[ $body == "${latest[$n]}" ]] || { fail $i "item $n reads '$body', not '${latest[$n]}'"; break; }
  done
  ((failed)) && failures=$((failures + 1))
  ((failed)) && break
done
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
commits=$(git --git-dir="$remotes/ledger.git" rev-list --count --grep='^github: sync' main)
echo "$iterations iterations, $failures failures ($commits github commits in the remote;" \
  "$((elapsed_ms / (iterations > 0 ? iterations : 1))) ms per iteration)"
((failures == 0))
