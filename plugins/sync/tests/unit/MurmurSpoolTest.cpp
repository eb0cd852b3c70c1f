// The murmur spool (writes/MurmurSpool.h): what the murmur handler puts on disk before it
// returns, read back in order by the drain and by the next start.
#include "writes/MurmurSpool.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace oxd::sync {
namespace {

namespace fs = std::filesystem;

class MurmurSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-spool-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }

  static sdk::MurmurRequest Murmur(const std::string& name) {
    sdk::MurmurRequest request;
    request.target_dir = "/ledger";
    request.rel_path = "murmurs/" + name + ".json";
    request.content = name;
    request.bytes = "{\"content\":\"" + name + "\"}";
    return request;
  }
  static std::vector<std::string> Names(const std::vector<MurmurSpool::Entry>& entries) {
    std::vector<std::string> names;
    for (const auto& entry : entries) names.push_back(entry.request.content);
    return names;
  }

  fs::path root_;
};

TEST_F(MurmurSpoolTest, KeepsMurmursWholeAndInOrderAcrossARestartUntilRemoved) {
  fs::path dir = root_ / "spool";
  {
    MurmurSpool spool(dir);
    for (const char* name : {"one", "two", "three"}) spool.Add(Murmur(name));
  }
  MurmurSpool reopened(dir);  // a restart
  std::vector<MurmurSpool::Entry> pending = reopened.Pending();
  ASSERT_EQ(Names(pending), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(pending[1].request.bytes, "{\"content\":\"two\"}");
  EXPECT_EQ(pending[1].request.rel_path, "murmurs/two.json");
  reopened.Remove(pending[0].file);
  reopened.Add(Murmur("four"));  // numbered after the highest left, never reusing one
  EXPECT_EQ(Names(reopened.Pending()), (std::vector<std::string>{"two", "three", "four"}));
}

TEST_F(MurmurSpoolTest, AnUnreadableFileIsSetAsideAndReported) {
  fs::path dir = root_ / "spool";
  MurmurSpool spool(dir);
  spool.Add(Murmur("good"));
  std::ofstream(dir / "00000000000000000007.json") << "{not json";
  std::vector<fs::path> unreadable;
  EXPECT_EQ(Names(spool.Pending(&unreadable)), (std::vector<std::string>{"good"}));
  ASSERT_EQ(unreadable.size(), 1u);
  EXPECT_TRUE(fs::exists(dir / "00000000000000000007.json.unreadable"));
}

TEST_F(MurmurSpoolTest, AnUnwritableSpoolThrowsAndLeavesNothing) {
  fs::path blocked = root_ / "file";
  std::ofstream(blocked) << "a file where the spool dir should be";
  MurmurSpool spool(blocked / "spool");
  EXPECT_ANY_THROW(spool.Add(Murmur("lost")));
}

}  // namespace
}  // namespace oxd::sync
