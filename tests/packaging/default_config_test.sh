#!/usr/bin/env bash
# packaging/oxd.ini is exactly what `oxd --print-default-config` prints for the plugins this
# build makes, so the shipped default config cannot drift from the descriptors.
# Usage: default_config_test.sh <oxd> <plugin dir> <packaging/oxd.ini>
set -euo pipefail
oxd=$1
plugin_dir=$2
committed=$3
work=$(mktemp -d /tmp/oxd-ini-XXXXXX)
trap 'rm -rf "$work"' EXIT
# An empty HOME and working directory: no user or project config layer may leak into the text.
(cd "$work" && env -i PATH="$PATH" HOME="$work" \
  "$oxd" --print-default-config --define daemon.plugin_dir="$plugin_dir") >"$work/oxd.ini"
if ! diff -u "$committed" "$work/oxd.ini"; then
  echo "FAIL: packaging/oxd.ini differs from oxd --print-default-config (above);"
  echo "      regenerate it with: ninja -C <build dir> default-config"
  exit 1
fi
echo "ok: packaging/oxd.ini matches oxd --print-default-config"
