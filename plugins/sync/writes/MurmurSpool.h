// Accepted murmurs on disk until they are committed (docs/reliability.md#murmurs): the `murmur`
// handler puts each in the spool before it returns, one file a murmur (`<sequence>.json`, the
// message's payload), written whole, fsynced with its directory. A drain thread commits and
// pushes them in order and removes each file once its murmur is committed; the next start
// replays what a crash left. Thread-safe.
#pragma once

#include <oxd/calls.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace oxd::sync {

class MurmurSpool {
 public:
  struct Entry {
    std::filesystem::path file;
    sdk::MurmurRequest request;
  };

  // Creates `dir` on the first Add. Sequence numbers go on from the highest file there.
  explicit MurmurSpool(std::filesystem::path dir);

  // Durable when it returns: the file and the directory entry are fsynced. Throws
  // std::system_error (disk full, read-only) and writes nothing then.
  void Add(const sdk::MurmurRequest& request);

  // The spooled murmurs, oldest first. A file that cannot be read back (it cannot be half
  // written) is renamed `<file>.unreadable` and reported in `unreadable`.
  std::vector<Entry> Pending(std::vector<std::filesystem::path>* unreadable = nullptr) const;

  // After its murmur is committed. A crash before the removal replays it: the same bytes at
  // the same path commit nothing new.
  void Remove(const std::filesystem::path& file);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  const std::filesystem::path dir_;
  std::mutex mutex_;
  std::uint64_t next_ = 1;  // guarded by mutex_
};

}  // namespace oxd::sync
