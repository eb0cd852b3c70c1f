#include "SyncWhispers.h"

#include "MurmurFile.h"

namespace oxd::whisper {

namespace {
constexpr std::size_t kPathsNamed = 5;
}

std::optional<WhisperEntry> TeamChangeWhisper(const sdk::RepoPulledEvent& pulled,
                                              const std::string& team_name) {
  if (pulled.scope != "team-context") return std::nullopt;
  std::vector<std::string> changed;
  // Murmurs are relayed on their own: a pull that brought only murmurs (in either layout) is no
  // news about the team context.
  const std::string murmurs = std::string(kMurmurDirectory) + "/";
  const std::string legacy_murmurs = std::string(kLegacyMurmurDirectory) + "/";
  for (const std::string& path : pulled.paths) {
    if (path.rfind(murmurs, 0) != 0 && path.rfind(legacy_murmurs, 0) != 0) changed.push_back(path);
  }
  if (changed.empty()) return std::nullopt;
  std::string named;
  for (std::size_t i = 0; i < changed.size() && i < kPathsNamed; ++i) {
    named += (i == 0 ? "" : ", ") + changed[i];
  }
  if (changed.size() > kPathsNamed) {
    named += " and " + std::to_string(changed.size() - kPathsNamed) + " more";
  }
  WhisperEntry entry;
  entry.source = "sync";
  entry.importance = kImportanceNormal;
  entry.content = "Team context " + team_name + " changed (" + std::to_string(changed.size()) +
                  " file" + (changed.size() == 1 ? "" : "s") + "): " + named +
                  ". Re-read what applies to your work.";
  return entry;
}

bool WhisperTeamChange(Runtime& runtime, const sdk::RepoPulledEvent& pulled) {
  if (pulled.scope != "team-context") return false;
  std::string name = pulled.id;
  for (const auto& team : runtime.workspace.team_contexts) {
    if (team.id == pulled.id && !team.name.empty()) name = team.name;
  }
  std::optional<WhisperEntry> entry = TeamChangeWhisper(pulled, name);
  if (!entry) return false;
  std::vector<WhisperEntry> entries{*entry};
  runtime.stores->TeamOrCreate(pulled.id)->Append(entries, runtime.Clock());
  return true;
}

}  // namespace oxd::whisper
