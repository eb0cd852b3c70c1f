#!/usr/bin/env bash
# The installed oxd works where it is installed. Installs this build with
# `cmake --install --prefix` and, when cpack and dpkg-deb are there, as the .deb unpacked with
# dpkg -x; in each tree it checks the files a user gets, then runs the installed oxd in a
# private HOME and asserts that the installed oxctl gets "pong" and that oxd loaded its plugins
# from the installed lib/oxd/plugins (the test plugin is copied in beside the real ones, so the
# lookup is proven even while no real plugin is built), then stops it with oxctl stop.
# Usage: install_and_run_test.sh <build dir> <test_plugin.so>
set -euo pipefail
build=$1
test_plugin=$2
work=$(mktemp -d /tmp/oxd-pkg-XXXXXX)
daemon_pid=
cleanup() {
  status=$?
  [ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

version=$("$build/bin/oxd" --version | awk '{print $2}')

# check_tree NAME ROOT PREFIX: the tree under ROOT installs to PREFIX (ROOT = PREFIX for
# cmake --install; ROOT/PREFIX for the unpacked .deb, whose files name /PREFIX/...).
check_tree() {
  local name=$1 root=$2 prefix=$3
  local tree="$root$prefix"
  for file in bin/oxd bin/oxctl lib/systemd/user/oxd@.service share/oxd/oxd.ini \
      share/oxd/launchd/dev.oxd.plist share/man/man8/oxd.8; do
    [ -e "$tree/$file" ] || fail "$name: $tree/$file is missing"
  done
  grep -qxF "ExecStart=$prefix/bin/oxd --project %f" "$tree/lib/systemd/user/oxd@.service" ||
    fail "$name: the unit's ExecStart does not name $prefix/bin/oxd: $(grep ExecStart= "$tree/lib/systemd/user/oxd@.service")"
  grep -qF "<string>$prefix/bin/oxd</string>" "$tree/share/oxd/launchd/dev.oxd.plist" ||
    fail "$name: the launchd plist does not name $prefix/bin/oxd"
  mkdir -p "$tree/lib/oxd/plugins"
  cp "$test_plugin" "$tree/lib/oxd/plugins/"
  run_installed "$name" "$tree"
}

# run_installed NAME TREE: oxd and oxctl from TREE/bin, with everything else in a private HOME.
run_installed() {
  local name=$1 tree=$2
  local home="$work/$name-home"
  local project="$home/project"
  mkdir -p "$project/.oxd" "$home/run"
  chmod 700 "$home/run"
  local env=(env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$home/run"
             XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data"
             XDG_CACHE_HOME="$home/cache" XDG_STATE_HOME="$home/state")
  local oxctl=("${env[@]}" "$tree/bin/oxctl" --project "$project")
  "${env[@]}" "$tree/bin/oxd" --project "$project" >"$work/$name-oxd.out" 2>&1 &
  daemon_pid=$!
  local reply=""
  for _ in $(seq 100); do
    reply=$("${oxctl[@]}" ping 2>/dev/null) && break
    kill -0 "$daemon_pid" 2>/dev/null || fail "$name: oxd exited: $(tail -5 "$work/$name-oxd.out")"
    sleep 0.1
  done
  [ "$reply" = pong ] || fail "$name: oxctl ping printed '$reply', not pong"

  local plugins
  plugins=$("${oxctl[@]}" send plugins) || fail "$name: oxctl send plugins failed"
  local installed
  installed=$(cd "$tree/lib/oxd/plugins" && ls -- *.so | sed 's/\.so$//' | sort)
  local loaded
  loaded=$(jq -r '.plugins[] | select(.state == "running") | .name' <<<"$plugins" | sort)
  [ "$loaded" = "$installed" ] ||
    fail "$name: running plugins [$(echo $loaded)] are not the installed ones [$(echo $installed)]: $plugins"
  local outside
  outside=$(jq -r --arg dir "$tree/lib/oxd/plugins/" \
    '.plugins[] | select(.path | startswith($dir) | not) | .path' <<<"$plugins")
  [ -z "$outside" ] || fail "$name: plugins loaded from outside $tree/lib/oxd/plugins: $outside"

  [ "$("${oxctl[@]}" stop)" = stopped ] || fail "$name: oxctl stop did not print stopped"
  local status=0
  wait "$daemon_pid" || status=$?
  daemon_pid=
  [ "$status" -eq 0 ] || fail "$name: oxd exited with status $status after stop"
  echo "ok: $name: installed oxd answered pong and ran plugins [$(echo $loaded)] from $tree/lib/oxd/plugins"
}

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" ||
  fail "cmake --install: $(tail -5 "$work/install.log")"
check_tree cmake-install "" "$work/prefix"

if ! command -v cpack >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "skipped the .deb: cpack or dpkg-deb is not installed"
  exit 0
fi
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1) ||
  fail "cpack: $(tail -20 "$work/cpack.log")"
deb=$(ls "$work"/deb/oxd_*.deb)
[ "$(dpkg-deb -f "$deb" Package)" = oxd ] || fail "package name is not oxd"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version is not $version"
dpkg-deb -f "$deb" Depends | grep -q libpoco ||
  fail "Depends (from dpkg-shlibdeps) does not name Poco: $(dpkg-deb -f "$deb" Depends)"
# The package installs under the configured prefix (CPACK_PACKAGING_INSTALL_PREFIX).
prefix=$(grep -m1 '^CMAKE_INSTALL_PREFIX:PATH=' "$build/CMakeCache.txt" | cut -d= -f2)
dpkg -x "$deb" "$work/deb-root"
check_tree deb "$work/deb-root" "$prefix"
