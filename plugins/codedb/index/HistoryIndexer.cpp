#include "index/HistoryIndexer.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "index/GitHandles.h"
#include "index/HeadFingerprint.h"
#include "index/Schema.h"

namespace oxd::codedb {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

[[noreturn]] void FailGit(std::string_view doing) { throw std::runtime_error(GitErrorText(doing)); }

void RemoveIndexFiles(const std::string& index_path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::remove(index_path + suffix, ignored);
  }
}

std::vector<git_oid> StoredTips(Database& db) {
  std::vector<git_oid> tips;
  Statement query(db, "SELECT oid FROM tips");
  while (query.Step()) {
    std::string_view raw = query.Blob(0);
    if (raw.size() == GIT_OID_RAWSZ) {
      git_oid oid;
      git_oid_fromraw(&oid, reinterpret_cast<const unsigned char*>(raw.data()));
      tips.push_back(oid);
    }
  }
  return tips;
}

// The commits reachable from `head` but not from `tips`, parents before children.
std::vector<git_oid> CommitsToIndex(git_repository* repo, const git_oid& head,
                                    const std::vector<git_oid>& tips) {
  git_revwalk* raw_walk = nullptr;
  if (git_revwalk_new(&raw_walk, repo) != 0) {
    FailGit("cannot start a revision walk");
  }
  RevwalkPtr walk(raw_walk);
  git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
  if (git_revwalk_push(walk.get(), &head) != 0) {
    FailGit("cannot walk from HEAD");
  }
  for (const git_oid& tip : tips) {
    // A tip gone from the repository (a rewritten branch, gc) hides nothing.
    if (git_revwalk_hide(walk.get(), &tip) != 0) {
      git_error_clear();
    }
  }
  std::vector<git_oid> commits;
  git_oid oid;
  int rc = 0;
  while ((rc = git_revwalk_next(&oid, walk.get())) == 0) {
    commits.push_back(oid);
  }
  if (rc != GIT_ITEROVER) {
    FailGit("revision walk failed");
  }
  return commits;
}

// Tips after a good run: HEAD, plus earlier tips it does not contain (other branches indexed
// before, so that switching back to them costs nothing).
void StoreTips(Database& db, git_repository* repo, const git_oid& head,
               const std::vector<git_oid>& old_tips) {
  db.Exec("DELETE FROM tips");
  Statement insert(db, "INSERT OR IGNORE INTO tips(oid) VALUES (?)");
  insert.BindBlob(1, head.id, GIT_OID_RAWSZ).Run();
  for (const git_oid& tip : old_tips) {
    if (git_oid_equal(&tip, &head) || git_graph_descendant_of(repo, &head, &tip) == 1) {
      continue;
    }
    git_error_clear();
    insert.BindBlob(1, tip.id, GIT_OID_RAWSZ).Run();
  }
}

// Replaces head_files with HEAD's tree (`head` nullptr: unborn, no files) and stores the tips.
void UpdateHead(Database& db, git_repository* repo, const git_oid* head,
                const std::vector<git_oid>& old_tips, CommitIndexer& indexer) {
  if (head == nullptr) {
    indexer.RebuildHeadFiles(nullptr);
    return;
  }
  git_commit* raw_commit = nullptr;
  git_tree* raw_tree = nullptr;
  if (git_commit_lookup(&raw_commit, repo, head) != 0) {
    FailGit("cannot read HEAD's commit");
  }
  CommitPtr commit(raw_commit);
  if (git_commit_tree(&raw_tree, commit.get()) != 0) {
    FailGit("cannot read HEAD's tree");
  }
  TreePtr tree(raw_tree);
  indexer.RebuildHeadFiles(tree.get());
  StoreTips(db, repo, *head, old_tips);
}

class ProgressReporter {
 public:
  explicit ProgressReporter(const IndexOptions& options) : callback_(options.progress) {}
  void Report(std::string_view stage, int percent, std::uint64_t done, std::uint64_t total) {
    if (!callback_ || (stage == stage_ && percent <= percent_)) {
      return;
    }
    stage_ = stage;
    percent_ = std::max(percent, percent_);
    callback_(IndexProgress{stage, percent_, done, total});
  }

 private:
  const std::function<void(const IndexProgress&)>& callback_;
  std::string_view stage_;
  int percent_ = -1;
};

struct CommitSource {
  git_repository* repo;
  IndexWriter& writer;
  CommitIndexer& indexer;
};

// Indexes the commits not stored yet, in batch transactions (`batch` is the open one, replaced
// at each batch end). Returns false when cancelled, leaving the open batch to the caller.
bool IndexCommits(const std::vector<git_oid>& commits, CommitSource source, Database& db,
                  const IndexOptions& options, ProgressReporter& progress,
                  std::unique_ptr<Transaction>& batch) {
  std::uint64_t total = commits.size();
  std::uint64_t done = 0;
  std::size_t batch_commits = 0;
  std::uint64_t batch_start_bytes = 0;
  for (const git_oid& oid : commits) {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
      return false;
    }
    if (!source.writer.HasCommit(oid)) {
      git_commit* raw_commit = nullptr;
      if (git_commit_lookup(&raw_commit, source.repo, &oid) != 0) {
        FailGit("cannot read a commit");
      }
      CommitPtr commit(raw_commit);
      source.indexer.IndexCommit(commit.get());
      ++batch_commits;
    }
    ++done;
    progress.Report("commits", 2 + static_cast<int>(93 * done / std::max<std::uint64_t>(total, 1)),
                    done, total);
    std::uint64_t bytes = source.indexer.counters().bytes_indexed;
    if (batch_commits >= options.batch_commits ||
        bytes - batch_start_bytes >= options.batch_bytes) {
      batch->Commit();
      batch = std::make_unique<Transaction>(db);
      batch_commits = 0;
      batch_start_bytes = bytes;
    }
  }
  return true;
}

void RunIndex(const std::string& repo_path, const std::string& index_path,
              const IndexOptions& options, IndexReport& report) {
  ProgressReporter progress(options);
  progress.Report("walk", 0, 0, 0);
  auto walk_start = Clock::now();
  HeadFingerprint fingerprint = ReadHeadFingerprint(repo_path);
  if (!fingerprint.ok) {
    throw std::runtime_error(fingerprint.error);
  }
  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, repo_path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                              nullptr) != 0) {
    FailGit("cannot open " + repo_path);
  }
  RepositoryPtr repo(raw_repo);
  if (options.full) {
    RemoveIndexFiles(index_path);
  }
  Database db(index_path);
  PrepareSchema(db);
  IndexWriter writer(db);
  CommitIndexer indexer(repo.get(), writer, options.skip);

  git_oid head;
  bool born = git_reference_name_to_id(&head, repo.get(), "HEAD") == 0;
  git_error_clear();
  std::vector<git_oid> old_tips = StoredTips(db);
  std::vector<git_oid> commits;
  if (born) {
    commits = CommitsToIndex(repo.get(), head, old_tips);
  }
  report.walk_ms = MillisecondsSince(walk_start);

  auto commits_start = Clock::now();
  auto batch = std::make_unique<Transaction>(db);
  bool finished = IndexCommits(commits, CommitSource{repo.get(), writer, indexer}, db, options,
                               progress, batch);
  report.commits_ms = MillisecondsSince(commits_start);
  if (!finished) {
    batch->Commit();
    report.cancelled = true;
    report.counters = indexer.counters();
    return;
  }

  // The last batch and the switch to the new HEAD become visible together.
  progress.Report("head", 95, commits.size(), commits.size());
  auto head_start = Clock::now();
  // Nothing new and HEAD where the last good run left it: head_files and tips stand.
  bool head_unchanged = indexer.counters().commits == 0 && born &&
                        fingerprint.value.ends_with(git_oid_tostr_s(&head)) &&
                        ReadMeta(db, "fingerprint") == fingerprint.value;
  if (!head_unchanged) {
    UpdateHead(db, repo.get(), born ? &head : nullptr, old_tips, indexer);
  }
  WriteMeta(db, "fingerprint", fingerprint.value);
  WriteMeta(db, "indexed_at", std::to_string(std::time(nullptr)));
  batch->Commit();
  report.head_ms = MillisecondsSince(head_start);
  report.fingerprint = fingerprint.value;
  report.counters = indexer.counters();
  report.ok = true;
  progress.Report("done", 100, commits.size(), commits.size());
}

}  // namespace

IndexReport IndexHistory(const std::string& repo_path, const std::string& index_path,
                         const IndexOptions& options) {
  IndexReport report;
  try {
    git::EnsureLibgit2();
    RunIndex(repo_path, index_path, options, report);
  } catch (const std::exception& error) {
    report.ok = false;
    report.error = error.what();
  }
  return report;
}

}  // namespace oxd::codedb
