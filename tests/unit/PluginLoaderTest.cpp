#include "host/PluginLoader.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

namespace oxd::core {
namespace {

namespace fs = std::filesystem;

fs::path testPlugin(const std::string& name) {
  return fs::path(OXD_TEST_PLUGIN_DIR) / (name + ".so");
}

class ScratchDir {
 public:
  ScratchDir()
      : path_(fs::temp_directory_path() /
              ("oxd-loader-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(PluginLoaderTest, ReadsTheDescriptorWithoutCreatingThePlugin) {
  LoadResult result = PluginLoader().load(testPlugin("test_plugin"));
  ASSERT_TRUE(result.ok()) << result.error;
  const sdk::Descriptor& descriptor = result.plugin->descriptor();
  EXPECT_EQ(result.plugin->name(), "test_plugin");
  EXPECT_STREQ(descriptor.version, "1.2.3");
  ASSERT_EQ(descriptor.config_key_count, 2u);
  EXPECT_STREQ(descriptor.config_keys[0].name, "interval");
  EXPECT_STREQ(descriptor.config_keys[0].default_value, "1s");
  EXPECT_NE(result.plugin->create(), nullptr);
}

TEST(PluginLoaderTest, MissingFile) {
  LoadResult result = PluginLoader().load("/nonexistent/dir/ghost.so");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error, "plugin file not found: /nonexistent/dir/ghost.so");
}

TEST(PluginLoaderTest, NotASharedObjectReportsDlopensMessage) {
  ScratchDir dir;
  fs::path garbage = dir.path() / "garbage.so";
  std::ofstream(garbage)
      << "this is not an ELF file, not even close to one; padding padding padding";
  LoadResult result = PluginLoader().load(garbage);
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find(garbage.string()), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("ELF"), std::string::npos) << result.error;
  EXPECT_EQ(result.error.find('\n'), std::string::npos);
}

TEST(PluginLoaderTest, MissingDescriptorSymbol) {
  fs::path path = testPlugin("no_descriptor");
  EXPECT_EQ(PluginLoader().load(path).error,
            path.string() + ": missing symbol oxd_plugin_descriptor");
}

TEST(PluginLoaderTest, AbiMismatchIsReadFromTheFirstMemberAlone) {
  EXPECT_EQ(PluginLoader().load(testPlugin("broken_abi")).error,
            "broken_abi: built for SDK ABI version 999, this oxd has SDK ABI version " +
                std::to_string(sdk::kAbiVersion) + " (rebuild the plugin against this oxd's SDK)");
}

// A plugin built against an earlier SDK (ABI 1, before metrics) is refused, naming both versions.
TEST(PluginLoaderTest, PluginOfAnEarlierAbiIsRefusedNamingBothVersions) {
  static_assert(sdk::kAbiVersion == 3);
  EXPECT_EQ(PluginLoader().load(OXD_OLD_ABI_PLUGIN).error,
            "old_abi: built for SDK ABI version 1, this oxd has SDK ABI version 3 (rebuild the "
            "plugin against this oxd's SDK)");
}

TEST(PluginLoaderTest, FingerprintMismatch) {
  EXPECT_EQ(PluginLoader().load(testPlugin("wrong_fingerprint")).error,
            "wrong_fingerprint: built for a different daemon build (fingerprint 0000000000000000, "
            "expected " +
                std::string(sdk::kBuildFingerprint) + ")");
  // And the other way round: a daemon of another build refuses a plugin of this one.
  EXPECT_EQ(PluginLoader("feedfacefeedface").load(testPlugin("test_plugin")).error,
            "test_plugin: built for a different daemon build (fingerprint " +
                std::string(sdk::kBuildFingerprint) + ", expected feedfacefeedface)");
}

TEST(PluginLoaderTest, NameMustMatchTheFileStem) {
  ScratchDir dir;
  fs::path renamed = dir.path() / "renamed.so";
  fs::copy_file(testPlugin("test_plugin"), renamed);
  EXPECT_EQ(
      PluginLoader().load(renamed).error,
      renamed.string() +
          ": malformed descriptor: name 'test_plugin' does not match the file name 'renamed'");
}

TEST(PluginLoaderTest, MissingFactoryFailsOnlyWhenCreating) {
  fs::path path = testPlugin("missing_symbol");
  LoadResult result = PluginLoader().load(path);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.plugin->name(), "missing_symbol");
  try {
    result.plugin->create();
    FAIL() << "create() should throw";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), path.string() + ": missing symbol oxd_create_plugin");
  }
}

TEST(PluginLoaderTest, LoadingTwiceGivesTheSameDescriptor) {
  LoadResult first = PluginLoader().load(testPlugin("test_plugin"));
  LoadResult second = PluginLoader().load(testPlugin("test_plugin"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(&first.plugin->descriptor(), &second.plugin->descriptor());
}

}  // namespace
}  // namespace oxd::core
