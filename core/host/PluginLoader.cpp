#include "host/PluginLoader.h"

#include <oxd/config_value.h>

#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

#include <deque>
#include <mutex>
#include <stdexcept>

namespace oxd::core {

namespace {

// Deliberately leaked: never destroyed, so no library is closed even at exit, when plugin
// threads or static destructors could still run code from it.
std::deque<boost::dll::shared_library>& mappedLibraries() {
  static auto* libraries = new std::deque<boost::dll::shared_library>;
  return *libraries;
}
std::mutex& mappedLibrariesMutex() {
  static auto* mutex = new std::mutex;
  return *mutex;
}

LoadResult failure(std::string error) { return LoadResult{std::nullopt, std::move(error)}; }

bool validPluginName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Returns "" when the descriptor is well formed. REQUIRES: abi_version already checked.
std::string malformation(const sdk::Descriptor& descriptor, const std::string& stem) {
  if (!descriptor.name) return "name is null";
  if (!descriptor.version) return "version is null";
  std::string name = descriptor.name;
  if (name != stem) return "name '" + name + "' does not match the file name '" + stem + "'";
  // The name is a config section and an owner key: no dots, no spaces.
  if (!validPluginName(name)) return "name '" + name + "' has characters other than [A-Za-z0-9_-]";
  if (descriptor.config_key_count > 0 && !descriptor.config_keys) return "config_keys is null";
  for (std::size_t i = 0; i < descriptor.config_key_count; ++i) {
    const sdk::ConfigKey& key = descriptor.config_keys[i];
    if (!key.name || !*key.name) return "config key " + std::to_string(i) + " has no name";
    std::string key_name = key.name;
    if (key_name == "enabled" || key_name == "on_error") {
      return "config key '" + key_name + "' is reserved for the host";
    }
    if (std::string problem = sdk::configKeyProblem(key); !problem.empty()) {
      return "config key '" + key_name + "': " + problem;
    }
  }
  return "";
}

}  // namespace

std::unique_ptr<sdk::Plugin> LoadedPlugin::create() const {
  if (!library_->has("oxd_create_plugin")) {
    throw std::runtime_error(path_.string() + ": missing symbol oxd_create_plugin");
  }
  auto& factory = library_->get<sdk::Plugin*()>("oxd_create_plugin");
  std::unique_ptr<sdk::Plugin> plugin(factory());
  if (!plugin) throw std::runtime_error(path_.string() + ": oxd_create_plugin returned null");
  return plugin;
}

PluginLoader::PluginLoader(std::string expected_fingerprint)
    : expected_fingerprint_(std::move(expected_fingerprint)) {}

LoadResult PluginLoader::load(const std::filesystem::path& path) const {
  std::error_code exists_error;
  if (!std::filesystem::is_regular_file(path, exists_error)) {
    return failure("plugin file not found: " + path.string());
  }
  const boost::dll::shared_library* library = nullptr;
  {
    // dlerror() is per thread, but dlopen and the read of its error must not be split by
    // another load on this thread; the lock also guards the list.
    std::lock_guard lock(mappedLibrariesMutex());
    auto& opened = mappedLibraries().emplace_back();
    boost::dll::fs::error_code error;
    opened.load(boost::dll::fs::path(path.string()),
                boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, error);
    if (error) {
      const char* text = dlerror();
      std::string message = text ? std::string(text) : path.string() + ": " + error.message();
      mappedLibraries().pop_back();  // nothing was mapped
      return failure(message);
    }
    library = &opened;
  }
  if (!library->has("oxd_plugin_descriptor")) {
    return failure(path.string() + ": missing symbol oxd_plugin_descriptor");
  }
  const void* address = &library->get<const sdk::Descriptor>("oxd_plugin_descriptor");
  std::string stem = path.stem().string();
  // abi_version is the first member of every descriptor layout, past and future.
  int abi_version = *static_cast<const int*>(address);
  if (abi_version != sdk::kAbiVersion) {
    return failure(stem + ": built for SDK ABI version " + std::to_string(abi_version) +
                   ", this oxd has SDK ABI version " + std::to_string(sdk::kAbiVersion) +
                   " (rebuild the plugin against this oxd's SDK)");
  }
  const auto* descriptor = static_cast<const sdk::Descriptor*>(address);
  std::string fingerprint = descriptor->fingerprint ? descriptor->fingerprint : "(null)";
  if (fingerprint != expected_fingerprint_) {
    return failure(stem + ": built for a different daemon build (fingerprint " + fingerprint +
                   ", expected " + expected_fingerprint_ + ")");
  }
  std::string problem = malformation(*descriptor, stem);
  if (!problem.empty()) return failure(path.string() + ": malformed descriptor: " + problem);
  return LoadResult{LoadedPlugin(path, descriptor, library), ""};
}

}  // namespace oxd::core
