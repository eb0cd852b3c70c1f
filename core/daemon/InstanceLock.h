#pragma once
// One daemon per workspace. The pid file doubles as a lock: the running daemon holds an
// exclusive flock on it for its whole life, so two daemons starting at once cannot both win
// (the original's ping-only check could). The lock dies with the process, so a crashed daemon
// leaves nothing that blocks the next start; its stale socket is reclaimed by the IPC server.

#include <chrono>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

namespace oxd::core {

class AlreadyRunning : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InstanceLock {
 public:
  struct Options {
    std::filesystem::path pid_file;
    std::filesystem::path socket;
    std::function<bool()> holder_answers;  // pings the socket: is the holder serving?
    std::chrono::seconds starting_grace{std::chrono::minutes(3)};  // younger holders are "starting"
    std::chrono::milliseconds term_wait{std::chrono::seconds(2)};
  };

  // Takes the lock and writes our pid. If a live daemon holds it and answers: AlreadyRunning.
  // If it holds it without answering for longer than starting_grace (stuck), it is sent
  // SIGTERM — after checking /proc that the pid is really an oxd (pid-reuse guard) — and the
  // lock is retried once; a holder that survives SIGTERM is an error.
  static InstanceLock acquire(const Options& options);

  // The lock a previous image of this process held and handed over across exec
  // (daemon/Reexec.h): `fd` must be the locked pid file. Throws if it is not locked by us.
  static InstanceLock adopt(int fd, const std::filesystem::path& pid_file);

  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&&) = delete;
  ~InstanceLock();  // removes the pid file and releases the lock

  // For a superseded daemon: release without deleting what now belongs to the newcomer.
  void abandon();
  // The locked pid file's descriptor, for handing it over across exec.
  int descriptor() const { return fd_; }

 private:
  InstanceLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
};

// True when /proc/<pid>/cmdline names an oxd binary.
bool isOxdProcess(int pid);
bool processAlive(int pid);

}  // namespace oxd::core
