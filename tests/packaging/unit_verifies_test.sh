#!/usr/bin/env bash
# `systemd-analyze --user verify` accepts the user unit, configured to run this build's oxd, as
# an instance for a real project directory: no error and no warning (verify exits 0 even for a
# misspelt key or a bad value, so any output fails the test). Its Documentation= man page must
# resolve too: packaging/man/oxd.8 is put on MANPATH.
# Usage: unit_verifies_test.sh <configured oxd@.service> <oxd.8>
set -euo pipefail
unit=$1
man_page=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed (Debian package systemd; scripts/deps.sh installs it)"
  exit 77
fi
work=$(mktemp -d /tmp/oxd-unit-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/units" "$work/man/man8" "$work/run" "$work/project"
chmod 700 "$work/run"
cp "$unit" "$work/units/oxd@.service"
cp "$man_page" "$work/man/man8/oxd.8"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
binary=${exec_start%% *}
[ -x "$binary" ] || { echo "FAIL: ExecStart names $binary, which is not an executable"; exit 1; }

instance="oxd@$(systemd-escape --path "$work/project").service"
man_option=()
command -v man >/dev/null || man_option=(--man=no)  # without man-db it cannot look pages up
set +e
output=$(cd "$work" && HOME="$work" XDG_RUNTIME_DIR="$work/run" MANPATH="$work/man" \
  systemd-analyze --user verify "${man_option[@]}" "$work/units/$instance" 2>&1)
status=$?
set -e
if [ "$status" -ne 0 ] || [ -n "$output" ]; then
  echo "FAIL: systemd-analyze --user verify $instance (exit $status):"
  echo "$output"
  exit 1
fi
echo "ok: systemd-analyze --user verify $instance: no errors, no warnings"
