// Heartbeat files keep their last 5 valid lines; state files are replaced whole.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "RollingFile.h"

namespace oxd::sync {
namespace {

namespace fs = std::filesystem;

class RollingFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-rolling-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    file_ = root_ / "dir/heartbeat.jsonl";
    fs::create_directories(file_.parent_path());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Contents() const {
    std::ifstream in(file_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path root_;
  fs::path file_;
};

TEST_F(RollingFileTest, KeepsTheLastFiveLines) {
  for (int i = 1; i <= 7; ++i) {
    AppendKeepingLast(file_, "{\"n\":" + std::to_string(i) + "}", 5);
  }
  EXPECT_EQ(Contents(), "{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n{\"n\":6}\n{\"n\":7}\n");
  EXPECT_FALSE(fs::exists(file_.string() + ".tmp"));
}

TEST_F(RollingFileTest, MalformedLinesAreSkippedOnRead) {
  std::ofstream(file_) << "{\"n\":1}\nnot json\n{\"n\":2\n[1,2]\n\n{\"n\":3}\n";
  EXPECT_EQ(ReadJsonLines(file_), (std::vector<std::string>{"{\"n\":1}", "{\"n\":3}"}));
  AppendKeepingLast(file_, "{\"n\":4}", 5);
  EXPECT_EQ(Contents(), "{\"n\":1}\n{\"n\":3}\n{\"n\":4}\n");
}

TEST_F(RollingFileTest, ADirectoryInThePlaceIsNotARegularFile) {
  fs::create_directories(file_);
  try {
    ReadJsonLines(file_);
    FAIL() << "read a directory";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("not a regular file"), std::string::npos);
  }
}

TEST_F(RollingFileTest, AMissingDirectoryIsNotCreated) {
  EXPECT_THROW(ReplaceFileAtomically(root_ / "gone/.git/heartbeat.jsonl", "{}\n"), std::exception);
  EXPECT_FALSE(fs::exists(root_ / "gone"));
}

TEST_F(RollingFileTest, AtomicWriteReplacesTheWholeFile) {
  ReplaceFileAtomically(file_, "first, and longer\n");
  ReplaceFileAtomically(file_, "second\n");
  EXPECT_EQ(Contents(), "second\n");
}

}  // namespace
}  // namespace oxd::sync
