#include "runtime/MetricsRegistry.h"

#include <Poco/JSON/Object.h>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace oxd::core {

namespace {

// Name parts Prometheus' linter (promtool check metrics) refuses: a kind in the name, or a unit
// that is abbreviated or not a base unit.
const std::set<std::string, std::less<>>& refusedWords() {
  static const std::set<std::string, std::less<>> words{
      "counter",   "gauge",        "histogram",    "summary",    "untyped", "s",
      "ms",        "us",           "ns",           "sec",        "secs",    "min",
      "mins",      "hr",           "hrs",          "millis",     "micros",  "nanos",
      "minutes",   "milliseconds", "microseconds", "hours",      "days",    "weeks",
      "kb",        "mb",           "gb",           "kib",        "mib",     "gib",
      "kilobytes", "megabytes",    "gigabytes",    "nanoseconds"};
  return words;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

void refuse(std::string_view name, const std::string& why) {
  throw std::invalid_argument("metric " + quoted(name) + ": " + why + " (see oxd/metrics.h)");
}

bool isLowerSnake(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void checkName(std::string_view name, const std::string& prefix, bool counter) {
  if (!isLowerSnake(name)) refuse(name, "a name is [a-z0-9_] only");
  if (!name.starts_with(prefix) || name.size() == prefix.size())
    refuse(name, "the name must start with " + quoted(prefix));
  std::string_view rest = name;
  for (;;) {
    std::size_t cut = rest.find('_');
    std::string_view word = rest.substr(0, cut);
    if (word.empty()) refuse(name, "empty part between underscores");
    if (refusedWords().contains(word))
      refuse(name, "part " + quoted(word) +
                       " names a kind or a unit that is not a base unit (use _seconds, _bytes)");
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
  }
  if (counter != name.ends_with("_total"))
    refuse(name,
           counter ? "a counter's name ends in _total" : "only a counter's name ends in _total");
  for (std::string_view suffix : {"_count", "_sum", "_bucket"}) {
    if (name.ends_with(suffix)) refuse(name, "the suffix " + quoted(suffix) + " is reserved");
  }
}

void checkLabels(std::string_view name, const sdk::Labels& labels) {
  for (const auto& [label, value] : labels) {
    bool ok = !label.empty() && label[0] >= 'a' && label[0] <= 'z' && isLowerSnake(label);
    if (!ok) refuse(name, "label " + quoted(label) + " is not [a-z][a-z0-9_]*");
    if (label == "le" || label == "quantile")
      refuse(name, "label " + quoted(label) + " is reserved");
  }
}

void checkBuckets(std::string_view name, const std::vector<double>& buckets) {
  if (buckets.empty()) refuse(name, "a histogram needs buckets");
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i])) refuse(name, "buckets must be finite (+Inf is implied)");
    if (i > 0 && buckets[i] <= buckets[i - 1]) refuse(name, "buckets must be strictly increasing");
  }
}

std::vector<std::string> labelNames(const sdk::Labels& labels) {
  std::vector<std::string> names;
  for (const auto& entry : labels) names.push_back(entry.first);
  return names;
}

// Shortest text that reads back as the same double: "0.005", not "0.0050000000000000001".
std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

const char* kindWord(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Histogram:
      return "histogram";
    case prometheus::MetricType::Summary:
      return "summary";
    default:
      return "untyped";
  }
}

}  // namespace

// --- series ----------------------------------------------------------------------------------

class MetricsRegistry::CounterSeries final : public sdk::Counter {
 public:
  explicit CounterSeries(prometheus::Counter& counter) : counter_(counter) {}
  void increment(double amount) override {
    if (amount > 0) counter_.Increment(amount);  // also drops NaN
  }
  double value() const override { return counter_.Value(); }

 private:
  prometheus::Counter& counter_;
};

class MetricsRegistry::GaugeSeries final : public sdk::Gauge {
 public:
  explicit GaugeSeries(prometheus::Gauge& gauge) : gauge_(gauge) {}
  void set(double value) override { gauge_.Set(value); }
  void increment(double amount) override { gauge_.Increment(amount); }
  void decrement(double amount) override { gauge_.Decrement(amount); }
  double value() const override { return gauge_.Value(); }

 private:
  prometheus::Gauge& gauge_;
};

class MetricsRegistry::HistogramSeries final : public sdk::Histogram {
 public:
  explicit HistogramSeries(prometheus::Histogram& histogram) : histogram_(histogram) {}
  void observe(double value) override { histogram_.Observe(value); }

 private:
  prometheus::Histogram& histogram_;
};

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  std::string owner;
  Kind kind = Kind::Counter;
  std::vector<std::string> label_names;
  std::vector<double> buckets;
  prometheus::Family<prometheus::Counter>* counters = nullptr;
  prometheus::Family<prometheus::Gauge>* gauges = nullptr;
  prometheus::Family<prometheus::Histogram>* histograms = nullptr;
  std::map<sdk::Labels, std::unique_ptr<CounterSeries>> counter_series;
  std::map<sdk::Labels, std::unique_ptr<GaugeSeries>> gauge_series;
  std::map<sdk::Labels, std::unique_ptr<HistogramSeries>> histogram_series;
};

// --- the view a plugin (or the core) registers through -----------------------------------------

class MetricsRegistry::Scope final : public sdk::Metrics {
 public:
  Scope(MetricsRegistry& registry, std::string owner)
      : registry_(registry),
        owner_(std::move(owner)),
        prefix_(owner_.empty() ? "oxd_" : prefixFor(owner_)) {}

  sdk::Counter& counter(std::string_view name, std::string_view help,
                        const sdk::Labels& labels) override {
    return registry_.counter(owner_, prefix_, name, help, labels);
  }
  sdk::Gauge& gauge(std::string_view name, std::string_view help,
                    const sdk::Labels& labels) override {
    return registry_.gauge(owner_, prefix_, name, help, labels);
  }
  sdk::Histogram& histogram(std::string_view name, std::string_view help,
                            const std::vector<double>& buckets,
                            const sdk::Labels& labels) override {
    return registry_.histogram(owner_, prefix_, name, help, buckets, labels);
  }

 private:
  MetricsRegistry& registry_;
  const std::string owner_;
  const std::string prefix_;
};

// --- registry --------------------------------------------------------------------------------

MetricsRegistry::MetricsRegistry() : registry_(std::make_unique<prometheus::Registry>()) {}
MetricsRegistry::~MetricsRegistry() = default;

std::unique_ptr<sdk::Metrics> MetricsRegistry::scope(const std::string& owner) {
  return std::make_unique<Scope>(*this, owner);
}

std::string MetricsRegistry::prefixFor(const std::string& plugin) {
  std::string prefix = "oxd_";
  for (char c : plugin) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    prefix += c == '-' ? '_' : c;
  }
  return prefix + "_";
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& owner,
                                                 const std::string& prefix, Kind kind,
                                                 std::string_view name, std::string_view help,
                                                 const sdk::Labels& labels,
                                                 const std::vector<double>* buckets) {
  auto found = std::find_if(families_.begin(), families_.end(),
                            [&](const auto& family) { return family->name == name; });
  if (found != families_.end()) {
    Family& existing = **found;
    if (existing.owner != owner)
      refuse(name, "already registered by " + (existing.owner.empty()
                                                   ? std::string("the core")
                                                   : "plugin " + quoted(existing.owner)));
    if (existing.kind != kind) refuse(name, "already registered as another kind");
    if (existing.help != help) refuse(name, "already registered with another help text");
    if (existing.label_names != labelNames(labels))
      refuse(name, "already registered with other label names");
    if (buckets && existing.buckets != *buckets)
      refuse(name, "already registered with other buckets");
    return existing;
  }
  checkName(name, prefix, kind == Kind::Counter);
  if (help.empty()) refuse(name, "the help text is empty");
  checkLabels(name, labels);
  if (buckets) checkBuckets(name, *buckets);

  auto family = std::make_unique<Family>();
  family->name = std::string(name);
  family->help = std::string(help);
  family->owner = owner;
  family->kind = kind;
  family->label_names = labelNames(labels);
  if (buckets) family->buckets = *buckets;
  switch (kind) {
    case Kind::Counter:
      family->counters =
          &prometheus::BuildCounter().Name(family->name).Help(family->help).Register(*registry_);
      break;
    case Kind::Gauge:
      family->gauges =
          &prometheus::BuildGauge().Name(family->name).Help(family->help).Register(*registry_);
      break;
    case Kind::Histogram:
      family->histograms =
          &prometheus::BuildHistogram().Name(family->name).Help(family->help).Register(*registry_);
      break;
  }
  families_.push_back(std::move(family));
  return *families_.back();
}

sdk::Counter& MetricsRegistry::counter(const std::string& owner, const std::string& prefix,
                                       std::string_view name, std::string_view help,
                                       const sdk::Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& found = family(owner, prefix, Kind::Counter, name, help, labels, nullptr);
  auto& series = found.counter_series[labels];
  if (!series) series = std::make_unique<CounterSeries>(found.counters->Add(labels));
  return *series;
}

sdk::Gauge& MetricsRegistry::gauge(const std::string& owner, const std::string& prefix,
                                   std::string_view name, std::string_view help,
                                   const sdk::Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& found = family(owner, prefix, Kind::Gauge, name, help, labels, nullptr);
  auto& series = found.gauge_series[labels];
  if (!series) series = std::make_unique<GaugeSeries>(found.gauges->Add(labels));
  return *series;
}

sdk::Histogram& MetricsRegistry::histogram(const std::string& owner, const std::string& prefix,
                                           std::string_view name, std::string_view help,
                                           const std::vector<double>& buckets,
                                           const sdk::Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& found = family(owner, prefix, Kind::Histogram, name, help, labels, &buckets);
  auto& series = found.histogram_series[labels];
  if (!series) {
    series = std::make_unique<HistogramSeries>(
        found.histograms->Add(labels, prometheus::Histogram::BucketBoundaries(buckets)));
  }
  return *series;
}

namespace {

// prometheus-cpp keeps a family's series in a hash map: sorted by labels, the output is stable
// and a reader finds a series where expected.
std::vector<prometheus::MetricFamily> collectSorted(const prometheus::Registry& registry) {
  std::vector<prometheus::MetricFamily> families = registry.Collect();
  for (auto& family : families) {
    std::sort(family.metric.begin(), family.metric.end(),
              [](const prometheus::ClientMetric& a, const prometheus::ClientMetric& b) {
                return a.label < b.label;
              });
  }
  return families;
}

}  // namespace

std::string MetricsRegistry::text() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, collectSorted(*registry_));
  return out.str();
}

Poco::JSON::Array::Ptr MetricsRegistry::families() const {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const prometheus::MetricFamily& family : collectSorted(*registry_)) {
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
    entry->set("name", family.name);
    entry->set("help", family.help);
    entry->set("type", std::string(kindWord(family.type)));
    Poco::JSON::Array::Ptr series = new Poco::JSON::Array;
    for (const prometheus::ClientMetric& metric : family.metric) {
      Poco::JSON::Object::Ptr one = new Poco::JSON::Object(true);
      Poco::JSON::Object::Ptr labels = new Poco::JSON::Object(true);
      for (const auto& label : metric.label) labels->set(label.name, label.value);
      one->set("labels", labels);
      switch (family.type) {
        case prometheus::MetricType::Counter:
          one->set("value", metric.counter.value);
          break;
        case prometheus::MetricType::Gauge:
          one->set("value", metric.gauge.value);
          break;
        case prometheus::MetricType::Histogram: {
          one->set("count", static_cast<Poco::UInt64>(metric.histogram.sample_count));
          one->set("sum", metric.histogram.sample_sum);
          Poco::JSON::Array::Ptr buckets = new Poco::JSON::Array;
          for (const auto& bucket : metric.histogram.bucket) {
            Poco::JSON::Object::Ptr le = new Poco::JSON::Object(true);
            le->set("le", number(bucket.upper_bound));
            le->set("count", static_cast<Poco::UInt64>(bucket.cumulative_count));
            buckets->add(le);
          }
          one->set("buckets", buckets);
          break;
        }
        default:
          break;
      }
      series->add(one);
    }
    entry->set("series", series);
    out->add(entry);
  }
  return out;
}

}  // namespace oxd::core
