#!/usr/bin/env bash
# Installs the Debian packages oxd builds, tests and benchmarks with (README: Dependencies).
# Idempotent and quiet when everything is already there.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config git ccache
          libpoco-dev libboost-dev libboost-filesystem-dev libgit2-dev
          nlohmann-json3-dev nettle-dev
          # the metrics behind `oxctl metrics` (core library only)
          prometheus-cpp-dev
          libgtest-dev libgmock-dev libbenchmark-dev
          clang libclang-rt-14-dev clang-format hyperfine jq procps python3
          # the fuzz targets link with lld (--gc-sections: tests/fuzz/CMakeLists.txt)
          lld
          # the oxctl man page and zsh completion tests render and parse what oxctl generates
          groff-base zsh
          # packaging tests: systemd-analyze verify, cpack DEB (dpkg-shlibdeps), man page lookup
          systemd dpkg-dev man-db
          # whisper: the 10 000-entry pages test, the SIGKILL script and the bench use the shell;
          # codedb links the C library (FTS5)
          sqlite3 libsqlite3-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# promtool (Debian's prometheus package) checks the output of `oxctl metrics` in the tests.
# Installing that package would also enable and start a Prometheus server, so its .deb is
# unpacked into a cache instead; CMake finds promtool there (OXD_PROMTOOL).
tools="${OXD_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oxd-tools}"
if [ ! -x "$tools/usr/bin/promtool" ]; then
  mkdir -p "$tools"
  download="$(mktemp -d)"
  if ! (cd "$download" && apt-get download -qq prometheus >/dev/null 2>&1); then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    (cd "$download" && apt-get download -qq prometheus >/dev/null)
  fi
  dpkg-deb -x "$download"/prometheus_*.deb "$download/unpacked"
  mkdir -p "$tools/usr/bin"
  cp "$download/unpacked/usr/bin/promtool" "$tools/usr/bin/promtool"
  rm -rf "$download"
  echo "promtool: $tools/usr/bin/promtool"
fi
