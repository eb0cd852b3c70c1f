// The `auth_expired` issue: a remote refused our token (or asked for one we do not have). Raised
// by pulls and clones alike, cleared by the next successful network operation on that repo.
#pragma once

#include <oxd/sinks.h>

#include <string>

#include "RepoSet.h"

namespace oxd::sync {

inline void RaiseAuthExpired(sdk::IssueSink& issues, const Repo& repo, const std::string& error) {
  issues.set(sdk::Issue{"auth_expired",
                        sdk::Severity::Error,
                        repo.id,
                        "Git authentication failed for " + repo.name + " (" + error +
                            "): refresh the token (heartbeat credentials, [sync] token or "
                            "OXD_GIT_TOKEN)",
                        {},
                        false});
}

inline void ClearAuthExpired(sdk::IssueSink& issues, const Repo& repo) {
  issues.clear("auth_expired", repo.id);
}

}  // namespace oxd::sync
