// The host's check of a plugin's section against its typed key table: the check that runs at
// start, on reload and in `oxctl config check`, one message form for every kind.

#include "host/PluginConfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oxd::core {
namespace {

using sdk::ConfigKind;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const sdk::ConfigKey kKeys[] = {
    {.name = "label", .kind = ConfigKind::String, .help = "a name"},
    {.name = "verbose", .kind = ConfigKind::Bool, .default_value = "false", .help = "more"},
    {.name = "days", .kind = ConfigKind::Int, .default_value = "7", .min = "1", .help = "count"},
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
     .help = "a period"},
    {.name = "cap", .kind = ConfigKind::ByteSize, .default_value = "1MB", .max = "1GB", .help = ""},
    {.name = "hosts", .kind = ConfigKind::List, .help = "some names"},
};
const sdk::Descriptor kDescriptor{
    sdk::kAbiVersion, sdk::kBuildFingerprint, "demo", "0.0.1", "demo", kKeys, std::size(kKeys)};

std::vector<std::string> check(const std::string& key, const std::string& value) {
  return validateSection("demo", &kDescriptor, {{key, value}});
}

TEST(PluginConfigTest, ValidValuesOfEveryKindPass) {
  EXPECT_THAT(validateSection("demo", &kDescriptor,
                              {{"label", "anything at all"},
                               {"verbose", "yes"},
                               {"days", "30"},
                               {"ratio", "1"},
                               {"interval", "1s"},
                               {"cap", "1GB"},
                               {"hosts", "a, b c"}}),
              IsEmpty());
}

TEST(PluginConfigTest, AValueOfTheWrongKindIsNamedWithItsKey) {
  EXPECT_THAT(check("verbose", "sometimes"),
              ElementsAre("[demo] verbose: expected true or false, got 'sometimes'"));
  EXPECT_THAT(check("days", "a week"),
              ElementsAre("[demo] days: expected an integer, got 'a week'"));
  EXPECT_THAT(check("ratio", "most"),
              ElementsAre("[demo] ratio: expected a number such as 0.5, got 'most'"));
  EXPECT_THAT(check("interval", "often"),
              ElementsAre("[demo] interval: expected a duration such as 30s or 5m, got 'often'"));
  EXPECT_THAT(check("cap", "huge"),
              ElementsAre("[demo] cap: expected a size such as 64MB or 512KB, got 'huge'"));
}

TEST(PluginConfigTest, AValueOutsideItsRangeNamesTheBound) {
  EXPECT_THAT(check("days", "0"), ElementsAre("[demo] days: 0 is below the minimum 1"));
  EXPECT_THAT(check("ratio", "2"), ElementsAre("[demo] ratio: 2 is above the maximum 1"));
  EXPECT_THAT(check("interval", "1ms"),
              ElementsAre("[demo] interval: 1ms is below the minimum 1s"));
  EXPECT_THAT(check("cap", "2g"), ElementsAre("[demo] cap: 2g is above the maximum 1GB"));
}

TEST(PluginConfigTest, EveryKeyIsCheckedSoOneBadValueHidesNoOther) {
  EXPECT_THAT(validateSection("demo", &kDescriptor, {{"days", "0"}, {"interval", "soon"}}),
              ElementsAre("[demo] days: 0 is below the minimum 1",
                          "[demo] interval: expected a duration such as 30s or 5m, got 'soon'"));
}

TEST(PluginConfigTest, DescribedKeysCarryKindAndRange) {
  std::vector<std::string> described;
  for (const auto& key : describePluginKeys(kDescriptor))
    described.push_back(key.key + ": " + key.kind);
  EXPECT_THAT(described, ElementsAre("enabled: bool", "on_error: string", "label: string",
                                     "verbose: bool", "days: int, at least 1",
                                     "ratio: double, 0.01 to 1", "interval: duration, at least 1s",
                                     "cap: byte size, at most 1GB", "hosts: list"));
}

TEST(PluginConfigTest, APluginSeesItsDefaultsUnderTheSection) {
  auto config = pluginConfiguration(kDescriptor, {{"days", "3"}});
  EXPECT_EQ(config->getString("days"), "3");
  EXPECT_EQ(config->getString("interval"), "5m");
  EXPECT_FALSE(config->hasProperty("label"));
}

}  // namespace
}  // namespace oxd::core
