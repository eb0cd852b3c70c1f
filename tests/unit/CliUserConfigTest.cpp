// The user-config edit behind `oxctl plugins enable|disable`: the one setting changes, every
// other byte of the file stays the user's.

#include <gtest/gtest.h>

#include "oxctl/UserConfig.h"

namespace oxd::cli {
namespace {

TEST(CliUserConfigTest, ReplacesTheValueInPlaceKeepingSpacingAndComments) {
  std::string text =
      "; my settings\n"
      "[daemon]\n"
      "workers = 2\n"
      "\n"
      "[github]\n"
      "  enabled   =   true\n"
      "; token from the keyring\n"
      "interval = 5m\n";
  EXPECT_EQ(withIniValue(text, "github", "enabled", "false"),
            "; my settings\n"
            "[daemon]\n"
            "workers = 2\n"
            "\n"
            "[github]\n"
            "  enabled   =   false\n"
            "; token from the keyring\n"
            "interval = 5m\n");
}

TEST(CliUserConfigTest, AddsTheKeyUnderAnExistingSection) {
  EXPECT_EQ(
      withIniValue("[sync]\ninterval = 1m\n[daemon]\nworkers = 2\n", "sync", "enabled", "false"),
      "[sync]\nenabled = false\ninterval = 1m\n[daemon]\nworkers = 2\n");
}

TEST(CliUserConfigTest, AppendsASectionAfterABlankLine) {
  EXPECT_EQ(withIniValue("", "sync", "enabled", "false"), "[sync]\nenabled = false\n");
  EXPECT_EQ(withIniValue("[daemon]\nworkers = 2", "sync", "enabled", "false"),
            "[daemon]\nworkers = 2\n\n[sync]\nenabled = false\n");
}

TEST(CliUserConfigTest, KeepsWindowsLineEndings) {
  EXPECT_EQ(withIniValue("[daemon]\r\nworkers = 2\r\n", "sync", "enabled", "true"),
            "[daemon]\r\nworkers = 2\r\n\r\n[sync]\r\nenabled = true\r\n");
  EXPECT_EQ(withIniValue("[sync]\r\nenabled=false\r\n", "sync", "enabled", "true"),
            "[sync]\r\nenabled=true\r\n");
}

TEST(CliUserConfigTest, HeaderOnTheLastLineGetsATerminatorBeforeTheNewKey) {
  EXPECT_EQ(withIniValue("[sync]", "sync", "enabled", "false"), "[sync]\nenabled = false\n");
}

TEST(CliUserConfigTest, EveryCopyOfTheKeyAgreesAndOtherSectionsAreUntouched) {
  std::string text = "[sync]\nenabled = true\n[codedb]\nenabled = true\n[SYNC]\nEnabled=true\n";
  EXPECT_EQ(withIniValue(text, "sync", "enabled", "false"),
            "[sync]\nenabled = false\n[codedb]\nenabled = true\n[SYNC]\nEnabled=false\n");
}

TEST(CliUserConfigTest, CommentedOutKeysAreNotKeys) {
  EXPECT_EQ(withIniValue("[sync]\n;enabled = true\n", "sync", "enabled", "false"),
            "[sync]\nenabled = false\n;enabled = true\n");
}

TEST(CliUserConfigTest, ReadsTheValueTheDaemonWouldRead) {
  std::string text =
      "[daemon]\nplugin_dir = /a\n[sync]\nplugin_dir = /b\n[daemon]\nplugin_dir=/c\n";
  EXPECT_EQ(iniValue(text, "daemon", "plugin_dir"), "/c");
  EXPECT_EQ(iniValue(text, "daemon", "workers"), std::nullopt);
  EXPECT_EQ(iniValue("", "daemon", "plugin_dir"), std::nullopt);
}

}  // namespace
}  // namespace oxd::cli
