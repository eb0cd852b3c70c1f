#pragma once
// The client side of the NDJSON protocol (docs/protocol.md): one connection per request, one JSON
// line out, then zero lines (one-way), one line, or progress lines followed by the final line. Used
// by oxctl, the integration tests and the benchmarks. No Poco: see core/CMakeLists.txt. An
// IpcClient is cheap; it holds only the socket path. Not thread-safe per instance.

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

namespace oxd::ipc {

class ClientError : public std::runtime_error {
 public:
  enum class Kind {
    NotRunning,    // no socket file, or connection refused: "daemon not running (<socket>)"
    Unresponsive,  // connected but no (complete, parseable) reply within the deadline
  };
  ClientError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class IpcClient {
 public:
  using ProgressCallback = std::function<void(const nlohmann::json& progress_line)>;
  static constexpr std::size_t kMaxLine = 1 << 20;

  explicit IpcClient(std::filesystem::path socket) : socket_(std::move(socket)) {}

  // Sends `message` and returns the final reply object. `idle_timeout` bounds every wait and is
  // reset by each progress line (so long operations live as long as they report progress).
  nlohmann::json request(const nlohmann::json& message, std::chrono::milliseconds idle_timeout,
                         const ProgressCallback& on_progress = {}) const;
  // Writes `message` and closes without reading (heartbeats, telemetry).
  void sendOneWay(const nlohmann::json& message, std::chrono::milliseconds timeout) const;

  const std::filesystem::path& socket() const { return socket_; }

 private:
  std::filesystem::path socket_;
};

}  // namespace oxd::ipc
