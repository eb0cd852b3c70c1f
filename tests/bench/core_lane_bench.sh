#!/usr/bin/env bash
# The core's lane: `ping` and `status` latency while every plugin worker the test plugin may
# take is held by long calls (`test.hold`), against the same daemon idle. Target: p99 busy
# <= 1.5x idle, for both messages.
#
# A Python client (connect, request, read the reply, close) measures in alternating blocks,
# idle then busy, so that whatever else the machine does falls on both sides alike. A busy block
# first sends more `test.hold` calls than the plugin may run at once (its share of the workers,
# daemon.workers - 1, plus one that waits in its queue), waits for them to start, measures, and
# checks that no hold had returned before the block ended. It runs once with daemon.workers=4
# (three workers held, one left for the other plugins) and once with daemon.workers=1 (the only
# plugin worker held).
#
#   tests/bench/core_lane_bench.sh [BUILD_DIR]    (oxd, oxctl and test_plugin built)
#   BLOCKS=10 (per configuration), PINGS=200 and STATUSES=100 (per block), HOLD_MS=3000
set -euo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
oxd=$build_dir/bin/oxd
oxctl=$build_dir/bin/oxctl
plugin=$build_dir/test-plugins/test_plugin.so
[[ -x $oxd && -x $oxctl && -f $plugin ]] ||
  { echo "build oxd, oxctl and test_plugin in $build_dir first" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world lane
mkdir -p "$world/plugins"
cp "$plugin" "$world/plugins/"
daemon=""
cleanup() {
  [[ -n $daemon ]] && { kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; }
  rm -rf "$world"
}
trap cleanup EXIT
cd "$world/project"
socket_path=$("$oxctl" socket)

cat >"$world/lane.py" <<'PY'
import json, socket, sys, threading, time

path, workers = sys.argv[1], int(sys.argv[2])
blocks, pings, statuses, hold_ms = (int(v) for v in sys.argv[3:7])

def call(message, timeout=None):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    s.sendall((json.dumps(message) + "\n").encode())
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        reply += chunk
    s.close()
    return json.loads(reply)

def timed(message, count, into):
    for _ in range(count):
        start = time.perf_counter_ns()
        reply = call(message)
        into.append((time.perf_counter_ns() - start) / 1000)
        assert reply.get("success"), reply

deadline = time.monotonic() + 10
while True:
    try:
        call({"type": "ping"})
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("oxd did not answer")
        time.sleep(0.05)

share = max(1, workers - 1)
holds = share + 1  # one more than may run: it waits in the plugin's own queue
idle = {"ping": [], "status": []}
busy = {"ping": [], "status": []}
late = 0
for _ in range(blocks):
    timed({"type": "ping"}, pings, idle["ping"])
    timed({"type": "status"}, statuses, idle["status"])
    returned = []
    threads = [threading.Thread(target=lambda: (call({"type": "test.hold", "payload": {"ms": hold_ms}}),
                                                returned.append(time.monotonic())))
               for _ in range(holds)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)  # the holds are in: `share` of them running, one queued
    timed({"type": "ping"}, pings, busy["ping"])
    timed({"type": "status"}, statuses, busy["status"])
    if returned:
        late += 1  # a hold ended before the block did: the block was not all busy
    for thread in threads:
        thread.join()

def pct(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]

for kind in ("ping", "status"):
    i99, b99 = pct(idle[kind], 0.99), pct(busy[kind], 0.99)
    i50, b50 = pct(idle[kind], 0.5), pct(busy[kind], 0.5)
    print("workers=%d %-6s p99 busy %7.0f us  idle %7.0f us  %5.2fx  (p50 %.0f vs %.0f us; %d each)"
          % (workers, kind, b99, i99, b99 / i99, b50, i50, len(idle[kind])))
if late:
    print("workers=%d: %d of %d busy blocks outlasted the holds (raise HOLD_MS)" % (workers, late, blocks))
PY

for workers in 4 1; do
  "$oxd" --project "$world/project" --define "daemon.plugin_dir=$world/plugins" \
    --define "daemon.workers=$workers" --define daemon.inactivity_timeout=0 >/dev/null 2>&1 &
  daemon=$!
  python3 "$world/lane.py" "$socket_path" "$workers" "${BLOCKS:-10}" "${PINGS:-200}" \
    "${STATUSES:-100}" "${HOLD_MS:-3000}"
  kill "$daemon"
  wait "$daemon" 2>/dev/null || true
  daemon=""
done
