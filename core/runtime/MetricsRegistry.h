#pragma once
// The daemon's metrics, on prometheus-cpp's core library: one registry for the core and every
// plugin, exported as the Prometheus text format and as JSON by the `metrics` message.
//
// The naming rules of sdk/include/oxd/metrics.h are enforced here. Every family remembers its
// owner ("" for the core, else a plugin's name): a plugin cannot add series to the core's
// families or another plugin's. Families and series are never removed, so a reference handed
// out stays valid for the registry's life (the daemon's) and a plugin started again gets its
// old series back.
//
// Thread-safe. Lookups take one mutex; updates of the series handed out take none (counters
// and gauges are atomics; a histogram locks only itself).

#include <oxd/metrics.h>

#include <Poco/JSON/Array.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace prometheus {
class Registry;
}

namespace oxd::core {

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The Metrics a plugin (or, with owner "", the core) registers through. Names must start
  // with "oxd_" + sanitized(owner) + "_" for a plugin, "oxd_" for the core. The view holds a
  // reference to this registry: it must not outlive it.
  std::unique_ptr<sdk::Metrics> scope(const std::string& owner);

  // The prefix a plugin's names must start with: "oxd_<name>_", lower case, '-' as '_'.
  static std::string prefixFor(const std::string& plugin);

  // Every family, in the Prometheus text exposition format (version 0.0.4).
  std::string text() const;
  // [{"name", "help", "type": "counter"|"gauge"|"histogram", "series": [{"labels": {...},
  //   "value": x}]}]; a histogram's series have "count", "sum" and "buckets":
  //   [{"le": "0.005", "count": cumulative}, …, {"le": "+Inf", …}] instead of "value".
  Poco::JSON::Array::Ptr families() const;

 private:
  class Scope;
  class CounterSeries;
  class GaugeSeries;
  class HistogramSeries;
  struct Family;

  enum class Kind { Counter, Gauge, Histogram };
  // Checks the name and labels against the rules and the family's earlier registration, creates
  // what is missing and returns the family. Throws std::invalid_argument. REQUIRES: mutex_.
  Family& family(const std::string& owner, const std::string& prefix, Kind kind,
                 std::string_view name, std::string_view help, const sdk::Labels& labels,
                 const std::vector<double>* buckets);
  sdk::Counter& counter(const std::string& owner, const std::string& prefix, std::string_view name,
                        std::string_view help, const sdk::Labels& labels);
  sdk::Gauge& gauge(const std::string& owner, const std::string& prefix, std::string_view name,
                    std::string_view help, const sdk::Labels& labels);
  sdk::Histogram& histogram(const std::string& owner, const std::string& prefix,
                            std::string_view name, std::string_view help,
                            const std::vector<double>& buckets, const sdk::Labels& labels);

  mutable std::mutex mutex_;
  std::unique_ptr<prometheus::Registry> registry_;
  std::vector<std::unique_ptr<Family>> families_;  // guarded by mutex_
};

}  // namespace oxd::core
