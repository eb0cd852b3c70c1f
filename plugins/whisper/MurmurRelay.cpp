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

// The day directories the window covers (UTC), one day of slack either side for clocks that
// disagree; other names (a layout this version does not know) are skipped.
std::set<std::string> DaysInWindow(Nanos now, Nanos window) {
  constexpr Nanos kDay = 86'400LL * 1'000'000'000;
  std::set<std::string> days;
  for (Nanos time = now - window - kDay; time <= now + kDay; time += kDay) {
    days.insert(UtcDate(time));
  }
  days.insert(UtcDate(now + kDay));
  return days;
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
  fs::path root = checkout / kMurmurDirectory;
  std::error_code error;
  if (!fs::is_directory(fs::symlink_status(root, error))) return outcome;
  std::set<std::string> local = local_agents_();
  std::set<std::string> days = DaysInWindow(now, window);
  std::vector<MurmurFile> fresh;
  std::set<std::string> seen_in_this_scan;
  for (const std::string& day : days) {
    fs::path directory = root / day;
    if (!fs::is_directory(fs::symlink_status(directory, error))) continue;
    for (const fs::directory_entry& item : fs::directory_iterator(directory, error)) {
      if (item.path().extension() != ".json") continue;
      std::optional<std::string> text = ReadSmallFile(item.path());
      std::string why = "unreadable or larger than 64 KiB";
      std::optional<MurmurFile> murmur = text ? MurmurFile::Parse(*text, &why) : std::nullopt;
      if (!murmur) {
        ++outcome.skipped_invalid;
        debug_log_("murmur relay skips " + item.path().string() + ": " + why);
        continue;
      }
      if (murmur->created_at < now - window || murmur->created_at > now + window) {
        ++outcome.skipped_outside;
        continue;
      }
      if (local.count(murmur->agent_id)) {
        ++outcome.skipped_local;
        continue;
      }
      if (!seen_in_this_scan.insert(murmur->id).second || store.IsRelayed(murmur->id)) {
        ++outcome.skipped_relayed;
        continue;
      }
      fresh.push_back(std::move(*murmur));
    }
  }
  if (fresh.empty()) return outcome;
  // Oldest murmur first, so delivery order follows what the teammates said.
  std::sort(fresh.begin(), fresh.end(),
            [](const MurmurFile& a, const MurmurFile& b) { return a.created_at < b.created_at; });
  std::vector<WhisperEntry> entries;
  std::vector<std::string> murmur_ids;
  for (MurmurFile& murmur : fresh) {
    WhisperEntry entry;
    entry.source = "murmur";
    entry.author_agent_id = murmur.agent_id;
    if (!murmur.topics.empty()) entry.topic = murmur.topics.front();
    entry.importance = murmur.importance;
    entry.content = std::move(murmur.content);
    entries.push_back(std::move(entry));
    murmur_ids.push_back(murmur.id);
  }
  {
    store.Append(entries, clock, murmur_ids);
    outcome.relayed = static_cast<int>(entries.size());
  }
  return outcome;
}

}  // namespace oxd::whisper
