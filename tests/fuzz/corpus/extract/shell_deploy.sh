#!/bin/bash
# Deploy script.
# Usage: deploy.sh TARGET

set -euo pipefail

readonly VERSION="1.2.3"
declare -r CONFIG_DIR=/etc/app
declare -a ITEMS=(a b c)  # not read-only: no constant
export PATH

alias ll='ls -l'

log() {
  echo "[$(date +%T)] $*" >&2  # a comment after code
}

function cleanup {
  rm -rf "$TMP_DIR"
}

function build() {
  local count=$#
  echo "${#ITEMS[@]} items # not a comment"
  echo 'single # quoted'
  echo $((count * 2))
}

deploy () {
  cat <<EOF
function inside_heredoc() {
# not a comment
EOF
  cat <<-'END'
	fake() { :; }
	END
  echo done
}

case "$1" in
  build) build ;;
  *) deploy ;;
esac
