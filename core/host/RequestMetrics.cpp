#include "host/RequestMetrics.h"

#include "runtime/MetricsRegistry.h"

namespace oxd::core {

namespace {

constexpr const char* kRequests = "oxd_requests_total";
constexpr const char* kRequestsHelp = "Messages handled, by type and outcome.";
constexpr const char* kDuration = "oxd_request_duration_seconds";
constexpr const char* kDurationHelp = "Time spent in message handlers, by type.";

// From 10 µs (an inline ping) to 2 minutes (a slow pull).
const std::vector<double>& requestBuckets() {
  static const std::vector<double> buckets{0.00001, 0.0001, 0.001, 0.01, 0.1, 1, 10, 120};
  return buckets;
}

}  // namespace

void RequestSeries::record(Outcome outcome, std::chrono::nanoseconds elapsed) const {
  switch (outcome) {
    case Outcome::Ok:
      ok->increment();
      break;
    case Outcome::Error:
      error->increment();
      break;
    case Outcome::Invalid:
      invalid->increment();
      break;
  }
  duration->observe(std::chrono::duration<double>(elapsed).count());
}

RequestMetrics::RequestMetrics(MetricsRegistry& registry)
    : metrics_(registry.scope("")),
      unknown_(&metrics_->counter(kRequests, kRequestsHelp,
                                  {{"type", "other"}, {"outcome", "unknown"}})),
      invalid_(&metrics_->counter(kRequests, kRequestsHelp,
                                  {{"type", "other"}, {"outcome", "invalid"}})) {}

const RequestSeries& RequestMetrics::forType(const std::string& type) {
  std::lock_guard lock(mutex_);
  auto& series = series_[type];
  if (!series) {
    series = std::make_unique<RequestSeries>();
    auto counter = [&](const char* outcome) {
      return &metrics_->counter(kRequests, kRequestsHelp, {{"type", type}, {"outcome", outcome}});
    };
    series->ok = counter("ok");
    series->error = counter("error");
    series->invalid = counter("invalid");
    series->duration =
        &metrics_->histogram(kDuration, kDurationHelp, requestBuckets(), {{"type", type}});
  }
  return *series;
}

}  // namespace oxd::core
