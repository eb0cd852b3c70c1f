#!/usr/bin/env bash
# clang's thread-safety analysis over the daemon's core (core/ minus the CLI): every translation
# unit is parsed with -fsyntax-only -Wthread-safety -Werror, with the flags the build uses
# (compile_commands.json of the gcc build dir, $1 or build/). Parsing only, no code generation:
# about a minute on two cores. See core/common/ThreadAnnotations.h for what it checks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${OXD_BUILD_DIR:-$root/build}}"
clang="${OXD_CLANG:-$(command -v clang++-14 || command -v clang++)}"
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json" >&2; exit 1; }
python3 - "$build/compile_commands.json" "$root/core" "$clang" <<'PY'
import concurrent.futures, json, os, shlex, subprocess, sys

commands, core, clang = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3]
units = {}
for entry in json.load(open(commands)):
    source = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    if not source.startswith(core + os.sep) or "/oxctl/" in source or source in units:
        continue
    args = entry.get("arguments") or shlex.split(entry["command"])
    keep, skip = [], False
    for arg in args[1:]:  # the compiler (and a ccache launcher) replaced by clang
        if skip:
            skip = False
        elif arg == "-o":
            skip = True
        elif arg not in ("-c", source, entry["file"]) and not arg.endswith("ccache"):
            keep.append(arg)
    units[source] = (entry["directory"],
                     [clang, "-fsyntax-only", "-Wthread-safety", "-Wthread-safety-beta",
                      "-Werror", *keep, source])

def check(item):
    source, (directory, argv) = item
    run = subprocess.run(argv, cwd=directory, capture_output=True, text=True)
    return source, run.returncode, run.stderr

failed = 0
with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
    for source, code, errors in pool.map(check, sorted(units.items())):
        if code != 0:
            failed += 1
            sys.stderr.write(errors)
print(f"thread-safety: {len(units)} core translation units, {failed} failed")
sys.exit(1 if failed or not units else 0)
PY
