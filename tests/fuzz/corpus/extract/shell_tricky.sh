#!/bin/sh
# Quoting and expansion corner cases.

prefix=${path#*/}   # '#' inside ${…} is no comment
count=$#
echo $'it\'s # not a comment'
echo "$(echo "nested # quotes")"   # a real comment
echo `date # inside backticks`

cat <<A <<-B
first body # no comment
A
	second body
	B

setup_env() { export READY=1; }

teardown_env()
{
  :
}

case "$mode" in
  # a comment between case patterns
  fast) run ;;
esac
alias gs='git status' gl='git log'
readonly A=1 B=2
