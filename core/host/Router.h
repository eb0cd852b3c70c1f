#pragma once
// Message type → handler. Built-ins are added first by the core, then plugins add theirs as
// they start; a type can be owned once. Lookups are lock-shared and cheap: the IPC thread does
// one per request.
//
// Routes are immutable once added and handed out as shared_ptr, so a route removed while a
// call runs stays alive until that call returns. Thread-safe.

#include "common/Mutex.h"
#include "host/CallGate.h"
#include "host/RequestMetrics.h"

#include <oxd/host.h>
#include <oxd/message.h>

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace oxd::core {

// The state of a quick one-way route, shared by every copy of the route.
struct QuickOneWay {
  std::atomic<int> slow_calls{0};
  std::atomic<bool> on_ipc_thread{true};  // false for good once slow_calls reached the limit
};

struct Route {
  enum class Kind { Request, OneWay };
  Kind kind = Kind::Request;
  // Core handlers that never block and run no plugin code may run on the IPC thread itself;
  // everything else is handed to the worker pool.
  bool run_inline = false;
  // Kind::OneWay from Host::handleQuickOneWay: runs on the IPC thread until it proves slow
  // (docs/sdk.md#quick-one-way-messages).
  std::shared_ptr<QuickOneWay> quick;
  sdk::Handler handler;            // Kind::Request
  sdk::OneWayHandler one_way;      // Kind::OneWay
  std::string owner;               // "" for the core, else the plugin's name
  std::shared_ptr<CallGate> gate;  // null for the core
  // Set by Router::add when the router has metrics: this type's cached series.
  const RequestSeries* series = nullptr;
};
using RoutePtr = std::shared_ptr<const Route>;

class Router {
 public:
  // False if the type is already taken.
  bool add(const std::string& type, Route route) EXCLUDES(mutex_);
  // Removes every route of `owner`; returns the types removed.
  std::vector<std::string> removeOwner(const std::string& owner) EXCLUDES(mutex_);
  RoutePtr find(const std::string& type) const EXCLUDES(mutex_);
  std::vector<std::string> types() const EXCLUDES(mutex_);

  // Routes added from now on count their calls here (see RequestMetrics). Set once, before the
  // first add(); a router without metrics counts nothing.
  void setMetrics(std::shared_ptr<RequestMetrics> metrics) { metrics_ = std::move(metrics); }
  RequestMetrics* metrics() const { return metrics_.get(); }

 private:
  std::shared_ptr<RequestMetrics> metrics_;
  mutable SharedMutex mutex_;
  std::unordered_map<std::string, RoutePtr> routes_ GUARDED_BY(mutex_);
};

// Runs a request route with every guard: the plugin's gate (a drained plugin answers
// "plugin <name> is not running"), exception capture (BadPayload → "invalid payload: …",
// anything else → its what()), counters and the route's metrics. Never throws.
sdk::Reply invokeRequest(const Route& route, const sdk::Request& request, sdk::Progress& progress);
// Runs the reply's on_sent hook (sdk::Reply) once its fate is known: `written` when the whole
// reply reached the client's socket. Inside the plugin's gate (skipped once the plugin is
// stopping); an exception is logged. Never throws; clears the hook.
void replySent(const Route& route, sdk::Reply& reply, bool written);
// Same guards for a one-way route; errors are counted and logged. The outcome is answered only
// to a client that asked for a confirmation (docs/protocol.md#one-way-messages).
sdk::Reply invokeOneWay(const Route& route, const sdk::Request& request);

// A Progress that discards everything: for in-process calls and one-way messages.
class NullProgress final : public sdk::Progress {
 public:
  void stage(std::string_view, std::string_view) override {}
  void percent(std::string_view, int, std::string_view) override {}
  bool cancelled() const override { return false; }
};

}  // namespace oxd::core
