// Where the last sync of a repository left off, kept outside the ledger in the workspace data
// dir (<workspace data>/github/<host>/<owner>/<repo>.json), written atomically after a sync's
// files are committed, so it survives restarts and a sync killed before its commit is done again.
//
// Each list the sync reads (pulls, issues, issue comments, review comments) keeps the ETag of its
// first page, for the next If-None-Match, and the newest updated_at seen: the lists are read
// newest first and paging stops at it. `window_start` is the first sync's lookback (the `since`
// of the lists that take one): it stays fixed, so the URLs, and with them the ETags, stay valid.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace oxd::github {

struct ListCursor {
  std::string etag;
  std::string newest;  // updated_at of the newest item seen; "" before the first sync
};

struct RepoCursor {
  std::string window_start;                 // ISO 8601 UTC; "" before the first sync
  std::map<std::string, ListCursor> lists;  // by list name: pulls, issues, …
};

std::filesystem::path CursorPath(const std::filesystem::path& workspace_data_dir,
                                 const std::string& host, const std::string& owner,
                                 const std::string& repo);

// An absent or unreadable file is an empty cursor (the next sync is a first sync).
RepoCursor LoadCursor(const std::filesystem::path& path);
// Atomic: a temporary file, fsync, rename. Throws std::system_error.
void SaveCursor(const std::filesystem::path& path, const RepoCursor& cursor);

}  // namespace oxd::github
