// The per-operation glue between NetworkOptions and libgit2: it binds the deadline to the calling
// thread, fills git_remote_callbacks (credentials, progress, deadline checks, push status) and
// turns a failed libgit2 call into a GitError of the right kind (authentication, timeout, ...).
// One session serves one operation on one thread; it must outlive the libgit2 call using it.
#pragma once

#include <git2.h>

#include <string>
#include <string_view>
#include <vector>

#include "git/DeadlineStream.h"
#include "git/NetworkOptions.h"

namespace oxd::git {

class NetworkSession {
 public:
  explicit NetworkSession(const NetworkOptions& options);
  NetworkSession(const NetworkSession&) = delete;
  NetworkSession& operator=(const NetworkSession&) = delete;

  // Callbacks whose payload is this session.
  git_remote_callbacks Callbacks();

  // Throws a GitError for `rc` < 0. Authentication failures (a rejected or missing token),
  // deadline and cancel are told apart from other network errors.
  void ThrowIfFailed(int rc, std::string_view operation) const;

  // Refs the remote refused during the last push, as "ref: reason".
  const std::vector<std::string>& push_rejections() const { return push_rejections_; }

  // Checkout progress for clone (git_checkout_options.progress_cb payload = this session).
  static void OnCheckoutProgress(const char* path, size_t completed, size_t total, void* payload);

 private:
  static int OnCredentials(git_credential** out, const char* url, const char* username_from_url,
                           unsigned int allowed_types, void* payload);
  static int OnTransferProgress(const git_indexer_progress* stats, void* payload);
  static int OnSideband(const char* text, int length, void* payload);
  static int OnPushUpdateReference(const char* refname, const char* status, void* payload);
  static int OnPushTransferProgress(unsigned int current, unsigned int total, size_t bytes,
                                    void* payload);

  // 0 while the deadline and cancel flag allow going on, else a libgit2 error (already set).
  int CheckDeadline();
  void Report(const char* stage, std::size_t done, std::size_t total, std::size_t bytes);

  const NetworkOptions& options_;
  NetworkDeadlineScope deadline_scope_;
  int credential_requests_ = 0;
  bool authentication_failed_ = false;
  std::string last_stage_;
  unsigned last_percent_ = 101;
  std::vector<std::string> push_rejections_;
};

}  // namespace oxd::git
