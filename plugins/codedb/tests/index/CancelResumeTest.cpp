// A run stopped part-way (the cancel flag, or the process killed mid-batch) leaves an index of
// whole commits only, and the next run completes it to the same results as one clean run.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>

#include "TestRepo.h"
#include "index/Sqlite.h"

namespace oxd::codedb::test {
namespace {

std::int64_t CommitRows(const std::string& index) {
  Database db(index);
  Statement count(db, "SELECT count(*) FROM commits");
  count.Step();
  return count.Int(0);
}

TEST(CancelResumeTest, CancelledRunResumesToTheSameResults) {
  TempDir dir;
  std::string repo = CopyFixture(dir.path());
  std::string clean = dir.path() + "/clean.db";
  IndexOrFail(repo, clean);

  std::string resumed = dir.path() + "/resumed.db";
  std::atomic<bool> cancel{false};
  IndexOptions options;
  options.batch_commits = 3;
  options.cancel = &cancel;
  std::vector<int> percents;
  bool stop_at_eight = true;
  options.progress = [&](const IndexProgress& progress) {
    percents.push_back(progress.percent);
    if (stop_at_eight && progress.commits_done == 8) {
      cancel = true;
    }
  };
  IndexReport stopped = IndexHistory(repo, resumed, options);
  EXPECT_FALSE(stopped.ok);
  EXPECT_TRUE(stopped.cancelled);
  EXPECT_TRUE(stopped.fingerprint.empty());
  EXPECT_EQ(stopped.counters.commits, 8u);
  EXPECT_EQ(CommitRows(resumed), 8);
  EXPECT_TRUE(std::is_sorted(percents.begin(), percents.end()));

  cancel = false;
  stop_at_eight = false;
  percents.clear();
  IndexReport finished = IndexOrFail(repo, resumed, options);
  EXPECT_EQ(finished.counters.commits, 12u);
  ASSERT_FALSE(percents.empty());
  EXPECT_EQ(percents.back(), 100);
  EXPECT_TRUE(std::is_sorted(percents.begin(), percents.end()));
  EXPECT_EQ(AllResults(resumed), AllResults(clean));
}

TEST(CancelResumeTest, ProcessKilledMidBatchLeavesWholeCommitsOnly) {
  TempDir dir;
  std::string repo = CopyFixture(dir.path());
  std::string clean = dir.path() + "/clean.db";
  IndexOrFail(repo, clean);

  std::string crashed = dir.path() + "/crashed.db";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    IndexOptions options;
    options.batch_commits = 4;
    // Dies with a batch open: commits 9 and 10 are written but not committed.
    options.progress = [](const IndexProgress& progress) {
      if (progress.commits_done == 10) {
        _exit(42);
      }
    };
    IndexHistory(repo, crashed, options);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 42);
  EXPECT_EQ(CommitRows(crashed), 8);  // two whole batches

  IndexReport finished = IndexOrFail(repo, crashed);
  EXPECT_EQ(finished.counters.commits, 12u);
  EXPECT_EQ(AllResults(crashed), AllResults(clean));
}

}  // namespace
}  // namespace oxd::codedb::test
