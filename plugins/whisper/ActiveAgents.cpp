#include "ActiveAgents.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace oxd::whisper {

std::vector<std::string> ActiveAgentIds(sdk::Caller& calls) {
  sdk::Request request;
  request.type = "instances";
  sdk::Reply reply = calls.call(request);
  std::vector<std::string> ids;
  if (!reply.success || reply.data.type() != typeid(Poco::JSON::Object::Ptr)) return ids;
  auto data = reply.data.extract<Poco::JSON::Object::Ptr>();
  Poco::JSON::Array::Ptr instances = data ? data->getArray("instances") : nullptr;
  if (!instances) return ids;
  for (std::size_t i = 0; i < instances->size(); ++i) {
    Poco::JSON::Object::Ptr instance = instances->getObject(i);
    if (!instance || instance->optValue<std::string>("status", "") != "active") continue;
    std::string id = instance->optValue<std::string>("agent_id", "");
    if (!id.empty()) ids.push_back(id);
  }
  return ids;
}

}  // namespace oxd::whisper
