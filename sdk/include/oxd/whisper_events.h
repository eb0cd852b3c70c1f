#pragma once
// The whisper plugin's event for the core, kept out of oxd/events.h (which every plugin
// includes) because only the whisper plugin and the core use it. Same contract as the structs of
// oxd/events.h: kTopic, toVar(), fromVar() throwing BadEvent.

#include <oxd/events.h>

#include <cstdint>
#include <string>

namespace oxd::sdk {

// whispers.delivered: a `whispers` reply carrying entries reached an agent (whisper plugin). The
// core stamps the agent's instances[].last_whisper with `at` (RFC 3339).
struct WhispersDeliveredEvent {
  static constexpr const char* kTopic = "whispers.delivered";

  std::string agent_id;
  std::string at;
  std::int64_t count = 0;  // entries delivered

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("agent_id", agent_id);
    event->set("at", at);
    event->set("count", count);
    return event;
  }
  static WhispersDeliveredEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      return WhispersDeliveredEvent{fields.requiredString("agent_id"), fields.requiredString("at"),
                                    events_detail::requiredInt(fields, "count")};
    });
  }
  bool operator==(const WhispersDeliveredEvent&) const = default;
};

}  // namespace oxd::sdk
