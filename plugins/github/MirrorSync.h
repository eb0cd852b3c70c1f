// One sync of a repository's pull requests and issues into the ledger (README.md, "Requests per
// sync"): four lists read newest first with If-None-Match on their first page (pulls; issues;
// issue comments and review comments repository-wide), paging by Link until the cursor; the
// commits of newly merged PRs; each changed item merged with its file in the ledger (comments
// by id, commits kept once fetched), rendered and redacted (ItemFiles.h); the whole set handed
// to the sync plugin's ledger_write in one commit; then the cursor saved. A failure anywhere
// before the commit leaves the ledger and the cursor as they were, so the next run does it all.
#pragma once

#include <oxd/host.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "GithubApi.h"
#include "RepoLocator.h"

namespace oxd::github {

// Where each item's file lies in the ledger checkout, by number (PRs and issues share numbers).
struct IndexedFile {
  bool pull_request = false;
  std::string path;  // relative to the checkout
};
std::map<std::int64_t, IndexedFile> IndexLedger(const std::filesystem::path& ledger);

struct SyncJob {
  RepoRef repo;
  std::filesystem::path ledger;       // the ledger checkout (read here, written by sync)
  std::filesystem::path cursor_path;  // SyncCursor.h
  std::chrono::milliseconds lookback{std::chrono::hours(720)};
  int per_page = 100;
  // stage ("listing", "items", "writing", "done"), message, percent (−1: none)
  std::function<void(const std::string&, const std::string&, int)> progress;
  std::function<bool()> cancelled;
};

struct SyncOutcome {
  int prs_changed = 0;  // items whose file differs from the ledger's HEAD (new or changed)
  int issues_changed = 0;
  int files_sent = 0;
  bool committed = false;
  bool pushed = false;
  std::string push_error;  // committed locally, not pushed (sync pushes it later)
  int prs_total = 0;       // files in the ledger after the sync
  int issues_total = 0;
  int comments_skipped = 0;  // on items outside the window that have no file yet
};

class SyncFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ApiError (the API's failures), SyncFailed (ledger_write refused or failed to commit).
SyncOutcome RunMirrorSync(const SyncJob& job, GithubApi& api, sdk::Caller& caller);

}  // namespace oxd::github
