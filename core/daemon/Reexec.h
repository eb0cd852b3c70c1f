#pragma once
// Restarting into an upgraded oxd binary (docs/architecture.md#upgrades). The daemon notes
// which file it runs from when it starts; when a heartbeat's cli_version differs and that path
// now holds another file, it drains and execs the new one in place. The listening socket and
// the instance lock cross the exec as inherited descriptors, so clients that connect meanwhile
// wait in the socket's backlog instead of finding nothing, and no second daemon can win the
// lock in between. Main thread only, except ExecutableIdentity::replaced() (any thread).

#include <sys/types.h>

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace oxd::core {

class ExecutableIdentity {
 public:
  // The running image (/proc/self/exe) and the path it was started from.
  static ExecutableIdentity current();

  // True when `path()` now names an executable regular file other than the running image
  // (another inode, device or modification time): an upgrade was installed over it.
  bool replaced() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  timespec modified_{};
};

// Descriptors a previous image of this daemon handed over across exec.
struct Inherited {
  int listen_fd = -1;
  int lock_fd = -1;
  std::string previous_version;
};

// Reads and clears the hand-over variables (OXD_REEXEC_*). nullopt for a normal start.
std::optional<Inherited> takeInherited();

// True when a service manager restarts us on a failing exit (systemd's NOTIFY_SOCKET, a
// launchd job of ours): then an upgrade exits with kExitRestart instead of exec'ing, and the
// manager starts the new binary from its unit.
bool supervised();
inline constexpr int kExitRestart = 75;  // EX_TEMPFAIL: Restart=on-failure restarts it

// Execs `binary` with `arguments` (argv[0] included), handing over `listen_fd` and `lock_fd`;
// every other descriptor is closed by the exec. Returns only when the exec failed, with the
// error text (the caller then shuts down normally).
std::string execWithHandover(const std::filesystem::path& binary,
                             const std::vector<std::string>& arguments, int listen_fd, int lock_fd,
                             const std::string& version);

}  // namespace oxd::core
