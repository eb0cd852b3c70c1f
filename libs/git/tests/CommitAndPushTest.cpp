#include "GitScene.h"
#include "git/CommitAndPush.h"
#include "git/GitError.h"

namespace oxd::git::testing {
namespace {

class CommitAndPushTest : public GitScene {
 protected:
  CommitRequest Request(std::vector<std::string> paths) {
    CommitRequest request;
    request.paths = std::move(paths);
    request.message = "murmur";
    request.author_name = "oxd";
    request.author_email = "oxd@example.com";
    return request;
  }
};

TEST_F(CommitAndPushTest, CommitsAndPushes) {
  fs::path ours = CloneWithCli("ours");
  WriteFile(ours / "murmurs/a.json", "{}\n");
  CommitReport report = CommitAndPush(ours, Request({"murmurs/a.json"}), NetworkOptions{});
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.push_attempts, 1);
  EXPECT_EQ(report.commit, Head(ours));
  EXPECT_EQ(Sh(remote_, "git log --format=%an:%s -1 main"), "oxd:murmur\n");
  EXPECT_EQ(Sh(remote_, "git show main:murmurs/a.json"), "{}\n");
}

TEST_F(CommitAndPushTest, ConcurrentTeammatePushIsRebasedOverAndPushed) {
  fs::path ours = CloneWithCli("ours");
  fs::path teammate = CloneWithCli("teammate");
  // The teammate pushes after our last fetch: our first push is refused as non-fast-forward.
  std::string theirs = CommitFile(teammate, "theirs.txt", "theirs\n", "teammate", true);
  WriteFile(ours / "sessions/s1/raw.jsonl", "{\"a\":1}\n");

  CommitReport report = CommitAndPush(ours, Request({"sessions/s1/raw.jsonl"}), NetworkOptions{});
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(report.push_attempts, 2);
  EXPECT_EQ(Sh(remote_, "git log --format=%s -2 main"), "murmur\nteammate\n");
  EXPECT_EQ(Sh(remote_, "git rev-parse main~1"), theirs + "\n");
  EXPECT_EQ(Sh(remote_, "git rev-parse main"), report.commit + "\n");
  EXPECT_EQ(ReadFile(ours / "theirs.txt"), "theirs\n");
  EXPECT_EQ(Sh(ours, "git status --porcelain"), "");
}

TEST_F(CommitAndPushTest, CommitsOnlyItsPathsAndLeavesWhatTheUserStaged) {
  fs::path ours = CloneWithCli("ours");
  WriteFile(ours / "notes/draft.md", "mine, staged, not for the daemon\n");
  Sh(ours, "git add notes/draft.md");
  WriteFile(ours / "README.md", "edited, unstaged\n");
  WriteFile(ours / "murmurs/a.json", "{}\n");

  CommitReport report = CommitAndPush(ours, Request({"murmurs/a.json"}), NetworkOptions{});
  EXPECT_TRUE(report.committed);
  EXPECT_EQ(Sh(remote_, "git show --format= --name-only main"), "murmurs/a.json\n");
  EXPECT_EQ(Sh(ours, "git status --porcelain"), " M README.md\nA  notes/draft.md\n");
}

TEST_F(CommitAndPushTest, NothingChangedCommitsNothing) {
  fs::path ours = CloneWithCli("ours");
  std::string before = Head(ours);
  CommitReport report = CommitAndPush(ours, Request({"README.md"}), NetworkOptions{});
  EXPECT_FALSE(report.committed);
  EXPECT_EQ(Head(ours), before);
}

TEST_F(CommitAndPushTest, ConflictWithTeammateKeepsLocalCommitUnpushed) {
  fs::path ours = CloneWithCli("ours");
  fs::path teammate = CloneWithCli("teammate");
  CommitFile(teammate, "data/shared.txt", "theirs\n", "teammate", true);
  WriteFile(ours / "data/shared.txt", "ours\n");
  try {
    CommitAndPush(ours, Request({"data/shared.txt"}), NetworkOptions{});
    FAIL() << "conflicting push succeeded";
  } catch (const GitError& error) {
    EXPECT_EQ(error.kind(), GitErrorKind::kConflict);
    EXPECT_NE(std::string(error.what()).find("data/shared.txt"), std::string::npos);
  }
  EXPECT_EQ(Sh(ours, "git log --format=%s -1"), "murmur\n");
  EXPECT_EQ(ReadFile(ours / "data/shared.txt"), "ours\n");
}

}  // namespace
}  // namespace oxd::git::testing
