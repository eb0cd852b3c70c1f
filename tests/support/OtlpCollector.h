#pragma once
// A telemetry collector on 127.0.0.1 for the telemetry tests: an HTTP server (Poco) that takes
// OTLP/HTTP JSON on /v1/logs and /v1/metrics — every body checked strictly against the OTLP
// JSON mapping (OtlpJsonCheck.h) — and ox's own endpoints (any other path: the telemetry
// {"clientid","events"} shape, and /api/v1/cli/friction's {"v","events"}), and answers what
// the test scripts: 200, 400, 429 with Retry-After, 503, a partial success, or a hang.
//
//   OtlpCollector collector;
//   collector.script({{.status = 503}, {.status = 200}});  // the next two answers, then 200s
//   … point oxd at collector.url() …
//   collector.waitForRequests("/v1/logs", 2, 10s);
//   EXPECT_TRUE(collector.problems().empty());
//
// Thread-safe; the destructor releases hanging answers and stops the server.

#include <Poco/JSON/Object.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace oxd::testing {

struct CollectorAnswer {
  int status = 200;
  std::map<std::string, std::string> headers{};
  std::string body = "{}";
  bool hang = false;  // never answer (until the collector is destroyed)
};

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  Poco::JSON::Object::Ptr json;  // null when the body is not a JSON object
  int status = 0;                // what the collector answered (0: hung)
};

class OtlpCollector {
 public:
  OtlpCollector();
  ~OtlpCollector();
  OtlpCollector(const OtlpCollector&) = delete;
  OtlpCollector& operator=(const OtlpCollector&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The answers to the next requests (any path), in order; after them, `fallback`.
  void script(std::vector<CollectorAnswer> answers);
  void setFallback(CollectorAnswer answer);

  std::vector<ReceivedRequest> requests() const;
  std::vector<ReceivedRequest> requests(const std::string& path) const;
  std::size_t count(const std::string& path) const { return requests(path).size(); }
  // Every way a request broke the protocol of its path, "<path> #n: problem".
  std::vector<std::string> problems() const;
  bool waitForRequests(const std::string& path, std::size_t n,
                       std::chrono::milliseconds limit) const;

  // The log records of every /v1/logs request, flattened: one object per record.
  std::vector<Poco::JSON::Object::Ptr> logRecords() const;

  class Handler;

 private:
  CollectorAnswer take(ReceivedRequest& request);
  void record(ReceivedRequest request, std::vector<std::string> problems);
  void waitWhileHanging();

  int port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<CollectorAnswer> script_;
  CollectorAnswer fallback_;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::string> problems_;
  bool closing_ = false;
  friend class Handler;
};

// The attribute `key` of an OTLP attribute list as text ("" when absent): stringValue as is,
// intValue's string, boolValue as true/false.
std::string AttributeOf(const Poco::JSON::Object::Ptr& owner, const std::string& key);

}  // namespace oxd::testing
