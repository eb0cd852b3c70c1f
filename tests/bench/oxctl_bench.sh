#!/usr/bin/env bash
# oxctl start-up cost as a ratio to /bin/true (budgets for a whole process: 2x for what agent
# hooks run on every turn — ping, heartbeat —, 3x for `status`, which makes up to three
# requests and renders the view). Runs a real oxd in a throw-away HOME, like the integration fixture,
# and measures with hyperfine -N (no shell in between).
#
#   tests/bench/oxctl_bench.sh [BUILD_DIR]      (default: ./build; RUNS=500 by default)
#
# Without <build>/bin/oxd only the daemon-less commands are measured.
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
