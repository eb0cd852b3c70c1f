// The murmur file: what `oxctl murmur` hands the sync plugin's `murmur` message (as
// murmur_json) and what the relay reads back from a teammate's push. One JSON object a file:
//
//   {"version": 1, "id": "m_3f9a…", "agent_id": "Oxa7b3", "content": "refactoring the parser",
//    "topics": ["parser"], "importance": 1, "created_at": "2026-11-23T14:03:11.52Z"}
//
// id, agent_id, content and created_at are required; topics default to [], importance to 1
// (normal; clamped to 0..3). Unknown fields are ignored (later versions may add some).
// Layout inside a ledger or team-context checkout: murmurs/<YYYY-MM-DD>/<id>.json, the date
// being created_at's UTC date, so the relay only lists the day directories its window covers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "WhisperEntry.h"

namespace oxd::whisper {

inline constexpr const char* kMurmurDirectory = "murmurs";
inline constexpr std::size_t kMaxMurmurFileBytes = 64 * 1024;

struct MurmurFile {
  std::string id;
  std::string agent_id;
  std::string content;
  std::vector<std::string> topics;
  int importance = kImportanceNormal;
  Nanos created_at = 0;

  std::string Serialize() const;
  // murmurs/<YYYY-MM-DD>/<id>.json
  std::string RelativePath() const;
  // nullopt (with `why`) when the text is not a murmur file this version can read.
  static std::optional<MurmurFile> Parse(const std::string& text, std::string* why = nullptr);
};

// "YYYY-MM-DD" of a time in UTC.
std::string UtcDate(Nanos time);

}  // namespace oxd::whisper
