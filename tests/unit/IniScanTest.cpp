#include "daemon/IniScan.h"

#include <gtest/gtest.h>

#include <sstream>

namespace oxd::core {
namespace {

IniScan scan(const std::string& text) {
  std::istringstream in(text);
  return scanIni(in);
}

TEST(IniScanTest, KeepsSectionsKeysValuesAndLines) {
  IniScan result = scan("; comment\n\n[daemon]\n  workers =  3 \n[sync]\nteams.a = x=y\n");
  ASSERT_EQ(result.entries.size(), 2u);
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(result.entries[0].line, 4);
  EXPECT_EQ(result.entries[0].section, "daemon");
  EXPECT_EQ(result.entries[0].key, "workers");
  EXPECT_EQ(result.entries[0].value, "3");
  EXPECT_EQ(result.entries[1].line, 6);
  EXPECT_EQ(result.entries[1].section, "sync");
  EXPECT_EQ(result.entries[1].key, "teams.a");
  EXPECT_EQ(result.entries[1].value, "x=y");  // only the first '=' separates, as in Poco
}

TEST(IniScanTest, ReportsWhatPocoWouldSilentlyTurnIntoKeys) {
  IniScan result = scan("# not a comment\n[daemon\nbare words\n= 5\n[ok] trailing\n");
  ASSERT_EQ(result.problems.size(), 5u);
  EXPECT_EQ(result.problems[0].line, 1);
  EXPECT_NE(result.problems[0].message.find("use ';'"), std::string::npos);
  EXPECT_EQ(result.problems[1].message, "section header without ']'");
  EXPECT_EQ(result.problems[2].message, "expected 'key = value', got 'bare words'");
  EXPECT_EQ(result.problems[3].message, "a value without a key");
  EXPECT_EQ(result.problems[4].line, 5);
  EXPECT_TRUE(result.entries.empty());
}

TEST(IniScanTest, KeysBeforeAnySectionHaveNoSection) {
  IniScan result = scan("loose = 1\r\n");
  ASSERT_EQ(result.entries.size(), 1u);
  EXPECT_EQ(result.entries[0].section, "");
  EXPECT_EQ(result.entries[0].value, "1");  // CRLF files work too
}

}  // namespace
}  // namespace oxd::core
