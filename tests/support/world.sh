# shellcheck shell=bash
# Sourced by the fault and bench scripts: a throwaway home for one oxd, so that nothing of the
# user's (daemon, config, data, git identity) is seen or touched.
#   new_world NAME   sets $world (/tmp/oxd-NAME-XXXXXX: short, the socket path must fit 108
#                    bytes), points HOME and the XDG directories into it, unsets every OXD_*
#                    variable, fixes git's identity and creates run/ (0700), config/, data/,
#                    cache/, state/ and project/.oxd/. Cleaning up stays the caller's (its trap).
new_world() {
  world=$(mktemp -d "/tmp/oxd-$1-XXXXXX")
  export HOME=$world XDG_RUNTIME_DIR=$world/run XDG_CONFIG_HOME=$world/config \
    XDG_DATA_HOME=$world/data XDG_CACHE_HOME=$world/cache XDG_STATE_HOME=$world/state
  local variable
  for variable in $(env | sed -n 's/^\(OXD_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$variable"; done
  export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Mate GIT_COMMITTER_NAME=Mate \
    GIT_AUTHOR_EMAIL=mate@example.com GIT_COMMITTER_EMAIL=mate@example.com GIT_TERMINAL_PROMPT=0
  mkdir -p "$world"/{run,config,data,cache,state,project/.oxd}
  chmod 700 "$world/run"
}
