// Exports a valid descriptor but no oxd_create_plugin (defined by hand, without OXD_PLUGIN):
// it loads and lists, and fails when started.

#include <oxd/plugin.h>

namespace {

const oxd::sdk::ConfigKey kKeys[] = {{.name = "level",
                                      .kind = oxd::sdk::ConfigKind::Int,
                                      .default_value = "3",
                                      .min = "0",
                                      .help = "an unused knob"}};

}  // namespace

OXD_PLUGIN_EXPORT const oxd::sdk::Descriptor oxd_plugin_descriptor{oxd::sdk::kAbiVersion,
                                                                   oxd::sdk::kBuildFingerprint,
                                                                   "missing_symbol",
                                                                   "0.0.1",
                                                                   "has no factory",
                                                                   kKeys,
                                                                   1};
