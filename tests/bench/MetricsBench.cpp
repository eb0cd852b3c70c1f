// oxd_metrics_bench: what the metrics layer adds to one request, measured where it sits —
// invokeRequest() on the `ping` route, with the route's cached series (as the daemon runs it)
// and without (a router that has no metrics). The difference is the per-request cost; the
// connect-per-request view of the same is oxd_ipc_bench --baseline (README.md).

#include "host/RequestMetrics.h"
#include "host/Router.h"
#include "runtime/MetricsRegistry.h"

#include <benchmark/benchmark.h>

#include <memory>

namespace {

using namespace oxd;

core::Route pingRoute() {
  core::Route route;
  route.run_inline = true;
  route.handler = [](const sdk::Request&, sdk::Progress&) {
    return sdk::Reply::ok(std::string("pong"));
  };
  return route;
}

void invokePing(benchmark::State& state, core::Router& router) {
  core::RoutePtr route = router.find("ping");
  sdk::Request request;
  request.type = "ping";
  core::NullProgress progress;
  for (auto _ : state) {
    sdk::Reply reply = core::invokeRequest(*route, request, progress);
    benchmark::DoNotOptimize(reply);
  }
}

void BM_PingWithoutMetrics(benchmark::State& state) {
  core::Router router;
  router.add("ping", pingRoute());
  invokePing(state, router);
}

void BM_PingWithMetrics(benchmark::State& state) {
  core::MetricsRegistry registry;
  core::Router router;
  router.setMetrics(std::make_shared<core::RequestMetrics>(registry));
  router.add("ping", pingRoute());
  invokePing(state, router);
}

// The same, 2 threads at once: the series are shared, so this shows contention on them.
BENCHMARK(BM_PingWithoutMetrics)->Threads(1)->Threads(2);
BENCHMARK(BM_PingWithMetrics)->Threads(1)->Threads(2);

}  // namespace
