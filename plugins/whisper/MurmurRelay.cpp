#include "MurmurRelay.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "MurmurFile.h"

namespace oxd::whisper {

namespace {

namespace fs = std::filesystem;

constexpr Nanos kHour = 3600LL * 1'000'000'000;
constexpr Nanos kDay = 24 * kHour;

// The directories a window covers, with slack for clocks that disagree (an hour either side in
// the original's hourly layout, a day in oxd's earlier daily one). Other names are never listed.
std::vector<fs::path> HourDirectories(const fs::path& checkout, Nanos now, Nanos window) {
  std::vector<fs::path> directories;
  std::set<std::string> seen;
  for (Nanos time = now - window - kHour; time <= now + kHour; time += kHour) {
    std::string directory = MurmurHourDirectory(time);
    if (seen.insert(directory).second) directories.push_back(checkout / directory);
  }
  std::string last = MurmurHourDirectory(now + kHour);
  if (seen.insert(last).second) directories.push_back(checkout / last);
  return directories;
}

std::vector<fs::path> LegacyDayDirectories(const fs::path& checkout, Nanos now, Nanos window) {
  std::set<std::string> days;
  for (Nanos time = now - window - kDay; time <= now + kDay; time += kDay)
    days.insert(UtcDate(time));
  days.insert(UtcDate(now + kDay));
  std::vector<fs::path> directories;
  for (const std::string& day : days) {
    directories.push_back(checkout / kLegacyMurmurDirectory / day);
  }
  return directories;
}

std::optional<std::string> ReadSmallFile(const fs::path& path) {
  std::error_code error;
  // A symlink in a teammate's push is never followed out of the checkout.
  if (!fs::is_regular_file(fs::symlink_status(path, error))) return std::nullopt;
  auto size = fs::file_size(path, error);
  if (error || size > kMaxMurmurFileBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

RelayOutcome MurmurRelay::RelayFromPath(const fs::path& checkout, WhisperStore& store,
                                        const CreatedAtClock& clock, Nanos now, Nanos window) {
  std::lock_guard lock(mutex_);
  RelayOutcome outcome;
  std::error_code error;
  bool current = fs::is_directory(fs::symlink_status(checkout / kMurmurDirectory, error));
  // oxd's earlier murmurs/ directory: read from the ledgers that still have one, each murmur
  // once like any other (the relay marks), until it falls out of the window.
  bool legacy = fs::is_directory(fs::symlink_status(checkout / kLegacyMurmurDirectory, error));
  if (!current && !legacy) return outcome;
  std::set<std::string> local = local_agents_();
  std::vector<MurmurFile> fresh;
  std::set<std::string> seen_in_this_scan;
  auto scan = [&](const fs::path& directory, bool earlier_layout) {
    if (!fs::is_directory(fs::symlink_status(directory, error))) return;
    for (const fs::directory_entry& item : fs::directory_iterator(directory, error)) {
      if (item.path().extension() != ".json") continue;
      std::optional<std::string> text = ReadSmallFile(item.path());
      std::string why = "unreadable or larger than 64 KiB";
      std::optional<MurmurFile> murmur;
      if (text) {
        murmur =
            earlier_layout ? MurmurFile::ParseLegacy(*text, &why) : MurmurFile::Parse(*text, &why);
      }
      if (!murmur) {
        ++outcome.skipped_invalid;
        debug_log_("murmur relay skips " + item.path().string() + ": " + why);
        continue;
      }
      if (murmur->timestamp < now - window || murmur->timestamp > now + window) {
        ++outcome.skipped_outside;
        continue;
      }
      if (!murmur->agent_id.empty() && local.count(murmur->agent_id)) {
        ++outcome.skipped_local;
        continue;
      }
      if (!seen_in_this_scan.insert(murmur->id).second || store.IsRelayed(murmur->id)) {
        ++outcome.skipped_relayed;
        continue;
      }
      fresh.push_back(std::move(*murmur));
    }
  };
  if (current) {
    for (const fs::path& directory : HourDirectories(checkout, now, window)) scan(directory, false);
  }
  if (legacy) {
    for (const fs::path& directory : LegacyDayDirectories(checkout, now, window)) {
      scan(directory, true);
    }
  }
  if (fresh.empty()) return outcome;
  // Oldest murmur first, so delivery order follows what the teammates said.
  std::sort(fresh.begin(), fresh.end(),
            [](const MurmurFile& a, const MurmurFile& b) { return a.timestamp < b.timestamp; });
  std::vector<WhisperEntry> entries;
  std::vector<std::string> murmur_ids;
  for (MurmurFile& murmur : fresh) {
    murmur_ids.push_back(murmur.id);
    entries.push_back(ToWhisper(murmur));
  }
  store.Append(entries, clock, murmur_ids);
  outcome.relayed = static_cast<int>(entries.size());
  return outcome;
}

WhisperEntry ToWhisper(MurmurFile& murmur) {
  WhisperEntry entry;
  entry.source = "murmur";
  entry.type = kTypeTrigger;
  entry.author_agent_id = std::move(murmur.agent_id);
  entry.topic = std::move(murmur.topic);
  entry.importance = murmur.importance;
  entry.content = std::move(murmur.content);
  entry.principal_id = std::move(murmur.principal_id);
  entry.principal_type = std::move(murmur.principal_type);
  entry.metadata = std::move(murmur.metadata);
  return entry;
}

}  // namespace oxd::whisper
