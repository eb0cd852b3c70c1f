#!/usr/bin/env bash
# No acknowledged murmur is lost to a crash: `oxctl murmur` runs in a loop while manual syncs
# and a teammate's pushes keep the ledger busy (a murmur then has to wait for the repository),
# oxd is killed with SIGKILL 0.3–2 s in, restarted, and every murmur whose `oxctl murmur`
# exited 0 before the kill must reach the remote (docs/reliability.md#murmurs). A murmur whose
# command failed (the kill cut it off) is not acknowledged and not checked.
#
#   tests/fault/murmur_sigkill.sh [BUILD_DIR]      (default ./build)
#   MURMUR_SIGKILL_ITERATIONS=50 (default)   MURMUR_SIGKILL_SEED=N (repeat a run's choices)
#
# Prints "N iterations, M failures"; exit 1 on any failure (the world is then kept).
set -uo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
iterations=${MURMUR_SIGKILL_ITERATIONS:-50}
seed=${MURMUR_SIGKILL_SEED:-$$}
RANDOM=$seed
oxd=$build_dir/bin/oxd
oxctl=$build_dir/bin/oxctl
plugins=$build_dir/plugins
for tool in git jq; do
  command -v $tool >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
[[ -x $oxd && -x $oxctl && -f $plugins/sync.so && -f $plugins/whisper.so ]] ||
  { echo "build oxd, oxctl, sync and whisper in $build_dir first" >&2; exit 2; }
echo "seed $seed"

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world mfault
# The script starts and kills oxd itself: an oxctl in its loops must not start another one
# (after new_world, which clears every OXD_ variable).
export OXD_NO_AUTOSTART=1
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0  # as sync_sigkill.sh
export OXD_AGENT_ID=Ox1
remotes=$world/remotes
project=$world/project
mkdir "$remotes" "$world/flags"
touch "$world/acked"
cd "$project"

daemon_pid=
loop_pids=()
failures=0
keep_world=0
stop_loops() {
  touch "$world/flags/stop"
  local pid
  for pid in "${loop_pids[@]}"; do wait "$pid" 2>/dev/null; done
  loop_pids=()
  rm -f "$world/flags/stop"
}
cleanup() {
  touch "$world/flags/stop"
  if [[ -n $daemon_pid ]]; then kill -KILL "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; fi
  local pid
  for pid in "${loop_pids[@]}"; do wait "$pid" 2>/dev/null; done
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
echo "{\"ledger\": {\"url\": \"file://$remotes/ledger.git\"}}" >"$project/.oxd/project.json"

start_daemon() {
  "$oxd" --project "$project" --define "daemon.plugin_dir=$plugins" \
    --define daemon.restart_throttle=false --define sync.interval=1h \
    --define sync.team_interval=1h >>"$world/daemon.out" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 250); do "$oxctl" ping >/dev/null 2>&1 && break; sleep 0.02; done
  # oxctl murmur needs the ledger checkout (status shows it once cloned).
  for _ in $(seq 250); do
    [[ $("$oxctl" --json send status 2>/dev/null | jq -r '.data.workspaces.ledger[0].exists') == true ]] &&
      return 0
    sleep 0.02
  done
  return 1
}

# The load: manual syncs back to back, and a teammate pushing (each sync then has work).
sync_loop() {
  while [[ ! -e $world/flags/stop ]]; do "$oxctl" send sync >/dev/null 2>&1 || sleep 0.05; done
}
mate_loop() {
  local n=0
  while [[ ! -e $world/flags/stop ]]; do
    n=$((n + 1))
    git -C "$remotes/mate" pull -q --rebase origin main >/dev/null 2>&1
    echo "$n" >"$remotes/mate/mate-$1-$n.txt"
    git -C "$remotes/mate" add -A && git -C "$remotes/mate" commit -q -m "mate $1-$n" &&
      git -C "$remotes/mate" push -q origin main >/dev/null 2>&1
    sleep 0.2
  done
}
# Acknowledged = the command exited 0; recorded only then.
murmur_loop() {
  local k=0
  while [[ ! -e $world/flags/stop ]]; do
    k=$((k + 1))
    if "$oxctl" murmur "mm-$1-$k" >/dev/null 2>>"$world/murmur.err"; then
      echo "mm-$1-$k" >>"$world/acked"
    fi
  done
}

started=$(date +%s%N)
for ((i = 1; i <= iterations; i++)); do
  failed=0
  delay_ms=$((300 + RANDOM % 1701))
  start_daemon || { fail $i "oxd did not start or clone the ledger"; break; }
  sync_loop &
  loop_pids+=($!)
  mate_loop "$i" &
  loop_pids+=($!)
  murmur_loop "$i" &
  loop_pids+=($!)
  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
  kill -KILL "$daemon_pid"
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
  stop_loops
  # The script is also the git server: a kill mid-push leaves the bare remote's ref lock, which
  # a real server (its own process) would clean up itself.
  find "$remotes" -path '*.git/*' -name '*.lock' -delete 2>/dev/null
  start_daemon || { fail $i "oxd did not come back"; break; }
  # Every acknowledged murmur (this iteration's and all before) reaches the remote: the spool
  # is replayed at start; a manual sync pushes what was committed but not pushed.
  missing=
  for _ in $(seq 60); do
    subjects=$(git --git-dir="$remotes/ledger.git" log --format=%s main)
    missing=$(grep -vxF -f <(sed -n 's/^murmur: //p' <<<"$subjects") "$world/acked")
    [[ -z $missing ]] && break
    "$oxctl" send sync >/dev/null 2>&1
    sleep 0.5
  done
  [[ -z $missing ]] ||
    fail $i "$(wc -l <<<"$missing") acknowledged murmur(s) never reached the remote (killed after ${delay_ms} ms): $(head -3 <<<"$missing" | tr '\n' ' ')"
  kill -TERM "$daemon_pid" 2>/dev/null
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
  ((failed)) && failures=$((failures + 1))
done
elapsed_ms=$((($(date +%s%N) - started) / 1000000))

acked=$(wc -l <"$world/acked")
echo "$iterations iterations, $failures failures ($acked acknowledged murmurs, all required in" \
  "the remote; $((elapsed_ms / (iterations > 0 ? iterations : 1))) ms per iteration)"
((failures == 0))
