// Claims to be built for another daemon build: the loader must refuse it.

#include <oxd/plugin.h>

namespace {

class WrongFingerprint final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host&) override {}
  void stop() override {}
};

const oxd::sdk::Descriptor kDescriptor{oxd::sdk::kAbiVersion,
                                       "0000000000000000",
                                       "wrong_fingerprint",
                                       "0.0.1",
                                       "built elsewhere",
                                       nullptr,
                                       0};

}  // namespace

OXD_PLUGIN(kDescriptor, WrongFingerprint)
