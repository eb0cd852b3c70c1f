#include "FileChangeMurmurs.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <sstream>

#include "ActiveAgents.h"

namespace oxd::whisper {

namespace {

constexpr std::size_t kPathsNamed = 8;

std::string Base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

}  // namespace

bool ChangeBatch::Add(const Poco::Dynamic::Var& event) {
  if (event.type() != typeid(Poco::JSON::Object::Ptr)) return false;
  auto object = event.extract<Poco::JSON::Object::Ptr>();
  if (!object) return false;
  std::vector<std::pair<std::string, std::string>> changes;
  if (Poco::JSON::Array::Ptr paths = object->getArray("paths")) {
    for (std::size_t i = 0; i < paths->size(); ++i) {
      if (paths->get(i).isString()) changes.emplace_back(paths->getElement<std::string>(i), "");
    }
  } else if (Poco::JSON::Array::Ptr list = object->getArray("changes")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      Poco::JSON::Object::Ptr change = list->getObject(i);
      if (!change || !change->has("path")) continue;
      std::string kind = change->optValue<std::string>("type", "");
      if (kind.empty()) kind = change->optValue<std::string>("kind", "");
      changes.emplace_back(change->optValue<std::string>("path", ""), kind);
    }
  } else {
    return false;
  }
  std::lock_guard lock(mutex_);
  for (auto& [path, kind] : changes) {
    if (path.empty()) continue;
    if (kinds_.count(path) || kinds_.size() < kMaxPaths) {
      kinds_[path] = kind;
    } else {
      ++overflow_;
    }
  }
  return true;
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
  const auto& ledger = runtime.host.workspace().ledger_path;
  std::error_code error;
  if (ledger.empty() || !std::filesystem::exists(ledger / ".git", error)) return false;
  std::optional<MurmurFile> murmur = batch.Drain(ActiveAgentIds(runtime.host), now);
  if (!murmur) return false;
  // Marked relayed first, so the relay never hands our own summary back to us.
  std::vector<WhisperEntry> none;
  runtime.stores->Ledger()->Append(none, runtime.Clock(), {murmur->id});
  sdk::Request request;
  request.type = "murmur";
  request.payload->set("target_dir", ledger.string());
  request.payload->set("rel_path", murmur->RelativePath());
  request.payload->set("content", murmur->content);
  request.payload->set("murmur_json", Base64(murmur->Serialize()));
  sdk::Reply reply = runtime.host.call(request);
  if (!reply.success) {
    batch.Restore(*murmur);
    runtime.host.logger().warning("file-change murmur kept for the next period: %s", reply.error);
    return false;
  }
  return true;
}

}  // namespace oxd::whisper
