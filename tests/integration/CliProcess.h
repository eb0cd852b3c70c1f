#pragma once
// An oxctl (or any program) running in the background with its stdout and stderr on one pipe or
// on a pseudo-terminal, for tests that act while it runs: follow a log, send Ctrl-C, look at
// what a terminal user sees. Header-only; one per test, from the test's thread.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace oxd::testing {

class BackgroundProcess {
 public:
  enum class Output { Pipe, Terminal };

  BackgroundProcess(const std::vector<std::string>& argv,
                    const std::map<std::string, std::string>& env, const std::filesystem::path& cwd,
                    Output output) {
    std::vector<std::string> env_text;
    for (const auto& [key, value] : env) env_text.push_back(key + "=" + value);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    std::vector<char*> environment;
    for (auto& entry : env_text) environment.push_back(entry.data());
    environment.push_back(nullptr);

    if (output == Output::Terminal) {
      winsize size{};
      size.ws_row = 24;
      size.ws_col = 100;
      pid_ = ::forkpty(&fd_, nullptr, nullptr, &size);
      if (pid_ == 0) exec(cwd, args, environment);
    } else {
      int pipe_fds[2];
      if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return;
      pid_ = ::fork();
      if (pid_ == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        ::dup2(pipe_fds[1], STDERR_FILENO);
        int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, STDIN_FILENO);
        exec(cwd, args, environment);
      }
      ::close(pipe_fds[1]);
      fd_ = pipe_fds[0];
    }
  }

  ~BackgroundProcess() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }

  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool started() const { return pid_ > 0 && fd_ >= 0; }
  pid_t pid() const { return pid_; }
  const std::string& output() const { return output_; }

  // Reads until `part` has appeared in the output (true) or `timeout` passed / output ended.
  bool waitFor(const std::string& part, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(part) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !readSome(left)) return output_.find(part) != std::string::npos;
    }
    return true;
  }

  // Reads the rest of the output and reaps the process; nullopt if it has not exited in time.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      if (!readSome(left)) break;
    }
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        return status_;
      }
      ::usleep(10'000);
    }
    return std::nullopt;
  }

 private:
  [[noreturn]] static void exec(const std::filesystem::path& cwd, std::vector<char*>& args,
                                std::vector<char*>& environment) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), environment.data());
    ::_exit(127);
  }

  // False at end of output (EOF, or EIO on a terminal whose other side closed) or timeout.
  bool readSome(std::chrono::milliseconds timeout) {
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buffer[4096];
    ssize_t got = ::read(fd_, buffer, sizeof buffer);
    if (got <= 0) return false;
    output_.append(buffer, static_cast<std::size_t>(got));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
  std::optional<int> status_;
};

}  // namespace oxd::testing
