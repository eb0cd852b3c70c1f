#include "index/CommitIndexer.h"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "index/GitHandles.h"

namespace oxd::codedb {
namespace {

// Enough of a file's start for a `#!` line.
constexpr std::size_t kShebangProbeBytes = 256;

bool IsRegularFile(std::uint16_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

[[noreturn]] void FailGit(std::string_view doing) { throw std::runtime_error(GitErrorText(doing)); }

TreePtr CommitTree(git_commit* commit) {
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, commit) != 0) {
    FailGit("cannot read a commit's tree");
  }
  return TreePtr(tree);
}

std::string ParentList(git_commit* commit) {
  std::string parents;
  for (unsigned i = 0; i < git_commit_parentcount(commit); ++i) {
    if (!parents.empty()) {
      parents += ' ';
    }
    parents += git_oid_tostr_s(git_commit_parent_id(commit, i));
  }
  return parents;
}

struct TreeFile {
  std::string path;
  git_oid oid;
};

int CollectFile(const char* root, const git_tree_entry* entry, void* payload) {
  if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB &&
      IsRegularFile(static_cast<std::uint16_t>(git_tree_entry_filemode(entry)))) {
    static_cast<std::vector<TreeFile>*>(payload)->push_back(
        TreeFile{std::string(root) + git_tree_entry_name(entry), *git_tree_entry_id(entry)});
  }
  return 0;
}

}  // namespace

CommitIndexer::CommitIndexer(git_repository* repo, IndexWriter& writer, const SkipOptions& skip)
    : repo_(repo), writer_(writer), skip_(skip) {
  // The sync plugin may move a damaged ledger checkout aside between our open and this call.
  // libgit2 1.5 then leaks the odb it half made (its error path frees an odb it has already
  // handed to the repository as owner, which keeps it alive): look before asking.
  std::error_code ignored;
  if (!std::filesystem::is_directory(std::filesystem::path(git_repository_path(repo_)) / "objects",
                                     ignored)) {
    throw std::runtime_error("cannot open the object database: no objects directory in " +
                             std::string(git_repository_path(repo_)));
  }
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo_) != 0) {
    FailGit("cannot open the object database");
  }
  odb_.reset(odb);
}

CommitIndexer::~CommitIndexer() = default;

void CommitIndexer::IndexCommit(git_commit* commit) {
  TreePtr tree = CommitTree(commit);
  TreePtr parent_tree;
  if (git_commit_parentcount(commit) > 0) {
    git_commit* parent = nullptr;
    if (git_commit_parent(&parent, commit, 0) != 0) {
      FailGit("cannot read a first parent");
    }
    CommitPtr parent_owner(parent);
    parent_tree = CommitTree(parent);
  }
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  // The skip rules judge content themselves; libgit2's binary check would load every blob.
  options.flags = GIT_DIFF_SKIP_BINARY_CHECK;
  git_diff* raw_diff = nullptr;
  if (git_diff_tree_to_tree(&raw_diff, repo_, parent_tree.get(), tree.get(), &options) != 0) {
    FailGit("cannot diff a commit");
  }
  DiffPtr diff(raw_diff);

  const git_signature* author = git_commit_author(commit);
  const char* message = git_commit_message(commit);
  std::int64_t commit_id = writer_.AddCommit(CommitRecord{
      git_commit_id(commit), ParentList(commit), author->name != nullptr ? author->name : "",
      author->email != nullptr ? author->email : "", author->when.time,
      message != nullptr ? message : ""});
  ++counters_.commits;

  std::size_t deltas = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < deltas; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    bool old_side = delta->status == GIT_DELTA_DELETED || delta->status == GIT_DELTA_MODIFIED ||
                    delta->status == GIT_DELTA_TYPECHANGE;
    bool new_side = delta->status == GIT_DELTA_ADDED || delta->status == GIT_DELTA_MODIFIED ||
                    delta->status == GIT_DELTA_TYPECHANGE;
    if (old_side && IsRegularFile(delta->old_file.mode)) {
      if (auto blob = writer_.FindBlob(delta->old_file.id)) {
        writer_.ClosePathRow(writer_.PathId(delta->old_file.path), blob->id, commit_id);
      }
    }
    if (new_side && IsRegularFile(delta->new_file.mode)) {
      FileVersion version = IndexFile(delta->new_file.path, delta->new_file.id);
      writer_.OpenPathRow(version.path_id, version.blob_id, version.language, commit_id);
    }
  }
}

void CommitIndexer::RebuildHeadFiles(git_tree* tree) {
  writer_.ClearHeadFiles();
  if (tree == nullptr) {
    return;
  }
  // Collected first and indexed after the walk: exceptions must not cross libgit2's C frames.
  std::vector<TreeFile> files;
  if (git_tree_walk(tree, GIT_TREEWALK_PRE, CollectFile, &files) != 0) {
    FailGit("cannot walk HEAD's tree");
  }
  for (const TreeFile& file : files) {
    FileVersion version = IndexFile(file.path, file.oid);
    writer_.AddHeadFile(version.path_id, version.blob_id, version.language);
  }
}

CommitIndexer::FileVersion CommitIndexer::IndexFile(std::string_view path, const git_oid& oid) {
  std::int64_t path_id = writer_.PathId(path);
  std::string text;
  bool have_text = false;
  std::optional<StoredBlob> blob = writer_.FindBlob(oid);
  if (!blob) {
    blob = AddBlob(oid, text);
    have_text = blob->indexed;
  }
  // The extension decides; only a path without a known one falls back to the #! line.
  Language language = DetectLanguage(path, {});
  if (language == Language::kUnknown) {
    language = blob->content_language;
  }
  if (blob->indexed && language != Language::kUnknown && !writer_.IsExtracted(blob->id, language)) {
    if (!have_text) {
      text = ReadBlobText(oid);
    }
    auto started = std::chrono::steady_clock::now();
    auto [symbols, comments] = writer_.StoreExtraction(blob->id, language, text);
    counters_.extract_ns +=
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count());
    counters_.symbols += symbols;
    counters_.comments += comments;
  }
  return FileVersion{path_id, blob->id, language};
}

StoredBlob CommitIndexer::AddBlob(const git_oid& oid, std::string& text_out) {
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, odb_.get(), &oid) != 0) {
    FailGit(std::string("cannot read blob ") + git_oid_tostr_s(&oid));
  }
  ++counters_.blobs_new;
  if (size > skip_.max_bytes) {
    // Too large: decided from the header, the content is never loaded.
    ++counters_.blobs_skipped;
    return writer_.AddBlob(oid, size, Language::kUnknown, CheckSkip({}, size, skip_), {});
  }
  text_out = ReadBlobText(oid);
  SkipDecision skip = CheckSkip(text_out, size, skip_);
  Language content_language = Language::kUnknown;
  if (!skip.skip()) {
    content_language = DetectLanguage({}, std::string_view(text_out).substr(0, kShebangProbeBytes));
    ++counters_.blobs_indexed;
    counters_.bytes_indexed += size;
  } else {
    ++counters_.blobs_skipped;
  }
  return writer_.AddBlob(oid, size, content_language, skip, text_out);
}

std::string CommitIndexer::ReadBlobText(const git_oid& oid) {
  git_blob* raw_blob = nullptr;
  if (git_blob_lookup(&raw_blob, repo_, &oid) != 0) {
    FailGit(std::string("cannot read blob ") + git_oid_tostr_s(&oid));
  }
  BlobPtr blob(raw_blob);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

}  // namespace oxd::codedb
