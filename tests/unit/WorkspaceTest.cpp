#include "common/Paths.h"
#include "common/ProjectFile.h"
#include "daemon/WorkspaceLoader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace oxd::core {
namespace {
namespace fs = std::filesystem;

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxd-ws-XXXXXX";
    root_ = ::mkdtemp(pattern);
    fs::create_directories(root_ / "project" / ".oxd");
    fs::create_directories(root_ / "project" / "src" / "deep");
    ::setenv("XDG_DATA_HOME", (root_ / "data").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("XDG_DATA_HOME");
    fs::remove_all(root_);
  }
  void writeProject(const std::string& json) {
    std::ofstream(root_ / "project" / ".oxd" / "project.json") << json;
  }
  fs::path root_;
};

TEST_F(WorkspaceTest, RootIsFoundByWalkingUp) {
  EXPECT_EQ(project::findRoot(root_ / "project" / "src" / "deep"),
            fs::canonical(root_ / "project"));
}

TEST_F(WorkspaceTest, IdIsTheSha256OfTheRepoIdElseOfTheRealPath) {
  // sha256("repo_01JEXAMPLE") starts with these 8 hex chars.
  EXPECT_EQ(project::workspaceId(root_, "repo_01JEXAMPLE"),
            project::sha256Hex("repo_01JEXAMPLE").substr(0, 8));
  EXPECT_EQ(project::sha256Hex("abc").substr(0, 8), "ba7816bf");
  std::string by_path = project::workspaceId(root_ / "project", "");
  EXPECT_EQ(by_path, project::sha256Hex(fs::canonical(root_ / "project").string()).substr(0, 8));
  fs::create_directory_symlink(root_ / "project", root_ / "link");
  EXPECT_EQ(project::workspaceId(root_ / "link", ""), by_path);
  EXPECT_NE(project::workspaceId(root_, ""), by_path);
  EXPECT_EQ(by_path.size(), 8u);
}

TEST_F(WorkspaceTest, ProjectFileFillsTheWorkspace) {
  writeProject(R"({"repo_id":"repo_1","ledger":{"url":"file:///l.git","path":"../ledger"},
    "team_contexts":[{"id":"team/../42","name":"Platform","url":"file:///t.git"}],
    "github":{"owner":"acme","repo":"widget"}})");
  sdk::Workspace workspace = loadWorkspace(root_ / "project");
  EXPECT_EQ(workspace.repo_id, "repo_1");
  EXPECT_EQ(workspace.workspace_id, project::sha256Hex("repo_1").substr(0, 8));
  EXPECT_EQ(workspace.ledger_url, "file:///l.git");
  EXPECT_EQ(workspace.ledger_path, root_ / "ledger");
  ASSERT_EQ(workspace.team_contexts.size(), 1u);
  EXPECT_EQ(workspace.team_contexts[0].path, root_ / "data" / "oxd" / "teams" / "team___42");
  EXPECT_EQ(workspace.github_owner, "acme");
}

TEST_F(WorkspaceTest, MissingProjectFileGivesDefaults) {
  sdk::Workspace workspace = loadWorkspace(root_ / "project");
  EXPECT_TRUE(workspace.repo_id.empty());
  EXPECT_TRUE(workspace.ledger_url.empty());
  EXPECT_EQ(workspace.ledger_path, root_ / "data" / "oxd" / "ledgers" / workspace.workspace_id);
}

TEST_F(WorkspaceTest, MalformedProjectFileIsRefusedNamingTheFileAndKey) {
  writeProject("{not json");
  EXPECT_THROW(loadWorkspace(root_ / "project"), std::runtime_error);
  writeProject(R"({"repo_id": 7})");
  try {
    loadWorkspace(root_ / "project");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("project.json: repo_id must be a string"),
              std::string::npos);
  }
  writeProject(R"({"team_contexts":[{"name":"no id"}]})");
  EXPECT_THROW(loadWorkspace(root_ / "project"), std::runtime_error);
}

TEST_F(WorkspaceTest, ATeamMayCarryItsOwnIntervalAndGcInterval) {
  writeProject(R"({"team_contexts":[{"id":"a","interval":"1h30m","gc_interval_days":3},
                                    {"id":"b"}]})");
  sdk::Workspace workspace = loadWorkspace(root_ / "project");
  ASSERT_EQ(workspace.team_contexts.size(), 2u);
  EXPECT_EQ(workspace.team_contexts[0].interval, std::chrono::minutes(90));
  EXPECT_EQ(workspace.team_contexts[0].gc_interval_days, 3);
  EXPECT_EQ(workspace.team_contexts[1].interval, std::chrono::milliseconds(0));
  EXPECT_EQ(workspace.team_contexts[1].gc_interval_days, 0);

  for (const char* bad : {R"({"team_contexts":[{"id":"a","interval":"soon"}]})",
                          R"({"team_contexts":[{"id":"a","interval":"-5m"}]})",
                          R"({"team_contexts":[{"id":"a","interval":10}]})",
                          R"({"team_contexts":[{"id":"a","gc_interval_days":0}]})",
                          R"({"team_contexts":[{"id":"a","gc_interval_days":"7"}]})",
                          R"({"team_contexts":[{"id":"a","gc_interval_days":2.5}]})"}) {
    writeProject(bad);
    try {
      loadWorkspace(root_ / "project");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::runtime_error& error) {
      std::string what = error.what();
      EXPECT_NE(what.find("team_contexts[0]"), std::string::npos) << what;
      EXPECT_TRUE(what.find("interval") != std::string::npos) << what;
    }
  }
}

TEST(TeamIdTest, SanitizedForDirectoryNames) {
  EXPECT_EQ(sanitizeTeamId("team_42"), "team_42");
  EXPECT_EQ(sanitizeTeamId("a/b:c"), "a_b_c");
  EXPECT_EQ(sanitizeTeamId("../.."), "unknown");
  EXPECT_EQ(sanitizeTeamId(""), "unknown");
}

TEST(PathsTest, SocketPathFallsBackWhenTooLong) {
  ::setenv("XDG_RUNTIME_DIR", ("/tmp/" + std::string(120, 'x')).c_str(), 1);
  ::unsetenv("OXD_SOCKET");
  auto path = paths::socketPath("abcd1234");
  EXPECT_LE(path.native().size(), paths::kMaxSocketPath);
  EXPECT_EQ(path.filename(), "abcd1234.sock");
  ::setenv("OXD_SOCKET", "/tmp/forced.sock", 1);
  EXPECT_EQ(paths::socketPath("abcd1234"), "/tmp/forced.sock");
  ::unsetenv("OXD_SOCKET");
  ::setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
  EXPECT_EQ(paths::socketPath("abcd1234"), "/run/user/1000/oxd/oxd-abcd1234.sock");
  ::unsetenv("XDG_RUNTIME_DIR");
}

}  // namespace
}  // namespace oxd::core
