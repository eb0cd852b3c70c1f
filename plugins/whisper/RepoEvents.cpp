#include "RepoEvents.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace oxd::whisper {

std::optional<RepoEvent> ParseRepoEvent(const Poco::Dynamic::Var& event) {
  if (event.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
  auto object = event.extract<Poco::JSON::Object::Ptr>();
  if (!object) return std::nullopt;
  RepoEvent repo{object->optValue<std::string>("scope", ""),
                 object->optValue<std::string>("id", ""),
                 object->optValue<std::string>("path", ""),
                 {}};
  if (repo.path.empty() || repo.id.empty()) return std::nullopt;
  if (Poco::JSON::Array::Ptr paths = object->getArray("paths")) {
    for (std::size_t i = 0; i < paths->size(); ++i) {
      if (paths->get(i).isString()) repo.paths.push_back(paths->getElement<std::string>(i));
    }
  }
  return repo;
}

}  // namespace oxd::whisper
