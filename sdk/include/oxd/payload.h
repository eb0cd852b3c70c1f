#pragma once
// Typed, validating access to a request payload. Handlers parse the payload into a struct once
// with these accessors and work on typed values afterwards. Every accessor throws BadPayload
// with a precise message ("agent_id: expected string, got number"); the host turns it into the
// reply {"success":false,"error":"invalid payload: <message>"}.
//
// Header-only so plugins and the core share one definition. Not thread-safe per instance.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace oxd::sdk {

class BadPayload : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Payload {
 public:
  explicit Payload(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {
    if (!object_) object_ = new Poco::JSON::Object;
  }

  bool has(const std::string& key) const { return object_->has(key) && !object_->isNull(key); }

  std::string requiredString(const std::string& key) const {
    auto value = optionalString(key);
    if (!value) throw BadPayload(key + ": required");
    return *value;
  }

  std::optional<std::string> optionalString(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const auto& value = object_->get(key);
    if (!value.isString()) throw BadPayload(key + ": expected string, got " + kindOf(value));
    return value.extract<std::string>();
  }

  std::optional<std::int64_t> optionalInt(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const auto& value = object_->get(key);
    if (!value.isNumeric() || value.type() == typeid(bool)) {
      throw BadPayload(key + ": expected integer, got " + kindOf(value));
    }
    if (!value.isInteger()) {
      double number = value.convert<double>();
      // Outside [-2^63, 2^63) the cast below would be undefined (found by tests/fuzz): 1e300.
      if (!(number >= -9223372036854775808.0 && number < 9223372036854775808.0)) {
        throw BadPayload(key + ": integer out of range");
      }
      if (number != static_cast<double>(static_cast<std::int64_t>(number))) {
        throw BadPayload(key + ": expected integer, got fraction");
      }
      return static_cast<std::int64_t>(number);
    }
    if (!value.isSigned() &&
        value.convert<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw BadPayload(key + ": integer out of range");
    }
    return value.convert<std::int64_t>();
  }

  std::optional<bool> optionalBool(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const auto& value = object_->get(key);
    if (value.type() != typeid(bool))
      throw BadPayload(key + ": expected boolean, got " + kindOf(value));
    return value.extract<bool>();
  }

  // A list of strings; absent or null gives std::nullopt (callers decide what "absent" means).
  std::optional<std::vector<std::string>> optionalStrings(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    auto array = object_->getArray(key);
    if (!array)
      throw BadPayload(key + ": expected list of strings, got " + kindOf(object_->get(key)));
    std::vector<std::string> out;
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto& item = array->get(i);
      if (!item.isString()) {
        throw BadPayload(key + "[" + std::to_string(i) + "]: expected string, got " + kindOf(item));
      }
      out.push_back(item.extract<std::string>());
    }
    return out;
  }

  Poco::JSON::Object::Ptr optionalObject(const std::string& key) const {
    if (!has(key)) return nullptr;
    auto object = object_->getObject(key);
    if (!object) throw BadPayload(key + ": expected object, got " + kindOf(object_->get(key)));
    return object;
  }

  const Poco::JSON::Object::Ptr& object() const { return object_; }

  static std::string kindOf(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return "null";
    if (value.type() == typeid(bool)) return "boolean";
    if (value.isString()) return "string";
    if (value.isNumeric()) return "number";
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) return "list";
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) return "object";
    return "value";
  }

 private:
  Poco::JSON::Object::Ptr object_;
};

}  // namespace oxd::sdk
