#!/bin/bash
# Symbol extraction against `ctags -R` on the same files (target: at most 1.2× the time of `ctags -R`).
#
#   tests/bench/codedb/symbols_bench.sh BUILD_DIR [CORPUS_DIR]
#
# BUILD_DIR is a Release build configured with -DOXD_BUILD_BENCH=ON in which
# `ninja oxd_codedb_extract_bench` has run; CORPUS_DIR defaults to /usr/include/boost (the
# libboost-dev headers, the benchmark corpus). Both sides read the same file list (every
# file with a language the extractor knows), single-threaded; ctags writes its sorted tags
# file as `ctags -R` does. Our side runs twice: with the skip rules (what the indexer does)
# and with --no-skip (every file, as ctags). Needs hyperfine; universal-ctags is optional (it
# is not installed by this script): without it only our own figures are printed.
set -euo pipefail

build=${1:?usage: $0 BUILD_DIR [CORPUS_DIR]}
corpus=${2:-/usr/include/boost}
runs=${RUNS:-5}
bench="$build/plugins/codedb/oxd_codedb_extract_bench"
[[ -x "$bench" ]] || { echo "missing $bench: ninja -C $build oxd_codedb_extract_bench" >&2; exit 2; }
[[ -d "$corpus" ]] || { echo "missing corpus $corpus (apt-get install libboost-dev?)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bench" --list "$corpus" >"$work/files"
echo "corpus: $corpus, $(wc -l <"$work/files") files"
# Warm the page cache so that both sides read from memory.
while IFS= read -r file; do cat -- "$file"; done <"$work/files" >/dev/null
"$bench" --no-skip -L "$work/files"
"$bench" -L "$work/files"

commands=("$bench --no-skip -L $work/files" "$bench -L $work/files")
have_ctags=0
if command -v ctags >/dev/null && ctags --version 2>/dev/null | grep -q 'Universal Ctags'; then
  have_ctags=1
  commands+=("ctags -f $work/tags -L $work/files")
else
  echo "universal-ctags is not installed: no ratio (install it to compare; this script won't)"
fi
hyperfine --warmup 1 --runs "$runs" --export-json "$work/result.json" "${commands[@]}"

if ((have_ctags)); then
  python3 - "$work/result.json" <<'PYTHON'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
ours_all, ours_skip, ctags = results
def cpu(r):  # hyperfine reports the mean user and system times
    return r["user"] + r["system"]
for label, ours in (("every file", ours_all), ("with skip rules", ours_skip)):
    print(f"ratio to ctags -R, {label}: wall {ours['mean'] / ctags['mean']:.2f}x, "
          f"cpu {cpu(ours) / cpu(ctags):.2f}x (target <= 1.2x)")
PYTHON
fi
