// The GC crash-recovery decision: each state a SIGKILL can leave between the swap's renames ends
// with exactly one checkout at the path, and never deletes the only usable copy.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "gc/GcRecovery.h"

namespace oxd::sync {
namespace {

namespace fs = std::filesystem;

class GcRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-gcrecovery-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    path_ = root_ / "team";
  }
  void TearDown() override { fs::remove_all(root_); }

  // A "repository" for the predicate: a directory with a .git and a marker naming it.
  static void MakeRepo(const fs::path& where, const std::string& marker) {
    fs::create_directories(where / ".git");
    std::ofstream(where / "marker") << marker;
  }
  static void MakeJunk(const fs::path& where) {
    fs::create_directories(where);
    std::ofstream(where / "half") << "x";
  }
  static std::string Marker(const fs::path& where) {
    std::ifstream in(where / "marker");
    std::string text;
    std::getline(in, text);
    return text;
  }
  void Recover() {
    auto usable = [](const fs::path& p) { return fs::exists(p / ".git"); };
    ApplyGcRecovery(path_, PlanGcRecovery(path_, usable));
  }
  bool Leftovers() const { return fs::exists(GcNewPath(path_)) || fs::exists(GcOldPath(path_)); }

  fs::path root_;
  fs::path path_;
};

TEST_F(GcRecoveryTest, NothingToDoForAPlainCheckout) {
  MakeRepo(path_, "original");
  auto usable = [](const fs::path& p) { return fs::exists(p / ".git"); };
  EXPECT_TRUE(PlanGcRecovery(path_, usable).empty());
}

TEST_F(GcRecoveryTest, KilledDuringTheCloneOrValidationDeletesTheStaleNew) {
  MakeRepo(path_, "original");
  MakeJunk(GcNewPath(path_));
  Recover();
  EXPECT_EQ(Marker(path_), "original");
  EXPECT_FALSE(Leftovers());
}

TEST_F(GcRecoveryTest, KilledBetweenTheTwoRenamesRestoresTheOld) {
  MakeRepo(GcOldPath(path_), "original");
  MakeRepo(GcNewPath(path_), "fresh");
  Recover();
  EXPECT_EQ(Marker(path_), "original");
  EXPECT_FALSE(Leftovers());
}

TEST_F(GcRecoveryTest, OnlyTheOldLeftRenamesItBack) {
  MakeRepo(GcOldPath(path_), "original");
  Recover();
  EXPECT_EQ(Marker(path_), "original");
  EXPECT_FALSE(Leftovers());
}

TEST_F(GcRecoveryTest, OnlyAUsableNewLeftPromotesIt) {
  MakeRepo(GcNewPath(path_), "fresh");
  MakeJunk(GcOldPath(path_));  // .old half deleted is not a repository any more
  Recover();
  EXPECT_EQ(Marker(path_), "fresh");
  EXPECT_FALSE(Leftovers());
}

TEST_F(GcRecoveryTest, KilledWhileDeletingTheOldFinishesTheDelete) {
  MakeRepo(path_, "fresh");
  MakeJunk(GcOldPath(path_));
  Recover();
  EXPECT_EQ(Marker(path_), "fresh");
  EXPECT_FALSE(Leftovers());
}

TEST_F(GcRecoveryTest, NothingUsableLeavesNoLeftoversForTheCloneToTrip) {
  MakeJunk(GcNewPath(path_));
  MakeJunk(GcOldPath(path_));
  Recover();
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_FALSE(Leftovers());
}

TEST_F(GcRecoveryTest, AnUnusableCheckoutKeepsEveryLeftover) {
  MakeJunk(path_);
  MakeRepo(GcOldPath(path_), "original");
  auto usable = [](const fs::path& p) { return fs::exists(p / ".git"); };
  EXPECT_TRUE(PlanGcRecovery(path_, usable).empty());
}

}  // namespace
}  // namespace oxd::sync
