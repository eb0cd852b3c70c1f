// Clone, remote-head check, fetch + pull and push over git:// against a real `git daemon`.
#include "GitScene.h"
#include "LoopbackServers.h"
#include "git/Clone.h"
#include "git/Fetch.h"
#include "git/Pull.h"
#include "git/RemoteHead.h"

namespace oxd::git::testing {
namespace {

using GitDaemonTest = GitScene;

TEST_F(GitDaemonTest, CloneAndFetchOverGitDaemon) {
  GitDaemon daemon(root_);
  ASSERT_TRUE(daemon.listening());
  std::string url = "git://127.0.0.1:" + std::to_string(daemon.port()) + "/remote.git";
  NetworkOptions options;
  options.timeout = std::chrono::seconds(20);

  fs::path ours = root_ / "over-git";
  CloneReport clone = CloneRepository({url, ours, ""}, options);
  EXPECT_EQ(clone.head, Head(root_ / "seed"));
  EXPECT_EQ(ReadFile(ours / "data/shared.txt"), "line 1\nline 2\nline 3\n");
  EXPECT_TRUE(CheckRemoteHead(ours, options).remote_equals_head);

  std::string pushed = CommitFile(root_ / "seed", "later.txt", "later\n", "later", true);
  RemoteHeadCheck check = CheckRemoteHead(ours, options);
  EXPECT_FALSE(check.nothing_to_pull);
  EXPECT_EQ(check.remote_id, pushed);

  FetchReport fetch = FetchUpstream(ours, options);
  EXPECT_EQ(fetch.tracking_after, pushed);
  EXPECT_GT(fetch.received_objects, 0u);
  PullReport pull = IntegrateUpstream(ours);
  EXPECT_EQ(pull.outcome, PullOutcome::kFastForwarded);
  EXPECT_EQ(ReadFile(ours / "later.txt"), "later\n");
}

}  // namespace
}  // namespace oxd::git::testing
