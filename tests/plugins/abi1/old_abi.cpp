// Declares SDK ABI 1, the ABI before Host::metrics(): what a plugin built against the older SDK
// exports. The loader must refuse it by its first member, naming both versions.

#include <oxd/plugin.h>

namespace {

class OldAbi final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host&) override {}
  void stop() override {}
};

const oxd::sdk::Descriptor kDescriptor{
    1, oxd::sdk::kBuildFingerprint, "old_abi", "0.0.1", "declares SDK ABI 1", nullptr, 0};

}  // namespace

OXD_PLUGIN(kDescriptor, OldAbi)
