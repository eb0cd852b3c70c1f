#include "Friction.h"

#include "TelemetryEvent.h"

namespace oxd::telemetry {

namespace {

std::string OptionalText(const sdk::Payload& payload, const std::string& key) {
  return payload.optionalString(key).value_or("");
}

}  // namespace

FrictionEvent FrictionEvent::Parse(const sdk::Payload& payload) {
  FrictionEvent event;
  event.kind = payload.requiredString("kind");
  if (event.kind != "unknown-command" && event.kind != "unknown-flag" &&
      event.kind != "invalid-arg" && event.kind != "parse-error") {
    throw sdk::BadPayload(
        "kind: expected one of unknown-command, unknown-flag, invalid-arg, "
        "parse-error, got '" +
        TruncateUtf8(event.kind, 64) + "'");
  }
  event.ts = OptionalText(payload, "ts");
  event.command = OptionalText(payload, "command");
  event.subcommand = OptionalText(payload, "subcommand");
  event.actor = OptionalText(payload, "actor");
  event.agent_type = OptionalText(payload, "agent_type");
  event.path_bucket = OptionalText(payload, "path_bucket");
  event.input = TruncateUtf8(OptionalText(payload, "input"), kFrictionInputMax);
  event.error_msg = TruncateUtf8(OptionalText(payload, "error_msg"), kFrictionErrorMax);
  if (event.ts.empty()) event.ts = Rfc3339Utc(std::chrono::system_clock::now());
  return event;
}

Poco::JSON::Object::Ptr FrictionEvent::toJson() const {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(true);
  json->set("ts", ts);
  json->set("kind", kind);
  if (!command.empty()) json->set("command", command);
  if (!subcommand.empty()) json->set("subcommand", subcommand);
  json->set("actor", actor);
  if (!agent_type.empty()) json->set("agent_type", agent_type);
  json->set("path_bucket", path_bucket);
  json->set("input", input);
  json->set("error_msg", error_msg);
  return json;
}

bool FrictionBuffer::add(FrictionEvent event) {
  std::string key = event.dedupKey();
  if (keys_.contains(key)) {
    ++duplicates_;
    return false;
  }
  if (events_.size() >= capacity_) {
    keys_.erase(events_.front().dedupKey());
    events_.pop_front();
    ++evicted_;
  }
  event.seq = next_seq_++;
  keys_.insert(std::move(key));
  events_.push_back(std::move(event));
  return true;
}

std::vector<FrictionEvent> FrictionBuffer::batch(std::size_t max) const {
  std::vector<FrictionEvent> out;
  for (const FrictionEvent& event : events_) {
    if (out.size() >= max) break;
    out.push_back(event);
  }
  return out;
}

void FrictionBuffer::removeThrough(std::uint64_t seq) {
  while (!events_.empty() && events_.front().seq <= seq) {
    keys_.erase(events_.front().dedupKey());
    events_.pop_front();
  }
}

}  // namespace oxd::telemetry
