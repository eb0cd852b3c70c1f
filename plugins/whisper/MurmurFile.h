// The murmur file, in the original's layout and schema (docs/behavior.md#murmur-relay), so one
// ledger serves a team running the original `ox` beside oxd. What `oxctl murmur` and the
// file-change murmurs write (through the sync plugin's `murmur`), and what the relay reads back
// from a teammate's push:
//
//   data/murmurs/<YYYY-MM-DD>/<HH>/<id>.json      (UTC date and hour of `timestamp`; UUIDv7 id)
//   {"schema_version": "1", "id": "0193…", "timestamp": "2026-11-23T14:03:11.52Z",
//    "agent_id": "Oxa7b3", "agent_type": "claude-code", "principal_id": "u_1",
//    "principal_type": "human", "topic": "parser", "importance": "normal",
//    "content": "refactoring the parser", "metadata": {"files": "a.cc,b.h"}, "tags": ["x"],
//    "scope": "ledger"}
//
// Decoding follows the original's Go types: a field of the wrong JSON type, a timestamp that is
// not RFC 3339, or a file that is not a JSON object does not decode, and is skipped; unknown
// fields are ignored. Missing optional fields are empty; a missing or empty topic is "general",
// a missing or unknown importance "normal". A file without an id or content decodes but says
// nothing to relay.
//
// oxd's earlier layout, murmurs/<YYYY-MM-DD>/<id>.json with {"version": 1, id, agent_id,
// content, topics: [str], importance: 0-3, created_at}, is still read (ParseLegacy) from ledgers
// that have it; nothing writes it any more.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "WhisperEntry.h"

namespace oxd::whisper {

inline constexpr const char* kMurmurDirectory = "data/murmurs";
inline constexpr const char* kLegacyMurmurDirectory = "murmurs";
inline constexpr std::size_t kMaxMurmurFileBytes = 64 * 1024;

struct MurmurFile {
  std::string id;  // a UUIDv7 when written here
  Nanos timestamp = 0;
  std::string content;
  std::string topic = kGeneralTopic;
  int importance = kImportanceNormal;
  std::string agent_id;  // optional, as in the original
  std::string agent_type;
  std::string principal_id;
  std::string principal_type;
  std::string scope;  // "ledger" | "team" (informational)
  std::vector<std::string> tags;
  std::map<std::string, std::string> metadata;

  // The original's JSON (schema_version "1"); empty optional fields are left out.
  std::string Serialize() const;
  // data/murmurs/<YYYY-MM-DD>/<HH>/<id>.json
  std::string RelativePath() const;
  // nullopt (with `why`) when the text does not decode as the original's murmur file.
  static std::optional<MurmurFile> Parse(const std::string& text, std::string* why = nullptr);
  // oxd's earlier schema (murmurs/<date>/…), or nullopt (with `why`).
  static std::optional<MurmurFile> ParseLegacy(const std::string& text, std::string* why = nullptr);
};

// The directory of a time's murmurs: data/murmurs/<YYYY-MM-DD>/<HH> (UTC).
std::string MurmurHourDirectory(Nanos time);
// "YYYY-MM-DD" of a time in UTC.
std::string UtcDate(Nanos time);

}  // namespace oxd::whisper
