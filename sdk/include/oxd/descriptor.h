#pragma once
// The plain-data descriptor every plugin exports. The host reads it before it creates anything,
// so a plugin can be listed, validated and refused without running any of its code.
//
// Layout rule: `abi_version` is the first member and stays first forever, so a host can read it
// from a plugin built against any SDK and refuse a mismatch before touching the rest.

#include <cstddef>

namespace oxd::sdk {

// Bump on any incompatible change to a header under sdk/include/oxd/.
inline constexpr int kAbiVersion = 1;

// Set by the build (CMake) to a hash of the compiler identity and the SDK headers. Boost.DLL
// promises no C++ ABI stability, so plugins must be built with the daemon; the host refuses a
// plugin whose fingerprint differs from its own.
#ifndef OXD_SDK_FINGERPRINT
#error "OXD_SDK_FINGERPRINT must be defined by the build"
#endif
inline constexpr const char* kBuildFingerprint = OXD_SDK_FINGERPRINT;

struct ConfigKey {
  const char* name;           // key inside the plugin's config section, e.g. "interval"
  const char* default_value;  // textual default, e.g. "5m"; "" when the key has none
  const char* help;           // one line, shown by `oxctl config` and in packaging/oxd.ini
};

struct Descriptor {
  int abi_version;          // must equal kAbiVersion; first member by contract (see above)
  const char* fingerprint;  // must equal kBuildFingerprint
  const char* name;         // section name in config and the library's file stem
  const char* version;      // the plugin's own semver
  const char* summary;      // one line
  const ConfigKey* config_keys;
  std::size_t config_key_count;
};

}  // namespace oxd::sdk
