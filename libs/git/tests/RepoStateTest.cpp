#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "GitScene.h"
#include "git/RepoState.h"

namespace oxd::git::testing {
namespace {

using RepoStateTest = GitScene;

void Age(const fs::path& path, std::chrono::seconds age) {
  time_t when = time(nullptr) - static_cast<time_t>(age.count());
  utimbuf times{when, when};
  ASSERT_EQ(utime(path.c_str(), &times), 0);
}

TEST_F(RepoStateTest, ReadyAndNotCloned) {
  EXPECT_EQ(InspectRepo(CloneWithCli("ok")).condition, RepoCondition::kReady);
  EXPECT_EQ(InspectRepo(root_ / "nothing-here").condition, RepoCondition::kNotCloned);
}

TEST_F(RepoStateTest, RebaseInProgressIsDetected) {
  fs::path repo = CloneWithCli("stuck");
  fs::create_directories(repo / ".git/rebase-merge");
  RepoState state = InspectRepo(repo);
  EXPECT_EQ(state.condition, RepoCondition::kRebaseInProgress);
  EXPECT_NE(state.detail.find("rebase-merge"), std::string::npos);
}

TEST_F(RepoStateTest, LockFilesAreListedWithAgeAndStaleness) {
  fs::path repo = CloneWithCli("locked");
  WriteFile(repo / ".git/index.lock", "");
  WriteFile(repo / ".git/refs/heads/main.lock", "");
  Age(repo / ".git/index.lock", std::chrono::minutes(11));

  RepoState state = InspectRepo(repo);
  ASSERT_EQ(state.condition, RepoCondition::kLocked);
  ASSERT_EQ(state.locks.size(), 2u);
  for (const LockFile& lock : state.locks) {
    if (lock.path.filename() == "index.lock") {
      EXPECT_GE(lock.age, std::chrono::seconds(660));
      EXPECT_TRUE(lock.stale);
      EXPECT_TRUE(RemoveStaleLock(lock));
    } else {
      EXPECT_EQ(lock.path.filename(), "main.lock");
      EXPECT_LT(lock.age, std::chrono::seconds(60));
      EXPECT_FALSE(lock.stale);  // young: a git process may be working right now
      EXPECT_FALSE(RemoveStaleLock(lock));
    }
  }
  EXPECT_FALSE(fs::exists(repo / ".git/index.lock"));
  EXPECT_TRUE(fs::exists(repo / ".git/refs/heads/main.lock"));
  fs::remove(repo / ".git/refs/heads/main.lock");
  EXPECT_EQ(InspectRepo(repo).condition, RepoCondition::kReady);
}

TEST_F(RepoStateTest, OldLockHeldOpenByALiveProcessIsNotStale) {
  fs::path repo = CloneWithCli("held");
  fs::path lock_path = repo / ".git/index.lock";
  int fd = open(lock_path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  Age(lock_path, std::chrono::minutes(30));

  RepoState state = InspectRepo(repo);
  ASSERT_EQ(state.locks.size(), 1u);
  EXPECT_TRUE(state.locks[0].held_open);
  EXPECT_FALSE(state.locks[0].stale);
  EXPECT_FALSE(RemoveStaleLock(state.locks[0]));
  EXPECT_TRUE(fs::exists(lock_path));

  close(fd);
  state = InspectRepo(repo);
  ASSERT_EQ(state.locks.size(), 1u);
  EXPECT_TRUE(state.locks[0].stale);
}

// What a SIGKILL in the middle of a fetch leaves: locks nobody holds, in a repository no
// process works in. They are stale within seconds, not minutes.
TEST_F(RepoStateTest, LockOfAKilledProcessIsStaleAfterAFewSeconds) {
  fs::path repo = CloneWithCli("killed");
  fs::path ref_lock = repo / ".git/refs/remotes/origin/main.lock";
  fs::path fetch_head_lock = repo / ".git/FETCH_HEAD.lock";
  WriteFile(ref_lock, "");  // just written, after this process started
  WriteFile(fetch_head_lock, "");

  RepoState state = InspectRepo(repo);
  ASSERT_EQ(state.condition, RepoCondition::kLocked);
  ASSERT_EQ(state.locks.size(), 2u);
  for (const LockFile& lock : state.locks) {
    EXPECT_FALSE(lock.held_open);
    EXPECT_FALSE(lock.process_in_repo);
    EXPECT_FALSE(lock.stale) << lock.path;  // may be between git's close and rename
  }

  Age(ref_lock, kStaleLockAge + std::chrono::seconds(1));
  Age(fetch_head_lock, kStaleLockAge + std::chrono::seconds(1));
  state = InspectRepo(repo);
  ASSERT_EQ(state.locks.size(), 2u);
  for (const LockFile& lock : state.locks) {
    EXPECT_TRUE(lock.stale) << lock.path;
    EXPECT_TRUE(RemoveStaleLock(lock)) << lock.path;
  }
  EXPECT_EQ(InspectRepo(repo).condition, RepoCondition::kReady);
}

// A daemon killed a moment ago left this lock; the next one, just started, need not wait.
TEST_F(RepoStateTest, LockWrittenBeforeTheDaemonStartedIsStaleAtOnce) {
  fs::path repo = CloneWithCli("restarted");
  fs::path lock_path = repo / ".git/refs/remotes/origin/main.lock";
  WriteFile(lock_path, "");
  auto before_start = ModuleLoadTime() - std::chrono::milliseconds(500);
  auto since_epoch = before_start.time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  timespec when{
      static_cast<time_t>(secs.count()),
      static_cast<long>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - secs).count())};
  timespec times[2] = {when, when};
  ASSERT_EQ(utimensat(AT_FDCWD, lock_path.c_str(), times, 0), 0);

  std::vector<LockFile> locks =
      FindLockFiles(repo / ".git", before_start + std::chrono::seconds(1));
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_LT(locks[0].age, kStaleLockAge);
  EXPECT_TRUE(locks[0].stale);
  EXPECT_TRUE(RemoveStaleLock(locks[0]));
  EXPECT_EQ(InspectRepo(repo).condition, RepoCondition::kReady);
}

// A process working in the repository (a git hook runs with its cwd in the work tree and may
// have closed index.lock already) keeps the lock.
TEST_F(RepoStateTest, ProcessWithItsCwdInTheRepoKeepsTheLock) {
  fs::path repo = CloneWithCli("hooked");
  fs::path lock_path = repo / ".git/index.lock";
  WriteFile(lock_path, "");
  Age(lock_path, std::chrono::seconds(30));

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (chdir((repo / "data").c_str()) == 0) {
      execlp("sleep", "sleep", "60", static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  // Until the child has changed directory it is not in the repository.
  fs::path child_cwd = "/proc/" + std::to_string(child) + "/cwd";
  for (int i = 0; i < 500; ++i) {
    std::error_code error;
    if (fs::read_symlink(child_cwd, error) == fs::canonical(repo / "data")) break;
    usleep(10'000);
  }

  RepoState state = InspectRepo(repo);
  ASSERT_EQ(state.locks.size(), 1u);
  EXPECT_FALSE(state.locks[0].held_open);
  EXPECT_TRUE(state.locks[0].process_in_repo);
  EXPECT_FALSE(state.locks[0].stale);
  EXPECT_FALSE(RemoveStaleLock(state.locks[0]));
  EXPECT_TRUE(fs::exists(lock_path));

  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  state = InspectRepo(repo);
  ASSERT_EQ(state.locks.size(), 1u);
  EXPECT_FALSE(state.locks[0].process_in_repo);
  EXPECT_TRUE(state.locks[0].stale);
  EXPECT_TRUE(RemoveStaleLock(state.locks[0]));
  EXPECT_FALSE(fs::exists(lock_path));
}

TEST_F(RepoStateTest, LockHeldOpenPastTheShortAgeIsNotStale) {
  fs::path repo = CloneWithCli("writing");
  fs::path lock_path = repo / ".git/refs/remotes/origin/main.lock";
  fs::create_directories(lock_path.parent_path());
  int fd = open(lock_path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  Age(lock_path, kStaleLockAge + std::chrono::seconds(10));

  RepoState state = InspectRepo(repo);
  ASSERT_EQ(state.locks.size(), 1u);
  EXPECT_TRUE(state.locks[0].held_open);
  EXPECT_FALSE(state.locks[0].stale);
  EXPECT_FALSE(RemoveStaleLock(state.locks[0]));
  close(fd);
  EXPECT_TRUE(RemoveStaleLock(state.locks[0]));
}

TEST_F(RepoStateTest, CorruptGitDirIsDetectedAndMovedAsideWithoutClobbering) {
  fs::path repo = CloneWithCli("corrupt");
  fs::remove(repo / ".git/HEAD");
  WriteFile(repo / ".git/HEAD", "garbage\n");
  RepoState state = InspectRepo(repo);
  EXPECT_EQ(state.condition, RepoCondition::kCorrupt);
  EXPECT_FALSE(state.detail.empty());

  auto now = std::chrono::system_clock::now();
  fs::path unix_seconds = std::to_string(std::chrono::system_clock::to_time_t(now));
  fs::path first = MoveAside(repo, now);
  EXPECT_EQ(first, fs::path(repo.string() + ".bak." + unix_seconds.string()));
  EXPECT_FALSE(fs::exists(repo));
  EXPECT_EQ(ReadFile(first / "README.md"), "seed\n");

  // Same second, second corrupt copy: the first backup is kept.
  fs::create_directories(repo / ".git");
  fs::path second = MoveAside(repo, now);
  EXPECT_NE(second, first);
  EXPECT_TRUE(fs::exists(first / "README.md"));
  EXPECT_TRUE(fs::exists(second / ".git"));
}

TEST_F(RepoStateTest, EmptyGitDirIsCorrupt) {
  fs::create_directories(root_ / "empty/.git");
  EXPECT_EQ(InspectRepo(root_ / "empty").condition, RepoCondition::kCorrupt);
}

}  // namespace
}  // namespace oxd::git::testing
