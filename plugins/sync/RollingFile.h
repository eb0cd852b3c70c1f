// Small state files the plugin keeps on disk (docs/behavior.md#sync-history-and-state,
// docs/behavior.md#heartbeat-files): whole-file atomic replacement, and a JSON-lines file that
// keeps only its last N lines.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace oxd::sync {

// Writes `text` to a hidden temporary beside `path` (fsync'd) and renames it over `path`, so a
// reader or a crash sees the old file or the new one, never half of one. The parent must exist: a
// heartbeat written into `<checkout>/.git` while a GC swap has moved the checkout away must fail,
// not create a stray `.git` where the fresh clone is about to be renamed.
void ReplaceFileAtomically(const std::filesystem::path& path, const std::string& text);

// fsyncs the directory itself, so that a rename or a new file in it survives a power cut.
// Throws std::system_error.
void SyncDirectory(const std::filesystem::path& dir);

// A JSON object file: nullptr when missing or corrupt (a zero state for the caller).
Poco::JSON::Object::Ptr ReadJsonFile(const std::filesystem::path& path);

// Writes `object` (2-space indent) with ReplaceFileAtomically, creating the parent directories.
// Returns "" when written, else the reason ("cannot write <path>: …").
std::string WriteJsonFile(const std::filesystem::path& path, const Poco::JSON::Object::Ptr& object);

// The lines of `path` that are JSON objects, in order; malformed ones are skipped. Missing file:
// none. Throws std::runtime_error "not a regular file: …" for a directory or another non-file.
std::vector<std::string> ReadJsonLines(const std::filesystem::path& path);

// Appends `line` (one JSON object, no newline) and keeps the last `keep` valid lines.
void AppendKeepingLast(const std::filesystem::path& path, const std::string& line,
                       std::size_t keep);

}  // namespace oxd::sync
