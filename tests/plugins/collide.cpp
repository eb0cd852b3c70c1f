// Registers a handler, a task, a subscription and a status section, then claims "ping", which
// the core owns: start() must fail and everything it registered must be rolled back.

#include <oxd/plugin.h>

#include <chrono>

namespace {

const oxd::sdk::Descriptor kDescriptor{oxd::sdk::kAbiVersion,
                                       oxd::sdk::kBuildFingerprint,
                                       "collide",
                                       "0.0.1",
                                       "claims a taken type",
                                       nullptr,
                                       0};

class Collide final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host& host) override {
    host.handle("collide.first",
                [](const oxd::sdk::Request&, auto&) { return oxd::sdk::Reply::ok(); });
    oxd::sdk::TaskSchedule schedule;
    schedule.interval = std::chrono::milliseconds(10);
    host.every("tick", schedule, [](const oxd::sdk::StopToken&) {});
    host.subscribe("collide.topic", [](const Poco::Dynamic::Var&) {});
    host.statusSection("collide", [] { return Poco::Dynamic::Var(1); });
    host.handle("ping", [](const oxd::sdk::Request&, auto&) { return oxd::sdk::Reply::ok(); });
  }
  void stop() override {}
};

}  // namespace

OXD_PLUGIN(kDescriptor, Collide)
