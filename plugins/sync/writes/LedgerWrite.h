// The `ledger_write` request (sdk/include/oxd/calls.h, LedgerWriteRequest): another plugin's set
// of files (the github mirror's PRs and issues) written into the ledger checkout, committed with
// the caller's message and pushed with fetch-rebase-retry through RepoWriter, serialised with the
// ledger's pulls. Every path is checked before anything is written: one refused path refuses the
// whole request, so a caller never gets half its set committed.
#pragma once

#include <oxd/calls.h>
#include <oxd/host.h>

#include <string>
#include <vector>

#include "RepoSet.h"
#include "writes/RepoWriter.h"

namespace oxd::sync {

struct LedgerWriteOutcome {
  WriteOutcome write;
  std::vector<std::string> paths;  // repo-relative, as committed
};

// Throws RefusedWrite (a path outside the checkout, `..`, .git, no ledger configured or cloned);
// a commit or push failure is in the outcome (and logged and stored by RepoWriter).
LedgerWriteOutcome WriteLedgerFiles(const RepoSet& repos, RepoWriter& writer,
                                    const sdk::LedgerWriteRequest& request);

}  // namespace oxd::sync
