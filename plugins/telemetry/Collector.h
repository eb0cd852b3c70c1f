// The collector: the event ring and the friction buffer, and one exporter thread of the
// plugin's own that sends them (OTLP/HTTP JSON and ox's format) and the daemon's metrics.
//
// record() and recordFriction() only take a mutex and append: a one-way message never waits
// for the network. Every request runs on the exporter thread with a 5 s deadline, so a hanging
// collector delays nothing but the next export. stop() bounds the final flush to 2 s.
//
// Thread-safe: every public member may be called from any thread.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "EventRing.h"
#include "FlushThrottle.h"
#include "Friction.h"
#include "OtlpJson.h"
#include "TelemetrySettings.h"
#include "http/Backoff.h"
#include "http/HttpClient.h"

namespace oxd::telemetry {

struct CollectorOptions {
  TelemetryConfig config;
  ResourceIdentity resource;
  std::string client_id;
  std::filesystem::path catalog_path;  // the friction catalog cache
  // The bearer token for friction (from heartbeat credentials); nullopt: none.
  std::function<std::optional<std::string>()> auth_token;
  // The daemon's metrics as the `metrics` message's JSON families.
  std::function<Poco::JSON::Array::Ptr()> metrics_families;
  std::function<void(const std::string&)> log_info;
  std::function<void(const std::string&)> log_warning;

  std::chrono::milliseconds request_deadline{5000};
  // The final flush; the daemon's whole stop stays within 2 s.
  std::chrono::milliseconds stop_budget{1000};
  std::chrono::milliseconds early_cooldown{std::chrono::minutes(15)};
  std::chrono::milliseconds friction_interval{std::chrono::minutes(15)};
  std::size_t early_threshold = 50;
  std::size_t friction_threshold = 20;
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_cap{std::chrono::minutes(5)};
};

class Collector {
 public:
  explicit Collector(CollectorOptions options);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Starts the exporter thread when telemetry is on and an exporter is configured.
  void start();
  // An event; a no-op when telemetry is off. May ask the exporter thread for an early flush.
  void record(std::string name, Poco::JSON::Object::Ptr props);
  // The same with the props as JSON text (a hook's message, already checked).
  void recordJson(std::string name, std::string props_json);
  void recordFriction(FrictionEvent event);
  // A message that did not parse: dropped, counted, the first one of each kind logged.
  void countInvalid(const std::string& message_type, const std::string& problem);
  // Asks the exporter thread to send everything now and waits up to `wait` for it to finish,
  // or until `cancelled` says the caller is gone (the daemon's IPC stop waits for requests in
  // flight). False when it did not finish (or there is no exporter).
  bool flushNow(
      std::chrono::milliseconds wait,
      const std::function<bool()>& cancelled = [] { return false; });
  // The daemon is stopping (daemon.stopping, before stop()): a flushNow() waiting returns, the
  // request in flight ends, and later ones are bounded by stop_budget — so that nothing the
  // plugin does keeps the host waiting for its calls in flight.
  void prepareStop();
  // Final flush (at most stop_budget), then joins the thread. Idempotent.
  void stop();

  // The `telemetry` status section (cheap: counters under the mutex).
  Poco::JSON::Object::Ptr status() const;
  // The status plus the buffered events and friction (`oxctl telemetry --json`).
  Poco::JSON::Object::Ptr details() const;

 private:
  using Steady = std::chrono::steady_clock;
  using System = std::chrono::system_clock;

  enum class Format { Otlp, Ox };
  struct Exporter {
    std::string name;  // "otlp" or "sageox"
    Format format = Format::Otlp;
    std::string url;
    int consumer = -1;
    http::Backoff backoff{std::chrono::milliseconds(1000), std::chrono::minutes(5)};
    std::optional<Steady::time_point> backoff_until;
    std::optional<Steady::time_point> retry_after_until;  // the server asked
    std::uint64_t sent = 0;
    std::uint64_t rejected = 0;  // refused for good (400, partial success)
    std::uint64_t failures = 0;
    std::optional<System::time_point> last_send;
    std::string last_error;
    std::string last_logged;  // the error last written to the log (logged once until it changes)
  };

  void run();
  // One pass: what is due (or everything, when `all`). Runs without the mutex held.
  void exportDue(bool all, bool final_flush);
  void sendEvents(Exporter& exporter, bool final_flush);
  void sendFriction(bool final_flush);
  void sendMetrics();
  // Records a delivered batch: the backoff and the last error end.
  void noteSent(Exporter& exporter, std::size_t events);
  // Records a failed or refused request; logs it when it differs from the last logged one.
  void noteFailure(Exporter& exporter, const std::string& what);
  std::optional<Steady::time_point> nextWake() const;  // REQUIRES: mutex_
  Poco::JSON::Object::Ptr statusLocked() const;        // REQUIRES: mutex_
  std::string describeExporters() const;

  CollectorOptions options_;
  http::HttpClient client_;
  FlushThrottle early_throttle_;
  FlushThrottle friction_throttle_;
  const System::time_point started_ = System::now();

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  EventRing ring_{500};
  FrictionBuffer friction_{100};
  std::vector<Exporter> exporters_;
  Exporter friction_exporter_;
  Exporter metrics_exporter_;
  std::chrono::milliseconds flush_interval_;
  Steady::time_point next_flush_;
  Steady::time_point next_metrics_;
  Steady::time_point next_friction_;
  bool early_requested_ = false;
  bool friction_early_requested_ = false;
  std::uint64_t flush_requested_ = 0;  // flushNow generations asked for
  std::uint64_t flush_done_ = 0;       // … and finished
  std::condition_variable flushed_;
  bool stopping_ = false;
  bool closing_ = false;  // prepareStop() was called: flushNow() refuses
  std::uint64_t early_flushes_ = 0;
  double sample_rate_ = 1.0;
  std::optional<System::time_point> friction_retry_until_;
  std::string catalog_version_;
  std::uint64_t friction_sent_ = 0;
  std::uint64_t metrics_exports_ = 0;
  std::map<std::string, std::uint64_t> invalid_;  // by message type
  std::thread thread_;
  std::atomic<bool> stopped_{false};
};

}  // namespace oxd::telemetry
