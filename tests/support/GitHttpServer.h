#pragma once
// tests/support/git_http_server.py as a child process: smart HTTP (git http-backend) with basic
// auth on 127.0.0.1. The token lives in a file the test rewrites to rotate it; every request
// that carried credentials is one line "<ok|bad> METHOD PATH" in a log the test counts.
// One per test, from the test's thread.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace oxd::testing {

class GitHttpServer {
 public:
  // Serves the bare repositories under `root`; `work` holds the token file and the log.
  GitHttpServer(const std::filesystem::path& root, const std::filesystem::path& work,
                const std::string& token)
      : token_file_(work / "http-token"), log_(work / "http-credentials.log") {
    setToken(token);
    int out[2];
    if (::pipe(out) != 0) return;
    std::string script = OXD_SOURCE_DIR "/tests/support/git_http_server.py";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execlp("python3", "python3", script.c_str(), "--root", root.c_str(), "--token-file",
               token_file_.c_str(), "--log", log_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    // "port N\n", written once the socket listens.
    FILE* stream = ::fdopen(out[0], "r");
    int port = 0;
    if (stream && std::fscanf(stream, "port %d", &port) == 1) port_ = port;
    if (stream) std::fclose(stream);
  }
  ~GitHttpServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  GitHttpServer(const GitHttpServer&) = delete;
  GitHttpServer& operator=(const GitHttpServer&) = delete;

  int port() const { return port_; }  // 0: the server did not start
  std::string url(const std::string& repo) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + repo;
  }
  void setToken(const std::string& token) { std::ofstream(token_file_) << token << "\n"; }

  // Requests that carried credentials: accepted ("ok") or refused ("bad").
  int accepted() const { return count("ok "); }
  int refused() const { return count("bad "); }

 private:
  int count(const std::string& prefix) const {
    std::ifstream in(log_);
    int found = 0;
    for (std::string line; std::getline(in, line);) found += line.starts_with(prefix) ? 1 : 0;
    return found;
  }

  std::filesystem::path token_file_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace oxd::testing
