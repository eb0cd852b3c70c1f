#pragma once
// The core's request metrics, with every series looked up once per message type and cached, so
// that serving a request costs two counter/histogram updates and no lookup:
//   oxd_requests_total{type, outcome}         outcome: ok, error, invalid (the payload or the
//                                              line was not a valid request), unknown (no
//                                              handler); type "other" for the last two when
//                                              the type is unknown or unreadable, so a client
//                                              cannot grow the label set
//   oxd_request_duration_seconds{type}        handler time (not socket IO)
// Counted wherever a handler runs: requests from the socket, one-way messages and in-process
// calls between plugins alike.
//
// Thread-safe; the series handed out live as long as the MetricsRegistry.

#include <oxd/metrics.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace oxd::core {

class MetricsRegistry;

// One message type's series.
struct RequestSeries {
  enum class Outcome { Ok, Error, Invalid };
  sdk::Counter* ok = nullptr;
  sdk::Counter* error = nullptr;
  sdk::Counter* invalid = nullptr;
  sdk::Histogram* duration = nullptr;

  void record(Outcome outcome, std::chrono::nanoseconds elapsed) const;
};

class RequestMetrics {
 public:
  explicit RequestMetrics(MetricsRegistry& registry);
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  // The same object for the same type, for the registry's life (a plugin's route added again
  // after a restart counts on).
  const RequestSeries& forType(const std::string& type);
  // A message whose type has no handler.
  void unknownType() { unknown_->increment(); }
  // A line that is not a request at all (not JSON, no type).
  void invalidLine() { invalid_->increment(); }

 private:
  std::unique_ptr<sdk::Metrics> metrics_;
  sdk::Counter* unknown_;
  sdk::Counter* invalid_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<RequestSeries>, std::less<>> series_;  // guarded by mutex_
};

}  // namespace oxd::core
