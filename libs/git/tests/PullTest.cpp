// Fetch + IntegrateUpstream against a file:// remote: what a user finds in the checkout after
// a teammate pushed, with and without local commits and uncommitted work.
#include <algorithm>

#include "GitScene.h"
#include "git/Fetch.h"
#include "git/Pull.h"
#include "git/RemoteHead.h"

namespace oxd::git::testing {
namespace {

class PullTest : public GitScene {
 protected:
  void SetUp() override {
    GitScene::SetUp();
    ours_ = CloneWithCli("ours");
    teammate_ = CloneWithCli("teammate");
  }

  PullReport FetchAndIntegrate() {
    FetchUpstream(ours_, NetworkOptions{});
    return IntegrateUpstream(ours_);
  }

  // Everything a user could see of the checkout's state.
  std::string Snapshot() {
    std::vector<std::string> entries;
    for (const auto& entry : fs::recursive_directory_iterator(ours_)) {
      std::string relative = fs::relative(entry.path(), ours_).string();
      if (relative.starts_with(".git") || !entry.is_regular_file()) {
        continue;
      }
      entries.push_back(relative + "=" + ReadFile(entry.path()));
    }
    std::sort(entries.begin(), entries.end());
    std::string files;
    for (const std::string& entry : entries) {
      files += entry + "\n";
    }
    return Sh(ours_, "git status --porcelain=v2 --branch --untracked-files=all") +
           Sh(ours_, "git diff --cached") + Sh(ours_, "git diff") + Sh(ours_, "git stash list") +
           Head(ours_) + files;
  }

  fs::path ours_;
  fs::path teammate_;
};

TEST_F(PullTest, RemoteUnchangedNeedsNoFetch) {
  RemoteHeadCheck check = CheckRemoteHead(ours_, NetworkOptions{});
  EXPECT_TRUE(check.remote_equals_head);
  EXPECT_TRUE(check.nothing_to_pull);
  EXPECT_EQ(check.remote_id, Head(ours_));

  std::string pushed = CommitFile(teammate_, "new.txt", "hi\n", "teammate", true);
  check = CheckRemoteHead(ours_, NetworkOptions{});
  EXPECT_FALSE(check.remote_equals_head);
  EXPECT_FALSE(check.nothing_to_pull);
  EXPECT_EQ(check.remote_id, pushed);
}

TEST_F(PullTest, UnpushedLocalCommitOnlyIsNothingToPull) {
  CommitFile(ours_, "mine.txt", "mine\n", "local", false);
  RemoteHeadCheck check = CheckRemoteHead(ours_, NetworkOptions{});
  EXPECT_FALSE(check.remote_equals_head);
  EXPECT_TRUE(check.nothing_to_pull);
  EXPECT_EQ(IntegrateUpstream(ours_).outcome, PullOutcome::kUpToDate);
}

TEST_F(PullTest, TeammatePushIsFastForwarded) {
  std::string old_head = Head(ours_);
  WriteFile(teammate_ / "docs/a.md", "a\n");
  WriteFile(teammate_ / "data/shared.txt", "changed\n");
  Sh(teammate_, "git add -A && git commit -q -m teammate && git push -q origin main");

  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kFastForwarded);
  EXPECT_EQ(report.old_head, old_head);
  EXPECT_EQ(report.new_head, Head(teammate_));
  EXPECT_EQ(Head(ours_), Head(teammate_));
  std::vector<std::string> changed = report.files_changed;
  std::sort(changed.begin(), changed.end());
  EXPECT_EQ(changed, (std::vector<std::string>{"data/shared.txt", "docs/a.md"}));
  EXPECT_EQ(ReadFile(ours_ / "docs/a.md"), "a\n");
  EXPECT_EQ(Sh(ours_, "git status --porcelain"), "");
  EXPECT_EQ(FetchAndIntegrate().outcome, PullOutcome::kUpToDate);
}

TEST_F(PullTest, LocalAndRemoteCommitsAreRebasedNothingLost) {
  std::string mine = CommitFile(ours_, "mine.txt", "mine\n", "local work", false);
  std::string theirs = CommitFile(teammate_, "theirs.txt", "theirs\n", "teammate work", true);

  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kRebased);
  EXPECT_EQ(report.local_commits_replayed, 1u);
  EXPECT_EQ(Sh(ours_, "git log --format=%s -2"), "local work\nteammate work\n");
  EXPECT_EQ(Sh(ours_, "git rev-parse HEAD~1"), theirs + "\n");
  EXPECT_EQ(ReadFile(ours_ / "mine.txt"), "mine\n");
  EXPECT_EQ(ReadFile(ours_ / "theirs.txt"), "theirs\n");
  EXPECT_EQ(Sh(ours_, "git status --porcelain"), "");
  EXPECT_FALSE(fs::exists(ours_ / ".git/rebase-merge"));
  EXPECT_EQ(report.files_changed, std::vector<std::string>{"theirs.txt"});
}

TEST_F(PullTest, DirtyTreeIsKeptAcrossRebase) {
  CommitFile(ours_, "mine.txt", "mine\n", "local work", false);
  CommitFile(teammate_, "theirs.txt", "theirs\n", "teammate work", true);
  WriteFile(ours_ / "README.md", "edited, not committed\n");
  WriteFile(ours_ / "scratch/untracked.txt", "untracked\n");
  WriteFile(ours_ / "staged.txt", "staged\n");
  Sh(ours_, "git add staged.txt");

  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kRebased);
  EXPECT_EQ(ReadFile(ours_ / "README.md"), "edited, not committed\n");
  EXPECT_EQ(ReadFile(ours_ / "scratch/untracked.txt"), "untracked\n");
  EXPECT_EQ(Sh(ours_, "git status --porcelain --untracked-files=all"),
            " M README.md\nA  staged.txt\n?? scratch/untracked.txt\n");
  EXPECT_EQ(ReadFile(ours_ / "theirs.txt"), "theirs\n");
  EXPECT_EQ(Sh(ours_, "git stash list"), "");
}

TEST_F(PullTest, DirtyFileAlsoChangedUpstreamIsStashedAndRestored) {
  // Upstream edits line 1, we edit line 3 without committing: both survive.
  CommitFile(teammate_, "data/shared.txt", "LINE 1\nline 2\nline 3\n", "teammate", true);
  WriteFile(ours_ / "data/shared.txt", "line 1\nline 2\nLINE 3\n");

  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kFastForwarded);
  EXPECT_TRUE(report.local_changes_stashed);
  EXPECT_EQ(ReadFile(ours_ / "data/shared.txt"), "LINE 1\nline 2\nLINE 3\n");
  EXPECT_EQ(Head(ours_), Head(teammate_));
  EXPECT_EQ(Sh(ours_, "git stash list"), "");
}

TEST_F(PullTest, DirtyFileConflictingWithUpstreamLeavesEverythingAsItWas) {
  CommitFile(teammate_, "data/shared.txt", "upstream\n", "teammate", true);
  WriteFile(ours_ / "data/shared.txt", "ours, uncommitted\n");
  WriteFile(ours_ / "new-untracked.txt", "u\n");
  FetchUpstream(ours_, NetworkOptions{});
  std::string before = Snapshot();

  PullReport report = IntegrateUpstream(ours_);
  EXPECT_EQ(report.outcome, PullOutcome::kMergeConflict);
  EXPECT_EQ(report.conflicted_paths, std::vector<std::string>{"data/shared.txt"});
  EXPECT_EQ(Snapshot(), before);
}

// What a daemon killed while checking out a teammate's commit leaves behind: files the commit
// adds, created but empty or half written, untracked, HEAD not moved.
TEST_F(PullTest, InterruptedWritesOfIncomingFilesAreReplaced) {
  const std::string added = "first line\nsecond line\nthird line\n";
  WriteFile(teammate_ / "notes/empty-so-far.md", "incoming\n");
  WriteFile(teammate_ / "notes/half-written.md", added);
  Sh(teammate_, "git add -A && git commit -q -m teammate && git push -q origin main");
  WriteFile(ours_ / "notes/empty-so-far.md", "");
  WriteFile(ours_ / "notes/half-written.md", added.substr(0, added.size() / 2));

  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kFastForwarded);
  EXPECT_EQ(report.new_head, Head(teammate_));
  EXPECT_EQ(Head(ours_), Head(teammate_));
  std::vector<std::string> removed = report.interrupted_writes_removed;
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{"notes/empty-so-far.md", "notes/half-written.md"}));
  EXPECT_FALSE(report.local_changes_stashed);
  EXPECT_EQ(ReadFile(ours_ / "notes/empty-so-far.md"), "incoming\n");
  EXPECT_EQ(ReadFile(ours_ / "notes/half-written.md"), added);
  EXPECT_EQ(Sh(ours_, "git status --porcelain --untracked-files=all"), "");
  EXPECT_EQ(Sh(ours_, "git stash list"), "");
}

// A pull killed while its checkout rewrote a tracked file left part of the teammate's version
// there (HEAD not moved yet): the next pull finishes the job instead of conflicting forever.
TEST_F(PullTest, InterruptedWriteOfATrackedFileIsRepaired) {
  CommitFile(ours_, "notes/log.md", "one\ntwo\n", "base", true);
  Sh(teammate_, "git pull -q");
  const std::string theirs = "one\ntwo\nthree, from the teammate\n";
  CommitFile(teammate_, "notes/log.md", theirs, "teammate", true);
  WriteFile(ours_ / "notes/log.md", theirs.substr(0, theirs.size() - 10));

  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kFastForwarded);
  EXPECT_EQ(Head(ours_), Head(teammate_));
  EXPECT_EQ(report.interrupted_writes_removed, std::vector<std::string>{"notes/log.md"});
  EXPECT_EQ(ReadFile(ours_ / "notes/log.md"), theirs);
  EXPECT_EQ(Sh(ours_, "git status --porcelain --untracked-files=all"), "");
}

// The same prefix test alone would take a user's edit that cut the file short for a broken
// write: a change within what both versions share is the user's, and it is kept.
TEST_F(PullTest, UserEditOfATrackedFileWithinTheSharedPartIsKept) {
  CommitFile(ours_, "notes/log.md", "one\ntwo\n", "base", true);
  Sh(teammate_, "git pull -q");
  CommitFile(teammate_, "notes/log.md", "one\ntwo\nthree\n", "teammate", true);
  WriteFile(ours_ / "notes/log.md", "one\n");  // the user deleted "two"

  PullReport report = FetchAndIntegrate();
  EXPECT_TRUE(report.interrupted_writes_removed.empty());
  std::string content = ReadFile(ours_ / "notes/log.md");
  if (report.outcome == PullOutcome::kMergeConflict) {
    EXPECT_EQ(content, "one\n");  // nothing changed
  } else {
    EXPECT_EQ(content.find("two"), std::string::npos) << "the user's deletion was undone";
  }
}

TEST_F(PullTest, UntrackedFileWithOtherContentAtAnIncomingPathIsStillReported) {
  CommitFile(teammate_, "notes/plan.md", "the teammate's plan\n", "teammate", true);
  // Same length, different bytes; and a longer file that starts like the incoming one.
  WriteFile(ours_ / "notes/plan.md", "my very own plan!!\n");
  FetchUpstream(ours_, NetworkOptions{});
  std::string before = Snapshot();

  PullReport report = IntegrateUpstream(ours_);
  EXPECT_EQ(report.outcome, PullOutcome::kMergeConflict);
  EXPECT_EQ(report.conflicted_paths, std::vector<std::string>{"notes/plan.md"});
  EXPECT_TRUE(report.interrupted_writes_removed.empty());
  EXPECT_EQ(ReadFile(ours_ / "notes/plan.md"), "my very own plan!!\n");
  EXPECT_EQ(Snapshot(), before);

  WriteFile(ours_ / "notes/plan.md", "the teammate's plan\nand my additions\n");
  before = Snapshot();
  report = IntegrateUpstream(ours_);
  EXPECT_EQ(report.outcome, PullOutcome::kMergeConflict);
  EXPECT_TRUE(report.interrupted_writes_removed.empty());
  EXPECT_EQ(ReadFile(ours_ / "notes/plan.md"), "the teammate's plan\nand my additions\n");
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(PullTest, ConflictInTheirsPrefixTakesUpstream) {
  for (const fs::path& repo : {teammate_}) {
    WriteFile(repo / ".oxd/sync.manifest", "# rules\nresolve theirs data/\n");
    Sh(repo, "git add -A && git commit -q -m rules && git push -q origin main");
  }
  Sh(ours_, "git pull -q");
  CommitFile(ours_, "data/shared.txt", "ours\n", "local edit", false);
  CommitFile(ours_, "mine.txt", "mine\n", "local file", false);
  CommitFile(teammate_, "data/shared.txt", "theirs\n", "teammate edit", true);

  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kRebased);
  EXPECT_EQ(report.auto_resolved, std::vector<std::string>{"data/shared.txt"});
  EXPECT_EQ(ReadFile(ours_ / "data/shared.txt"), "theirs\n");
  EXPECT_EQ(ReadFile(ours_ / "mine.txt"), "mine\n");
  EXPECT_EQ(Sh(ours_, "git status --porcelain"), "");
  EXPECT_EQ(Sh(ours_, "git log --format=%s -1"), "local file\n");
}

TEST_F(PullTest, ConflictInOursPrefixKeepsLocalSide) {
  WriteFile(teammate_ / ".oxd/sync.manifest", "resolve theirs data/\nresolve ours data/mine/\n");
  WriteFile(teammate_ / "data/mine/notes.txt", "base\n");
  Sh(teammate_, "git add -A && git commit -q -m rules && git push -q origin main");
  Sh(ours_, "git pull -q");
  CommitFile(ours_, "data/mine/notes.txt", "local\n", "local edit", false);
  CommitFile(teammate_, "data/mine/notes.txt", "upstream\n", "teammate edit", true);

  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kRebased);
  EXPECT_EQ(ReadFile(ours_ / "data/mine/notes.txt"), "local\n");
}

TEST_F(PullTest, ConflictOutsideEveryRuleAbortsAndLeavesTreeByteIdentical) {
  WriteFile(teammate_ / ".oxd/sync.manifest", "resolve theirs data/\n");
  Sh(teammate_, "git add -A && git commit -q -m rules && git push -q origin main");
  Sh(ours_, "git pull -q");
  CommitFile(ours_, "README.md", "ours\n", "local edit", false);
  CommitFile(teammate_, "README.md", "theirs\n", "teammate edit", true);
  WriteFile(ours_ / "data/shared.txt", "dirty, uncommitted\n");
  WriteFile(ours_ / "staged.txt", "staged\n");
  Sh(ours_, "git add staged.txt");
  WriteFile(ours_ / "untracked.txt", "untracked\n");
  FetchUpstream(ours_, NetworkOptions{});
  std::string before = Snapshot();
  std::string index_before = ReadFile(ours_ / ".git/index");

  PullReport report = IntegrateUpstream(ours_);
  EXPECT_EQ(report.outcome, PullOutcome::kMergeConflict);
  EXPECT_EQ(report.conflicted_paths, std::vector<std::string>{"README.md"});
  EXPECT_EQ(report.new_head, report.old_head);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(ReadFile(ours_ / ".git/index"), index_before);
  EXPECT_FALSE(fs::exists(ours_ / ".git/rebase-merge"));
  EXPECT_FALSE(fs::exists(ours_ / ".git/rebase-apply"));
}

TEST_F(PullTest, NoManifestMeansEveryConflictIsReported) {
  CommitFile(ours_, "data/shared.txt", "ours\n", "local edit", false);
  CommitFile(teammate_, "data/shared.txt", "theirs\n", "teammate edit", true);
  PullReport report = FetchAndIntegrate();
  EXPECT_EQ(report.outcome, PullOutcome::kMergeConflict);
  EXPECT_EQ(ReadFile(ours_ / "data/shared.txt"), "ours\n");
}

}  // namespace
}  // namespace oxd::git::testing
