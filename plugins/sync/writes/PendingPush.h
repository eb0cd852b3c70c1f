// After a pull, push what the checkout has and the remote lacks: the daemon's own commits whose
// push failed (offline, a lost race), now rebased onto upstream by the pull. Called by the sync
// with the repo's syncing mark held. A failure is logged and stored (`push_failed`), never fails
// the sync that pulled fine: the commits stay, the next sync tries again.
#pragma once

#include <oxd/host.h>

#include "PullJob.h"
#include "RepoSet.h"
#include "git/NetworkOptions.h"

namespace oxd::sync {

// The commits pushed (0: nothing to push, or the push failed).
std::size_t PushLocalCommits(sdk::Reporting report, const Repo& repo,
                             const git::NetworkOptions& network, const StageSink& stages);

}  // namespace oxd::sync
