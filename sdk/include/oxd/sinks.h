#pragma once
// Where a plugin reports problems. Both sinks are thread-safe and may be called from any
// thread, including from handlers and periodic tasks. They live as long as the daemon.

#include <oxd/json.h>

#include <string>

namespace oxd::sdk {

// Severity of a DaemonIssue: warning = mention; error = blocking, fix now; critical = data at
// risk. There is no "info".
enum class Severity { Warning, Error, Critical };

// A live condition shown in `status` until cleared, deduplicated by (type, repo).
struct Issue {
  std::string type;  // e.g. "git_lock", "merge_conflict", "plugin_failed"
  Severity severity = Severity::Warning;
  std::string repo;               // "" = global; else "ledger" or a team id
  std::string summary;            // one line, no trailing period
  Time since{};                   // zero: now (or, on update, the first time it was set)
  bool requires_confirm = false;  // a human must approve the fix
};

class IssueSink {
 public:
  virtual ~IssueSink() = default;
  virtual void set(Issue issue) = 0;
  virtual void clear(const std::string& type, const std::string& repo) = 0;
};

// A persisted, user-facing error (`oxctl errors`). Errors with the same non-empty code replace
// each other, so a recurring failure is one entry with the newest message.
class ErrorSink {
 public:
  virtual ~ErrorSink() = default;
  // code: sync_failed, auth_expired, git_conflict, network_error, disk_full, permission_denied,
  // or a plugin's own. severity: Warning or Error.
  virtual void add(const std::string& code, const std::string& message, Severity severity) = 0;
};

// The latest credentials received in a heartbeat (kept in memory only, never logged).
struct Credentials {
  std::string token;  // git personal access token
  std::string server_url;
  Time expires_at{};       // zero: does not expire
  std::string auth_token;  // OAuth access token for API calls
  std::string user_email;
  std::string user_id;
};

}  // namespace oxd::sdk
