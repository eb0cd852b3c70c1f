#!/usr/bin/env bash
# Idle cost of oxd with the test plugin loaded: start-to-READY (through a NOTIFY_SOCKET, as
# systemd sees it), then RssAnon / VmRSS and CPU time after IDLE_SECONDS (default 30) of no
# traffic, and the CPU time gained over the idle window (only its timers may spend any).
# Usage: tests/bench/idle_bench.sh [build dir]
# IDLE_PLUGINS=real loads the build's real plugins (sync, whisper, codedb) instead, in a project
# that is a small git repository (codedb indexes it before the idle window starts); run it for
# two build dirs side by side to compare the idle memory of two versions.
set -euo pipefail
build="${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}"
idle="${IDLE_SECONDS:-30}"
plugins="${IDLE_PLUGINS:-test}"
world="$(mktemp -d /tmp/oxd-idle-XXXXXX)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$world"' EXIT
mkdir -p "$world/project/.oxd" "$world/run"
export HOME="$world" XDG_RUNTIME_DIR="$world/run"
plugin_defines=(--define "daemon.plugin_dir=$build/test-plugins" --define "test_plugin.interval=10s")
if [ "$plugins" = real ]; then
  plugin_defines=(--define "daemon.plugin_dir=$build/plugins")
  for i in $(seq 1 50); do printf 'int f%d(int x) { return x + %d; }\n' "$i" "$i" >"$world/project/f$i.c"; done
  git -C "$world/project" init -q && git -C "$world/project" add -A &&
    git -C "$world/project" -c user.name=b -c user.email=b@example.com commit -qm seed
fi

ready_ms="$(python3 - "$build" "$world" "${plugin_defines[@]}" <<'PY'
import os, socket, subprocess, sys, time
build, world = sys.argv[1], sys.argv[2]
path = os.path.join(world, "notify.sock")
listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
listener.bind(path)
listener.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=path)
start = time.monotonic()
daemon = subprocess.Popen([os.path.join(build, "bin/oxd"), "--project", os.path.join(world, "project")]
                          + sys.argv[3:],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while not listener.recv(512).startswith(b"READY=1"):
    pass
print("%.1f %d" % ((time.monotonic() - start) * 1000, daemon.pid), flush=True)
PY
)"
read -r ready pid <<<"$ready_ms"
[ -n "${pid:-}" ] || { echo "oxd did not become ready" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
sleep 1
if [ "$plugins" = real ]; then  # the first index run is not idle: wait for it to end
  sleep 5
  for _ in $(seq 1 60); do
    "$build/bin/oxctl" --project "$world/project" --json send code_status 2>/dev/null |
      grep -q '"indexing_now":false' && break
    sleep 1
  done
fi
cpu_before="$(ticks)"
sleep "$idle"
cpu_after="$(ticks)"
hz="$(getconf CLK_TCK)"
rss_anon="$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status")"
vm_rss="$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")"
threads="$(awk '/^Threads/ {print $2}' "/proc/$pid/status")"
echo "start to READY:   ${ready} ms   (target <= 200 ms)"
echo "RssAnon:          $((rss_anon / 1024)).$(( (rss_anon % 1024) * 10 / 1024 )) MB (target <= 8 MB)"
echo "VmRSS:            $((vm_rss / 1024)).$(( (vm_rss % 1024) * 10 / 1024 )) MB (target <= 20 MB)"
echo "threads:          $threads"
echo "CPU over ${idle} s idle: $(( (cpu_after - cpu_before) * 1000 / hz )) ms (plugins: $plugins)"
