#include "MurmurFile.h"

#include <oxd/json.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sstream>

namespace oxd::whisper {

std::string UtcDate(Nanos time) {
  std::time_t seconds = static_cast<std::time_t>(time / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &utc);
  return buffer;
}

std::string MurmurFile::Serialize() const {
  Poco::JSON::Object object(true);
  object.set("version", 1);
  object.set("id", id);
  object.set("agent_id", agent_id);
  object.set("content", content);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const std::string& topic : topics) list->add(topic);
  object.set("topics", list);
  object.set("importance", importance);
  object.set("created_at", FormatNanos(created_at));
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

std::string MurmurFile::RelativePath() const {
  return std::string(kMurmurDirectory) + "/" + UtcDate(created_at) + "/" + id + ".json";
}

std::optional<MurmurFile> MurmurFile::Parse(const std::string& text, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<MurmurFile> {
    if (why) *why = reason;
    return std::nullopt;
  };
  Poco::JSON::Object::Ptr object;
  try {
    object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    return fail("not a JSON object");
  }
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
  murmur.created_at =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time->time_since_epoch()).count();
  if (object->has("topics")) {
    Poco::JSON::Array::Ptr list = object->getArray("topics");
    if (!list) return fail("topics is not a list");
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (list->get(i).isString()) murmur.topics.push_back(list->getElement<std::string>(i));
    }
  }
  if (object->has("importance") && object->get("importance").isInteger()) {
    murmur.importance =
        std::clamp(object->getValue<int>("importance"), kImportanceAmbient, kImportanceCritical);
  }
  return murmur;
}

}  // namespace oxd::whisper
