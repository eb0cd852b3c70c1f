#include "index/Search.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <tuple>

#include "index/PathGlob.h"
#include "index/QueryText.h"
#include "index/Schema.h"
#include "index/SearchQueries.h"

namespace oxd::codedb {

std::unique_ptr<SearchIndex> SearchIndex::Open(const std::string& index_path, std::string& error) {
  if (!std::filesystem::exists(index_path)) {
    error = "no index at " + index_path;
    return nullptr;
  }
  // A search only reads. On a read-only medium (a full disk is still writable) SQLite cannot
  // create the WAL's -shm file: read the index as it is on disk instead.
  std::string dir = std::filesystem::path(index_path).parent_path().string();
  bool writable = ::access(dir.c_str(), W_OK) == 0 && ::access(index_path.c_str(), W_OK) == 0;
  try {
    auto db = std::make_unique<Database>(
        index_path, writable ? Database::Mode::kReadWrite : Database::Mode::kImmutable);
    Statement version(*db, "PRAGMA user_version");
    version.Step();
    if (version.Int(0) != kSchemaVersion) {
      error = "index at " + index_path + " has schema version " + std::to_string(version.Int(0)) +
              ", this build reads " + std::to_string(kSchemaVersion) + "; run a full index";
      return nullptr;
    }
    db->Exec("PRAGMA query_only=1");
    return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(db), !writable));
  } catch (const SqliteError& failure) {
    error = failure.what();
    return nullptr;
  }
}

SearchIndex::SearchIndex(std::unique_ptr<Database> db, bool immutable)
    : db_(std::move(db)), immutable_(immutable), head_(std::make_unique<HeadFiles>()) {}
SearchIndex::~SearchIndex() = default;

SearchResult SearchIndex::Search(const SearchQuery& query) {
  auto start = std::chrono::steady_clock::now();
  SearchResult result;
  ValidQuery valid{query, std::nullopt, head_.get()};
  result.error = CheckSearchQuery(query, valid.language);
  if (!result.error.empty()) {
    return result;
  }
  try {
    switch (query.kind) {
      case SearchKind::kText:
        SearchText(*db_, valid, result);
        break;
      case SearchKind::kSymbol:
        SearchSymbols(*db_, valid, result);
        break;
      case SearchKind::kComment:
        SearchComments(*db_, valid, result);
        break;
      case SearchKind::kCommit:
        SearchCommits(*db_, valid, result);
        break;
    }
    result.ok = true;
  } catch (const SqliteError& failure) {
    result = SearchResult{};
    result.error = std::string("index read failed: ") + failure.what();
  }
  result.took_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

IndexStats SearchIndex::ReadStats() {
  auto count = [this](std::string_view sql) {
    Statement query(*db_, sql);
    query.Step();
    return static_cast<std::uint64_t>(query.Int(0));
  };
  IndexStats stats;
  stats.commits = count("SELECT count(*) FROM commits");
  stats.blobs = count("SELECT count(*) FROM blobs");
  stats.blobs_skipped = count("SELECT count(*) FROM blobs WHERE skip_reason != 0");
  stats.symbols = count("SELECT count(*) FROM symbols");
  stats.comments = count("SELECT count(*) FROM comments");
  stats.prs = count(
      "SELECT count(*) FROM head_files JOIN paths ON paths.id = head_files.path_id "
      "WHERE paths.path GLOB 'data/github/*/pr/*.json'");
  stats.issues = count(
      "SELECT count(*) FROM head_files JOIN paths ON paths.id = head_files.path_id "
      "WHERE paths.path GLOB 'data/github/*/issue/*.json'");
  std::string indexed_at = ReadMeta(*db_, "indexed_at");
  stats.indexed_at = indexed_at.empty() ? 0 : std::stoll(indexed_at);
  stats.fingerprint = ReadMeta(*db_, "fingerprint");
  return stats;
}

std::string CheckSearchQuery(const SearchQuery& query, std::optional<Language>& language) {
  std::string error = CheckQueryText(query.query);
  if (error.empty() && query.path.size() > kMaxPathGlobBytes) {
    error = "path filter longer than " + std::to_string(kMaxPathGlobBytes) + " bytes";
  }
  if (error.empty() && (query.limit < 1 || query.limit > kMaxSearchLimit)) {
    error = "limit must be between 1 and " + std::to_string(kMaxSearchLimit);
  }
  if (error.empty() && !query.lang.empty()) {
    language = LanguageFromName(query.lang);
    if (*language == Language::kUnknown && query.lang != "unknown") {
      error = "unknown language \"" + query.lang + "\"";
    }
  }
  if (error.empty() && query.kind == SearchKind::kCommit &&
      (!query.path.empty() || !query.lang.empty())) {
    error = "path and lang filters do not apply to commit searches";
  }
  return error;
}

const std::vector<HeadFile>& HeadFiles::Current(Database& db) {
  // data_version moves when another connection commits; only a run's last transaction moves
  // HEAD (with the fingerprint), so batches in between cost one meta read, not a reload.
  Statement version(db, "PRAGMA data_version");
  version.Step();
  std::int64_t now = version.Int(0);
  if (now == data_version_) {
    return files_;
  }
  data_version_ = now;
  std::string fingerprint = ReadMeta(db, "fingerprint");
  if (loaded_ && fingerprint == fingerprint_) {
    return files_;
  }
  fingerprint_ = fingerprint;
  files_.clear();
  Statement select(db,
                   "SELECT h.blob_id, p.path, h.language, b.skip_reason = 0 FROM head_files h "
                   "JOIN paths p ON p.id = h.path_id JOIN blobs b ON b.id = h.blob_id");
  while (select.Step()) {
    files_.push_back(HeadFile{select.Int(0), std::string(select.Text(1)),
                              static_cast<Language>(select.Int(2)), select.Int(3) != 0});
  }
  std::sort(files_.begin(), files_.end(),
            [](const HeadFile& a, const HeadFile& b) { return a.path < b.path; });
  loaded_ = true;
  return files_;
}

bool PassesFilters(const ValidQuery& query, std::string_view path, Language language) {
  if (query.language && *query.language != language) {
    return false;
  }
  if (query.request.hidden && !query.request.history && query.request.hidden(path)) {
    return false;
  }
  return MatchPathGlob(query.request.path, path);
}

BlobTextReader::BlobTextReader(Database& db)
    : read_(db, "SELECT text FROM blob_texts WHERE id = ?") {}

std::string_view BlobTextReader::Read(std::int64_t blob_id) {
  read_.Reset();
  read_.Bind(1, blob_id);
  return read_.Step() ? read_.Text(0) : std::string_view();
}

std::string OidHex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (unsigned char byte : raw) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 15];
  }
  return hex;
}

void SortAndTrim(SearchResult& result, std::size_t limit) {
  std::sort(result.hits.begin(), result.hits.end(), [](const SearchHit& a, const SearchHit& b) {
    return std::tie(a.path, a.line, a.commit) < std::tie(b.path, b.line, b.commit);
  });
  result.total = result.hits.size();
  if (result.hits.size() > limit) {
    result.hits.resize(limit);
  }
}

}  // namespace oxd::codedb
