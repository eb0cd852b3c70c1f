#include "MurmurFile.h"

#include <oxd/json.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace oxd::whisper {

namespace {

std::tm UtcTime(Nanos time) {
  std::time_t seconds = static_cast<std::time_t>(time / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return utc;
}

Nanos ToNanos(const sdk::Time& time) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

// Go's decoder into the original's struct: a field absent or null keeps its zero value, one of
// another JSON type fails the whole file.
class Fields {
 public:
  explicit Fields(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {}

  bool Text(const char* key, std::string& out, std::string& why) const {
    if (!Present(key)) return true;
    const Poco::Dynamic::Var& value = object_->get(key);
    if (!value.isString()) {
      why = std::string(key) + " is not a string";
      return false;
    }
    out = value.extract<std::string>();
    return true;
  }
  bool Present(const char* key) const { return object_->has(key) && !object_->isNull(key); }
  const Poco::JSON::Object::Ptr& object() const { return object_; }

 private:
  Poco::JSON::Object::Ptr object_;
};

Poco::JSON::Object::Ptr ParseObject(const std::string& text) {
  try {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    return nullptr;
  }
}

// RFC 3339 in UTC, nanoseconds without trailing zeros (Go's RFC3339Nano of a UTC time): the
// original files murmurs by the timestamp's UTC hour, so the timestamp says UTC too.
std::string UtcRfc3339(Nanos time) {
  Nanos seconds = time / 1'000'000'000, nanos = time % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    seconds -= 1;
  }
  std::tm utc = UtcTime(seconds * 1'000'000'000);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out = buffer;
  if (nanos != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
    std::string digits = fraction;
    while (digits.back() == '0') digits.pop_back();
    out += digits;
  }
  return out + "Z";
}

}  // namespace

std::string UtcDate(Nanos time) {
  std::tm utc = UtcTime(time);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &utc);
  return buffer;
}

std::string MurmurHourDirectory(Nanos time) {
  std::tm utc = UtcTime(time);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d/%H", &utc);
  return std::string(kMurmurDirectory) + "/" + buffer;
}

std::string MurmurFile::Serialize() const {
  Poco::JSON::Object object(true);
  object.set("schema_version", std::string("1"));
  object.set("id", id);
  object.set("timestamp", UtcRfc3339(timestamp));
  if (!agent_id.empty()) object.set("agent_id", agent_id);
  if (!agent_type.empty()) object.set("agent_type", agent_type);
  if (!principal_id.empty()) object.set("principal_id", principal_id);
  if (!principal_type.empty()) object.set("principal_type", principal_type);
  object.set("topic", topic.empty() ? std::string(kGeneralTopic) : topic);
  object.set("importance", std::string(ImportanceName(importance)));
  object.set("content", content);
  if (!metadata.empty()) {
    Poco::JSON::Object::Ptr map = new Poco::JSON::Object(true);
    for (const auto& [key, value] : metadata) map->set(key, value);
    object.set("metadata", map);
  }
  if (!tags.empty()) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& tag : tags) list->add(tag);
    object.set("tags", list);
  }
  if (!scope.empty()) object.set("scope", scope);
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

std::string MurmurFile::RelativePath() const {
  return MurmurHourDirectory(timestamp) + "/" + id + ".json";
}

std::optional<MurmurFile> MurmurFile::Parse(const std::string& text, std::string* why_out) {
  std::string why;
  auto fail = [&](const std::string& reason) -> std::optional<MurmurFile> {
    if (why_out) *why_out = reason;
    return std::nullopt;
  };
  Poco::JSON::Object::Ptr object = ParseObject(text);
  if (!object) return fail("not a JSON object");
  Fields fields(object);
  MurmurFile murmur;
  murmur.topic.clear();
  std::string schema, timestamp, importance;
  if (!fields.Text("schema_version", schema, why) || !fields.Text("id", murmur.id, why) ||
      !fields.Text("timestamp", timestamp, why) || !fields.Text("content", murmur.content, why) ||
      !fields.Text("topic", murmur.topic, why) || !fields.Text("importance", importance, why) ||
      !fields.Text("agent_id", murmur.agent_id, why) ||
      !fields.Text("agent_type", murmur.agent_type, why) ||
      !fields.Text("principal_id", murmur.principal_id, why) ||
      !fields.Text("principal_type", murmur.principal_type, why) ||
      !fields.Text("scope", murmur.scope, why)) {
    return fail(why);
  }
  if (fields.Present("metadata")) {
    Poco::JSON::Object::Ptr map = object->getObject("metadata");
    if (!map) return fail("metadata is not an object");
    for (const auto& [key, value] : *map) {
      if (value.isEmpty()) continue;
      if (!value.isString()) return fail("metadata." + key + " is not a string");
      murmur.metadata[key] = value.extract<std::string>();
    }
  }
  if (fields.Present("tags")) {
    Poco::JSON::Array::Ptr list = object->getArray("tags");
    if (!list) return fail("tags is not a list");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const Poco::Dynamic::Var& tag = list->get(i);
      if (!tag.isString()) return fail("tags[" + std::to_string(i) + "] is not a string");
      murmur.tags.push_back(tag.extract<std::string>());
    }
  }
  // Go's zero time decodes, but lies outside every window: it says nothing to relay.
  if (timestamp.empty()) return fail("no timestamp");
  std::optional<sdk::Time> time = sdk::parseTime(timestamp);
  if (!time) return fail("timestamp is not an RFC 3339 time");
  murmur.timestamp = ToNanos(*time);
  if (murmur.id.empty()) return fail("no id");
  if (murmur.content.empty()) return fail("no content");
  if (murmur.topic.empty()) murmur.topic = kGeneralTopic;
  murmur.importance = ParseImportance(importance).value_or(kImportanceNormal);
  return murmur;
}

std::optional<MurmurFile> MurmurFile::ParseLegacy(const std::string& text, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<MurmurFile> {
    if (why) *why = reason;
    return std::nullopt;
  };
  Poco::JSON::Object::Ptr object = ParseObject(text);
  if (!object) return fail("not a JSON object");
  auto text_field = [&](const char* key) -> std::optional<std::string> {
    if (!object->has(key) || !object->get(key).isString()) return std::nullopt;
    return object->getValue<std::string>(key);
  };
  MurmurFile murmur;
  auto id = text_field("id");
  auto agent = text_field("agent_id");
  auto content = text_field("content");
  auto created = text_field("created_at");
  if (!id || id->empty()) return fail("no id");
  if (!agent || agent->empty()) return fail("no agent_id");
  if (!content || content->empty()) return fail("no content");
  if (!created) return fail("no created_at");
  auto time = sdk::parseTime(*created);
  if (!time) return fail("created_at is not an RFC 3339 time");
  murmur.id = *id;
  murmur.agent_id = *agent;
  murmur.content = *content;
  murmur.timestamp = ToNanos(*time);
  murmur.topic.clear();
  if (object->has("topics")) {
    Poco::JSON::Array::Ptr list = object->getArray("topics");
    if (!list) return fail("topics is not a list");
    if (list->size() > 0 && list->get(0).isString())
      murmur.topic = list->getElement<std::string>(0);
  }
  if (object->has("importance") && object->get("importance").isInteger()) {
    // Any integer is clamped; one past int's range threw Poco::RangeException out of Parse
    // (found by tests/fuzz). As a double every JSON integer converts without throwing.
    double importance = object->get("importance").convert<double>();
    murmur.importance = importance < kImportanceAmbient    ? kImportanceAmbient
                        : importance > kImportanceCritical ? kImportanceCritical
                                                           : static_cast<int>(importance);
  }
  return murmur;
}

}  // namespace oxd::whisper
