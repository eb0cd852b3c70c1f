#include "git/NetworkSession.h"

#include "git/GitError.h"
#include "git/Libgit2Runtime.h"

namespace oxd::git {

NetworkSession::NetworkSession(const NetworkOptions& options)
    : options_(options),
      deadline_scope_(std::chrono::steady_clock::now() + options.timeout, options.cancel) {
  // Without the deadline stream the scope above would bind nothing: a silent remote would block.
  EnsureNetworkDeadlines();
}

git_remote_callbacks NetworkSession::Callbacks() {
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  callbacks.credentials = OnCredentials;
  callbacks.transfer_progress = OnTransferProgress;
  callbacks.sideband_progress = OnSideband;
  callbacks.push_update_reference = OnPushUpdateReference;
  callbacks.push_transfer_progress = OnPushTransferProgress;
  callbacks.payload = this;
  return callbacks;
}

// libgit2 calls this again after each rejection of the credential it returned, forever. One
// token per operation: the second call means the token was refused.
int NetworkSession::OnCredentials(git_credential** out, const char* url,
                                  const char* /*username_from_url*/, unsigned int allowed_types,
                                  void* payload) {
  auto* self = static_cast<NetworkSession*>(payload);
  self->credential_requests_++;
  std::optional<TokenCredentials> credentials;
  if (self->options_.credentials) credentials = self->options_.credentials(url ? url : "");
  if (!credentials || credentials->token.empty()) {
    self->authentication_failed_ = true;
    git_error_set_str(GIT_ERROR_NET,
                      "authentication failed: the remote asks for credentials "
                      "and no token is configured");
    return GIT_EUSER;
  }
  if (self->credential_requests_ > 1) {
    self->authentication_failed_ = true;
    git_error_set_str(GIT_ERROR_NET, "authentication failed: the token was rejected");
    return GIT_EUSER;
  }
  if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) == 0) {
    // e.g. ssh keys: nothing we can offer; let libgit2 report it as if there were no callback.
    return GIT_PASSTHROUGH;
  }
  return git_credential_userpass_plaintext_new(out, credentials->username.c_str(),
                                               credentials->token.c_str());
}

int NetworkSession::CheckDeadline() {
  NetworkDeadlineScope& scope = deadline_scope_;
  if (scope.CancelRequested()) {
    scope.MarkCancelled();
    git_error_set_str(GIT_ERROR_NET, "cancelled");
    return GIT_EUSER;
  }
  if (std::chrono::steady_clock::now() >= scope.deadline()) {
    scope.MarkDeadlineHit();
    git_error_set_str(GIT_ERROR_NET, "network deadline exceeded");
    return GIT_EUSER;
  }
  return 0;
}

void NetworkSession::Report(const char* stage, std::size_t done, std::size_t total,
                            std::size_t bytes) {
  if (!options_.on_progress) {
    return;
  }
  unsigned percent = total == 0 ? 0 : static_cast<unsigned>(done * 100 / total);
  if (stage == last_stage_ && percent == last_percent_) {
    return;
  }
  last_stage_ = stage;
  last_percent_ = percent;
  options_.on_progress(TransferProgress{stage, done, total, bytes, percent});
}

int NetworkSession::OnTransferProgress(const git_indexer_progress* stats, void* payload) {
  auto* self = static_cast<NetworkSession*>(payload);
  if (stats->total_deltas > 0 && stats->received_objects == stats->total_objects) {
    self->Report("resolving", stats->indexed_deltas, stats->total_deltas, stats->received_bytes);
  } else {
    self->Report("receiving", stats->received_objects, stats->total_objects, stats->received_bytes);
  }
  return self->CheckDeadline();
}

int NetworkSession::OnSideband(const char* /*text*/, int /*length*/, void* payload) {
  return static_cast<NetworkSession*>(payload)->CheckDeadline();
}

int NetworkSession::OnPushTransferProgress(unsigned int /*current*/, unsigned int /*total*/,
                                           size_t /*bytes*/, void* payload) {
  return static_cast<NetworkSession*>(payload)->CheckDeadline();
}

int NetworkSession::OnPushUpdateReference(const char* refname, const char* status, void* payload) {
  if (status != nullptr) {
    static_cast<NetworkSession*>(payload)->push_rejections_.push_back(std::string(refname) + ": " +
                                                                      status);
  }
  return 0;
}

void NetworkSession::OnCheckoutProgress(const char* /*path*/, size_t completed, size_t total,
                                        void* payload) {
  static_cast<NetworkSession*>(payload)->Report("checkout", completed, total, 0);
}

void NetworkSession::ThrowIfFailed(int rc, std::string_view operation) const {
  if (rc >= 0) {
    return;
  }
  if (authentication_failed_) {
    ThrowFailed(rc, operation, GitErrorKind::kAuthentication);
  }
  if (deadline_scope_.deadline_hit()) {
    ThrowFailed(rc, operation, GitErrorKind::kTimeout);
  }
  if (deadline_scope_.cancelled()) {
    ThrowFailed(rc, operation, GitErrorKind::kCancelled);
  }
  const git_error* last = git_error_last();
  std::string_view message = last != nullptr && last->message != nullptr ? last->message : "";
  // Servers answer a wrong token on http with 401 (libgit2 then asks us again, handled above) or
  // 403, and an unknown repository with 404 / "not found".
  if (message.find("401") != std::string_view::npos ||
      message.find("403") != std::string_view::npos) {
    ThrowFailed(rc, operation, GitErrorKind::kAuthentication);
  }
  if (rc == GIT_ENOTFOUND || message.find("404") != std::string_view::npos ||
      message.find("not found") != std::string_view::npos ||
      message.find("does not appear to be a git repository") != std::string_view::npos) {
    ThrowFailed(rc, operation, GitErrorKind::kNotFound);
  }
  git::ThrowIfFailed(rc, operation);
}

}  // namespace oxd::git
