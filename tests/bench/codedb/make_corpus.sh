#!/usr/bin/env bash
# Builds the codedb benchmark corpus: the headers of /usr/include/boost (the Boost dev
# package, available offline) committed into a new git repository at DIR as a history of
#   * ADD_COMMITS (180) commits adding the files in sorted order, in equal chunks, then
#   * EDIT_COMMITS (40) commits editing existing files: each picks EDITS_PER_COMMIT (6) files
#     with a fixed-seed PRNG and appends, inserts or alters one line in each,
# so the history holds ≥ 200 commits, many versions of some files, and blobs shared between
# commits, like a real project. `main` is checked out at the end.
#
#   tests/bench/codedb/make_corpus.sh DIR        (prints the HEAD commit id)
#
# Deterministic: fixed identity and dates, files in byte order, Python's random.Random with a
# fixed seed (its sequence is stable across Python versions for randrange/choice on ints), fed
# to `git fast-import` (seconds, where `git add`/`git commit` per chunk would take minutes). The
# same Boost headers therefore give the same HEAD oid on every machine.
#
# Cached: DIR/.git/oxd-bench-corpus records the corpus version, a fingerprint of the source
# files (paths, sizes, mtimes: the package's, stable per package version) and the HEAD oid;
# when they match, nothing is rebuilt. A DIR that exists but is not a corpus is never deleted.
set -euo pipefail

dir=${1:?usage: make_corpus.sh DIR}
source_dir=${CORPUS_SOURCE:-/usr/include/boost}
# Bump when anything below changes what is committed: the cache marker must no longer match.
corpus_version=1
[[ -d $source_dir ]] || { echo "missing $source_dir: apt-get install libboost-dev" >&2; exit 2; }
command -v git >/dev/null && command -v python3 >/dev/null ||
  { echo "git and python3 are needed" >&2; exit 2; }

# No user or system configuration may change the result (autocrlf, hooks, templates).
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$home XDG_CONFIG_HOME=$home LC_ALL=C

fingerprint=$(cd "$source_dir" && find . -type f -printf '%P %s %T@\n' | sort | sha1sum | cut -c1-16)
marker_text="oxd codedb bench corpus v$corpus_version source $source_dir files $fingerprint"
marker=$dir/.git/oxd-bench-corpus

if [[ -f $marker ]] && [[ $(head -n1 "$marker") == "$marker_text" ]]; then
  recorded=$(sed -n 2p "$marker")
  if [[ $(git -C "$dir" rev-parse -q --verify HEAD 2>/dev/null) == "$recorded" ]]; then
    echo "corpus $dir is current ($(git -C "$dir" rev-list --count HEAD) commits): HEAD $recorded"
    exit 0
  fi
fi
if [[ -e $dir ]]; then
  # Only a directory this script made (its marker) or an empty one is replaced.
  if [[ -f $marker ]] || [[ -z $(ls -A "$dir") ]]; then
    rm -rf "$dir"
  else
    echo "$dir exists and is not a corpus made by this script: not touching it" >&2
    exit 2
  fi
fi

# Built beside DIR and renamed at the end: an interrupted build never looks like a corpus.
partial=$dir.partial.$$
trap 'rm -rf "$home" "$partial"' EXIT
git init -q -b main "$partial"
git -C "$partial" config core.autocrlf false
git -C "$partial" config gc.auto 0

python3 - "$source_dir" "$partial" <<'PYTHON'
import os, random, subprocess, sys

source, repo = sys.argv[1], sys.argv[2]
ADD_COMMITS, EDIT_COMMITS, EDITS_PER_COMMIT, SEED = 180, 40, 6, 6
EPOCH = 1767225600  # 2026-01-01T00:00:00Z; one commit an hour after it
IDENTITY = b"Bench Corpus <corpus@oxd.invalid>"

# Byte order of the paths, as `sort` with LC_ALL=C: independent of the file system's order.
files = []
for root, dirs, names in os.walk(os.fsencode(source)):
    for name in names:
        full = os.path.join(root, name)
        if os.path.isfile(full) and not os.path.islink(full):
            files.append(os.path.relpath(full, os.fsencode(source)))
files.sort()
paths = [b"boost/" + f for f in files]

importer = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet", "--date-format=raw",
                             "--done"], stdin=subprocess.PIPE)
out = importer.stdin
number = 0

def commit(message, changes):
    """changes: [(path, content)]; one commit on main, parented on the previous one."""
    global number
    when = b"%d +0000" % (EPOCH + number * 3600)
    out.write(b"commit refs/heads/main\n")
    out.write(b"author " + IDENTITY + b" " + when + b"\n")
    out.write(b"committer " + IDENTITY + b" " + when + b"\n")
    text = message.encode()
    out.write(b"data %d\n%s\n" % (len(text), text))
    for path, content in changes:
        out.write(b"M 100644 inline " + path + b"\n")
        out.write(b"data %d\n" % len(content) + content + b"\n")
    number += 1

def read(index):
    with open(os.path.join(os.fsencode(source), files[index]), "rb") as handle:
        return handle.read()

chunk = -(-len(files) // ADD_COMMITS)  # ceiling: every file in one of ADD_COMMITS commits
for start in range(0, len(files), chunk):
    part = range(start, min(start + chunk, len(files)))
    first, last = paths[part[0]].decode(errors="replace"), paths[part[-1]].decode(errors="replace")
    commit("Add %d headers: %s .. %s" % (len(part), first, last),
           [(paths[i], read(i)) for i in part])

# Edits: each commit changes EDITS_PER_COMMIT files chosen by a fixed-seed PRNG; the current
# content of every edited file is kept so later edits build on earlier ones.
prng = random.Random(SEED)
current = {}
for edit in range(EDIT_COMMITS):
    chosen = sorted({prng.randrange(len(files)) for _ in range(EDITS_PER_COMMIT)})
    changes = []
    for i in chosen:
        lines = current.get(i, read(i)).split(b"\n")
        action = prng.randrange(3)
        token = b"bench_edit_%d_%d" % (edit, i)
        at = prng.randrange(len(lines))
        if action == 0:  # append a line at the end
            lines.insert(len(lines) - 1 if lines[-1] == b"" else len(lines),
                         b"// " + token + b": appended by the corpus script")
        elif action == 1:  # insert a declaration-like line somewhere inside
            lines.insert(at, b"// " + token + b" inserted")
        else:  # alter an existing line: it keeps its text and gains a trailing comment
            lines[at] = lines[at] + b" // " + token
        current[i] = b"\n".join(lines)
        changes.append((paths[i], current[i]))
    commit("Edit %d headers (edit %d of %d)" % (len(changes), edit + 1, EDIT_COMMITS), changes)

out.write(b"done\n")
out.close()
if importer.wait() != 0:
    sys.exit("git fast-import failed")
print("%d files, %d commits" % (len(files), number), file=sys.stderr)
PYTHON

git -C "$partial" reset -q --hard main
head=$(git -C "$partial" rev-parse HEAD)
printf '%s\n%s\n' "$marker_text" "$head" >"$partial/.git/oxd-bench-corpus"
mv "$partial" "$dir"
echo "corpus $dir built ($(git -C "$dir" rev-list --count HEAD) commits, $(git -C "$dir" ls-files | wc -l) files): HEAD $head"
