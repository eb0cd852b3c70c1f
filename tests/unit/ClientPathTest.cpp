// The shared checks of a client's path (sdk/include/oxd/client_path.h): text and destination.
#include <gtest/gtest.h>
#include <oxd/client_path.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace oxd::sdk {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

class ClientPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-clientpath-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = fs::canonical(pattern);
    workspace_.data_dir = root_ / "share/oxd";
    workspace_.workspace_data_dir = root_ / "share/oxd/workspaces/abcd1234";
    workspace_.cache_dir = root_ / "cache/oxd/abcd1234";
    workspace_.state_dir = root_ / "state/oxd";
    workspace_.runtime_dir = root_ / "run/oxd";
    workspace_.config_dir = root_ / "config/oxd";
    fs::create_directories(workspace_.workspace_data_dir);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  Workspace workspace_;
};

TEST_F(ClientPathTest, RefusesNulAndControlCharacters) {
  EXPECT_EQ(clientPathTextProblem("/a/nul-X\0x"s), "holds a NUL byte");
  EXPECT_EQ(clientPathTextProblem("/a/tab\there"), "holds a control character");
  EXPECT_EQ(clientPathTextProblem("/a/line\nbreak"), "holds a control character");
  EXPECT_EQ(clientPathTextProblem("/a/del\x7f"), "holds a control character");
  EXPECT_EQ(clientPathTextProblem("/a/caf\xc3\xa9 and spaces"), "");
  EXPECT_EQ(clientPathProblem(workspace_, "/x/nul\0"s), "holds a NUL byte");
}

TEST_F(ClientPathTest, RefusesEveryOwnDirAndWhatIsBelowIt) {
  for (const fs::path& path :
       {workspace_.workspace_data_dir, workspace_.workspace_data_dir / "whispers/ledger.db",
        root_ / "share/oxd/workspaces/other123/repo", root_ / "share/oxd/workspaces",
        root_ / "cache/oxd/abcd1234/sessions", root_ / "cache/oxd/another", workspace_.state_dir,
        workspace_.runtime_dir / "x", workspace_.config_dir / "repo"}) {
    EXPECT_NE(daemonDirProblem(workspace_, path), "") << path;
  }
  EXPECT_EQ(daemonDirProblem(workspace_, workspace_.workspace_data_dir / "repo"),
            workspace_.workspace_data_dir.string() + "/repo is inside oxd's own workspace data " +
                "dir " + (root_ / "share/oxd/workspaces").string());
}

TEST_F(ClientPathTest, AcceptsCheckoutsBesideTheOwnDirs) {
  for (const fs::path& path :
       {root_ / "share/oxd/ledgers/abcd1234", root_ / "share/oxd/teams/team_1",
        root_ / "code/project_ledger", root_ / "share/oxd/workspaces-not"}) {
    EXPECT_EQ(daemonDirProblem(workspace_, path), "") << path;
  }
}

TEST_F(ClientPathTest, ASymlinkIntoAnOwnDirIsRefused) {
  fs::create_directories(root_ / "share/oxd/ledgers");
  fs::create_directory_symlink(workspace_.workspace_data_dir, root_ / "share/oxd/ledgers/sneaky");
  EXPECT_NE(daemonDirProblem(workspace_, root_ / "share/oxd/ledgers/sneaky/repo"), "");
}

TEST_F(ClientPathTest, AnEmptyWorkspaceForbidsNothing) {
  EXPECT_EQ(daemonDirProblem(Workspace{}, "/anything"), "");
}

}  // namespace
}  // namespace oxd::sdk
