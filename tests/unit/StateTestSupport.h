#pragma once
// Helpers shared by the state component tests: a private temp directory, a manual clock and a
// PID that is certainly dead.

#include <oxd/json.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace oxd::testing {

class TempDir {
 public:
  // Under /dev/shm when there is one: the stores fsync on every write, which costs ~10 ms on a
  // disk and nothing on tmpfs, and what is tested is the write protocol, not the disk.
  TempDir() {
    std::error_code ignored;
    std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm", ignored) && ::access("/dev/shm", W_OK) == 0
            ? std::filesystem::path("/dev/shm")
            : std::filesystem::temp_directory_path();
    std::string pattern = (base / "oxd-state-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    // A test may have made parts read-only; give everything back before removing it.
    std::error_code ignored;
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ignored);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ignored)) {
      if (it->is_directory(ignored)) ::chmod(it->path().c_str(), 0700);
    }
    ::chmod(path_.c_str(), 0700);
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A wall clock that moves only when told; safe to read from many threads.
class ManualClock {
 public:
  ManualClock()
      : nanos_(std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count()) {}
  sdk::Time now() const {
    return sdk::Time{
        std::chrono::duration_cast<sdk::Time::duration>(std::chrono::nanoseconds(nanos_.load()))};
  }
  void advance(std::chrono::nanoseconds by) { nanos_ += by.count(); }
  std::function<sdk::Time()> source() {
    return [this] { return now(); };
  }

 private:
  std::atomic<std::int64_t> nanos_;
};

// The PID of a child that has exited and been reaped: kill(pid, 0) answers ESRCH.
inline pid_t deadPid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

inline std::string readText(const std::filesystem::path& path) {
  std::ifstream input(path);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

inline void writeText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream output(path, std::ios::trunc);
  output << text;
}

}  // namespace oxd::testing
