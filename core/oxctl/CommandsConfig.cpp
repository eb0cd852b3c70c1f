// `oxctl config check`: the check itself lives in oxd (`oxd --check-config`), which can read the
// installed plugins' key tables; oxctl stays free of Poco and of plugin loading.

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "oxctl/Cli.h"
#include "oxctl/Spawn.h"

extern char** environ;

namespace oxd::cli {

int runConfig(Invocation& invocation) {
  if (invocation.positional.front() != "check")
    throw UsageError("config: unknown subcommand '" + invocation.positional.front() +
                     "' (expected check)");
  std::string binary = findDaemonBinary().string();
  std::vector<std::string> arguments{binary, "--check-config", "--project",
                                     invocation.root().string()};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int error = ::posix_spawn(&pid, binary.c_str(), nullptr, nullptr, argv.data(), environ))
    throw CommandError("cannot run " + binary + ": " + std::strerror(error));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? kExitOk : kExitError;
  throw CommandError(binary + " --check-config was killed by signal " +
                     std::to_string(WTERMSIG(status)));
}

}  // namespace oxd::cli
