#pragma once
// One outbound HTTP(S) request with deadlines, on Poco::Net (HTTPS through NetSSL, verified
// against the system CA store). Used by the plugins that talk to servers (telemetry).
//
// Every request has a deadline that covers connecting, sending and reading the answer; a server
// that accepts and never answers costs at most that long. abort() from another thread ends the
// request in flight at once (a plugin's stop), and capDeadlines() bounds every later one.
//
// Thread-safe: one request at a time per HttpClient runs on the caller's thread; abort() and
// capDeadlines() may be called from any thread.

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace oxd::http {

// Every member has an initializer, so designated initializers may name any subset.
struct HttpRequest {
  std::string method = "POST";
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string content_type = "application/json";
  std::string body{};
  std::chrono::milliseconds deadline{5000};  // connect + send + answer
  std::size_t max_body_bytes = 1u << 20;     // an answer's body beyond this is not read
};

struct HttpResponse {
  int status = 0;       // 0: no HTTP answer (see error)
  std::string error{};  // a connection error or timeout; empty when the server answered
  std::map<std::string, std::string> headers{};  // names in lower case
  std::string body{};

  bool answered() const { return error.empty(); }
  bool ok() const { return answered() && status >= 200 && status < 300; }
  std::optional<std::string> header(const std::string& lower_case_name) const;
  // "503 Service Unavailable" or the connection error, for logs and status.
  std::string describe() const;
};

// The OTLP rule (and every sane client's): retry only what may succeed later — connection
// errors and timeouts, 429, 502, 503, 504.
bool IsRetryable(const HttpResponse& response);

class HttpClient {
 public:
  HttpClient() = default;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse send(const HttpRequest& request);

  // Ends the request in flight, if any (it returns a connection error).
  void abort();
  // Every request from now on ends by `latest`, whatever its own deadline.
  void capDeadlines(std::chrono::steady_clock::time_point latest);

 private:
  std::mutex mutex_;
  Poco::Net::HTTPClientSession* active_ = nullptr;            // guarded by mutex_
  std::optional<std::chrono::steady_clock::time_point> cap_;  // guarded by mutex_
};

}  // namespace oxd::http
