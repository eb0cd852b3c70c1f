#include "WhisperStatus.h"

#include <Poco/JSON/Array.h>

namespace oxd::whisper {

namespace {

Poco::JSON::Array::Ptr List(const std::set<std::string>& items) {
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const std::string& item : items) list->add(item);
  return list;
}

std::string Duration(std::chrono::nanoseconds duration) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  if (seconds == 0) return "off";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

}  // namespace

Poco::Dynamic::Var WhisperStatusJson(Runtime& runtime) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
  Poco::JSON::Array::Ptr stores = new Poco::JSON::Array;
  std::set<std::string> agents_with_cursors;
  for (const auto& store : runtime.stores->All()) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(true);
    item->set("scope", store->identity().scope);
    if (!store->identity().team_id.empty()) item->set("team_id", store->identity().team_id);
    item->set("path", store->identity().path.string());
    item->set("entries", store->CachedEntryCount());
    auto bytes = store->FileBytes();
    item->set("bytes", bytes);
    runtime.metrics
        .gauge("oxd_whisper_store_bytes", "Bytes on disk of each whisper store (as of status).",
               {{"store", store->identity().name()}})
        .set(static_cast<double>(bytes));
    stores->add(item);
    for (const std::string& agent : store->CachedAgentsWithCursors()) {
      agents_with_cursors.insert(agent);
    }
  }
  out->set("stores", stores);
  out->set("agents_with_cursors", List(agents_with_cursors));
  StatusBoard board = runtime.Board();
  out->set("last_relay", FormatNanos(board.last_relay));
  if (!board.last_relay_repo.empty()) out->set("last_relay_repo", board.last_relay_repo);
  out->set("last_relay_count", board.last_relay_count);
  out->set("relayed_total", board.relayed_total);
  out->set("nudge_interval", Duration(runtime.settings.nudge_interval));
  out->set("nudges_sent", board.nudges_sent);
  out->set("nudges_paused", List(runtime.agents->PausedIds()));
  out->set("activity_sent", board.activity_sent);
  out->set("last_maintenance", FormatNanos(board.last_maintenance));
  return out;
}

}  // namespace oxd::whisper
