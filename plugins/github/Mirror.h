// The plugin's running part: one repository's mirror, synced by the periodic task and by
// `github_sync`, one sync at a time; its status (github_status, the `github` status section);
// its issues (github_auth, github_not_found, github_rate_limited, github_sync_failed) and its
// back-offs: 1 h after the token was refused (cleared at once by a different token, read anew
// on every run, so no restart is needed), doubling after network and server failures.
#pragma once

#include <oxd/host.h>

#include <Poco/Dynamic/Var.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "GithubApi.h"
#include "GithubSettings.h"
#include "MirrorSync.h"
#include "ReleaseCheck.h"
#include "RepoLocator.h"
#include "http/HttpClient.h"

namespace oxd::github {

// What a sync reports to its caller.
struct SyncReport {
  bool ok = false;
  bool skipped = false;  // a periodic run held back by a back-off
  std::string error;
  RepoRef repo;
  SyncOutcome outcome;
  int requests = 0;
  int not_modified = 0;
};

class Mirror {
 public:
  using ProgressSink =
      std::function<void(const std::string& stage, const std::string& message, int percent)>;

  Mirror(sdk::Host& host, GithubConfig config, Environment environment);
  ~Mirror();

  // manual: a user asked (back-offs do not hold it, and it waits for a running sync).
  SyncReport Sync(bool manual, const ProgressSink& progress,
                  const std::function<bool()>& cancelled);
  // The release check ([github] release_repo; ReleaseCheck.h); false when it is off.
  bool releaseCheckEnabled() const { return release_ != nullptr; }
  void CheckRelease(const std::function<bool()>& cancelled);
  // github_status {owner, repo, last_sync, last_error, syncing, prs, issues, rate_limit}, and
  // latest_release / update_available when the release check is on.
  Poco::Dynamic::Var Status() const;
  // Ends a request in flight and every wait; later syncs fail at once.
  void Stop();

  const GithubConfig& config() const { return config_; }

 private:
  std::optional<RepoRef> Locate();
  bool Sleep(std::chrono::milliseconds duration, const std::function<bool()>& cancelled);
  void Fail(const std::string& error);

  sdk::Host& host_;
  const GithubConfig config_;
  const Environment environment_;
  const std::string host_name_;  // the API's web host (github.com, or the Enterprise host)
  http::HttpClient client_;
  http::HttpClient release_client_;
  RateLimitBook book_;
  std::unique_ptr<ReleaseCheck> release_;

  std::mutex run_mutex_;  // one sync at a time

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                               // guarded by mutex_
  bool syncing_ = false;                                // guarded by mutex_
  std::optional<RepoRef> repo_;                         // guarded by mutex_: the last located
  std::chrono::system_clock::time_point last_sync_{};   // guarded by mutex_
  std::string last_error_;                              // guarded by mutex_
  int prs_ = 0;                                         // guarded by mutex_
  int issues_ = 0;                                      // guarded by mutex_
  std::chrono::steady_clock::time_point hold_until_{};  // guarded by mutex_: periodic back-off
  std::size_t refused_token_ = 0;                       // guarded by mutex_: hash; 0 none
  int failures_ = 0;  // guarded by mutex_: network/server in a row
};

}  // namespace oxd::github
