#include "daemon/Reexec.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

extern char** environ;

namespace oxd::core {
namespace fs = std::filesystem;

namespace {

constexpr const char* kListenVariable = "OXD_REEXEC_LISTEN_FD";
constexpr const char* kLockVariable = "OXD_REEXEC_LOCK_FD";
constexpr const char* kVersionVariable = "OXD_REEXEC_FROM";

int descriptorFrom(const char* variable) {
  const char* text = std::getenv(variable);
  if (!text || !*text) return -1;
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 3 || value > 1 << 20) return -1;
  // Only a descriptor that is really open counts: a stray variable must not adopt fd 7 of
  // whatever this process happens to have.
  return ::fcntl(static_cast<int>(value), F_GETFD) >= 0 ? static_cast<int>(value) : -1;
}

void setCloseOnExec(int fd, bool close) {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags < 0) return;
  ::fcntl(fd, F_SETFD, close ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC);
}

// Libraries may hold descriptors without O_CLOEXEC (log files, databases): none of them may
// leak into the new image, where nothing would ever close them.
void closeOnExecAllBut(int keep_a, int keep_b) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return;
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || fd < 3 || fd == own || fd == keep_a || fd == keep_b) continue;
    setCloseOnExec(static_cast<int>(fd), true);
  }
  ::closedir(dir);
}

}  // namespace

ExecutableIdentity ExecutableIdentity::current() {
  ExecutableIdentity identity;
  std::error_code error;
  std::string target = fs::read_symlink("/proc/self/exe", error).string();
  // Replaced before we looked: the kernel marks the link; the path is still where upgrades go.
  constexpr std::string_view kDeleted = " (deleted)";
  if (target.ends_with(kDeleted)) target.resize(target.size() - kDeleted.size());
  identity.path_ = target;
  struct stat info {};
  if (::stat("/proc/self/exe", &info) == 0) {
    identity.device_ = info.st_dev;
    identity.inode_ = info.st_ino;
    identity.modified_ = info.st_mtim;
  }
  return identity;
}

bool ExecutableIdentity::replaced() const {
  if (path_.empty()) return false;
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      ::access(path_.c_str(), X_OK) != 0) {
    return false;  // mid-install, or removed: nothing to start
  }
  return info.st_dev != device_ || info.st_ino != inode_ ||
         info.st_mtim.tv_sec != modified_.tv_sec || info.st_mtim.tv_nsec != modified_.tv_nsec;
}

std::optional<Inherited> takeInherited() {
  Inherited inherited;
  inherited.listen_fd = descriptorFrom(kListenVariable);
  inherited.lock_fd = descriptorFrom(kLockVariable);
  if (const char* version = std::getenv(kVersionVariable)) inherited.previous_version = version;
  ::unsetenv(kListenVariable);
  ::unsetenv(kLockVariable);
  ::unsetenv(kVersionVariable);
  if (inherited.listen_fd < 0 || inherited.lock_fd < 0) return std::nullopt;
  // Ours now: a later exec (a plugin's git) must not inherit them.
  setCloseOnExec(inherited.listen_fd, true);
  setCloseOnExec(inherited.lock_fd, true);
  return inherited;
}

bool supervised() {
  const char* notify = std::getenv("NOTIFY_SOCKET");
  if (notify && *notify) return true;
  const char* job = std::getenv("XPC_SERVICE_NAME");
  return job && std::string_view(job).starts_with("dev.oxd.");
}

std::string execWithHandover(const fs::path& binary, const std::vector<std::string>& arguments,
                             int listen_fd, int lock_fd, const std::string& version) {
  closeOnExecAllBut(listen_fd, lock_fd);
  setCloseOnExec(listen_fd, false);
  setCloseOnExec(lock_fd, false);
  ::setenv(kListenVariable, std::to_string(listen_fd).c_str(), 1);
  ::setenv(kLockVariable, std::to_string(lock_fd).c_str(), 1);
  ::setenv(kVersionVariable, version.c_str(), 1);
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  ::execve(binary.c_str(), argv.data(), environ);
  int error = errno;
  // Still us: take the descriptors back so nothing we start later inherits them.
  setCloseOnExec(listen_fd, true);
  setCloseOnExec(lock_fd, true);
  ::unsetenv(kListenVariable);
  ::unsetenv(kLockVariable);
  ::unsetenv(kVersionVariable);
  return std::string("exec ") + binary.string() + ": " + std::strerror(error);
}

}  // namespace oxd::core
