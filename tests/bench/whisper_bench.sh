#!/usr/bin/env bash
# Whisper plugin figures, as ratios against the sqlite3 shell where there is one:
#   a. append acknowledged: `whisper_add` round trip through oxd (connect, request, commit in
#      WAL + synchronous=FULL, reply) against an autocommit INSERT into the same schema in the
#      same mode through a running `sqlite3` shell (write the statement, wait for its marker
#      line: one pipe round trip, as fair as a socket round trip), interleaved one for one;
#   b. `whispers` (query + cursor advance in every store) with 100 000 entries over 3 stores
#      (ledger + 2 team contexts): polls that find nothing new, and polls that deliver one new
#      entry (its cursor move is a commit with an fsync).
# Target: a. p99 <= 1.5x the sqlite3 shell; b. p99 <= 1 ms.
# Usage: tests/bench/whisper_bench.sh [build dir]   (WHISPER_BENCH_REQUESTS, default 2000)
# Meaningful with a Release (or RelWithDebInfo) build on a quiet machine.
set -euo pipefail
build=$(cd "${1:-$(dirname "$0")/../../build}" && pwd)
requests=${WHISPER_BENCH_REQUESTS:-2000}
command -v sqlite3 >/dev/null || { echo "sqlite3 not found (scripts/deps.sh)" >&2; exit 2; }
source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world wbench
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$world"' EXIT
echo '{"team_contexts":[{"id":"team_a"},{"id":"team_b"}]}' >"$world/project/.oxd/project.json"
cd "$world/project"

start() {
  "$build/bin/oxd" --project "$world/project" --define daemon.plugin_dir="$build/plugins" \
    --define sync.enabled=false --define whisper.nudge_interval=0 \
    --define whisper.activity_interval=0 --define whisper.new_agent_backlog=1s \
    >"$world/oxd.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do "$build/bin/oxctl" ping >/dev/null 2>&1 && return; sleep 0.05; done
  echo "oxd did not start" >&2; cat "$world/oxd.out" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }

start
socket=$("$build/bin/oxctl" socket)
store_dir=$(dirname "$(ls "$XDG_DATA_HOME"/oxd/workspaces/*/whispers/ledger.db)")

python3 - "$socket" "$requests" "$store_dir" <<'PY'
import json, os, socket, subprocess, sys, time
sock_path, n, store_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def call(kind, payload):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall((json.dumps({"type": kind, "payload": payload}) + "\n").encode())
    data = b""
    while not data.endswith(b"\n"):
        data += s.recv(1 << 20)
    s.close()
    reply = json.loads(data)
    assert reply.get("success"), reply
    return reply

def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p))] * 1e6

content = "x" * 100
# The baseline: the same schema (read from the store oxd made), WAL + FULL, autocommit inserts,
# into a database beside the store (same file system).
schema = subprocess.run(["sqlite3", os.path.join(store_dir, "ledger.db"), ".schema"],
                        capture_output=True, text=True, check=True).stdout
db = os.path.join(os.path.dirname(store_dir), "baseline.db")
shell = subprocess.Popen(["sqlite3", "-batch", db], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, bufsize=1)
def shell_run(sql):
    shell.stdin.write(sql + "\nSELECT 'done';\n"); shell.stdin.flush()
    while shell.stdout.readline().strip() != "done":
        pass
shell_run("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;\n" +
          schema.replace("CREATE TABLE sqlite_sequence(name,seq);", ""))
# Side by side: each oxd append is followed by one baseline insert, so both see the same disk
# and the same neighbours (an fsync's time varies with what else the machine writes).
oxd, base = [], []
for i in range(n):
    t = time.perf_counter()
    call("whisper_add", {"content": "%d %s" % (i, content)})
    oxd.append(time.perf_counter() - t)
    sql = ("INSERT INTO whispers (id, source, importance, content, created_at) VALUES "
           "('b%d', 'manual', 1, '%d %s', %d);" % (i, i, content, time.time_ns()))
    t = time.perf_counter()
    shell_run(sql)
    base.append(time.perf_counter() - t)
shell.stdin.close(); shell.wait()
print("a. append, %d each: oxd whisper_add p50 %.0f us p99 %.0f us | sqlite3 shell insert "
      "p50 %.0f us p99 %.0f us | p99 ratio %.2fx (target <= 1.5x), p50 ratio %.2fx"
      % (n, pct(oxd, .5), pct(oxd, .99), pct(base, .5), pct(base, .99),
         pct(oxd, .99) / pct(base, .99), pct(oxd, .5) / pct(base, .5)))
PY
stop

# b. 100 000 entries over the three stores, an hour old (written by the sqlite3 shell).
now_ns=$(date +%s%N)
for store in ledger team-team_a team-team_b; do
  python3 - "$store" "$now_ns" <<'PY' | sqlite3 "$store_dir/$store.db"
import sys
store, now = sys.argv[1], int(sys.argv[2])
offset = {"ledger": 0, "team-team_a": 1, "team-team_b": 2}[store]
print("BEGIN;")
for i in range(offset, 100000, 3):
    print("INSERT INTO whispers (id, source, importance, content, created_at) VALUES "
          "('p%d', 'manual', 1, 'prefilled %d', %d);" % (i, i, now - 3600 * 10**9 + i * 1000))
print("COMMIT;")
PY
done
start
python3 - "$socket" "$requests" <<'PY'
import json, socket, sys, time
sock_path, n = sys.argv[1], int(sys.argv[2])
def call(kind, payload):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall((json.dumps({"type": kind, "payload": payload}) + "\n").encode())
    data = b""
    while not data.endswith(b"\n"):
        data += s.recv(1 << 20)
    s.close()
    return json.loads(data)
def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p))] * 1e6
call("whispers", {"agent_id": "bench"})  # creates the cursors
total = sum(st["entries"] for st in call("status", {})["data"]["whisper"]["stores"])
empty, one = [], []
for i in range(n):
    t = time.perf_counter()
    reply = call("whispers", {"agent_id": "bench"})
    empty.append(time.perf_counter() - t)
    assert reply["data"]["entries"] == [], reply
for i in range(n // 4):
    call("whisper_add", {"content": "new %d" % i, "scope": "team", "team_id": "team_a"})
    t = time.perf_counter()
    reply = call("whispers", {"agent_id": "bench"})
    one.append(time.perf_counter() - t)
    assert len(reply["data"]["entries"]) == 1, reply
ping = []
for i in range(n):
    t = time.perf_counter()
    call("ping", {})
    ping.append(time.perf_counter() - t)
print("b. whispers with %d entries in 3 stores: nothing new p50 %.0f us p99 %.0f us; one new "
      "entry p50 %.0f us p99 %.0f us (target p99 <= 1000 us); ping round trip p50 %.0f us "
      "p99 %.0f us" % (total, pct(empty, .5), pct(empty, .99), pct(one, .5), pct(one, .99),
                       pct(ping, .5), pct(ping, .99)))
PY
