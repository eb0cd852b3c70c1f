// Deadlines for libgit2's network I/O.
//
// libgit2 1.5 has no socket timeouts (GIT_OPT_SET_SERVER_TIMEOUT arrived in 1.7), and its
// progress callbacks do not run while it is blocked in recv(), so a remote that accepts the
// connection and never answers would hold a sync forever. We therefore replace libgit2's standard
// socket stream (git_stream_register(GIT_STREAM_STANDARD)) with one whose connect, read and write
// wait in poll() slices of at most 100 ms and fail once the calling thread's deadline has passed
// or its cancel flag is set. git:// and http:// use this stream directly; libgit2's TLS stream
// (mbedTLS here) wraps the standard socket stream, so https:// gets the same deadline. ssh:// goes
// through libssh2's own socket and is not covered (oxd only accepts https URLs for remotes).
// Name resolution (getaddrinfo) cannot be interrupted; it is bounded by the resolver's timeouts.
//
// The registration is process-wide. A thread with no NetworkDeadlineScope gets plain blocking
// behaviour, so other libgit2 users in the process are unaffected.
#pragma once

#include <atomic>
#include <chrono>

namespace oxd::git {

using SteadyTime = std::chrono::steady_clock::time_point;

// Installs the stream; called once by EnsureNetworkDeadlines() (Libgit2Runtime.h).
void RegisterDeadlineStream();

// Binds a deadline (and an optional cancel flag) to the current thread for its lifetime. Every
// libgit2 network operation the thread runs meanwhile fails with a GIT_ERROR_NET error once the
// deadline passes. Scopes do not nest; the cancel flag must outlive the scope.
class NetworkDeadlineScope {
 public:
  NetworkDeadlineScope(SteadyTime deadline, const std::atomic<bool>* cancel);
  ~NetworkDeadlineScope();
  NetworkDeadlineScope(const NetworkDeadlineScope&) = delete;
  NetworkDeadlineScope& operator=(const NetworkDeadlineScope&) = delete;

  bool deadline_hit() const { return deadline_hit_; }
  bool cancelled() const { return cancelled_; }

  // Used by the stream and by the progress callbacks (same thread).
  SteadyTime deadline() const { return deadline_; }
  bool CancelRequested() const;
  void MarkDeadlineHit() { deadline_hit_ = true; }
  void MarkCancelled() { cancelled_ = true; }
  static NetworkDeadlineScope* Current();

 private:
  SteadyTime deadline_;
  const std::atomic<bool>* cancel_;
  bool deadline_hit_ = false;
  bool cancelled_ = false;
};

}  // namespace oxd::git
