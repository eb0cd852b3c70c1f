// CommitsAhead and push-only CommitAndPush: what lets the next sync push a daemon write whose
// own push failed, without committing anything the user staged.
#include "GitScene.h"
#include "git/CommitAndPush.h"
#include "git/LocalCommits.h"

namespace oxd::git::testing {
namespace {

using LocalCommitsTest = GitScene;

TEST_F(LocalCommitsTest, CountsCommitsTheRemoteLacksAndAPushOnlyRequestPushesJustThose) {
  fs::path ours = CloneWithCli("ours");
  EXPECT_EQ(CommitsAhead(ours), 0u);
  CommitFile(ours, "murmurs/a.json", "{}\n", "murmur a", false);
  CommitFile(ours, "murmurs/b.json", "{}\n", "murmur b", false);
  EXPECT_EQ(CommitsAhead(ours), 2u);

  WriteFile(ours / "staged.txt", "the user's, staged\n");
  Sh(ours, "git add staged.txt");
  CommitReport report = CommitAndPush(ours, CommitRequest{}, NetworkOptions{});
  EXPECT_FALSE(report.committed);
  EXPECT_EQ(CommitsAhead(ours), 0u);
  EXPECT_EQ(Sh(remote_, "git log --format=%s main"), "murmur b\nmurmur a\nseed\n");
  EXPECT_EQ(Sh(ours, "git status --porcelain"), "A  staged.txt\n");  // still staged, not pushed
}

TEST_F(LocalCommitsTest, IdentityComesFromGitConfigElseOxd) {
  fs::path ours = CloneWithCli("ours");
  Identity fallback = CommitIdentity(ours);
  EXPECT_EQ(fallback.name, "oxd");
  EXPECT_EQ(fallback.email, "oxd@localhost");
  Sh(ours, "git config user.name Ana && git config user.email ana@example.com");
  Identity configured = CommitIdentity(ours);
  EXPECT_EQ(configured.name, "Ana");
  EXPECT_EQ(configured.email, "ana@example.com");
}

}  // namespace
}  // namespace oxd::git::testing
