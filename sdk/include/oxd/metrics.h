#pragma once
// Metrics: counters, gauges and histograms with labels, exported by the daemon in the
// Prometheus text format (`oxctl metrics`, the `metrics` message).
//
// A plugin gets its Metrics from Host::metrics(). Asking for a series returns a reference that
// stays valid for the daemon's whole life: ask once (in start(), or the first time it is
// needed) and keep the reference; a plugin disabled and enabled again gets the same series
// back, with the counts it had. Updating a series is lock-free for counters and gauges and one
// uncontended lock for histograms; looking a series up by name and labels takes a lock and a
// map search, so do not do that per request.
//
// Naming rules (checked; a bad name or label throws std::invalid_argument):
//   - names are snake case, [a-z0-9_], and start with "oxd_<plugin>_" (the plugin's name in
//     lower case, '-' as '_'); the core's start with "oxd_" and name no plugin;
//   - a counter's name ends in "_total"; no other kind's does, and none ends in "_count",
//     "_sum" or "_bucket" (the suffixes of a histogram's own series);
//   - amounts use base units, in the name: "_seconds", "_bytes";
//   - label names are [a-z][a-z0-9_]* ("le" is reserved); label values are free text but must
//     come from a small set (outcomes, repository names), never ids, paths or times;
//   - the same name asked for again must have the same kind, help, label names and buckets.
// These are Prometheus' own conventions, so the output passes `promtool check metrics`.
//
// Thread-safe: every member may be called from any thread while the plugin runs.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace oxd::sdk {

// Label name → value, e.g. {{"repo", "ledger"}, {"outcome", "ok"}}.
using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  // Adds `amount`; a negative amount is ignored (a counter only goes up).
  virtual void increment(double amount = 1.0) = 0;
  virtual double value() const = 0;

 protected:
  ~Counter() = default;  // owned by the daemon
};

class Gauge {
 public:
  virtual void set(double value) = 0;
  virtual void increment(double amount = 1.0) = 0;
  virtual void decrement(double amount = 1.0) = 0;
  virtual double value() const = 0;

 protected:
  ~Gauge() = default;
};

class Histogram {
 public:
  virtual void observe(double value) = 0;
  // Observes the seconds since `since`: the usual way to time something.
  void observeSince(std::chrono::steady_clock::time_point since) {
    observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count());
  }

 protected:
  ~Histogram() = default;
};

class Metrics {
 public:
  virtual ~Metrics() = default;
  virtual Counter& counter(std::string_view name, std::string_view help,
                           const Labels& labels = {}) = 0;
  virtual Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {}) = 0;
  // `buckets`: upper bounds, strictly increasing and finite (+Inf is implied).
  virtual Histogram& histogram(std::string_view name, std::string_view help,
                               const std::vector<double>& buckets, const Labels& labels = {}) = 0;
};

// Buckets for durations in seconds, from 1 ms to 2 minutes: requests, pulls, index runs.
inline const std::vector<double>& durationBuckets() {
  static const std::vector<double> buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                           0.5,   1,      2.5,   5,    10,    30,   120};
  return buckets;
}

}  // namespace oxd::sdk
