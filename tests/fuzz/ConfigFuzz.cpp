// libFuzzer target: config files and --define values through what `oxd` and `oxd --check-config`
// do with them — the line scanner (IniScan), the layered load (Poco's ini reader under
// loadConfig), the core's settings and checks (readDaemonSettings, validateCoreConfig,
// unknownSections, checkConfig), each plugin's section checked against its real descriptor
// (PluginConfig: validateSection, parsePluginConfig, pluginConfiguration) and read by the
// plugin's own settings reader, and every value through the SDK's duration, byte size and
// config_value parsers.
//
// Input: the text of a project's .oxd/oxd.ini. A line "-D key=value" is also passed as
// `--define key=value` (split as oxd's main.cpp splits it); the keys of a section [env] are the
// environment the telemetry settings see. A refusal (an error or warning listed, a settings
// reader's std::invalid_argument) is expected; anything else escaping, a crash, a leak or a
// sanitizer report is a finding.
//
// Build and run: tests/fuzz/run.sh (tests/fuzz/README.md).

#include "codedb/CodedbSettings.h"
#include "daemon/Config.h"
#include "daemon/ConfigCheck.h"
#include "daemon/IniScan.h"
#include "host/PluginConfig.h"
#include "sync/SyncSettings.h"
#include "telemetry/TelemetrySettings.h"
#include "whisper/WhisperSettings.h"

#include <oxd/bytesize.h>
#include <oxd/config_value.h>
#include <oxd/descriptor.h>
#include <oxd/duration.h>

#include <unistd.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace oxd;
namespace fs = std::filesystem;

template <std::size_t N>
sdk::Descriptor descriptorOf(const char* name, const sdk::ConfigKey (&keys)[N]) {
  return {sdk::kAbiVersion, sdk::kBuildFingerprint, name, "0.0.0", "", keys, N};
}

const std::vector<sdk::Descriptor>& descriptors() {
  static const auto* list = new std::vector<sdk::Descriptor>{
      descriptorOf("sync", sync::kSyncKeys), descriptorOf("whisper", whisper::kWhisperKeys),
      descriptorOf("codedb", codedb::kCodedbKeys),
      descriptorOf("telemetry", telemetry::kTelemetryKeys)};
  return *list;
}

fs::path& workDir() {
  static fs::path dir;
  return dir;
}

[[noreturn]] void finding(const std::string& where, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", where.c_str(), what.c_str());
  std::abort();
}

// A settings reader may refuse a value with std::invalid_argument (the plugin does not start and
// says why); nothing else may escape.
template <typename Read>
void readSettings(const char* plugin, Read read) {
  try {
    read();
  } catch (const std::invalid_argument&) {
  } catch (const std::exception& escaped) {
    finding(std::string(plugin) + " settings", escaped.what());
  }
}

void primitives(std::string_view value) {
  if (auto duration = sdk::parseDuration(value); duration && duration->count() < 0)
    finding("parseDuration", std::string(value));
  if (auto bytes = sdk::parseByteSize(value); bytes && *bytes < 0)
    finding("parseByteSize", std::string(value));
  sdk::parseFlag(value);
  sdk::parseInteger(value);
  sdk::parseNumber(value);
  sdk::splitList(value);
  // A key of each kind, unbounded and bounded, as a descriptor declares them.
  static const sdk::ConfigKey keys[] = {
      {.name = "s", .kind = sdk::ConfigKind::String},
      {.name = "b", .kind = sdk::ConfigKind::Bool},
      {.name = "i", .kind = sdk::ConfigKind::Int},
      {.name = "i", .kind = sdk::ConfigKind::Int, .min = "-5", .max = "10"},
      {.name = "d", .kind = sdk::ConfigKind::Double},
      {.name = "d", .kind = sdk::ConfigKind::Double, .min = "0.5", .max = "2.5"},
      {.name = "t", .kind = sdk::ConfigKind::Duration},
      {.name = "t", .kind = sdk::ConfigKind::Duration, .min = "1s", .max = "7d"},
      {.name = "z", .kind = sdk::ConfigKind::ByteSize},
      {.name = "z", .kind = sdk::ConfigKind::ByteSize, .min = "1KB", .max = "1GB"},
      {.name = "l", .kind = sdk::ConfigKind::List}};
  for (const auto& key : keys) sdk::configValueProblem(key, value);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Under $TMPDIR: run.sh points it at a dir it removes (libFuzzer ends without atexit).
  std::string pattern = (fs::temp_directory_path() / "oxd-fuzz-config-XXXXXX").string();
  if (!mkdtemp(pattern.data())) std::abort();
  workDir() = pattern.c_str();
  fs::create_directories(workDir() / "project" / ".oxd");
  fs::create_directories(workDir() / "xdg");
  // The user's own config layer: an empty dir, never the machine's.
  setenv("XDG_CONFIG_HOME", (workDir() / "xdg").c_str(), 1);
  std::atexit([] {
    std::error_code ignored;
    fs::remove_all(workDir(), ignored);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);

  core::ConfigSources sources;
  sources.project_root = workDir() / "project";
  sources.system_file = workDir() / "no-system-file";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("-D ", 0) != 0) continue;
    std::string value = line.substr(3);
    auto equals = value.find('=');
    if (equals == std::string::npos || equals == 0) continue;  // main.cpp refuses these
    sources.defines[value.substr(0, equals)] = value.substr(equals + 1);
  }
  {
    std::ofstream out(sources.project_root / ".oxd" / "oxd.ini", std::ios::trunc);
    out << text;
  }

  std::istringstream in(text);
  core::IniScan scan = core::scanIni(in);
  for (const auto& entry : scan.entries) {
    primitives(entry.key);
    primitives(entry.value);
  }
  for (const auto& [key, value] : sources.defines) primitives(value);

  core::PluginCatalog catalog;
  catalog.failed["failed_plugin"] = "cannot load";
  core::checkConfig(sources, catalog);

  core::LoadedConfig loaded;
  try {
    loaded = core::loadConfig(sources);
  } catch (const std::exception& escaped) {
    finding("loadConfig", escaped.what());
  }
  const auto& config = *loaded.config;
  try {
    core::validateCoreConfig(config);
    std::vector<std::string> names;
    for (const auto& descriptor : descriptors()) names.push_back(descriptor.name);
    core::unknownSections(config, names);
  } catch (const std::exception& escaped) {
    finding("core config checks", escaped.what());
  }
  try {
    core::readDaemonSettings(config, "/nonexistent/plugins");
  } catch (const std::invalid_argument&) {
  } catch (const std::exception& escaped) {
    finding("readDaemonSettings", escaped.what());
  }

  for (const auto& descriptor : descriptors()) {
    core::ConfigSection section = core::readSection(config, descriptor.name);
    core::parsePluginConfig(section);
    core::validateSection(descriptor.name, nullptr, section);
    bool valid = core::validateSection(descriptor.name, &descriptor, section).empty();
    auto plugin_config = core::pluginConfiguration(descriptor, section);
    std::string name = descriptor.name;
    // What the plugin reads at start; the host starts it only with a valid section.
    if (!valid) continue;
    if (name == "sync") {
      readSettings("sync", [&] { sync::ReadSyncSettings(*plugin_config); });
    } else if (name == "whisper") {
      readSettings("whisper", [&] { whisper::ReadWhisperSettings(*plugin_config); });
    } else if (name == "codedb") {
      readSettings("codedb", [&] { codedb::ReadCodedbSettings(*plugin_config); });
    } else if (name == "telemetry") {
      core::ConfigSection env = core::readSection(config, "env");
      telemetry::Environment environment =
          [&env](const std::string& variable) -> std::optional<std::string> {
        auto found = env.find(variable);
        if (found == env.end()) return std::nullopt;
        return found->second;
      };
      readSettings("telemetry", [&] {
        telemetry::ResolveTelemetryConfig(*plugin_config, environment);
        telemetry::OtlpProtocolProblem(environment);
      });
      for (const auto& [variable, value] : env) telemetry::ParseKeyValueList(value);
    }
  }
  return 0;
}
