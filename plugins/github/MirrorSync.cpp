#include "MirrorSync.h"

#include <oxd/calls.h>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <git2.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "ItemFiles.h"
#include "SyncCursor.h"
#include "git/Handles.h"
#include "git/Libgit2Runtime.h"

namespace oxd::github {

namespace fs = std::filesystem;
using Poco::JSON::Object;

namespace {

std::string IsoUtc(std::chrono::system_clock::time_point at) {
  Poco::Timestamp stamp = Poco::Timestamp::fromEpochTime(
      std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count());
  return Poco::DateTimeFormatter::format(stamp, "%Y-%m-%dT%H:%M:%SZ");
}

std::string UpdatedAt(const Object::Ptr& item) {
  return item->optValue<std::string>("updated_at", "");
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The committed bytes of a path in the ledger's HEAD: what a rendered file is compared with, so
// a file a killed sync wrote but never committed is sent again, and an unchanged one is not.
class HeadFiles {
 public:
  explicit HeadFiles(const fs::path& ledger) {
    git::EnsureLibgit2();
    git_repository* repo = nullptr;
    if (git_repository_open(&repo, ledger.c_str()) != 0) {
      git_error_clear();
      return;
    }
    repo_.reset(repo);
    git_object* tree = nullptr;
    if (git_revparse_single(&tree, repo_.get(), "HEAD^{tree}") != 0) {
      git_error_clear();
      return;
    }
    tree_.reset(reinterpret_cast<git_tree*>(tree));
  }
  std::optional<std::string> read(const std::string& path) const {
    if (!tree_) return std::nullopt;
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree_.get(), path.c_str()) != 0) {
      git_error_clear();
      return std::nullopt;
    }
    git_blob* blob = nullptr;
    int rc = git_blob_lookup(&blob, repo_.get(), git_tree_entry_id(entry));
    git_tree_entry_free(entry);
    if (rc != 0) {
      git_error_clear();
      return std::nullopt;
    }
    git::BlobPtr owned(blob);
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                       static_cast<std::size_t>(git_blob_rawsize(blob)));
  }

 private:
  git::RepositoryPtr repo_;
  git::TreePtr tree_;
};

struct ListRead {
  std::vector<Object::Ptr> items;  // updated at or after the stop, newest first
  ListCursor cursor;               // what to keep for the next sync
  bool changed = false;            // not a 304
};

// One list, newest first: the first page conditional, then Link pages until an item older than
// `stop` (ISO times compare as text).
ListRead ReadList(GithubApi& api, const SyncJob& job, const std::string& name,
                  const std::string& path, const ListCursor& previous, const std::string& stop) {
  ListRead read;
  read.cursor = previous;
  std::string url = path;
  int page = 1;
  while (!url.empty()) {
    if (job.cancelled && job.cancelled()) throw ApiError(ApiErrorKind::kCancelled, 0, "cancelled");
    if (job.progress) job.progress("listing", name + ", page " + std::to_string(page), -1);
    ApiPage answer = api.get(url, page == 1 ? previous.etag : "");
    if (answer.not_modified) return read;
    read.changed = true;
    if (page == 1) read.cursor.etag = answer.etag;
    bool older_seen = false;
    for (std::size_t i = 0; i < answer.items->size(); ++i) {
      Object::Ptr item = answer.items->getObject(static_cast<unsigned>(i));
      if (!item) continue;
      std::string updated = UpdatedAt(item);
      if (updated < stop) {
        older_seen = true;
        continue;
      }
      if (updated > read.cursor.newest) read.cursor.newest = updated;
      read.items.push_back(item);
    }
    if (older_seen) break;
    url = answer.next_url;
    ++page;
  }
  return read;
}

std::vector<Commit> ReadCommits(GithubApi& api, const SyncJob& job, std::int64_t number) {
  std::vector<Commit> commits;
  std::string url = "/repos/" + job.repo.owner + "/" + job.repo.repo + "/pulls/" +
                    std::to_string(number) + "/commits?per_page=" + std::to_string(job.per_page);
  while (!url.empty()) {
    if (job.cancelled && job.cancelled()) throw ApiError(ApiErrorKind::kCancelled, 0, "cancelled");
    ApiPage answer = api.get(url);
    for (std::size_t i = 0; i < answer.items->size(); ++i) {
      if (Object::Ptr commit = answer.items->getObject(static_cast<unsigned>(i))) {
        commits.push_back(CommitFromApi(commit));
      }
    }
    url = answer.next_url;
  }
  return commits;
}

}  // namespace

std::map<std::int64_t, IndexedFile> IndexLedger(const fs::path& ledger) {
  std::map<std::int64_t, IndexedFile> index;
  fs::path root = ledger / "data" / "github";
  std::error_code error;
  if (!fs::is_directory(root, error)) return index;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error) || it->path().extension() != ".json") continue;
    std::string kind = it->path().parent_path().filename().string();
    if (kind != "pr" && kind != "issue") continue;
    std::int64_t number = 0;
    try {
      std::size_t used = 0;
      std::string stem = it->path().stem().string();
      number = std::stoll(stem, &used);
      if (used != stem.size()) continue;
    } catch (const std::exception&) {
      continue;
    }
    index[number] =
        IndexedFile{kind == "pr", it->path().lexically_relative(ledger).generic_string()};
  }
  return index;
}

SyncOutcome RunMirrorSync(const SyncJob& job, GithubApi& api, sdk::Caller& caller) {
  SyncOutcome outcome;
  RepoCursor cursor = LoadCursor(job.cursor_path);
  std::map<std::int64_t, IndexedFile> index = IndexLedger(job.ledger);
  // A ledger without the mirror's files (a new ledger, a teammate removed them) gets them back:
  // the cursor of a mirror that is not there starts over.
  bool saw_items = false;
  for (const auto& [name, list] : cursor.lists) saw_items = saw_items || !list.newest.empty();
  if (index.empty() && saw_items) cursor = RepoCursor{};
  if (cursor.window_start.empty()) {
    cursor.window_start = IsoUtc(std::chrono::system_clock::now() - job.lookback);
  }
  const std::string base = "/repos/" + job.repo.owner + "/" + job.repo.repo;
  const std::string page_size = "per_page=" + std::to_string(job.per_page);
  const std::string since = "&since=" + cursor.window_start;
  auto stop_of = [&](const std::string& name) {
    const std::string& newest = cursor.lists[name].newest;
    return newest.empty() ? cursor.window_start : newest;
  };

  // The pulls list has no `since`: its stop is the window's start on a first sync.
  struct ListSpec {
    const char* name;
    std::string path;
  };
  const ListSpec specs[] = {
      {"pulls", base + "/pulls?state=all&sort=updated&direction=desc&" + page_size},
      {"issues", base + "/issues?state=all&sort=updated&direction=desc&" + page_size + since},
      {"issue_comments",
       base + "/issues/comments?sort=updated&direction=desc&" + page_size + since},
      {"review_comments",
       base + "/pulls/comments?sort=updated&direction=desc&" + page_size + since},
  };
  std::map<std::string, ListRead> reads;
  for (const ListSpec& spec : specs) {
    reads[spec.name] =
        ReadList(api, job, spec.name, spec.path, cursor.lists[spec.name], stop_of(spec.name));
  }

  std::map<std::int64_t, Item> changed;
  for (const Object::Ptr& pull : reads["pulls"].items) {
    Item item = PullFromApi(pull);
    changed[item.number] = item;
  }
  for (const Object::Ptr& issue : reads["issues"].items) {
    if (issue->has("pull_request")) continue;  // a PR: the pulls list has it, with its PR fields
    Item item = IssueFromApi(issue);
    changed[item.number] = item;
  }
  std::map<std::int64_t, std::vector<Comment>> comments;
  for (const auto& [list, review] :
       {std::pair{"issue_comments", false}, {"review_comments", true}}) {
    for (const Object::Ptr& entry : reads[list].items) {
      auto [number, comment] = CommentFromApi(entry, review);
      comments[number].push_back(comment);
    }
  }

  // Existing files: their comments and commits carry over; an item only commented on is taken
  // from its file.
  std::map<std::int64_t, Item> existing;
  auto load = [&](std::int64_t number) -> const Item* {
    if (auto found = existing.find(number); found != existing.end()) return &found->second;
    auto indexed = index.find(number);
    if (indexed == index.end()) return nullptr;
    try {
      Item item =
          ParseItemFile(ReadFile(job.ledger / indexed->second.path), indexed->second.pull_request);
      return &existing.emplace(number, item).first->second;
    } catch (const std::exception&) {
      return nullptr;  // damaged: rewritten from the API's data
    }
  };
  for (const auto& [number, list] : comments) {
    if (changed.count(number)) continue;
    if (const Item* file = load(number)) {
      changed[number] = *file;
    } else {
      outcome.comments_skipped += static_cast<int>(list.size());
    }
  }

  std::vector<sdk::LedgerWriteRequest::File> files;
  HeadFiles head(job.ledger);
  int done = 0;
  for (auto& [number, item] : changed) {
    if (job.cancelled && job.cancelled()) throw ApiError(ApiErrorKind::kCancelled, 0, "cancelled");
    const Item* file = load(number);
    if (file) item.comments = file->comments;
    if (auto incoming = comments.find(number); incoming != comments.end()) {
      MergeComments(item.comments, incoming->second);
    } else {
      MergeComments(item.comments, {});
    }
    if (item.pull_request && item.state == "merged") {
      if (file && file->state == "merged" && !file->commits.empty()) {
        item.commits = file->commits;
      } else {
        item.commits = ReadCommits(api, job, number);
      }
    }
    std::string path = ItemPath(item);
    if (auto indexed = index.find(number); indexed != index.end()) path = indexed->second.path;
    std::string text = RenderItem(Redacted(item));
    index[number] = IndexedFile{item.pull_request, path};
    ++done;
    if (head.read(path) != text) {
      files.push_back({path, std::move(text)});
      (item.pull_request ? outcome.prs_changed : outcome.issues_changed)++;
    }
    if (job.progress) {
      job.progress("items",
                   std::to_string(done) + " of " + std::to_string(changed.size()) + " items",
                   static_cast<int>(100 * done / changed.size()));
    }
  }

  if (!files.empty()) {
    if (job.progress) {
      job.progress(
          "writing",
          "writing " + std::to_string(files.size()) + " files, committing and pushing the ledger",
          -1);
    }
    sdk::LedgerWriteRequest write;
    write.files = std::move(files);
    write.message = "github: sync " + std::to_string(outcome.prs_changed) + " PRs, " +
                    std::to_string(outcome.issues_changed) + " issues from " + job.repo.slug();
    write.theirs_prefix = "data/github/";
    outcome.files_sent = static_cast<int>(write.files.size());
    sdk::Reply reply = caller.call(write.toRequest());
    if (!reply.success) throw SyncFailed(reply.error);
    Object::Ptr data = reply.data.extract<Object::Ptr>();
    outcome.committed = data->optValue<bool>("committed", false);
    outcome.pushed = data->optValue<bool>("pushed", false);
    std::string error = data->optValue<std::string>("error", "");
    if (!outcome.pushed && !outcome.committed) {
      throw SyncFailed("the ledger commit failed: " + error);
    }
    if (!outcome.pushed) outcome.push_error = error;
  }

  for (const auto& [name, read] : reads) cursor.lists[name] = read.cursor;
  SaveCursor(job.cursor_path, cursor);
  for (const auto& [number, file] : index)
    (file.pull_request ? outcome.prs_total : outcome.issues_total)++;
  if (job.progress) job.progress("done", "", 100);
  return outcome;
}

}  // namespace oxd::github
