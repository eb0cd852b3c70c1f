// Searching an index built by IndexHistory. The request and result follow `code_search` in
// docs/protocol.md#code_search (field names kept; extra fields are optional additions). README.md,
// "Queries", gives the syntax and the escaping.
//
// Threading: a SearchIndex (one read connection) is used by one thread at a time; open one per
// thread. Searches see the last committed index state (WAL readers never wait for the writer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace oxd::codedb {

class Database;
class HeadFiles;

enum class SearchKind { kText, kSymbol, kComment, kCommit };

inline constexpr std::size_t kDefaultSearchLimit = 50;
inline constexpr std::size_t kMaxSearchLimit = 1000;
// Counting hits beyond the limit costs a scan of every candidate file; a query as common as
// `template` in a large tree would pay hundreds of milliseconds for an exact total.
inline constexpr std::size_t kTotalCountBudgetBytes = 1024 * 1024;

struct SearchQuery {
  std::string query;  // literal text, never query syntax
  SearchKind kind = SearchKind::kText;
  std::string path;  // glob (PathGlob.h); empty: every path
  std::string lang;  // LanguageName ("cpp", "python"…); empty: every language
  std::size_t limit = kDefaultSearchLimit;  // 1..kMaxSearchLimit
  bool history = false;                     // also past versions (hits carry the commit)
  // Text searches: a token (whole word, like `git grep -w`) rather than any substring; and
  // ASCII case folding. Symbol searches ignore case when ignore_case is set.
  bool whole_word = false;
  bool ignore_case = false;
  // HEAD searches leave out the paths this returns true for: the daemon hides the committed
  // version of files the dirty overlay holds (modified or deleted in the working tree).
  std::function<bool(std::string_view path)> hidden;
};

struct SearchHit {
  std::string path;
  std::uint32_t line = 0;    // 1-based; 0 for commit hits
  std::uint32_t column = 0;  // 1-based byte column; 0 when not known (comments, commits)
  std::string snippet;       // the matching line (cut to 240 bytes), or a commit's subject
  std::string kind;          // "text", "symbol", "comment", "commit"
  std::string symbol;        // symbol hits: the name
  std::string symbol_kind;   // symbol hits: SymbolKindName; comment hits: CommentKindName
  std::string container;     // symbol hits: enclosing class/namespace, may be empty
  std::string language;      // LanguageName of the file, "unknown" when none
  std::string commit;        // history hits: the commit that added this version (hex)
  std::string removed_in;    // history hits: the commit that changed or deleted it, if any
  bool dirty = false;        // always false here: the dirty overlay is not part of this layer
};

struct SearchResult {
  bool ok = false;
  std::string error;            // when !ok: for the caller, e.g. "empty query"
  std::vector<SearchHit> hits;  // sorted by path, then line (commits: newest first)
  std::uint64_t total = 0;      // all hits, also those beyond the limit (see total_exact)
  // False when a HEAD text search stopped counting: after `limit` hits, at most
  // kTotalCountBudgetBytes more file text is scanned to count; `total` is then a lower bound.
  bool total_exact = true;
  std::int64_t took_ns = 0;
};

// What CodeDBStats (docs/protocol.md#code_status) needs from one index (the daemon caches it after
// each run and reads it from the file only on a cold start).
struct IndexStats {
  std::uint64_t commits = 0;
  std::uint64_t blobs = 0;  // blob rows, skipped ones included
  std::uint64_t blobs_skipped = 0;
  std::uint64_t symbols = 0;
  std::uint64_t comments = 0;
  // Files of the github plugin's mirror at HEAD (plugins/github/README.md): in the ledger's index.
  std::uint64_t prs = 0;        // data/github/YYYY/MM/DD/pr/<n>.json
  std::uint64_t issues = 0;     // data/github/YYYY/MM/DD/issue/<n>.json
  std::int64_t indexed_at = 0;  // seconds since the epoch of the last good run; 0: none
  std::string fingerprint;      // HEAD's at the last good run
};

class SearchIndex {
 public:
  // Opens an existing index; nullptr and `error` set when the file is missing or unreadable.
  static std::unique_ptr<SearchIndex> Open(const std::string& index_path, std::string& error);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  // Opened immutable (a read-only index dir): valid only while the file does not change, so
  // never kept for a later search.
  bool immutable() const { return immutable_; }
  SearchIndex& operator=(const SearchIndex&) = delete;

  SearchResult Search(const SearchQuery& query);
  // Counts rows: milliseconds on a large index. Throws SqliteError on a broken file.
  IndexStats ReadStats();

 private:
  SearchIndex(std::unique_ptr<Database> db, bool immutable);
  std::unique_ptr<Database> db_;
  const bool immutable_;
  std::unique_ptr<HeadFiles> head_;  // HEAD's files by path, cached for this connection
};

}  // namespace oxd::codedb
