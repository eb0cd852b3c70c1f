// Typed config keys as a plugin reads them (sdk::Settings) and as the host and `oxctl config
// check` judge them (sdk::configValueProblem): per kind, a valid value, a malformed one, one out
// of range, and the descriptor's default when the key is unset.

#include <oxd/config_value.h>
#include <oxd/settings.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace oxd::sdk {
namespace {

using namespace std::chrono_literals;

const ConfigKey kKeys[] = {
    {.name = "label", .kind = ConfigKind::String, .default_value = "main", .help = "a name"},
    {.name = "verbose", .kind = ConfigKind::Bool, .default_value = "false", .help = "more"},
    {.name = "days",
     .kind = ConfigKind::Int,
     .default_value = "7",
     .min = "1",
     .max = "365",
     .help = "a count"},
    {.name = "ratio",
     .kind = ConfigKind::Double,
     .default_value = "0.35",
     .min = "0.01",
     .max = "1",
     .help = "a fraction"},
    {.name = "interval",
     .kind = ConfigKind::Duration,
     .default_value = "5m",
     .min = "1s",
     .max = "24h",
     .help = "a period"},
    {.name = "cap",
     .kind = ConfigKind::ByteSize,
     .default_value = "1MB",
     .min = "1KB",
     .max = "1GB",
     .help = "a size"},
    {.name = "hosts", .kind = ConfigKind::List, .help = "some names"},
};

class ConfigKindsTest : public ::testing::Test {
 protected:
  // The message a Settings read of `key` throws with `value` set; "" when it throws none.
  template <typename Read>
  std::string readError(const std::string& key, const std::string& value, Read read) {
    config_->setString(key, value);
    try {
      read(settings());
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "";
  }

  Settings settings() const { return Settings(*config_, "demo", kKeys); }

  Poco::AutoPtr<Poco::Util::MapConfiguration> config_ = new Poco::Util::MapConfiguration;
};

TEST_F(ConfigKindsTest, EveryUnsetKeyReadsTheDescriptorsDefault) {
  Settings read = settings();
  EXPECT_EQ(read.text("label"), "main");
  EXPECT_FALSE(read.flag("verbose"));
  EXPECT_EQ(read.integer("days"), 7);
  EXPECT_DOUBLE_EQ(read.number("ratio"), 0.35);
  EXPECT_EQ(read.duration("interval"), 5min);
  EXPECT_EQ(read.bytes("cap"), 1 << 20);
  EXPECT_TRUE(read.list("hosts").empty());
}

TEST_F(ConfigKindsTest, StringTakesAnyText) {
  config_->setString("label", "with spaces, and 'quotes'");
  EXPECT_EQ(settings().text("label"), "with spaces, and 'quotes'");
  config_->setString("label", "");
  EXPECT_EQ(settings().text("label"), "");
}

TEST_F(ConfigKindsTest, Bool) {
  for (const char* yes : {"true", "yes", "on", "1", "TRUE"}) {
    config_->setString("verbose", yes);
    EXPECT_TRUE(settings().flag("verbose")) << yes;
  }
  for (const char* no : {"false", "no", "off", "0", "False"}) {
    config_->setString("verbose", no);
    EXPECT_FALSE(settings().flag("verbose")) << no;
  }
  EXPECT_EQ(readError("verbose", "maybe", [](const Settings& s) { s.flag("verbose"); }),
            "demo.verbose: expected true or false, got 'maybe'");
}

TEST_F(ConfigKindsTest, Int) {
  config_->setString("days", "30");
  EXPECT_EQ(settings().integer("days"), 30);
  EXPECT_EQ(readError("days", "3.5", [](const Settings& s) { s.integer("days"); }),
            "demo.days: expected an integer, got '3.5'");
  EXPECT_EQ(readError("days", "week", [](const Settings& s) { s.integer("days"); }),
            "demo.days: expected an integer, got 'week'");
  EXPECT_EQ(readError("days", "0", [](const Settings& s) { s.integer("days"); }),
            "demo.days: 0 is below the minimum 1");
  EXPECT_EQ(readError("days", "366", [](const Settings& s) { s.integer("days"); }),
            "demo.days: 366 is above the maximum 365");
  EXPECT_EQ(readError("days", "365", [](const Settings& s) { s.integer("days"); }), "")
      << "bounds are inclusive";
}

TEST_F(ConfigKindsTest, Double) {
  config_->setString("ratio", "0.5");
  EXPECT_DOUBLE_EQ(settings().number("ratio"), 0.5);
  EXPECT_EQ(readError("ratio", "half", [](const Settings& s) { s.number("ratio"); }),
            "demo.ratio: expected a number such as 0.5, got 'half'");
  EXPECT_EQ(readError("ratio", "nan", [](const Settings& s) { s.number("ratio"); }),
            "demo.ratio: expected a number such as 0.5, got 'nan'");
  EXPECT_EQ(readError("ratio", "0.001", [](const Settings& s) { s.number("ratio"); }),
            "demo.ratio: 0.001 is below the minimum 0.01");
  EXPECT_EQ(readError("ratio", "1.5", [](const Settings& s) { s.number("ratio"); }),
            "demo.ratio: 1.5 is above the maximum 1");
}

TEST_F(ConfigKindsTest, Duration) {
  config_->setString("interval", "1h30m");
  EXPECT_EQ(settings().duration("interval"), 90min);
  EXPECT_EQ(readError("interval", "soon", [](const Settings& s) { s.duration("interval"); }),
            "demo.interval: expected a duration such as 30s or 5m, got 'soon'");
  EXPECT_EQ(readError("interval", "-5m", [](const Settings& s) { s.duration("interval"); }),
            "demo.interval: expected a duration such as 30s or 5m, got '-5m'");
  EXPECT_EQ(readError("interval", "1ms", [](const Settings& s) { s.duration("interval"); }),
            "demo.interval: 1ms is below the minimum 1s");
  EXPECT_EQ(readError("interval", "2d", [](const Settings& s) { s.duration("interval"); }),
            "demo.interval: 2d is above the maximum 24h");
}

TEST_F(ConfigKindsTest, ByteSize) {
  config_->setString("cap", "512kb");
  EXPECT_EQ(settings().bytes("cap"), 512 * 1024);
  EXPECT_EQ(readError("cap", "lots", [](const Settings& s) { s.bytes("cap"); }),
            "demo.cap: expected a size such as 64MB or 512KB, got 'lots'");
  EXPECT_EQ(readError("cap", "100", [](const Settings& s) { s.bytes("cap"); }),
            "demo.cap: 100 is below the minimum 1KB");
  EXPECT_EQ(readError("cap", "2GB", [](const Settings& s) { s.bytes("cap"); }),
            "demo.cap: 2GB is above the maximum 1GB");
}

TEST_F(ConfigKindsTest, ListSplitsOnSpacesAndCommas) {
  config_->setString("hosts", " a.example, b.example  c.example,,");
  EXPECT_EQ(settings().list("hosts"),
            (std::vector<std::string>{"a.example", "b.example", "c.example"}));
}

TEST_F(ConfigKindsTest, AnUndeclaredKeyOrAnotherKindsReaderIsAPluginBug) {
  Settings read = settings();
  EXPECT_THROW(read.duration("intreval"), std::logic_error);
  EXPECT_THROW(read.text("interval"), std::logic_error);
  EXPECT_THROW(read.integer("ratio"), std::logic_error);
  try {
    read.bytes("days");
    ADD_FAILURE() << "no logic_error";
  } catch (const std::invalid_argument&) {
    ADD_FAILURE() << "a plugin bug reported as a bad value";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(), "demo.days is declared as int, read as byte size");
  }
}

TEST_F(ConfigKindsTest, ADescriptorReadsTheSameAsItsKeyTable) {
  const Descriptor descriptor{kAbiVersion, kBuildFingerprint, "demo", "0.0.1", "demo",
                              kKeys,       std::size(kKeys)};
  config_->setString("interval", "never");
  try {
    Settings(*config_, descriptor).duration("interval");
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "demo.interval: expected a duration such as 30s or 5m, got 'never'");
  }
}

TEST(ConfigKeyProblemTest, TheLoaderRefusesAnIncoherentKey) {
  EXPECT_EQ(configKeyProblem(kKeys[4]), "");
  EXPECT_EQ(configKeyProblem({.name = "a", .kind = ConfigKind::List}), "");
  EXPECT_EQ(configKeyProblem({.name = "a", .kind = ConfigKind::Duration, .default_value = "5"}),
            "default: expected a duration such as 30s or 5m, got '5'");
  EXPECT_EQ(configKeyProblem({.name = "a", .kind = ConfigKind::Int}),
            "default: expected an integer, got ''");
  EXPECT_EQ(
      configKeyProblem({.name = "a", .kind = ConfigKind::Int, .default_value = "0", .min = "1"}),
      "default: 0 is below the minimum 1");
  EXPECT_EQ(configKeyProblem({.name = "a",
                              .kind = ConfigKind::Duration,
                              .default_value = "1m",
                              .min = "1h",
                              .max = "1s"}),
            "minimum 1h is above maximum 1s");
  EXPECT_EQ(configKeyProblem(
                {.name = "a", .kind = ConfigKind::ByteSize, .default_value = "1MB", .max = "big"}),
            "bound 'big' is not a byte size");
  EXPECT_EQ(configKeyProblem(
                {.name = "a", .kind = ConfigKind::Bool, .default_value = "true", .min = "false"}),
            "a bool key has no range");
  EXPECT_EQ(configKeyProblem({.name = "a", .kind = static_cast<ConfigKind>(42)}),
            "unknown kind 42");
}

TEST(ConfigKindAndRangeTest, HowOxdIniShowsAKey) {
  EXPECT_EQ(configKindAndRange(kKeys[0]), "string");
  EXPECT_EQ(configKindAndRange(kKeys[4]), "duration, 1s to 24h");
  EXPECT_EQ(configKindAndRange({.name = "a", .kind = ConfigKind::Int, .min = "1"}),
            "int, at least 1");
  EXPECT_EQ(configKindAndRange({.name = "a", .kind = ConfigKind::ByteSize, .max = "1GB"}),
            "byte size, at most 1GB");
}

}  // namespace
}  // namespace oxd::sdk
