#include "FileChangeMurmurs.h"

#include <oxd/calls.h>

#include <Poco/UUIDGenerator.h>

#include <algorithm>

#include "ActiveAgents.h"

namespace oxd::whisper {

namespace {

constexpr std::size_t kPathsNamed = 8;

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
  std::string named;
  std::size_t shown = 0;
  for (const auto& [path, kind] : kinds_) {
    if (shown == kPathsNamed) break;
    named += (shown++ == 0 ? "" : ", ") + path + (kind.empty() ? "" : " (" + kind + ")");
  }
  if (total > shown) named += " and " + std::to_string(total - shown) + " more";
  std::vector<std::string> agents = active_agents;
  std::sort(agents.begin(), agents.end());
  std::string who;
  for (const std::string& agent : agents) who += (who.empty() ? "" : ", ") + agent;
  MurmurFile murmur;
  std::string uuid = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  uuid.erase(std::remove(uuid.begin(), uuid.end(), '-'), uuid.end());
  murmur.id = "m_" + uuid.substr(0, 20);
  // A teammate's relay shows one author; the text names every active agent.
  murmur.agent_id = agents.empty() ? "oxd" : agents.front();
  murmur.content = (who.empty() ? std::string("Project files changed") : who + " changed") + " " +
                   std::to_string(total) + " file" + (total == 1 ? "" : "s") + ": " + named;
  murmur.topics = {"files"};
  murmur.importance = kImportanceAmbient;
  murmur.created_at = now;
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
