// Loopback servers for the network tests: a TCP listener that accepts and never answers, and a
// `git daemon` serving the scene's repositories. Both bind 127.0.0.1 and are stopped by their
// destructors.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace oxd::git::testing {

// A TCP socket bound to a free 127.0.0.1 port; listening unless `listen_too` is false, in which
// case connections to the port are refused while the socket holds it (no other test can take it).
inline int ListenOnLoopback(int* port, bool listen_too = true) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  if (listen_too) listen(fd, 16);
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

// Accepts every connection and holds it open without sending a byte.
class SilentServer {
 public:
  SilentServer() : listen_fd_(ListenOnLoopback(&port_)), thread_([this] { Serve(); }) {}
  ~SilentServer() {
    stop_ = true;
    thread_.join();
    for (int fd : accepted_) {
      close(fd);
    }
    close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd ready{listen_fd_, POLLIN, 0};
      if (poll(&ready, 1, 50) > 0) {
        accepted_.push_back(accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC));
      }
    }
  }
  int port_ = 0;
  int listen_fd_;
  std::atomic<bool> stop_{false};
  std::vector<int> accepted_;
  std::thread thread_;
};

// An HTTP server that answers every request with 401 and a Basic challenge, counting the
// requests that carried an Authorization header.
class UnauthorizedHttpServer {
 public:
  UnauthorizedHttpServer() : listen_fd_(ListenOnLoopback(&port_)), thread_([this] { Serve(); }) {}
  ~UnauthorizedHttpServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }
  int requests() const { return requests_; }
  int requests_with_credentials() const { return with_credentials_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd ready{listen_fd_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) {
        continue;
      }
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        pollfd readable{fd, POLLIN, 0};
        if (poll(&readable, 1, 2000) <= 0) {
          break;
        }
        ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
        if (got <= 0) {
          break;
        }
        request.append(buffer, static_cast<size_t>(got));
      }
      requests_++;
      if (request.find("Authorization: Basic") != std::string::npos) {
        with_credentials_++;
      }
      static const char kResponse[] =
          "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"oxd\"\r\n"
          "Content-Length: 0\r\nConnection: close\r\n\r\n";
      send(fd, kResponse, sizeof(kResponse) - 1, MSG_NOSIGNAL);
      close(fd);
    }
  }
  int port_ = 0;
  int listen_fd_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> with_credentials_{0};
  std::thread thread_;
};

// `git daemon --export-all` over `base_path` on a free loopback port.
class GitDaemon {
 public:
  explicit GitDaemon(const std::filesystem::path& base_path) {
    int probe = ListenOnLoopback(&port_);
    close(probe);  // the port is free now; git daemon binds it next
    pid_ = fork();
    if (pid_ == 0) {
      std::string base = "--base-path=" + base_path.string();
      std::string port = "--port=" + std::to_string(port_);
      execlp("git", "git", "daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1",
             port.c_str(), base.c_str(), base_path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    WaitUntilListening();
  }
  ~GitDaemon() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  bool listening() const { return listening_; }

 private:
  void WaitUntilListening() {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(static_cast<uint16_t>(port_));
      bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
      close(fd);
      if (ok) {
        listening_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  int port_ = 0;
  pid_t pid_ = -1;
  bool listening_ = false;
};

}  // namespace oxd::git::testing
