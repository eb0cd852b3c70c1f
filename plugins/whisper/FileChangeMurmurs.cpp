#include "FileChangeMurmurs.h"

#include <oxd/calls.h>

#include <algorithm>

#include "ActiveAgents.h"
#include "UuidV7.h"

namespace oxd::whisper {

namespace {

constexpr std::size_t kPathsNamed = 8;
// metadata.files (the original's comma-separated list) names at most this many paths.
constexpr std::size_t kPathsInMetadata = 200;

}  // namespace

void ChangeBatch::Add(const sdk::FilesChangedEvent& event) {
  std::lock_guard lock(mutex_);
  for (const auto& [path, kind] : event.changes) {
    if (path.empty()) continue;
    if (kinds_.count(path) || kinds_.size() < kMaxPaths) {
      kinds_[path] = kind;
    } else {
      ++overflow_;
    }
  }
}

bool ChangeBatch::empty() const {
  std::lock_guard lock(mutex_);
  return kinds_.empty() && overflow_ == 0 && !unsent_;
}

std::optional<MurmurFile> ChangeBatch::Drain(const std::vector<std::string>& active_agents,
                                             Nanos now) {
  std::lock_guard lock(mutex_);
  if (unsent_) {
    MurmurFile retry = *unsent_;
    unsent_.reset();
    return retry;
  }
  if (kinds_.empty() && overflow_ == 0) return std::nullopt;
  std::size_t total = kinds_.size() + overflow_;
  std::string named, files;
  std::size_t shown = 0, listed = 0;
  for (const auto& [path, kind] : kinds_) {
    if (listed < kPathsInMetadata) files += (listed++ == 0 ? "" : ",") + path;
    if (shown == kPathsNamed) continue;
    named += (shown++ == 0 ? "" : ", ") + path + (kind.empty() ? "" : " (" + kind + ")");
  }
  if (total > shown) named += " and " + std::to_string(total - shown) + " more";
  std::vector<std::string> agents = active_agents;
  std::sort(agents.begin(), agents.end());
  std::string who;
  for (const std::string& agent : agents) who += (who.empty() ? "" : ", ") + agent;
  MurmurFile murmur;
  murmur.timestamp = now;
  murmur.id = NewUuidV7(now / 1'000'000);
  // A teammate's relay shows one author; the text names every active agent. With none active
  // the murmur has no agent (optional in the original's schema).
  if (!agents.empty()) murmur.agent_id = agents.front();
  murmur.content = (who.empty() ? std::string("Project files changed") : who + " changed") + " " +
                   std::to_string(total) + " file" + (total == 1 ? "" : "s") + ": " + named;
  murmur.topic = "files";
  murmur.importance = kImportanceAmbient;
  murmur.scope = kLedgerScope;
  if (!files.empty()) murmur.metadata["files"] = files;
  kinds_.clear();
  overflow_ = 0;
  return murmur;
}

void ChangeBatch::Restore(const MurmurFile& murmur) {
  std::lock_guard lock(mutex_);
  unsent_ = murmur;
}

bool PublishFileChanges(Runtime& runtime, ChangeBatch& batch, Nanos now) {
  if (batch.empty()) return false;
  const auto& ledger = runtime.workspace.ledger_path;
  std::error_code error;
  if (ledger.empty() || !std::filesystem::exists(ledger / ".git", error)) return false;
  std::optional<MurmurFile> murmur = batch.Drain(ActiveAgentIds(runtime.calls), now);
  if (!murmur) return false;
  // Marked relayed first, so the relay never hands our own summary back to us.
  std::vector<WhisperEntry> none;
  runtime.stores->Ledger()->Append(none, runtime.Clock(), {murmur->id});
  sdk::MurmurRequest request{ledger.string(), murmur->RelativePath(), murmur->content,
                             murmur->Serialize()};
  sdk::Reply reply = runtime.calls.call(request.toRequest());
  if (!reply.success) {
    batch.Restore(*murmur);
    runtime.reporting.log.warning("file-change murmur kept for the next period: %s", reply.error);
    return false;
  }
  return true;
}

}  // namespace oxd::whisper
