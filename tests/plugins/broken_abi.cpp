// Declares an SDK ABI the host does not speak: the loader must refuse it by its first member
// alone, before reading anything else.

#include <oxd/plugin.h>

namespace {

class BrokenAbi final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host&) override {}
  void stop() override {}
};

const oxd::sdk::Descriptor kDescriptor{
    999, oxd::sdk::kBuildFingerprint, "broken_abi", "0.0.1", "declares SDK ABI 999", nullptr, 0};

}  // namespace

OXD_PLUGIN(kDescriptor, BrokenAbi)
