// What every network operation of the git layer (remote-head check, fetch, clone, push) takes:
// a deadline, credentials and an optional cancel flag and progress sink.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace oxd::git {

// An access token sent as HTTP basic auth. GitHub expects the user `x-access-token`, GitLab and
// the oxd server `oauth2`; the password is the token.
struct TokenCredentials {
  std::string username = "oauth2";
  std::string token;
};

// One progress report. `stage` is "receiving" (objects downloaded), "resolving" (deltas indexed)
// or "checkout" (files written); `percent` is done * 100 / total (0 while total is unknown).
struct TransferProgress {
  std::string stage;
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t received_bytes = 0;
  unsigned percent = 0;
};

using ProgressSink = std::function<void(const TransferProgress&)>;

// The token to present to the remote at `url` (the URL libgit2 asks credentials for), or none.
// Chosen per URL so a token is only ever sent to the host it belongs to.
using CredentialsFor = std::function<std::optional<TokenCredentials>(const std::string& url)>;

struct NetworkOptions {
  // The whole operation (connect, negotiation, transfer) must end by now + timeout; a stalled
  // remote is abandoned within about 100 ms of it (see DeadlineStream.h).
  std::chrono::milliseconds timeout = std::chrono::seconds(120);
  // No function, or none for the URL: a remote that asks for credentials fails with
  // GitErrorKind::kAuthentication.
  CredentialsFor credentials;
  // Set from any thread to abandon the operation (e.g. daemon shutdown); must outlive the call.
  const std::atomic<bool>* cancel = nullptr;
  // Called on the thread running the operation, at most once per percent step and stage.
  ProgressSink on_progress;
};

}  // namespace oxd::git
