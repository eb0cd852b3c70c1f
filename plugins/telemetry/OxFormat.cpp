#include "OxFormat.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "OtlpJson.h"

namespace oxd::telemetry {

std::string OxTelemetryBody(const std::string& client_id,
                            const std::vector<TelemetryEvent>& events) {
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const TelemetryEvent& event : events) list->add(event.toJson());
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object(true);
  body->set("clientid", client_id);
  body->set("events", list);
  return ToJsonText(body);
}

std::string OxFrictionBody(const std::string& version, const std::vector<FrictionEvent>& events) {
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const FrictionEvent& event : events) list->add(event.toJson());
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object(true);
  body->set("v", version);
  body->set("events", list);
  return ToJsonText(body);
}

}  // namespace oxd::telemetry
