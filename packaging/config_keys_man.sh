#!/usr/bin/env bash
# oxd(8) lists every config key between two marker comments. This rewrites that part from
# `oxd --print-config-man` (run by `ninja default-config`), or with --check fails, showing the
# difference, when the page no longer matches the key tables (the packaging tests do).
# Usage: config_keys_man.sh <oxd> <plugin dir> <oxd.8> [--check]
set -euo pipefail
oxd=$1
plugin_dir=$2
page=$3
mode=${4:-write}
begin='.\" BEGIN CONFIG KEYS'
end='.\" END CONFIG KEYS'
work=$(mktemp -d /tmp/oxd-man-XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! grep -qxF "$begin" "$page" || ! grep -qxF "$end" "$page"; then
  echo "FAIL: $page lacks the lines '$begin' and '$end'" >&2
  exit 1
fi
# An empty HOME and working directory: no user or project config layer may leak into the text.
(cd "$work" && env -i PATH="$PATH" HOME="$work" \
  "$oxd" --print-config-man --define daemon.plugin_dir="$plugin_dir") >"$work/keys"
# The markers go through the environment: awk -v would read their backslash as an escape.
BEGIN_MARK=$begin END_MARK=$end KEYS=$work/keys awk '
  $0 == ENVIRON["BEGIN_MARK"] {
    print
    while ((getline line < ENVIRON["KEYS"]) > 0) print line
    skipping = 1
    next
  }
  $0 == ENVIRON["END_MARK"] { skipping = 0 }
  !skipping { print }
' "$page" >"$work/page"
if [ "$mode" = --check ]; then
  if ! diff -u "$page" "$work/page"; then
    echo "FAIL: the config keys in $page differ from oxd --print-config-man (above);"
    echo "      regenerate them with: ninja -C <build dir> default-config"
    exit 1
  fi
  echo "ok: the config keys in $page match oxd --print-config-man"
else
  cat "$work/page" >"$page"
fi
