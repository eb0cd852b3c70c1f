// Everything the github plugin registers with the host, in one table (Messages.cpp):
//   github_sync    ST  sync now, streaming stages waiting / listing / items ("n of m items",
//                      percent) / writing / done → {owner, repo, prs_changed, issues_changed,
//                      files, committed, pushed, push_error?, requests, not_modified, prs, issues}
//   github_status  RR  {owner, repo, last_sync?, last_error?, syncing, prs, issues,
//                      rate_limit {remaining?, reset?}}
//   the `github` status section (the same object), and the periodic task `github-sync` (every
//   [github] interval; none when 0).
#pragma once

#include <oxd/host.h>

#include "Mirror.h"

namespace oxd::github {

void RegisterMessages(sdk::Host& host, Mirror& mirror);

}  // namespace oxd::github
