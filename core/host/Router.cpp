#include "host/Router.h"

#include <oxd/payload.h>

#include <Poco/Logger.h>

#include <chrono>

namespace oxd::core {

bool Router::add(const std::string& type, Route route) {
  if (metrics_) route.series = &metrics_->forType(type);
  WriterLock lock(mutex_);
  return routes_.emplace(type, std::make_shared<const Route>(std::move(route))).second;
}

std::vector<std::string> Router::removeOwner(const std::string& owner) {
  WriterLock lock(mutex_);
  std::vector<std::string> removed;
  for (auto it = routes_.begin(); it != routes_.end();) {
    if (it->second->owner == owner) {
      removed.push_back(it->first);
      it = routes_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

RoutePtr Router::find(const std::string& type) const {
  ReaderLock lock(mutex_);
  auto it = routes_.find(type);
  return it == routes_.end() ? nullptr : it->second;
}

std::vector<std::string> Router::types() const {
  ReaderLock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const auto& [type, route] : routes_) out.push_back(type);
  return out;
}

namespace {

template <typename Body>
sdk::Reply guarded(const Route& route, Body&& body) {
  GateEntry entry(route.gate.get());
  if (!entry.entered()) return sdk::Reply::fail("plugin " + route.owner + " is not running");
  auto started = std::chrono::steady_clock::now();
  sdk::Reply reply;
  std::string error;
  auto outcome = RequestSeries::Outcome::Ok;
  try {
    reply = body();
    if (!reply.success) error = reply.error;
  } catch (const sdk::BadPayload& bad) {
    reply = sdk::Reply::fail("invalid payload: " + std::string(bad.what()));
    error = reply.error;
    outcome = RequestSeries::Outcome::Invalid;
  } catch (const std::exception& exception) {
    reply = sdk::Reply::fail(exception.what());
    error = reply.error;
  } catch (...) {
    reply = sdk::Reply::fail("handler failed with an unknown exception");
    error = reply.error;
  }
  if (route.gate || route.series) {
    auto elapsed = std::chrono::steady_clock::now() - started;
    if (route.gate) {
      route.gate->record(CallGate::Kind::Call, elapsed, error.empty() ? nullptr : &error);
    }
    if (route.series) {
      if (outcome == RequestSeries::Outcome::Ok && !reply.success)
        outcome = RequestSeries::Outcome::Error;
      route.series->record(outcome, elapsed);
    }
  }
  return reply;
}

}  // namespace

sdk::Reply invokeRequest(const Route& route, const sdk::Request& request, sdk::Progress& progress) {
  return guarded(route, [&] { return route.handler(request, progress); });
}

void replySent(const Route& route, sdk::Reply& reply, bool written) {
  if (!reply.on_sent) return;
  GateEntry entry(route.gate.get());  // first: the hook is destroyed inside the gate too
  auto hook = std::move(reply.on_sent);
  reply.on_sent = nullptr;
  if (!entry.entered()) return;
  try {
    hook(written);
  } catch (const std::exception& exception) {
    Poco::Logger::get("oxd.router")
        .error("after the %s reply: %s", route.owner, std::string(exception.what()));
  } catch (...) {
    Poco::Logger::get("oxd.router").error("after the %s reply: unknown exception", route.owner);
  }
}

sdk::Reply invokeOneWay(const Route& route, const sdk::Request& request) {
  sdk::Reply reply = guarded(route, [&] {
    route.one_way(request);
    return sdk::Reply::ok();
  });
  if (!reply.success) {
    Poco::Logger::get("oxd.router").warning("one-way %s failed: %s", request.type, reply.error);
  }
  return reply;
}

}  // namespace oxd::core
