// Tailing one agent session file into `<cache>/sessions/<name>/raw.jsonl` (seed 003: the
// session-sync daemon), without threads or inotify — SessionWatches.h drives it. Whole lines only:
// a line still being written is left for the next call.
//
//   appends      copied from the saved offset
//   truncation   (size < offset) copying restarts at 0
//   rotation     (the path names another inode) the old file is read to its end, then the new
//                one is followed from 0; also across a daemon restart, by finding the old inode
//                in the same directory
//   restarts     state in `.watch.json` beside raw.jsonl: {session_file, adapter_name, device,
//                inode, offset, raw_size, active}. raw.jsonl is appended and fsynced before the
//                state is replaced, and a raw.jsonl longer than raw_size at resume (a crash
//                between the two) is cut back to raw_size: no line is copied twice or lost.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace oxd::sync {

struct TailState {
  std::string session_file;
  std::string adapter_name;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;     // of the file `offset` counts in; 0: not opened yet
  std::uint64_t offset = 0;    // bytes of whole lines copied from it
  std::uint64_t raw_size = 0;  // raw.jsonl's size after the last copy
  bool active = true;          // false after session_watch_stop: not resumed at start
};

inline constexpr const char* kRawFile = "raw.jsonl";
inline constexpr const char* kTailStateFile = ".watch.json";

class SessionTail {
 public:
  // `session_dir` is <cache>/sessions/<name>; created on the first copy.
  SessionTail(std::filesystem::path session_dir, TailState state);
  ~SessionTail();
  SessionTail(const SessionTail&) = delete;
  SessionTail& operator=(const SessionTail&) = delete;

  static std::optional<TailState> Load(const std::filesystem::path& session_dir);

  // Repairs raw.jsonl after a crash and finishes a file rotated away while nobody watched.
  // Returns the lines copied. Throws std::system_error on I/O errors.
  std::size_t Resume();
  // Copies every new whole line, following truncation and rotation. Returns the lines copied.
  std::size_t CatchUp();
  // Persists the state with `active` set as given (the watch stops, or the daemon stops).
  void Persist(bool active);

  const TailState& state() const { return state_; }
  const std::filesystem::path& session_dir() const { return session_dir_; }

 private:
  bool OpenSource();  // false when the path does not exist (yet)
  void CloseSource();
  std::size_t Drain();  // whole lines of the open fd from offset
  void Append(const char* data, std::size_t size);
  void SaveState();

  std::filesystem::path session_dir_;
  TailState state_;
  int fd_ = -1;
  int raw_fd_ = -1;
};

}  // namespace oxd::sync
