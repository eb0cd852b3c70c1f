// The `session_watch_start` / `session_watch_stop` messages (docs/protocol.md#session_watch_start):
// one thread per watched session, blocked on inotify for the session file's directory (appends,
// truncation, rename and re-creation all show up there by name; no polling) and on an eventfd that
// stops it. The copying itself is SessionTail's. Watches still active when the daemon stops are
// resumed by the next start (their `.watch.json` says active). Each active watch counts as pending
// work (docs/behavior.md#inactivity). Thread-safe.
#pragma once

#include <oxd/host.h>
#include <oxd/payload.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace oxd::sync {

// session_watch_start {session_name, session_file, adapter_name?}
struct SessionWatchStartRequest {
  std::string session_name;
  std::string session_file;
  std::string adapter_name;

  static SessionWatchStartRequest Parse(const sdk::Payload& payload) {
    return {payload.requiredString("session_name"), payload.requiredString("session_file"),
            payload.optionalString("adapter_name").value_or("")};
  }
};

// session_watch_stop {session_name}
struct SessionWatchStopRequest {
  std::string session_name;

  static SessionWatchStopRequest Parse(const sdk::Payload& payload) {
    return {payload.requiredString("session_name")};
  }
};

class SessionWatches {
 public:
  // Sessions live in <sessions_root>/<name>/ (<cache_dir>/sessions).
  SessionWatches(sdk::Reporting report, sdk::KeepAlive& keep_alive,
                 std::filesystem::path sessions_root);
  ~SessionWatches();

  // Throws RefusedWrite (bad name or file) or std::system_error (inotify).
  void Start(const std::string& name, const std::string& session_file,
             const std::string& adapter_name);
  // Copies what is left and marks the watch inactive. False when `name` was not watched.
  bool Stop(const std::string& name);
  // At plugin start: every session whose state says active.
  void ResumeAll();
  // At plugin stop: ends the threads, leaves the watches active on disk for the next start.
  void StopAll();

  const std::filesystem::path& sessions_root() const { return root_; }

 private:
  class Watch;

  sdk::Reporting report_;
  sdk::KeepAlive& keep_alive_;
  std::filesystem::path root_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Watch>> watches_;
};

}  // namespace oxd::sync
