#!/usr/bin/env bash
# The github plugin's cost against the fake GitHub API (tests/support/fake_github_main.cpp) with
# 1,000 PRs and 1,000 issues, one comment on each, one review comment on each PR, every third PR
# merged with 2 commits (333 merged):
#   a. first sync: requests against the pages needed — the items of each list ÷ 100 (pulls 10,
#      issues 20 as GitHub lists PRs among the issues, issue comments 20, review comments 10) plus
#      one page of commits per merged PR — and the wall time of `oxctl send github_sync` against
#      a `curl` loop (one process per page) fetching the same pages from the same fake, plus one
#      `git add -A && git commit` of the same files in a fresh repository. Targets: ≤ 1.1×, ≤ 1.5×.
#   b. second sync of the unchanged repository: requests, and how many were answered 304.
#
#   tests/bench/github_bench.sh [BUILD_DIR]    (oxd, oxctl, fake_github, sync and github built)
#   PRS=1000 ISSUES=1000
set -euo pipefail

build_dir=$(cd "${1:-${BUILD_DIR:-build}}" && pwd)
oxd=$build_dir/bin/oxd
oxctl=$build_dir/bin/oxctl
fake=$build_dir/bin/fake_github
plugins=$build_dir/plugins
prs=${PRS:-1000}
issues=${ISSUES:-1000}
for tool in git jq curl; do command -v $tool >/dev/null || { echo "$tool not found" >&2; exit 2; }; done
[[ -x $oxd && -x $oxctl && -x $fake && -f $plugins/github.so && -f $plugins/sync.so ]] ||
  { echo "build oxd, oxctl, fake_github, sync and github in $build_dir first" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/../support/world.sh"
new_world ghbench
remotes=$world/remotes
mkdir -p "$remotes" "$world/plugins"
cp "$plugins/sync.so" "$plugins/github.so" "$world/plugins/"
daemon=
coproc FAKE { exec "$fake" --prs "$prs" --issues "$issues" --comments 1 --reviews 1 2>"$world/fake.err"; }
read -r _ port <&"${FAKE[0]}"
fake_in=${FAKE[1]}
fake_out=${FAKE[0]}
cleanup() {
  [[ -n $daemon ]] && { kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; }
  exec {fake_in}>&- 2>/dev/null || true
  wait "$FAKE_PID" 2>/dev/null || true
  rm -rf "$world"
}
trap cleanup EXIT
requests() { echo count >&"$fake_in"; read -r _ n <&"$fake_out"; echo "$n"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

git init -q --bare -b main "$remotes/ledger.git"
git clone -q "$remotes/ledger.git" "$remotes/mate" 2>/dev/null
echo ledger >"$remotes/mate/README.md"
git -C "$remotes/mate" add -A && git -C "$remotes/mate" commit -q -m seed && git -C "$remotes/mate" push -q origin main
cd "$world/project"
cat >.oxd/project.json <<JSON
{"ledger": {"url": "file://$remotes/ledger.git"}, "github": {"owner": "acme", "repo": "widgets"}}
JSON
"$oxd" --project "$world/project" --define "daemon.plugin_dir=$world/plugins" \
  --define sync.interval=1h --define sync.team_interval=1h \
  --define "github.api_url=http://127.0.0.1:$port" --define github.interval=0 \
  >"$world/daemon.out" 2>&1 &
daemon=$!
for _ in $(seq 500); do
  ledger=$("$oxctl" --json send status 2>/dev/null | jq -r 'select(.data.workspaces.ledger[0].exists) | .data.workspaces.ledger[0].path' || true)
  [[ -n $ledger ]] && break
  sleep 0.02
done

merged=$((prs / 3))
pages=$(((prs + 99) / 100 + (prs + issues + 99) / 100 + (prs + issues + 99) / 100 + (prs + 99) / 100 + merged))
before=$(requests)
start=$(ms)
"$oxctl" --json send github_sync | tail -1 >"$world/first.json"
oxd_ms=$(($(ms) - start))
first_requests=$(($(requests) - before))
jq -e .success "$world/first.json" >/dev/null || { cat "$world/first.json"; exit 1; }

# The baseline: the same pages with curl, one process each, then one commit of the same files.
base="http://127.0.0.1:$port/repos/acme/widgets"
urls=()
for ((p = 1; p <= (prs + 99) / 100; p++)); do urls+=("$base/pulls?state=all&sort=updated&direction=desc&per_page=100&page=$p"); done
for ((p = 1; p <= (prs + issues + 99) / 100; p++)); do
  urls+=("$base/issues?state=all&sort=updated&direction=desc&per_page=100&page=$p")
  urls+=("$base/issues/comments?sort=updated&direction=desc&per_page=100&page=$p")
done
for ((p = 1; p <= (prs + 99) / 100; p++)); do urls+=("$base/pulls/comments?sort=updated&direction=desc&per_page=100&page=$p"); done
for ((n = 3; n <= prs; n += 3)); do urls+=("$base/pulls/$n/commits?per_page=100"); done
mkdir "$world/curl" "$world/copy"
start=$(ms)
i=0
for url in "${urls[@]}"; do
  i=$((i + 1))
  curl -sf -H 'Accept: application/vnd.github+json' -o "$world/curl/$i.json" "$url"
done
cp -r "$ledger/data" "$world/copy/"
git -C "$world/copy" init -q
git -C "$world/copy" add -A
git -C "$world/copy" -c user.name=b -c user.email=b@x commit -q -m baseline
curl_ms=$(($(ms) - start))

before=$(requests)
"$oxctl" --json send github_sync | tail -1 >"$world/second.json"
second_requests=$(($(requests) - before))
second_304=$(jq .data.not_modified "$world/second.json")

echo "first sync: $first_requests requests for $pages pages needed ($(awk "BEGIN{printf \"%.3f\", $first_requests/$pages}")x);" \
  "files $(jq .data.files "$world/first.json")"
echo "first sync wall: oxd ${oxd_ms} ms, curl loop of ${#urls[@]} pages + git commit ${curl_ms} ms" \
  "($(awk "BEGIN{printf \"%.2f\", $oxd_ms/$curl_ms}")x)"
echo "second sync: $second_requests requests, $second_304 answered 304, committed $(jq .data.committed "$world/second.json")"
