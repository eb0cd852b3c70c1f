#include "oxctl/Spawn.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "oxctl/Cli.h"

extern char** environ;

namespace oxd::cli {
namespace fs = std::filesystem;

namespace {

bool isExecutable(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<fs::path> besideThisExecutable() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) return std::nullopt;
  fs::path candidate = self.parent_path() / "oxd";
  return isExecutable(candidate) ? std::optional(candidate) : std::nullopt;
}

std::optional<fs::path> onPath() {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::string_view rest = path;
  while (!rest.empty()) {
    std::size_t colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / "oxd";
    if (isExecutable(candidate)) return candidate;
  }
  return std::nullopt;
}

// Owns the posix_spawn attribute objects so every exit path destroys them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

// A hook's runner may leave descriptors open without close-on-exec (a pipe it reads to EOF):
// a daemon holding one would keep the hook "running" for as long as the daemon lives.
void closeInheritedDescriptors(posix_spawn_file_actions_t& actions) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return;
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || fd <= STDERR_FILENO || fd == own) continue;
    int flags = ::fcntl(static_cast<int>(fd), F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC))
      posix_spawn_file_actions_addclose(&actions, static_cast<int>(fd));
  }
  ::closedir(dir);
}

}  // namespace

fs::path findDaemonBinary() {
  if (const char* forced = std::getenv("OXD_BIN"); forced && *forced) {
    if (!isExecutable(forced))
      throw CommandError(std::string("OXD_BIN is not an executable: ") + forced);
    return forced;
  }
  if (auto beside = besideThisExecutable()) return *beside;
  if (auto found = onPath()) return *found;
  throw CommandError("cannot find the oxd binary (not beside oxctl, not on PATH; set OXD_BIN)");
}

pid_t spawnDaemon(const fs::path& binary, const fs::path& root,
                  const std::optional<std::string>& socket_override) {
  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, STDOUT_FILENO, STDERR_FILENO);
  closeInheritedDescriptors(setup.actions);
  // Its own session: the daemon must outlive the hook's shell and its terminal's SIGHUP.
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&setup.attributes, &no_signals);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);

  std::string binary_text = binary.string();
  std::string root_text = root.string();
  std::string project_flag = "--project";
  std::vector<char*> arguments{binary_text.data(), project_flag.data(), root_text.data(), nullptr};

  std::vector<std::string> storage;
  std::vector<char*> environment;
  if (socket_override) {
    storage.push_back("OXD_SOCKET=" + *socket_override);
    for (char** entry = environ; *entry; ++entry) {
      if (std::strncmp(*entry, "OXD_SOCKET=", 11) != 0) environment.push_back(*entry);
    }
    environment.push_back(storage.back().data());
  } else {
    for (char** entry = environ; *entry; ++entry) environment.push_back(*entry);
  }
  environment.push_back(nullptr);

  pid_t pid = 0;
  int error = ::posix_spawn(&pid, binary_text.c_str(), &setup.actions, &setup.attributes,
                            arguments.data(), environment.data());
  if (error != 0) {
    throw CommandError("cannot start " + binary_text + ": " + std::strerror(error));
  }
  return pid;
}

}  // namespace oxd::cli
