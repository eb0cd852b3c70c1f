// start() throws "refusing to start: demo" — unless the file named by `succeed_if_exists`
// exists, which lets a test watch on_error = retry recover.

#include <oxd/plugin.h>
#include <oxd/settings.h>

#include <filesystem>
#include <stdexcept>

namespace {

const oxd::sdk::ConfigKey kKeys[] = {
    {.name = "succeed_if_exists",
     .kind = oxd::sdk::ConfigKind::String,
     .help = "start succeeds once this file exists"},
};

const oxd::sdk::Descriptor kDescriptor{oxd::sdk::kAbiVersion,
                                       oxd::sdk::kBuildFingerprint,
                                       "start_throws",
                                       "0.0.1",
                                       "refuses to start",
                                       kKeys,
                                       1};

class StartThrows final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host& host) override {
    std::string marker = oxd::sdk::Settings(host.config(), kDescriptor).text("succeed_if_exists");
    if (!marker.empty() && std::filesystem::exists(marker)) {
      host.handle("start_throws.ping",
                  [](const oxd::sdk::Request&, auto&) { return oxd::sdk::Reply::ok("pong"); });
      return;
    }
    throw std::runtime_error("refusing to start: demo");
  }
  void stop() override {}
};

}  // namespace

OXD_PLUGIN(kDescriptor, StartThrows)
