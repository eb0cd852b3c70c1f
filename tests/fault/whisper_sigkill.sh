#!/usr/bin/env bash
# Crash safety of the whisper plugin: SIGKILL oxd in the middle of bursts of
# acknowledged whisper writes (whisper_add) and deliveries (whispers, three agents polling),
# restart it, and check what a user relies on:
#   - `PRAGMA integrity_check` of the store is "ok" after every kill;
#   - no acknowledged whisper is lost: every id whisper_add answered is in the store;
#   - none is lost to an agent: every acknowledged id reaches every agent, by the end (a final
#     poll after the last restart), also when a kill cut off the reply that carried it — the
#     cursor moves only once the reply is written (docs/reliability.md#whispers);
#   - none is delivered twice while the daemon lives: an agent receives an id a second time only
#     in a later daemon life than the first time (the kill fell between the reply's write and
#     the cursor's move); those repeats are counted and printed.
#
#   tests/fault/whisper_sigkill.sh [BUILD_DIR]      (default ./build)
#   WHISPER_SIGKILL_ITERATIONS=200 (default)   WHISPER_SIGKILL_SEED=N
#
# Prints "N iterations, M failures"; exit 1 on any failure (the world is then kept).
set -uo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
iterations=${WHISPER_SIGKILL_ITERATIONS:-200}
RANDOM=${WHISPER_SIGKILL_SEED:-$$}
oxd=$build_dir/bin/oxd
oxctl=$build_dir/bin/oxctl
for tool in sqlite3 python3; do
  command -v $tool >/dev/null || { echo "$tool not found" >&2; exit 2; }
done
[[ -x $oxd && -x $oxctl && -f $build_dir/plugins/whisper.so ]] ||
  { echo "build oxd, oxctl and whisper in $build_dir first" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world wfault
# The script starts and kills oxd itself: an oxctl in its loops must not start another one
# (after new_world, which clears every OXD_ variable).
export OXD_NO_AUTOSTART=1
mkdir "$world/logs"
touch "$world/logs/acked"
cd "$world/project"

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

start_daemon() {
  "$oxd" --project "$world/project" --define daemon.plugin_dir="$build_dir/plugins" \
    --define sync.enabled=false --define daemon.restart_throttle=false \
    >>"$world/daemon.out" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do
    "$oxctl" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

socket=$("$oxctl" socket)
store=
# The burst: one writer and three pollers, each a connection per request (the protocol's way).
# Acked ids and received ids are appended (and flushed) as soon as a reply is read.
cat >"$world/burst.py" <<'PY'
import json, socket, sys, threading, os
sock_path, logs, tag = sys.argv[1], sys.argv[2], sys.argv[3]
def call(kind, payload):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall((json.dumps({"type": kind, "payload": payload}) + "\n").encode())
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk: raise EOFError
        data += chunk
    s.close()
    return json.loads(data)
def writer():
    with open(os.path.join(logs, "acked"), "a") as out:
        n = 0
        while True:
            reply = call("whisper_add", {"content": "%s-%d" % (tag, n)})
            if reply.get("success"):
                out.write(reply["data"]["id"] + "\n"); out.flush()
            n += 1
def poller(agent):
    with open(os.path.join(logs, "received-" + agent), "a") as out:
        while True:
            reply = call("whispers", {"agent_id": agent})
            for entry in reply["data"]["entries"]:
                out.write(tag + " " + entry["id"] + "\n")
            out.flush()
def guard(f, *a):
    try: f(*a)
    except Exception: os._exit(0)
threads = [threading.Thread(target=guard, args=(writer,))]
threads += [threading.Thread(target=guard, args=(poller, a)) for a in ("A1", "A2", "A3")]
for t in threads: t.start()
for t in threads: t.join()
PY

for ((i = 1; i <= iterations; i++)); do
  start_daemon || { fail $i "oxd did not answer after a restart"; tail -5 "$world/daemon.out" >&2; break; }
  store=${store:-$(ls "$XDG_DATA_HOME"/oxd/workspaces/*/whispers/ledger.db)}
  acked_before=$(wc -l <"$world/logs/acked" 2>/dev/null || echo 0)
  python3 "$world/burst.py" "$socket" "$world/logs" "i$i" &
  client_pid=$!
  # The kill lands inside the burst: once it has written, 0-250 ms later.
  for _ in $(seq 200); do
    (($(wc -l <"$world/logs/acked" 2>/dev/null || echo 0) > acked_before)) && break
    sleep 0.025
  done
  sleep "0.$(printf "%03d" $((RANDOM % 250)))"
  kill -KILL "$daemon_pid"
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
  kill -KILL "$client_pid" 2>/dev/null
  wait "$client_pid" 2>/dev/null
  client_pid=
  integrity=$(sqlite3 "$store" "PRAGMA integrity_check" 2>&1)
  [[ $integrity == ok ]] || fail $i "integrity_check: $integrity"
done

# After the last kill: everything acked is stored, nothing was received twice.
sqlite3 "$store" "SELECT id FROM whispers" | sort >"$world/stored"
sort -u "$world/logs/acked" >"$world/acked.sorted"
lost=$(comm -23 "$world/acked.sorted" "$world/stored" | wc -l)
((lost == 0)) || fail end "$lost acknowledged whisper(s) missing from the store"
# A final poll (daemon up again) brings what a kill cut off, and nothing received in an earlier
# life than the last: ids are compared as "<life> <id>" lines, the final poll being life "final".
start_daemon || fail end "oxd did not start for the final poll"
repeats=0
for agent in A1 A2 A3; do
  log=$world/logs/received-$agent
  touch "$log"
  "$oxctl" --json whispers --agent "$agent" | python3 -c '
import json, sys
for e in json.load(sys.stdin)["data"]["entries"]: print("final " + e["id"])' >>"$log"
  # The same id twice in one life: a real duplicate.
  twice=$(sort "$log" | uniq -d | wc -l)
  ((twice == 0)) || fail end "$agent received $twice whisper(s) twice in one daemon life"
  # The same id in two lives: the kill fell between a reply's write and its cursor's move.
  again=$(awk '{print $2}' "$log" | sort | uniq -d | wc -l)
  repeats=$((repeats + again))
  missing=$(comm -23 "$world/acked.sorted" <(awk '{print $2}' "$log" | sort -u) | wc -l)
  ((missing == 0)) || fail end "$agent never received $missing acknowledged whisper(s)"
done
acked=$(wc -l <"$world/acked.sorted")
echo "$iterations iterations, $failures failures ($acked acknowledged whispers, 0 lost and 0" \
  "missing for any agent required; $repeats repeated to an agent after a kill)"
((failures == 0))
