#!/usr/bin/env bash
# The telemetry plugin's cost on the daemon.
#   a. CPU per one-way `telemetry` message against a `heartbeat` (10 000 of each, in alternating
#      blocks of 1 000 in the same run): the daemon's own CPU time (utime + stime from
#      /proc/<pid>/stat) over each block, read once the block's handlers have run. Target ≤ 1.2×.
#   b. Memory with a full ring (500 events) and a full friction buffer (100) against the same
#      daemon with the plugin disabled, fed the same messages: RssAnon. Target ≤ 1 MB above.
# No exporter is configured (the default): the cost measured is taking the message in.
#
#   tests/bench/telemetry_bench.sh [BUILD_DIR]    (oxd and the telemetry plugin built)
#   BLOCKS=10, PER_BLOCK=1000
set -euo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
oxd=$build_dir/bin/oxd
oxctl=$build_dir/bin/oxctl
plugin=$build_dir/plugins/telemetry.so
[[ -x $oxd && -x $oxctl && -f $plugin ]] ||
  { echo "build oxd, oxctl and the telemetry plugin in $build_dir first" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world tbench
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

cat >"$world/tbench.py" <<'PY'
import json, os, socket, sys, time

path, pid, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
blocks, per_block = int(sys.argv[4]), int(sys.argv[5])
ticks = os.sysconf("SC_CLK_TCK")

def cpu():
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

refused = {"n": 0}

def one_way(message):
    # Waits for the daemon to close (it does once it has read the line), so that connections
    # never pile up past daemon.max_connections; the same for both kinds. A connection the
    # daemon turns away (it is at max_connections) is counted and sent again.
    line = (json.dumps(message) + "\n").encode()
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            s.sendall(line)
            s.recv(1)
            return
        except (ConnectionResetError, ConnectionRefusedError, BrokenPipeError):
            refused["n"] += 1
            time.sleep(0.001)
        finally:
            s.close()

def call(message):
    s = socket.socket(socket.AF_UNIX)
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

def settle():
    # One-way handlers run after the connection closed: wait until the daemon is idle again.
    last = cpu()
    while True:
        time.sleep(0.3)
        now = cpu()
        if now == last:
            return
        last = now

heartbeat = {"type": "heartbeat", "payload": {"agent_id": "Oxa7b3", "agent_type": "claude-code",
             "command_name": "prompt", "context_tokens": 1200}}
telemetry = {"type": "telemetry", "payload": {"event": "cli:command", "props": {
             "app_type": "ox-cli", "app_version": "0.6.0", "command": "status",
             "duration_ms": 12, "ok": True}}}

def block(message, i):
    settle()
    before = cpu()
    for n in range(per_block):
        one_way(message)
    settle()
    return cpu() - before

if mode == "cpu":
    costs = {"heartbeat": 0.0, "telemetry": 0.0}
    for i in range(blocks):
        costs["heartbeat"] += block(heartbeat, i)
        costs["telemetry"] += block(telemetry, i)
    n = blocks * per_block
    h, t = costs["heartbeat"] / n * 1e6, costs["telemetry"] / n * 1e6
    print("a. CPU per message over %d each: heartbeat %.1f us, telemetry %.1f us: %.2fx"
          " (%d connections turned away and sent again)" % (n, h, t, t / h, refused["n"]))
else:
    for n in range(600):
        msg = dict(telemetry)
        msg["payload"] = {"event": "cli:command", "props": {"command": "status", "n": n,
                          "input": "ox status --verbose %d" % n}}
        one_way(msg)
    for n in range(150):
        one_way({"type": "friction", "payload": {"kind": "unknown-command", "actor": "agent",
                 "input": "ox stauts %d %s" % (n, "x" * 200), "error_msg": "unknown command " + "y" * 150}})
    settle()
    with open("/proc/%d/status" % pid) as f:
        rss = {l.split(":")[0]: int(l.split()[1]) for l in f if l.startswith(("RssAnon", "VmRSS"))}
    print("%s RssAnon %d kB VmRSS %d kB" % (mode, rss["RssAnon"], rss["VmRSS"]))
PY

run() {  # run MODE [oxd args…]
  local mode=$1
  shift
  "$oxd" --project "$world/project" --define "daemon.plugin_dir=$world/plugins" \
    --define daemon.inactivity_timeout=0 "$@" >/dev/null 2>&1 &
  daemon=$!
  for _ in $(seq 100); do "$oxctl" ping >/dev/null 2>&1 && break; sleep 0.05; done
  python3 "$world/tbench.py" "$socket_path" "$daemon" "$mode" "${BLOCKS:-10}" "${PER_BLOCK:-1000}"
  kill "$daemon"
  wait "$daemon" 2>/dev/null || true
  daemon=""
}

run cpu
run memory-enabled
run memory-disabled --define telemetry.enabled=false
