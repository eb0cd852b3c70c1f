#include "DaemonFixture.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/Paths.h"
#include "common/ProjectFile.h"

extern char** environ;

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kDaemonBinary = OXD_BIN_DIR "/oxd";
constexpr const char* kOxctlBinary = OXD_BIN_DIR "/oxctl";
constexpr const char* kRedirectedVariables[] = {
    "HOME",           "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
    "XDG_CACHE_HOME", "XDG_STATE_HOME",  "OXD_SOCKET",      "OXD_BIN"};

std::string readTail(const fs::path& file, std::size_t max_bytes) {
  std::ifstream input(file, std::ios::binary);
  if (!input) return "(no " + file.string() + ")\n";
  std::stringstream buffer;
  buffer << input.rdbuf();
  std::string text = buffer.str();
  if (text.size() > max_bytes) text = "…" + text.substr(text.size() - max_bytes);
  return text;
}

std::string readAll(const fs::path& file) {
  std::ifstream input(file, std::ios::binary);
  std::stringstream buffer;
  buffer << input.rdbuf();
  return buffer.str();
}

std::string describeStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

struct Redirects {
  fs::path in;  // empty: /dev/null
  fs::path out;
  fs::path err;
  bool append = false;
};

// posix_spawn rather than fork: the test process has threads (gtest, IpcClient users).
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const fs::path& cwd, const Redirects& redirects) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int out_flags = O_WRONLY | O_CREAT | (redirects.append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO,
                                   redirects.in.empty() ? "/dev/null" : redirects.in.c_str(),
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, redirects.out.c_str(), out_flags, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, redirects.err.c_str(), out_flags, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> arguments;
  for (const std::string& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  std::vector<std::string> entries;
  for (const auto& [key, value] : env) entries.push_back(key + "=" + value);
  std::vector<char*> environment;
  for (std::string& entry : entries) environment.push_back(entry.data());
  environment.push_back(nullptr);

  pid_t pid = -1;
  int error = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attributes, arguments.data(),
                            environment.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(error);
    return -1;
  }
  return pid;
}

// Polls for the exit of `pid`; nullopt when it is still running at the deadline.
std::optional<int> waitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0) return std::nullopt;  // not our child (any more)
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(2ms);
  }
}

bool isNotRunning(const ipc::ClientError& error) {
  return error.kind() == ipc::ClientError::Kind::NotRunning;
}

}  // namespace

void DaemonFixture::SetUp() {
  char pattern[] = "/tmp/oxd-it-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
  temp_dir_ = pattern;
  project_dir_ = temp_dir_ / "project";
  empty_plugin_dir_ = temp_dir_ / "no-plugins";
  daemon_output_ = temp_dir_ / "daemon.out";
  // .oxd/ makes the project directory its own root, whatever lies above /tmp.
  fs::create_directories(project_dir_ / ".oxd");
  fs::create_directories(empty_plugin_dir_);
  for (const char* dir : {"run", "config", "data", "cache", "state"})
    fs::create_directories(temp_dir_ / dir);
  fs::permissions(temp_dir_ / "run", fs::perms::owner_all, fs::perm_options::replace);

  for (const char* name : kRedirectedVariables) {
    const char* value = std::getenv(name);
    saved_environment_[name] = value ? std::optional<std::string>(value) : std::nullopt;
  }
  ::setenv("HOME", temp_dir_.c_str(), 1);
  ::setenv("XDG_RUNTIME_DIR", (temp_dir_ / "run").c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", (temp_dir_ / "config").c_str(), 1);
  ::setenv("XDG_DATA_HOME", (temp_dir_ / "data").c_str(), 1);
  ::setenv("XDG_CACHE_HOME", (temp_dir_ / "cache").c_str(), 1);
  ::setenv("XDG_STATE_HOME", (temp_dir_ / "state").c_str(), 1);
  ::unsetenv("OXD_SOCKET");
  ::unsetenv("OXD_BIN");
}

void DaemonFixture::TearDown() {
  if (temp_dir_.empty()) return;
  if (daemon_pid_ > 0) stopDaemon();
  stopStrayDaemon();
  fs::path log = logPath();
  restoreEnvironment();
  if (HasFailure()) {
    std::fprintf(stderr, "[ DaemonFixture ] kept %s (daemon log %s, daemon output %s)\n",
                 temp_dir_.c_str(), log.c_str(), daemon_output_.c_str());
  } else {
    std::error_code ignored;
    fs::remove_all(temp_dir_, ignored);
  }
}

void DaemonFixture::restoreEnvironment() {
  for (const auto& [name, value] : saved_environment_) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  saved_environment_.clear();
}

// A daemon the test started through `oxctl start` is not our child: ask it to stop, and kill
// it by its pid file if it will not.
void DaemonFixture::stopStrayDaemon() {
  ipc::IpcClient client(socketPath());
  nlohmann::json stop = {{"type", "stop"}, {"workspace_id", workspaceId()}};
  try {
    client.request(stop, 2s);
  } catch (const ipc::ClientError& error) {
    if (isNotRunning(error)) return;
  }
  auto deadline = Clock::now() + 5s;
  while (Clock::now() < deadline) {
    try {
      client.request({{"type", "ping"}, {"workspace_id", workspaceId()}}, 200ms);
    } catch (const ipc::ClientError& error) {
      if (isNotRunning(error)) return;
    }
    std::this_thread::sleep_for(20ms);
  }
  std::ifstream pid_file(paths::pidPath(workspaceId()));
  long pid = 0;
  if (pid_file >> pid && pid > 1) ::kill(static_cast<pid_t>(pid), SIGKILL);
  ADD_FAILURE() << "a daemon outside the fixture's control did not stop; killed pid " << pid;
}

void DaemonFixture::writeProjectFile(const nlohmann::json& content) {
  std::ofstream(project_dir_ / ".oxd" / "project.json") << content.dump(2) << "\n";
}

std::string DaemonFixture::workspaceId() const {
  fs::path root = project::findRoot(project_dir_);
  return project::workspaceId(root, project::readRepoId(root));
}

fs::path DaemonFixture::socketPath() const { return paths::socketPath(workspaceId()); }
fs::path DaemonFixture::logPath() const { return paths::logPath(workspaceId()); }

std::string DaemonFixture::daemonDiagnostics() const {
  return "--- daemon log (" + logPath().string() + ") ---\n" + readTail(logPath(), 8000) +
         "\n--- daemon stdout/stderr ---\n" + readTail(daemon_output_, 8000);
}

std::map<std::string, std::string> DaemonFixture::childEnvironment() const {
  std::map<std::string, std::string> env;
  // The developer's OXD_* settings (config layer, socket override) must not leak into tests.
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text = *entry;
    auto equals = text.find('=');
    if (equals == std::string_view::npos || text.starts_with("OXD_")) continue;
    env[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
  }
  for (const char* name : kRedirectedVariables) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  // So that a daemon launched by `oxctl start` loads no plugins either.
  env["OXD_DAEMON__PLUGIN_DIR"] = empty_plugin_dir_.string();
  return env;
}

void DaemonFixture::startDaemon(const DaemonLaunch& launch) {
  ASSERT_EQ(daemon_pid_, -1) << "startDaemon() called while a daemon runs";
  fs::path plugins = launch.plugin_dir.value_or(empty_plugin_dir_);
  std::vector<std::string> argv{launch.binary ? launch.binary->string() : kDaemonBinary,
                                "--project", project_dir_.string(), "--define",
                                "daemon.plugin_dir=" + plugins.string()};
  argv.insert(argv.end(), launch.args.begin(), launch.args.end());
  std::map<std::string, std::string> env = childEnvironment();
  env["OXD_DAEMON__PLUGIN_DIR"] = plugins.string();
  for (const auto& [key, value] : launch.env) env[key] = value;

  daemon_pid_ = spawn(argv, env, project_dir_, {{}, daemon_output_, daemon_output_, true});
  ASSERT_GT(daemon_pid_, 0);
  auto deadline = Clock::now() + launch.ready_timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(daemon_pid_, &status, WNOHANG) == daemon_pid_) {
      daemon_pid_ = -1;
      FAIL() << "oxd exited (" << describeStatus(status) << ") before answering ping on "
             << socketPath() << "\n"
             << daemonDiagnostics();
    }
    try {
      request("ping", nullptr, 200ms);
      return;
    } catch (const ipc::ClientError&) {
    }
    if (Clock::now() >= deadline) {
      ::kill(daemon_pid_, SIGKILL);
      ::waitpid(daemon_pid_, nullptr, 0);
      daemon_pid_ = -1;
      FAIL() << "oxd did not answer ping on " << socketPath() << " within "
             << launch.ready_timeout.count() << " ms\n"
             << daemonDiagnostics();
    }
    std::this_thread::sleep_for(10ms);
  }
}

std::optional<int> DaemonFixture::waitForDaemonExit(std::chrono::milliseconds timeout) {
  if (daemon_pid_ <= 0) return std::nullopt;
  std::optional<int> status = waitForExit(daemon_pid_, timeout);
  if (status) daemon_pid_ = -1;
  return status;
}

std::optional<int> DaemonFixture::stopDaemon() {
  if (daemon_pid_ <= 0) return std::nullopt;
  ::kill(daemon_pid_, SIGTERM);
  if (std::optional<int> status = waitForDaemonExit(10s)) return status;
  ADD_FAILURE() << "oxd (pid " << daemon_pid_ << ") did not exit within 10 s of SIGTERM\n"
                << daemonDiagnostics();
  ::kill(daemon_pid_, SIGKILL);
  int status = 0;
  ::waitpid(daemon_pid_, &status, 0);
  daemon_pid_ = -1;
  return status;
}

bool DaemonFixture::daemonRunning() {
  if (daemon_pid_ <= 0) return false;
  return !waitForDaemonExit(0ms).has_value();
}

nlohmann::json DaemonFixture::request(const std::string& type, const nlohmann::json& payload,
                                      std::chrono::milliseconds timeout,
                                      const ipc::IpcClient::ProgressCallback& on_progress) {
  nlohmann::json message = {{"type", type}, {"workspace_id", workspaceId()}};
  if (!payload.is_null()) message["payload"] = payload;
  return ipc::IpcClient(socketPath()).request(message, timeout, on_progress);
}

void DaemonFixture::sendOneWay(const std::string& type, const nlohmann::json& payload) {
  nlohmann::json message = {{"type", type}, {"workspace_id", workspaceId()}};
  if (!payload.is_null()) message["payload"] = payload;
  ipc::IpcClient(socketPath()).sendOneWay(message, 1s);
}

ProcessResult DaemonFixture::oxctl(const std::vector<std::string>& args, const RunOptions& run) {
  return runProgram(kOxctlBinary, args, run);
}

ProcessResult DaemonFixture::runProgram(const std::string& program,
                                        const std::vector<std::string>& args,
                                        const RunOptions& run) {
  std::string stem = fs::path(program).filename().string() + "-" + std::to_string(++program_runs_);
  Redirects redirects{temp_dir_ / (stem + ".in"), temp_dir_ / (stem + ".out"),
                      temp_dir_ / (stem + ".err")};
  std::ofstream(redirects.in, std::ios::binary) << run.stdin_text;
  std::vector<std::string> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> env = childEnvironment();
  for (const auto& [key, value] : run.env) env[key] = value;

  ProcessResult result;
  pid_t pid = spawn(argv, env, run.cwd.value_or(project_dir_), redirects);
  if (pid <= 0) return result;
  if (std::optional<int> status = waitForExit(pid, run.timeout)) {
    result.exit_code = WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
  } else {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ADD_FAILURE() << program << " did not finish within " << run.timeout.count() << " ms";
  }
  result.out = readAll(redirects.out);
  result.err = readAll(redirects.err);
  return result;
}

}  // namespace oxd::testing
