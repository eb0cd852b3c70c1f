#pragma once
// Persisted, user-facing errors (`oxctl errors`, `get_errors`, `mark_errors`;
// docs/behavior.md#error-store).
//
// The store is a JSON array file (2-space indent) rewritten atomically after every mutation
// (temp file 0600 + fsync + rename; a missing directory is made 0700). A missing, empty or
// corrupt file gives an empty store that works normally. A write that fails (read-only or
// full disk) never throws out of a mutation: the change stays in memory, one warning is logged
// to "oxd.errors", and the next mutation tries to write again.
//
// Ids are 8 random lowercase hex chars, unique within the store (the Go daemon used a UUIDv7
// prefix, which collides for errors made within ~65 s of each other).
//
// Thread-safe: every member may be called from any thread. File writes are serialized and each
// writes the newest state, so the file never goes back to an older state.

#include "common/Mutex.h"
#include "state/TimeSource.h"

#include <oxd/sinks.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace oxd::core {

struct StoredError {
  std::string id;  // empty on add(): generated
  std::string message;
  std::string code;       // non-empty codes deduplicate: same code replaces the entry
  sdk::Time timestamp{};  // zero on add(): now
  bool viewed = false;
  std::string severity;  // "warning" or "error"
};

class ErrorStore final : public sdk::ErrorSink {
 public:
  // Loads `path` now. Never throws for file problems (see above).
  explicit ErrorStore(std::filesystem::path path, TimeSource clock = {});

  // sdk::ErrorSink. Critical is stored as "error": the wire contract knows only two severities.
  void add(const std::string& code, const std::string& message, sdk::Severity severity) override;
  // Appends `error`, or replaces the entry with the same non-empty code (its id is kept; the
  // timestamp, message, severity and viewed flag come from `error`). Returns the stored id.
  std::string add(StoredError error);

  std::vector<StoredError> unviewed() const;                    // newest first
  std::vector<StoredError> all() const;                         // newest first
  bool markViewed(const std::string& id);                       // false if no such id
  std::size_t markViewed(const std::vector<std::string>& ids);  // returns how many changed
  std::size_t markAllViewed();                                  // writes only if something changed
  // Keeps entries strictly newer than now − max_age; writes only if something was removed.
  std::size_t cleanup(std::chrono::nanoseconds max_age);
  void clear();

  std::size_t count() const;
  std::size_t unviewedCount() const;
  // Entries (viewed or not) stamped within the last `window`: status `recent_error_count`.
  std::size_t recentCount(std::chrono::nanoseconds window) const;
  // The newest entry: status `last_error` / `last_error_time`.
  std::optional<StoredError> lastError() const;

  // get_errors reply: [StoredError] unviewed, newest first; [] when none.
  Poco::JSON::Array::Ptr unviewedJson() const;
  static Poco::JSON::Object::Ptr toJson(const StoredError& error);

  const std::filesystem::path& path() const { return path_; }
  // False while the newest state could not be written to disk.
  bool persisted() const;

 private:
  void load();
  // Writes the current state. Call without mutex_ held.
  void persist();
  std::string newId() REQUIRES(mutex_);

  const std::filesystem::path path_;
  const TimeSource clock_;
  mutable Mutex mutex_;
  std::vector<StoredError> errors_ GUARDED_BY(mutex_);
  std::mt19937_64 random_ GUARDED_BY(mutex_);
  std::uint64_t generation_ GUARDED_BY(mutex_) = 0;  // bumped by every mutation

  mutable Mutex write_mutex_;  // serializes persist(); taken before mutex_, never after
  std::uint64_t written_generation_ GUARDED_BY(write_mutex_) = 0;
  bool write_failing_ GUARDED_BY(write_mutex_) = false;
};

}  // namespace oxd::core
