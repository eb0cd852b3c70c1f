#pragma once
// A write that fails for want of space or because the file system is read-only is for the user
// to fix, not the daemon: besides the clean error to its client, it raises `disk_full` or
// `read_only` in `status` (severity error), and the next write of the same area that succeeds
// clears it (docs/reliability.md#a-full-or-read-only-disk).
//
//   sdk::DiskIssues disk(host.issues(), "whisper");
//   try { store.Append(...); disk.succeeded(); } catch (const std::exception& e) {
//     disk.failed(e, "whisper store"); throw; }
//
// Header-only. Thread-safe.

#include <oxd/sinks.h>

#include <Poco/Exception.h>

#include <atomic>
#include <cerrno>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>

namespace oxd::sdk {

enum class DiskProblem { None, Full, ReadOnly };

inline DiskProblem diskProblemOf(int error_number) {
  if (error_number == ENOSPC || error_number == EDQUOT) return DiskProblem::Full;
  if (error_number == EROFS) return DiskProblem::ReadOnly;
  return DiskProblem::None;
}

// From an error's text: strerror's, SQLite's and libgit2's wording.
inline DiskProblem diskProblemOf(std::string_view text) {
  for (std::string_view full : {"No space left on device", "database or disk is full",
                                "Disk quota exceeded", "SQLITE_FULL", "Database full"}) {
    if (text.find(full) != std::string_view::npos) return DiskProblem::Full;
  }
  for (std::string_view read_only :
       {"Read-only file system", "readonly database", "SQLITE_READONLY"}) {
    if (text.find(read_only) != std::string_view::npos) return DiskProblem::ReadOnly;
  }
  return DiskProblem::None;
}

// Poco's what() is only the exception's class name: its displayText() says what happened.
inline std::string describe(const std::exception& error) {
  if (const auto* poco = dynamic_cast<const Poco::Exception*>(&error)) return poco->displayText();
  return error.what();
}

inline DiskProblem diskProblemOf(const std::exception& error) {
  if (const auto* system = dynamic_cast<const std::system_error*>(&error)) {
    if (DiskProblem problem = diskProblemOf(system->code().value()); problem != DiskProblem::None) {
      return problem;
    }
  }
  return diskProblemOf(describe(error));
}

// Raises `disk_full` or `read_only` for `area` (the issue's `repo` key: "whisper", "codedb", a
// repository id…, so that areas raise and clear independently). False, and nothing raised, when
// `problem` is None.
inline bool raiseDiskIssue(IssueSink& issues, const std::string& area, DiskProblem problem,
                           const std::string& what, const std::string& detail) {
  if (problem == DiskProblem::None) return false;
  Issue issue;
  issue.severity = Severity::Error;
  issue.repo = area;
  if (problem == DiskProblem::Full) {
    issue.type = "disk_full";
    issue.summary = what + " cannot be written: the disk is full (" + detail + ")";
  } else {
    issue.type = "read_only";
    issue.summary = what + " cannot be written: the file system is read-only (" + detail + ")";
  }
  issues.set(issue);
  return true;
}

inline void clearDiskIssues(IssueSink& issues, const std::string& area) {
  issues.clear("disk_full", area);
  issues.clear("read_only", area);
}

// The disk issues of one area, for a hot path: clearing costs nothing while none is raised.
class DiskIssues {
 public:
  DiskIssues(IssueSink& issues, std::string area) : issues_(issues), area_(std::move(area)) {}

  // After a failed write. True (and the issue raised) when it was a full or read-only disk.
  bool failed(DiskProblem problem, const std::string& what, const std::string& detail) {
    if (!raiseDiskIssue(issues_, area_, problem, what, detail)) return false;
    raised_.store(true);
    return true;
  }
  bool failed(const std::exception& error, const std::string& what) {
    return failed(diskProblemOf(error), what, describe(error));
  }

  // After a write that succeeded.
  void succeeded() {
    if (raised_.exchange(false)) clearDiskIssues(issues_, area_);
  }

 private:
  IssueSink& issues_;
  const std::string area_;
  std::atomic<bool> raised_{false};
};

}  // namespace oxd::sdk
