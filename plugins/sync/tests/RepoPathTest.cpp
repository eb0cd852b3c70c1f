// Checkout path validation: what the daemon may create or move on a client's word.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "RepoPath.h"

namespace oxd::sync {
namespace {

namespace fs = std::filesystem;

class RepoPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-repopath-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = fs::canonical(pattern);
    fs::create_directories(root_ / "data");
    fs::create_directories(root_ / "code/project");
    fs::create_directories(root_ / "elsewhere");
    policy_ = {{root_ / "data", root_ / "code"}, {root_ / "code/project"}};
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Refusal(const std::string& path) {
    try {
      ValidateRepoPath(path, policy_);
      return "";
    } catch (const InvalidRepoPath& error) {
      return error.what();
    }
  }

  fs::path root_;
  RepoPathPolicy policy_;
};

TEST_F(RepoPathTest, AcceptsPathsInsideTheRoots) {
  EXPECT_EQ(ValidateRepoPath((root_ / "data/ledgers/abc").string(), policy_),
            root_ / "data/ledgers/abc");
  EXPECT_EQ(ValidateRepoPath((root_ / "code/project_ledger").string(), policy_),
            root_ / "code/project_ledger");
}

TEST_F(RepoPathTest, RefusesRelativeEmptyAndTraversal) {
  EXPECT_EQ(Refusal(""), "invalid repo path: path is empty");
  EXPECT_EQ(Refusal("data/x"), "invalid repo path: path must be absolute: data/x");
  std::string traversal = Refusal((root_ / "data/../elsewhere/x").string());
  EXPECT_TRUE(traversal.starts_with("invalid repo path: path traversal or unsafe location"))
      << traversal;
}

TEST_F(RepoPathTest, RefusesOutsideTheRootsTheRootsThemselvesAndTheProject) {
  EXPECT_NE(Refusal((root_ / "elsewhere/x").string()), "");
  EXPECT_NE(Refusal("/etc/sageox/repo"), "");
  EXPECT_NE(Refusal((root_ / "data").string()), "");
  EXPECT_NE(Refusal((root_ / "code/project").string()), "");
  EXPECT_NE(Refusal((root_ / "code/project/sub").string()), "");
}

TEST_F(RepoPathTest, RefusesASymlinkThatEscapes) {
  fs::create_directory_symlink(root_ / "elsewhere", root_ / "data/link");
  std::string refusal = Refusal((root_ / "data/link/repo").string());
  EXPECT_NE(refusal.find("outside the allowed roots"), std::string::npos) << refusal;
  // A dangling symlink cannot be resolved: refused rather than followed later by mkdir.
  fs::create_directory_symlink(root_ / "nowhere", root_ / "data/dangling");
  EXPECT_NE(Refusal((root_ / "data/dangling/repo").string()), "");
  // A symlink that stays inside is fine, and the answer is the resolved path.
  fs::create_directories(root_ / "data/real");
  fs::create_directory_symlink(root_ / "data/real", root_ / "data/alias");
  EXPECT_EQ(ValidateRepoPath((root_ / "data/alias/repo").string(), policy_),
            root_ / "data/real/repo");
}

}  // namespace
}  // namespace oxd::sync
