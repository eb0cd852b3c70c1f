#!/usr/bin/env bash
# oxctl start-up cost as a ratio to /bin/true (budgets for a whole process: 2x for what agent
# hooks run on every turn — ping, heartbeat —, 3x for `status`, which makes up to three
# requests and renders the view). Runs a real oxd in a throw-away HOME, like the integration fixture,
# and measures with hyperfine -N (no shell in between).
#
#   tests/bench/oxctl_bench.sh [BUILD_DIR]      (default: ./build; RUNS=500 by default)
#
# Without <build>/bin/oxd only the daemon-less commands are measured. With it, a second part
# measures auto-start (docs/behavior.md#auto-start), COLD_RUNS times each (default 20): with no
# daemon, how long `oxctl heartbeat` takes against its budget autostart_wait + 50 ms, and how long
# after the daemon starts serving the heartbeat shows in `instances` (budget 1 s) — for a daemon
# that starts at once, and for one slower than autostart_wait (the heartbeat is spooled).
set -euo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
runs=${RUNS:-500}
oxctl=$build_dir/bin/oxctl
oxd=$build_dir/bin/oxd
command -v hyperfine >/dev/null || { echo "hyperfine not found" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq not found" >&2; exit 2; }
[[ -x $oxctl ]] || { echo "no $oxctl (build the oxctl target)" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world bench
mkdir "$world/no-plugins"
cd "$world/project"

daemon_pid=
cleanup() {
  if [[ -n $daemon_pid ]]; then
    "$oxctl" stop >/dev/null 2>&1 || kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$world"
}
trap cleanup EXIT

commands=(/bin/true "$oxctl socket" "$oxctl --help")
if [[ -x $oxd ]]; then
  "$oxd" --project "$world/project" --define "daemon.plugin_dir=$world/no-plugins" \
    >"$world/daemon.out" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 250); do "$oxctl" ping >/dev/null 2>&1 && break; sleep 0.02; done
  if ! "$oxctl" ping >/dev/null 2>&1; then
    echo "oxd did not come up:" >&2
    cat "$world/daemon.out" >&2
    exit 1
  fi
  commands+=("$oxctl ping" "$oxctl heartbeat --agent-id a1"
             "$oxctl send heartbeat '{\"agent_id\":\"a1\"}'" "$oxctl status")
else
  echo "note: $oxd not built; measuring daemon-less commands only" >&2
fi

hyperfine -N --warmup 50 --runs "$runs" --export-json "$world/result.json" "${commands[@]}" \
  >"$world/hyperfine.txt" 2>&1 || { cat "$world/hyperfine.txt" >&2; exit 1; }

# Medians carry the verdict: on a shared 2-core box a few preempted runs inflate the means.
echo "oxctl start-up vs /bin/true ($runs runs each, hyperfine -N; budget by median: 2.00x, status 3.00x)"
jq -r '
  def ms: (. * 1e6 | round) / 1000 | tostring;
  def ratio($base): (. / $base * 100 | round) / 100 | tostring + "x";
  (.results[0].median) as $median | (.results[0].mean) as $mean | (.results[0].min) as $min
  | .results[]
  | [ (.command | sub(".*/bin/"; "")), (.median | ms), (.median | ratio($median)),
      (.mean | ms), (.mean | ratio($mean)), (.min | ratio($min)) ]
  | @tsv' "$world/result.json" |
  awk -F'\t' 'BEGIN { printf "%-44s %9s %7s %9s %7s %9s\n", "command", "median", "ratio",
                       "mean", "ratio", "min-ratio" }
              { printf "%-44s %6s ms %7s %6s ms %7s %9s\n", $1, $2, $3, $4, $5, $6 }'

[[ -x $oxd ]] || exit 0

# --- auto-start ---------------------------------------------------------------------------
"$oxctl" stop >/dev/null
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
cold_runs=${COLD_RUNS:-20}
now_ns() { date +%s%N; }
# Starts are many and quick here: no throttle, no plugins (as above).
export OXD_DAEMON__RESTART_THROTTLE=false OXD_DAEMON__PLUGIN_DIR=$world/no-plugins
wait_ms=2000

# One cold heartbeat; prints "<oxctl ms> <visible after serving ms>". The daemon's start is the
# first moment `oxctl ping` answers (polled every 5 ms, so up to 5 ms late).
cold_heartbeat() {
  local agent=$1 start end serving visible
  start=$(now_ns)
  "$oxctl" heartbeat --agent-id "$agent"
  end=$(now_ns)
  if "$oxctl" ping >/dev/null 2>&1; then
    serving=$start  # it served before oxctl returned: count from the start, an upper bound
  else
    until "$oxctl" ping >/dev/null 2>&1; do sleep 0.005; done
    serving=$(now_ns)
  fi
  # No pipe into grep -q: with pipefail, an oxctl cut off by SIGPIPE would fail the test.
  until [[ $("$oxctl" --json instances 2>/dev/null) == *"\"$agent\""* ]]; do sleep 0.005; done
  visible=$(now_ns)
  "$oxctl" stop >/dev/null
  echo "$(( (end - start) / 1000000 )) $(( (visible - serving) / 1000000 ))"
}

summarize() {  # stdin: "<oxctl ms> <visible ms>" lines, sorted here by the first; $1: label
  sort -n | awk -v label="$1" -v budget=$((wait_ms + 50)) '
    { took[NR] = $1; if ($2 > seen) seen = $2; sum += $1 }
    END { n = NR;
          printf "%-34s oxctl median %5d ms (%.2fx of %d ms), max %5d ms (%.2fx); in instances <= %4d ms after serving (%.2fx of 1 s)\n",
                 label, took[int((n + 1) / 2)], took[int((n + 1) / 2)] / budget, budget,
                 took[n], took[n] / budget, seen, seen / 1000 }'
}

echo
echo "auto-start ($cold_runs runs each; budgets: oxctl returns within autostart_wait + 50 ms," \
  "the heartbeat is in instances within 1 s of the daemon serving)"
for i in $(seq "$cold_runs"); do cold_heartbeat "cold$i"; done | summarize "no daemon, starts at once"
export OXD_TEST_START_DELAY_MS=$((wait_ms + 500))
for i in $(seq "$cold_runs"); do cold_heartbeat "slow$i"; done |
  summarize "no daemon, slower than the wait"
