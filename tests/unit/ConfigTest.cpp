#include "daemon/Config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace oxd::core {
namespace {
namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-config-XXXXXX";
    root_ = ::mkdtemp(pattern);
    ::setenv("XDG_CONFIG_HOME", (root_ / "config").c_str(), 1);
    fs::create_directories(root_ / "config" / "oxd");
    fs::create_directories(root_ / "project" / ".oxd");
  }
  void TearDown() override {
    ::unsetenv("XDG_CONFIG_HOME");
    ::unsetenv("OXD_DAEMON__WORKERS");
    fs::remove_all(root_);
  }
  void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }
  ConfigSources sources() {
    ConfigSources sources;
    sources.project_root = root_ / "project";
    sources.system_file = root_ / "none.ini";
    return sources;
  }
  fs::path root_;
};

TEST_F(ConfigTest, DefaultsGiveTheDocumentedSettings) {
  auto loaded = loadConfig(sources());
  ASSERT_TRUE(loaded.errors.empty());
  DaemonSettings settings = readDaemonSettings(*loaded.config, "/plugins");
  EXPECT_EQ(settings.plugin_dir, "/plugins");
  EXPECT_EQ(settings.inactivity_timeout, std::chrono::hours(1));
  EXPECT_EQ(settings.workers, 4u);
  EXPECT_EQ(settings.max_connections, 100u);
  EXPECT_TRUE(validateCoreConfig(*loaded.config).empty());
  EXPECT_TRUE(unknownSections(*loaded.config, {}).empty());
}

TEST_F(ConfigTest, LayersOverrideInOrder) {
  write(root_ / "config" / "oxd" / "oxd.ini", "[daemon]\nworkers = 2\ninactivity_timeout = 5m\n");
  write(root_ / "project" / ".oxd" / "oxd.ini", "[daemon]\nworkers = 3\n");
  auto from_files = loadConfig(sources());
  EXPECT_EQ(readDaemonSettings(*from_files.config, "/").workers, 3u);
  EXPECT_EQ(readDaemonSettings(*from_files.config, "/").inactivity_timeout,
            std::chrono::minutes(5));

  ::setenv("OXD_DAEMON__WORKERS", "5", 1);
  EXPECT_EQ(readDaemonSettings(*loadConfig(sources()).config, "/").workers, 5u);

  auto with_define = sources();
  with_define.defines["daemon.workers"] = "6";
  EXPECT_EQ(readDaemonSettings(*loadConfig(with_define).config, "/").workers, 6u);
}

TEST_F(ConfigTest, UnknownKeyNamesTheNearestKnownKey) {
  write(root_ / "project" / ".oxd" / "oxd.ini", "[daemon]\ninactivty_timeout = 5m\n");
  auto errors = validateCoreConfig(*loadConfig(sources()).config);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "[daemon] unknown key 'inactivty_timeout' (did you mean 'inactivity_timeout'?)");
}

TEST_F(ConfigTest, UnknownSectionNamesTheNearestPlugin) {
  write(root_ / "project" / ".oxd" / "oxd.ini", "[snyc]\ninterval = 5m\n");
  auto errors = unknownSections(*loadConfig(sources()).config, {"sync", "whisper"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "unknown section [snyc] (did you mean [sync]?)");
}

TEST_F(ConfigTest, BadValuesAreRefusedWithTheKeyNamed) {
  auto bad = sources();
  bad.defines["daemon.inactivity_timeout"] = "soon";
  auto errors = validateCoreConfig(*loadConfig(bad).config);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "[daemon] inactivity_timeout: invalid duration 'soon'");

  auto zero_workers = sources();
  zero_workers.defines["daemon.workers"] = "0";
  EXPECT_THROW(readDaemonSettings(*loadConfig(zero_workers).config, "/"), std::invalid_argument);
}

TEST_F(ConfigTest, MissingExplicitConfigFileIsAnError) {
  auto with_file = sources();
  with_file.extra_file = root_ / "missing.ini";
  auto loaded = loadConfig(with_file);
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_NE(loaded.errors[0].find("missing.ini: file not found"), std::string::npos);
}

TEST(NearestNameTest, FarWordsGetNoHint) {
  EXPECT_EQ(nearestName("interval", {"interval", "jitter"}), "interval");
  EXPECT_EQ(nearestName("zzzzzzzz", {"interval", "jitter"}), "");
}

}  // namespace
}  // namespace oxd::core
