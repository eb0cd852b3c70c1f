#pragma once
// Maps a plugin's shared object and reads its descriptor, without creating anything: a plugin
// can be listed, validated and refused without running its code (beyond the library's static
// initialisers, which dlopen runs).
//
// Lifetime: a library, once mapped, stays mapped until the process exits — even when its
// descriptor is refused, and after its plugin is disabled — because code from it (a destructor,
// a std::function's manager, a thread) may still be referenced somewhere. Nothing is ever
// unloaded; new plugin code needs a restart.
//
// Thread-safe.

#include <oxd/descriptor.h>
#include <oxd/plugin.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace boost::dll {
class shared_library;
}

namespace oxd::core {

class LoadedPlugin {
 public:
  LoadedPlugin(std::filesystem::path path, const sdk::Descriptor* descriptor,
               const boost::dll::shared_library* library)
      : path_(std::move(path)), descriptor_(descriptor), library_(library) {}

  const std::filesystem::path& path() const { return path_; }
  // Points into the mapped library: valid for the life of the process.
  const sdk::Descriptor& descriptor() const { return *descriptor_; }
  std::string name() const { return descriptor_->name; }
  // Resolves oxd_create_plugin and creates a new instance. Throws std::runtime_error
  // ("<path>: missing symbol oxd_create_plugin", or a null instance).
  std::unique_ptr<sdk::Plugin> create() const;

 private:
  std::filesystem::path path_;
  const sdk::Descriptor* descriptor_;
  const boost::dll::shared_library* library_;  // owned by the process-lifetime list
};

struct LoadResult {
  std::optional<LoadedPlugin> plugin;
  std::string error;  // one line; set exactly when `plugin` is empty
  bool ok() const { return plugin.has_value(); }
};

class PluginLoader {
 public:
  // `expected_fingerprint` is this daemon's build fingerprint; tests may pass another.
  explicit PluginLoader(std::string expected_fingerprint = sdk::kBuildFingerprint);

  // Errors, each one line:
  //   plugin file not found: <path>
  //   <dlopen's own message>
  //   <path>: missing symbol oxd_plugin_descriptor
  //   <stem>: SDK ABI version 7, expected 1
  //   <stem>: built for a different daemon build (fingerprint X, expected Y)
  //   <path>: malformed descriptor: <what>
  LoadResult load(const std::filesystem::path& path) const;

 private:
  std::string expected_fingerprint_;
};

}  // namespace oxd::core
