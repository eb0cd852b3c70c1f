#include "state/ErrorStore.h"

#include "common/AtomicFile.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSONString.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <exception>
#include <sstream>
#include <utility>

namespace oxd::core {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("oxd.errors"); }

bool newerFirst(const StoredError& a, const StoredError& b) { return a.timestamp > b.timestamp; }

// The file in Go's json.MarshalIndent(errors, "", "  ") layout. Written by hand rather than
// through Poco::JSON objects: the whole array is rewritten on every mutation, and building a
// Poco object per entry made that ten times slower.
std::string serialize(const std::vector<StoredError>& errors) {
  if (errors.empty()) return "[]\n";
  std::ostringstream out;
  out << "[\n";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const StoredError& error = errors[i];
    out << "  {\n    \"id\": ";
    Poco::toJSON(error.id, out, Poco::JSON_WRAP_STRINGS);
    out << ",\n    \"message\": ";
    Poco::toJSON(error.message, out, Poco::JSON_WRAP_STRINGS);
    out << ",\n    \"code\": ";
    Poco::toJSON(error.code, out, Poco::JSON_WRAP_STRINGS);
    out << ",\n    \"timestamp\": \"" << sdk::formatTime(error.timestamp) << "\"";
    out << ",\n    \"viewed\": " << (error.viewed ? "true" : "false");
    out << ",\n    \"severity\": ";
    Poco::toJSON(error.severity, out, Poco::JSON_WRAP_STRINGS);
    out << "\n  }" << (i + 1 < errors.size() ? ",\n" : "\n");
  }
  out << "]\n";
  return out.str();
}

std::string stringField(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  if (!object->has(key)) return "";
  const Poco::Dynamic::Var& value = object->get(key);
  return value.isString() ? value.extract<std::string>() : "";
}

std::optional<StoredError> parseEntry(const Poco::Dynamic::Var& item) {
  if (item.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
  auto object = item.extract<Poco::JSON::Object::Ptr>();
  StoredError error;
  error.id = stringField(object, "id");
  error.message = stringField(object, "message");
  error.code = stringField(object, "code");
  error.severity = stringField(object, "severity");
  error.timestamp = sdk::parseTime(stringField(object, "timestamp")).value_or(sdk::Time{});
  error.viewed = object->has("viewed") && object->get("viewed").type() == typeid(bool) &&
                 object->get("viewed").extract<bool>();
  return error;
}

}  // namespace

ErrorStore::ErrorStore(std::filesystem::path path, TimeSource clock)
    : path_(std::move(path)), clock_(std::move(clock)), random_(std::random_device{}()) {
  load();
}

void ErrorStore::load() {
  std::string text;
  try {
    text = files::readWhole(path_).value_or("");
  } catch (const std::exception& error) {
    logger().warning("cannot read error store, starting empty: %s", std::string(error.what()));
    return;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(text);
    if (root.type() != typeid(Poco::JSON::Array::Ptr)) throw std::runtime_error("not a JSON array");
    auto array = root.extract<Poco::JSON::Array::Ptr>();
    MutexLock lock(mutex_);
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (auto entry = parseEntry(array->get(i))) errors_.push_back(std::move(*entry));
    }
    for (StoredError& error : errors_) {
      if (error.id.empty()) error.id = newId();
    }
  } catch (const std::exception& error) {
    // Go starts fresh on a corrupt file too; the next mutation overwrites it.
    logger().warning("error store %s is corrupt, starting empty: %s", path_.string(),
                     std::string(error.what()));
    MutexLock lock(mutex_);
    errors_.clear();
  }
}

std::string ErrorStore::newId() {
  static constexpr char kHex[] = "0123456789abcdef";
  for (;;) {
    std::uint64_t bits = random_();
    std::string id(8, '0');
    for (char& digit : id) {
      digit = kHex[bits & 0xF];
      bits >>= 4;
    }
    bool taken = std::any_of(errors_.begin(), errors_.end(),
                             [&](const StoredError& error) { return error.id == id; });
    if (!taken) return id;
  }
}

void ErrorStore::add(const std::string& code, const std::string& message, sdk::Severity severity) {
  StoredError error;
  error.code = code;
  error.message = message;
  error.severity = severity == sdk::Severity::Warning ? "warning" : "error";
  add(std::move(error));
}

std::string ErrorStore::add(StoredError error) {
  std::string id;
  {
    MutexLock lock(mutex_);
    if (error.timestamp == sdk::Time{}) error.timestamp = currentTime(clock_);
    auto same_code = error.code.empty()
                         ? errors_.end()
                         : std::find_if(errors_.begin(), errors_.end(),
                                        [&](const StoredError& e) { return e.code == error.code; });
    if (same_code != errors_.end()) {
      error.id = same_code->id;
      *same_code = std::move(error);
      id = same_code->id;
    } else {
      bool id_taken =
          !error.id.empty() && std::any_of(errors_.begin(), errors_.end(),
                                           [&](const StoredError& e) { return e.id == error.id; });
      if (error.id.empty() || id_taken) error.id = newId();
      id = error.id;
      errors_.push_back(std::move(error));
    }
    ++generation_;
  }
  persist();
  return id;
}

std::vector<StoredError> ErrorStore::unviewed() const {
  std::vector<StoredError> out;
  {
    MutexLock lock(mutex_);
    std::copy_if(errors_.begin(), errors_.end(), std::back_inserter(out),
                 [](const StoredError& error) { return !error.viewed; });
  }
  std::stable_sort(out.begin(), out.end(), newerFirst);
  return out;
}

std::vector<StoredError> ErrorStore::all() const {
  std::vector<StoredError> out;
  {
    MutexLock lock(mutex_);
    out = errors_;
  }
  std::stable_sort(out.begin(), out.end(), newerFirst);
  return out;
}

bool ErrorStore::markViewed(const std::string& id) { return markViewed(std::vector{id}) != 0; }

std::size_t ErrorStore::markViewed(const std::vector<std::string>& ids) {
  std::size_t changed = 0;
  {
    MutexLock lock(mutex_);
    for (const std::string& id : ids) {
      auto found = std::find_if(errors_.begin(), errors_.end(),
                                [&](const StoredError& error) { return error.id == id; });
      if (found != errors_.end() && !found->viewed) {
        found->viewed = true;
        ++changed;
      }
    }
    if (changed == 0) return 0;
    ++generation_;
  }
  persist();
  return changed;
}

std::size_t ErrorStore::markAllViewed() {
  std::size_t changed = 0;
  {
    MutexLock lock(mutex_);
    for (StoredError& error : errors_) {
      if (!error.viewed) {
        error.viewed = true;
        ++changed;
      }
    }
    if (changed == 0) return 0;
    ++generation_;
  }
  persist();
  return changed;
}

std::size_t ErrorStore::cleanup(std::chrono::nanoseconds max_age) {
  std::size_t removed = 0;
  {
    MutexLock lock(mutex_);
    sdk::Time cutoff = currentTime(clock_) - max_age;
    auto end = std::remove_if(errors_.begin(), errors_.end(), [&](const StoredError& error) {
      return !(error.timestamp > cutoff);
    });
    removed = static_cast<std::size_t>(errors_.end() - end);
    errors_.erase(end, errors_.end());
    if (removed == 0) return 0;
    ++generation_;
  }
  persist();
  return removed;
}

void ErrorStore::clear() {
  {
    MutexLock lock(mutex_);
    errors_.clear();
    ++generation_;
  }
  persist();
}

std::size_t ErrorStore::count() const {
  MutexLock lock(mutex_);
  return errors_.size();
}

std::size_t ErrorStore::unviewedCount() const {
  MutexLock lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      errors_.begin(), errors_.end(), [](const StoredError& error) { return !error.viewed; }));
}

std::size_t ErrorStore::recentCount(std::chrono::nanoseconds window) const {
  MutexLock lock(mutex_);
  sdk::Time cutoff = currentTime(clock_) - window;
  return static_cast<std::size_t>(
      std::count_if(errors_.begin(), errors_.end(),
                    [&](const StoredError& error) { return error.timestamp > cutoff; }));
}

std::optional<StoredError> ErrorStore::lastError() const {
  MutexLock lock(mutex_);
  auto newest = std::max_element(
      errors_.begin(), errors_.end(),
      [](const StoredError& a, const StoredError& b) { return a.timestamp < b.timestamp; });
  if (newest == errors_.end()) return std::nullopt;
  return *newest;
}

Poco::JSON::Object::Ptr ErrorStore::toJson(const StoredError& error) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("id", error.id);
  out->set("message", error.message);
  out->set("code", error.code);
  out->set("timestamp", sdk::formatTime(error.timestamp));
  out->set("viewed", error.viewed);
  out->set("severity", error.severity);
  return out;
}

Poco::JSON::Array::Ptr ErrorStore::unviewedJson() const {
  Poco::JSON::Array::Ptr out = sdk::emptyList();
  for (const StoredError& error : unviewed()) out->add(toJson(error));
  return out;
}

bool ErrorStore::persisted() const {
  MutexLock write_lock(write_mutex_);
  return !write_failing_;
}

void ErrorStore::persist() {
  MutexLock write_lock(write_mutex_);
  std::uint64_t generation;
  std::string text;
  {
    MutexLock lock(mutex_);
    generation = generation_;
    // A later persist() already wrote this state (or a newer one).
    if (generation == written_generation_) return;
    text = serialize(errors_);
  }
  try {
    files::writeAtomically(path_, text, 0600);
    written_generation_ = generation;
    if (write_failing_) logger().information("error store %s written again", path_.string());
    write_failing_ = false;
  } catch (const std::exception& error) {
    // Logged once per failing streak: a full disk must not also fill the log.
    if (!write_failing_) {
      logger().warning("cannot save error store (kept in memory): %s", std::string(error.what()));
    }
    write_failing_ = true;
  }
}

}  // namespace oxd::core
