// File-change murmurs (docs/behavior.md#file-change-murmurs): the settled project changes another
// plugin publishes on `files.changed` (codedb, docs/architecture.md#fileschanged) are collected,
// and every file_change_interval (10 min) one murmur tells the teammates what changed since the
// previous one, attributed to the agents active here. Written through the sync plugin's `murmur`
// message into the ledger like any murmur (README: Murmurs). Without a publisher of `files.changed`
// nothing is collected and nothing is written; without the sync plugin or a ledger checkout the
// batch is kept for the next period.
//
// Thread-safe.
#pragma once

#include <oxd/events.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "MurmurFile.h"
#include "Runtime.h"

namespace oxd::whisper {

class ChangeBatch {
 public:
  static constexpr std::size_t kMaxPaths = 10'000;  // beyond: counted, not named

  // Adds what a files.changed event names.
  void Add(const sdk::FilesChangedEvent& event);
  bool empty() const;
  // The murmur for what was collected (and empties the batch), or nullopt when empty.
  std::optional<MurmurFile> Drain(const std::vector<std::string>& active_agents, Nanos now);
  // Puts a drained murmur's changes back when it could not be written.
  void Restore(const MurmurFile& murmur);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> kinds_;  // path → last change kind; GUARDED_BY(mutex_)
  std::size_t overflow_ = 0;                  // GUARDED_BY(mutex_)
  std::optional<MurmurFile> unsent_;          // GUARDED_BY(mutex_)
};

// One period: drains the batch into a murmur and hands it to the sync plugin. True when one
// was written.
bool PublishFileChanges(Runtime& runtime, ChangeBatch& batch, Nanos now);

}  // namespace oxd::whisper
