#pragma once
// Live problems shown in `status` until cleared (docs/behavior.md#issues). In memory only: a
// restarted daemon rediscovers its problems on the next sync.
//
// One issue per (type, repo); setting an existing key replaces it wholesale, except that a zero
// `since` keeps the first time the problem was seen. A new issue with a zero `since` is stamped
// now. Listings are sorted critical > error > warning, then oldest `since` first.
//
// Thread-safe: every member may be called from any thread; listings return copies.

#include "common/Mutex.h"
#include "state/TimeSource.h"

#include <oxd/sinks.h>

#include <Poco/JSON/Array.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace oxd::core {

class IssueTracker final : public sdk::IssueSink {
 public:
  explicit IssueTracker(TimeSource clock = {});

  void set(sdk::Issue issue) override;
  void clear(const std::string& type, const std::string& repo) override;  // no-op if absent
  void clearRepo(const std::string& repo);
  void clearAll();

  std::vector<sdk::Issue> issues() const;  // sorted (see above)
  std::size_t count() const;
  bool needsHelp() const;  // any issue at all
  bool hasConfirmRequired() const;
  // The highest severity present ("critical", "error", "warning"), or "" when there is none.
  std::string maxSeverity() const;

  // [DaemonIssue] sorted; [] when none (status omits the key then). `repo` and
  // `requires_confirm` are omitted when empty/false.
  Poco::JSON::Array::Ptr toJson() const;

  static int rank(sdk::Severity severity);  // critical 3, error 2, warning 1
  static std::string severityName(sdk::Severity severity);
  // "[error] ledger: Has merge conflicts [CONFIRM REQUIRED]"; without the severity prefix when
  // `with_severity` is false.
  static std::string formatLine(const sdk::Issue& issue, bool with_severity = true);

 private:
  using Key = std::pair<std::string, std::string>;  // (type, repo)

  const TimeSource clock_;
  mutable Mutex mutex_;
  std::map<Key, sdk::Issue> issues_ GUARDED_BY(mutex_);
};

}  // namespace oxd::core
