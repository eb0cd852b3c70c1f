#include "Collector.h"

#include <oxd/duration.h>

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <random>

#include "LocalFiles.h"
#include "OxFormat.h"
#include "http/RetryAfter.h"

namespace oxd::telemetry {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr std::size_t kMaxBatch = 500;       // the whole ring in one request
constexpr std::size_t kFrictionBatch = 100;  // ox's friction endpoint takes ≤ 100

std::string UserAgent() { return std::string("oxd/") + OXD_VERSION; }

std::int64_t UnixNanos(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}

std::string Rfc3339OrEmpty(const std::optional<std::chrono::system_clock::time_point>& at) {
  return at ? Rfc3339Utc(*at) : "";
}

// A server-sent sample rate: a number in [0, 1]; nullopt otherwise.
std::optional<double> SampleRate(const std::string& text) {
  try {
    std::size_t used = 0;
    double rate = std::stod(text, &used);
    if (used != text.size() || !(rate >= 0 && rate <= 1)) return std::nullopt;
    return rate;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

Collector::Collector(CollectorOptions options)
    : options_(std::move(options)),
      early_throttle_(options_.early_cooldown),
      friction_throttle_(options_.early_cooldown),
      flush_interval_(options_.config.flush_interval) {
  const TelemetryConfig& config = options_.config;
  auto make = [&](std::string name, Format format, std::string url) {
    Exporter exporter;
    exporter.name = std::move(name);
    exporter.format = format;
    exporter.url = std::move(url);
    exporter.backoff = http::Backoff(options_.retry_base, options_.retry_cap);
    return exporter;
  };
  if (config.telemetry_enabled) {
    if (!config.otlp_logs_url.empty())
      exporters_.push_back(make("otlp", Format::Otlp, config.otlp_logs_url));
    if (!config.sageox_url.empty())
      exporters_.push_back(make("sageox", Format::Ox, config.sageox_url));
    for (Exporter& exporter : exporters_) exporter.consumer = ring_.addConsumer();
  }
  friction_exporter_ =
      make("friction", Format::Ox,
           config.friction_base.empty() ? "" : config.friction_base + "/api/v1/cli/friction");
  metrics_exporter_ = make("otlp-metrics", Format::Otlp, config.otlp_metrics_url);
  if (auto cached = ReadSmallFile(options_.catalog_path)) {
    try {
      auto catalog = Poco::JSON::Parser().parse(*cached).extract<Poco::JSON::Object::Ptr>();
      catalog_version_ = catalog->optValue<std::string>("version", "");
    } catch (const std::exception&) {
      // A damaged cache is as good as none: the next answer brings the catalog again.
    }
  }
  Steady::time_point now = Steady::now();
  next_flush_ = now + flush_interval_;
  next_metrics_ = now + options_.config.metrics_interval;
  next_friction_ = now + options_.friction_interval;
}

Collector::~Collector() { stop(); }

void Collector::start() {
  const TelemetryConfig& config = options_.config;
  if (!config.telemetry_enabled) return;
  bool friction = config.friction_enabled && !friction_exporter_.url.empty();
  bool metrics = !metrics_exporter_.url.empty() && options_.metrics_families;
  if (exporters_.empty() && !friction && !metrics) return;
  thread_ = std::thread([this] { run(); });
}

void Collector::record(std::string name, Poco::JSON::Object::Ptr props) {
  if (!options_.config.telemetry_enabled) return;
  recordJson(std::move(name), props ? ToJsonText(props) : "{}");
}

void Collector::recordJson(std::string name, std::string props_json) {
  if (!options_.config.telemetry_enabled) return;
  TelemetryEvent event = NewEventFromJson(std::move(name), std::move(props_json), System::now());
  std::lock_guard lock(mutex_);
  ring_.push(std::move(event));
  if (exporters_.empty() || stopping_) return;
  std::size_t pending = 0;
  for (const Exporter& exporter : exporters_) {
    pending = std::max(pending, ring_.pendingCount(exporter.consumer));
  }
  if (pending >= options_.early_threshold && !early_requested_ && early_throttle_.tryFlush()) {
    early_requested_ = true;
    ++early_flushes_;
    wake_.notify_all();
  }
}

void Collector::recordFriction(FrictionEvent event) {
  if (!options_.config.friction_enabled) return;
  std::lock_guard lock(mutex_);
  friction_.add(std::move(event));
  if (friction_exporter_.url.empty() || stopping_) return;
  if (friction_.size() >= options_.friction_threshold && !friction_early_requested_ &&
      friction_throttle_.tryFlush()) {
    friction_early_requested_ = true;
    wake_.notify_all();
  }
}

void Collector::countInvalid(const std::string& message_type, const std::string& problem) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    first = invalid_[message_type]++ == 0;
  }
  if (first && options_.log_warning) {
    options_.log_warning("dropped a " + message_type + " message that does not parse (" + problem +
                         "); later ones are only counted (oxctl telemetry)");
  }
}

bool Collector::flushNow(std::chrono::milliseconds wait, const std::function<bool()>& cancelled) {
  std::unique_lock lock(mutex_);
  if (!thread_.joinable() || stopping_ || closing_) return false;
  std::uint64_t generation = ++flush_requested_;
  wake_.notify_all();
  Steady::time_point deadline = Steady::now() + wait;
  auto over = [&] { return flush_done_ >= generation || stopping_ || closing_; };
  // In slices: `cancelled` is the caller's, and nothing notifies when it turns true.
  while (!over() && Steady::now() < deadline && !cancelled()) {
    flushed_.wait_for(lock, std::min<Steady::duration>(milliseconds(50), deadline - Steady::now()),
                      over);
  }
  return flush_done_ >= generation;
}

void Collector::prepareStop() {
  client_.capDeadlines(Steady::now() + options_.stop_budget);
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  flushed_.notify_all();
  client_.abort();
}

void Collector::stop() {
  if (stopped_.exchange(true)) return;
  Steady::time_point stop_by = Steady::now() + options_.stop_budget;
  // Every request from now on ends in time, and the one in flight ends now: its batch stays in
  // the ring and goes out with the final flush below.
  // (Aborted before the thread is woken: an abort after it would hit the final flush itself.)
  client_.capDeadlines(stop_by - milliseconds(100));
  client_.abort();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  flushed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::optional<Collector::Steady::time_point> Collector::nextWake() const {
  std::optional<Steady::time_point> wake;
  auto consider = [&](Steady::time_point at) { wake = wake ? std::min(*wake, at) : at; };
  if (!exporters_.empty()) consider(next_flush_);
  for (const Exporter& exporter : exporters_) {
    // A batch held back by a failure is retried when its wait ends, not a whole interval later.
    if (ring_.pendingCount(exporter.consumer) == 0) continue;
    if (exporter.backoff_until) consider(*exporter.backoff_until);
    if (exporter.retry_after_until) consider(*exporter.retry_after_until);
  }
  if (!metrics_exporter_.url.empty()) consider(next_metrics_);
  if (options_.config.friction_enabled && !friction_exporter_.url.empty()) {
    consider(next_friction_);
    if (friction_.size() > 0 && friction_exporter_.backoff_until) {
      consider(*friction_exporter_.backoff_until);
    }
  }
  return wake;
}

void Collector::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto predicate = [&] {
      return stopping_ || early_requested_ || friction_early_requested_ ||
             flush_done_ < flush_requested_;
    };
    if (auto wake = nextWake()) {
      wake_.wait_until(lock, *wake, predicate);
    } else {
      wake_.wait(lock, predicate);
    }
    if (stopping_) break;
    std::uint64_t generation = flush_requested_;
    bool all = flush_done_ < generation;
    lock.unlock();
    exportDue(all, false);
    lock.lock();
    if (all) {
      flush_done_ = std::max(flush_done_, generation);
      flushed_.notify_all();
    }
  }
  lock.unlock();
  exportDue(true, true);
}

void Collector::exportDue(bool all, bool final_flush) {
  Steady::time_point now = Steady::now();
  bool events_due = false;
  bool friction_due = false;
  bool metrics_due = false;
  {
    std::lock_guard lock(mutex_);
    events_due = all || early_requested_ || now >= next_flush_;
    // A wait that has ended is cleared here, so that it neither holds the batch nor wakes the
    // thread again.
    for (Exporter& exporter : exporters_) {
      for (auto* until : {&exporter.backoff_until, &exporter.retry_after_until}) {
        if (*until && now >= **until) {
          until->reset();
          events_due = true;
        }
      }
    }
    early_requested_ = false;
    if (events_due && !all && now >= next_flush_) next_flush_ = now + flush_interval_;
    friction_due = all || friction_early_requested_ || now >= next_friction_;
    if (friction_exporter_.backoff_until && now >= *friction_exporter_.backoff_until) {
      friction_exporter_.backoff_until.reset();
      friction_due = true;
    }
    friction_early_requested_ = false;
    if (now >= next_friction_) next_friction_ = now + options_.friction_interval;
    // Metrics are a snapshot: the final flush does not wait for one more.
    metrics_due = !final_flush && !metrics_exporter_.url.empty() && (all || now >= next_metrics_);
    if (metrics_due) next_metrics_ = now + options_.config.metrics_interval;
  }
  if (events_due) {
    for (Exporter& exporter : exporters_) sendEvents(exporter, final_flush);
  }
  if (friction_due) sendFriction(final_flush);
  if (metrics_due) sendMetrics();
}

void Collector::noteSent(Exporter& exporter, std::size_t events) {
  exporter.sent += events;
  exporter.last_send = System::now();
  exporter.backoff.reset();
  exporter.backoff_until.reset();
  exporter.last_error.clear();
  exporter.last_logged.clear();
}

void Collector::noteFailure(Exporter& exporter, const std::string& what) {
  exporter.failures++;
  exporter.last_error = what;
  if (exporter.last_logged == what) return;
  exporter.last_logged = what;
  if (options_.log_warning) {
    options_.log_warning("telemetry: " + exporter.name + " export to " + exporter.url + ": " +
                         what + " (logged once until it changes)");
  }
}

void Collector::sendEvents(Exporter& exporter, bool final_flush) {
  std::vector<TelemetryEvent> batch;
  {
    std::lock_guard lock(mutex_);
    Steady::time_point now = Steady::now();
    if (exporter.retry_after_until && now < *exporter.retry_after_until) return;
    if (!final_flush && exporter.backoff_until && now < *exporter.backoff_until) return;
    batch = ring_.pendingFor(exporter.consumer, kMaxBatch);
  }
  if (batch.empty()) return;
  http::HttpRequest request;
  request.url = exporter.url;
  request.deadline = options_.request_deadline;
  request.headers.emplace_back("User-Agent", UserAgent());
  if (exporter.format == Format::Otlp) {
    request.body = LogsRequestBody(options_.resource, batch, UnixNanos(System::now()));
    for (const auto& header : options_.config.otlp_headers) request.headers.push_back(header);
  } else {
    request.body = OxTelemetryBody(options_.client_id, batch);
  }
  http::HttpResponse response = client_.send(request);

  std::lock_guard lock(mutex_);
  Steady::time_point now = Steady::now();
  std::uint64_t last_seq = batch.back().seq;
  if (auto retry_after = response.header("retry-after")) {
    if (auto wait = http::ParseRetryAfter(*retry_after, System::now())) {
      exporter.retry_after_until =
          now + std::min<std::chrono::seconds>(*wait, std::chrono::hours(24));
    }
  }
  if (response.ok()) {
    ring_.delivered(exporter.consumer, last_seq);
    noteSent(exporter, batch.size());
    if (exporter.format == Format::Otlp) {
      if (auto partial = ParsePartialSuccess(response.body, "rejectedLogRecords")) {
        exporter.rejected +=
            static_cast<std::uint64_t>(std::max<std::int64_t>(partial->rejected, 0));
        noteFailure(exporter, "partial success: " + std::to_string(partial->rejected) +
                                  " rejected" +
                                  (partial->message.empty() ? "" : " (" + partial->message + ")"));
      }
    } else if (auto interval = response.header("x-sageox-interval")) {
      // The server paces the sending (a Go duration such as "5m").
      if (auto parsed = sdk::parseDuration(*interval); parsed && parsed->count() > 0) {
        flush_interval_ = std::max(duration_cast<milliseconds>(*parsed), milliseconds(1000));
      }
    }
    if (!early_requested_) early_throttle_.recordFlush();
    return;
  }
  if (http::IsRetryable(response)) {
    // Kept in the ring, tried again after the backoff (or the server's Retry-After).
    exporter.backoff_until = now + exporter.backoff.next();
    noteFailure(exporter, response.describe() + " (kept, retried)");
    return;
  }
  // Refused for good (400 and the like): sending it again would be refused again.
  ring_.delivered(exporter.consumer, last_seq);
  exporter.rejected += batch.size();
  noteFailure(exporter, response.describe() + " (" + std::to_string(batch.size()) +
                            " event(s) dropped, not retried)");
}

void Collector::sendFriction(bool final_flush) {
  if (!options_.config.friction_enabled || friction_exporter_.url.empty()) return;
  std::vector<FrictionEvent> batch;
  std::string catalog_version;
  {
    std::lock_guard lock(mutex_);
    Steady::time_point now = Steady::now();
    if (friction_retry_until_ && System::now() < *friction_retry_until_) return;
    if (!final_flush && friction_exporter_.backoff_until &&
        now < *friction_exporter_.backoff_until) {
      return;
    }
    // The server's sample rate decides whether this flush sends; when it does not, the buffer
    // is kept.
    if (sample_rate_ <= 0) return;
    if (sample_rate_ < 1) {
      static thread_local std::mt19937_64 random{std::random_device{}()};
      if (std::uniform_real_distribution<double>(0, 1)(random) >= sample_rate_) return;
    }
    batch = friction_.batch(kFrictionBatch);
    catalog_version = catalog_version_;
  }
  if (batch.empty()) return;
  http::HttpRequest request;
  request.url = friction_exporter_.url;
  request.deadline = options_.request_deadline;
  request.body = OxFrictionBody(OXD_VERSION, batch);
  request.headers.emplace_back("User-Agent", UserAgent());
  request.headers.emplace_back("X-Client-Version", OXD_VERSION);
  if (!catalog_version.empty()) request.headers.emplace_back("X-Catalog-Version", catalog_version);
  if (options_.auth_token) {
    if (auto token = options_.auth_token(); token && !token->empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + *token);
    }
  }
  http::HttpResponse response = client_.send(request);

  std::lock_guard lock(mutex_);
  Exporter& exporter = friction_exporter_;
  if (response.answered()) {
    auto rate = response.header("x-friction-sample-rate");
    if (!rate) rate = response.header("x-sageox-sample-rate");
    if (rate) {
      if (auto parsed = SampleRate(*rate)) sample_rate_ = *parsed;
    }
    if (auto retry_after = response.header("retry-after")) {
      if (auto wait = http::ParseRetryAfter(*retry_after, System::now())) {
        friction_retry_until_ = System::now() + *wait;
      }
    }
  }
  std::uint64_t last_seq = batch.back().seq;
  if (response.ok()) {
    friction_.removeThrough(last_seq);
    friction_sent_ += batch.size();
    noteSent(exporter, batch.size());
    // A 2xx body may carry the friction catalog; the cache changes only with its version.
    try {
      if (!response.body.empty()) {
        auto body = Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
        Poco::JSON::Object::Ptr catalog = body ? body->getObject("catalog") : nullptr;
        std::string version = catalog ? catalog->optValue<std::string>("version", "") : "";
        if (!version.empty() && version != catalog_version_) {
          WriteFileAtomically(options_.catalog_path, ToJsonText(catalog) + "\n");
          catalog_version_ = version;
        }
      }
    } catch (const std::exception& problem) {
      noteFailure(exporter, std::string("friction answer not understood: ") + problem.what());
    }
    return;
  }
  if (http::IsRetryable(response)) {
    exporter.backoff_until = Steady::now() + exporter.backoff.next();
    noteFailure(exporter, response.describe() + " (kept, retried)");
    return;
  }
  friction_.removeThrough(last_seq);
  exporter.rejected += batch.size();
  noteFailure(exporter, response.describe() + " (" + std::to_string(batch.size()) +
                            " friction event(s) dropped, not retried)");
}

void Collector::sendMetrics() {
  Poco::JSON::Array::Ptr families;
  try {
    families = options_.metrics_families();
  } catch (const std::exception& problem) {
    std::lock_guard lock(mutex_);
    noteFailure(metrics_exporter_, std::string("reading the daemon's metrics: ") + problem.what());
    return;
  }
  if (!families) return;
  http::HttpRequest request;
  request.url = metrics_exporter_.url;
  request.deadline = options_.request_deadline;
  request.body = MetricsRequestBody(options_.resource, families, UnixNanos(started_),
                                    UnixNanos(System::now()));
  request.headers.emplace_back("User-Agent", UserAgent());
  for (const auto& header : options_.config.otlp_headers) request.headers.push_back(header);
  http::HttpResponse response = client_.send(request);
  std::lock_guard lock(mutex_);
  Exporter& exporter = metrics_exporter_;
  // Metrics are cumulative: a failed export is not kept, the next one carries the counts.
  if (response.ok()) {
    ++metrics_exports_;
    exporter.sent++;
    exporter.last_send = System::now();
    exporter.last_error.clear();
    exporter.last_logged.clear();
    if (auto partial = ParsePartialSuccess(response.body, "rejectedDataPoints")) {
      exporter.rejected += static_cast<std::uint64_t>(std::max<std::int64_t>(partial->rejected, 0));
      noteFailure(exporter, "partial success: " + std::to_string(partial->rejected) +
                                " data point(s) rejected" +
                                (partial->message.empty() ? "" : " (" + partial->message + ")"));
    }
    return;
  }
  noteFailure(exporter, response.describe() + " (this export skipped)");
}

Poco::JSON::Object::Ptr Collector::statusLocked() const {
  using Poco::JSON::Object;
  const TelemetryConfig& config = options_.config;
  Object::Ptr status = new Object(true);
  status->set("enabled", config.telemetry_enabled);
  if (!config.telemetry_enabled) status->set("disabled_by", config.disabled_by);
  status->set("client_id", options_.client_id);
  Poco::JSON::Array::Ptr exporters = new Poco::JSON::Array;
  std::uint64_t sent = 0;
  std::optional<System::time_point> last_send;
  std::string last_error;
  std::optional<Steady::time_point> retry_at;
  auto describe = [&](const Exporter& exporter, const char* signal) {
    Object::Ptr one = new Object(true);
    one->set("name", exporter.name);
    one->set("signal", std::string(signal));
    one->set("endpoint", exporter.url);
    one->set("sent", exporter.sent);
    one->set("rejected", exporter.rejected);
    one->set("failures", exporter.failures);
    one->set("last_send", Rfc3339OrEmpty(exporter.last_send));
    one->set("last_error", exporter.last_error);
    exporters->add(one);
  };
  if (config.telemetry_enabled) {
    for (const Exporter& exporter : exporters_) {
      describe(exporter, "events");
      sent += exporter.sent;
      if (exporter.last_send && (!last_send || *exporter.last_send > *last_send)) {
        last_send = exporter.last_send;
      }
      if (!exporter.last_error.empty()) last_error = exporter.name + ": " + exporter.last_error;
      for (const auto& until : {exporter.backoff_until, exporter.retry_after_until}) {
        if (until && (!retry_at || *until > *retry_at)) retry_at = until;
      }
    }
    if (!metrics_exporter_.url.empty()) describe(metrics_exporter_, "metrics");
    if (config.friction_enabled && !friction_exporter_.url.empty()) {
      describe(friction_exporter_, "friction");
    }
  }
  status->set("exporters", exporters);
  status->set("buffered", static_cast<Poco::UInt64>(ring_.size()));
  status->set("buffer_size", static_cast<Poco::UInt64>(ring_.capacity()));
  status->set("dropped", ring_.dropped());
  status->set("sent", sent);
  status->set("last_send", Rfc3339OrEmpty(last_send));
  status->set("last_error", last_error);
  auto to_system = [](Steady::time_point at) {
    return System::now() + duration_cast<System::duration>(at - Steady::now());
  };
  status->set("next_flush",
              exporters_.empty() || stopping_ ? std::string() : Rfc3339Utc(to_system(next_flush_)));
  status->set("retry_at", retry_at ? Rfc3339Utc(to_system(*retry_at)) : std::string());
  status->set("send_interval_ms", static_cast<Poco::Int64>(flush_interval_.count()));
  status->set("early_flushes", early_flushes_);
  status->set("metrics_exports", metrics_exports_);
  Object::Ptr friction = new Object(true);
  friction->set("enabled", config.friction_enabled);
  if (!config.friction_enabled) friction->set("disabled_by", config.friction_disabled_by);
  friction->set("buffered", static_cast<Poco::UInt64>(friction_.size()));
  friction->set("buffer_size", static_cast<Poco::UInt64>(friction_.capacity()));
  friction->set("sent", friction_sent_);
  friction->set("duplicates", friction_.duplicates());
  friction->set("sample_rate", sample_rate_);
  friction->set("retry_after", Rfc3339OrEmpty(friction_retry_until_));
  if (!catalog_version_.empty()) friction->set("catalog_version", catalog_version_);
  status->set("friction", friction);
  Object::Ptr invalid = new Object(true);
  for (const auto& [type, count] : invalid_) invalid->set(type, count);
  status->set("invalid", invalid);
  return status;
}

Poco::JSON::Object::Ptr Collector::status() const {
  std::lock_guard lock(mutex_);
  return statusLocked();
}

Poco::JSON::Object::Ptr Collector::details() const {
  std::lock_guard lock(mutex_);
  Poco::JSON::Object::Ptr details = statusLocked();
  Poco::JSON::Array::Ptr events = new Poco::JSON::Array;
  for (const TelemetryEvent& event : ring_.events()) events->add(event.toJson());
  details->set("events", events);
  Poco::JSON::Array::Ptr friction = new Poco::JSON::Array;
  for (const FrictionEvent& event : friction_.batch(friction_.size())) {
    friction->add(event.toJson());
  }
  details->set("friction_events", friction);
  return details;
}

}  // namespace oxd::telemetry
