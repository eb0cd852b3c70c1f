#include "state/RestartThrottle.h"

#include "common/AtomicFile.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <exception>
#include <sstream>
#include <utility>

namespace oxd::core {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("oxd.restarts"); }

// Every stamp the file holds; anything unreadable counts as no history.
std::vector<sdk::Time> readHistory(const std::filesystem::path& file) {
  std::vector<sdk::Time> stamps;
  try {
    auto text = files::readWhole(file);
    if (!text) return stamps;
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(*text);
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) return stamps;
    auto restarts = root.extract<Poco::JSON::Object::Ptr>()->getArray("restarts");
    if (!restarts) return stamps;
    for (std::size_t i = 0; i < restarts->size(); ++i) {
      const Poco::Dynamic::Var& item = restarts->get(i);
      if (!item.isString()) continue;
      if (auto stamp = sdk::parseTime(item.extract<std::string>())) stamps.push_back(*stamp);
    }
  } catch (const std::exception& error) {
    logger().debug("restart history unreadable, starting fresh: %s", std::string(error.what()));
    stamps.clear();
  }
  std::sort(stamps.begin(), stamps.end());
  return stamps;
}

std::vector<sdk::Time> withinWindow(std::vector<sdk::Time> stamps, sdk::Time now) {
  sdk::Time cutoff = now - RestartThrottle::kWindow;
  std::erase_if(stamps, [&](sdk::Time stamp) { return stamp <= cutoff || stamp > now; });
  return stamps;
}

}  // namespace

RestartThrottle::RestartThrottle(std::filesystem::path history_file, TimeSource clock)
    : file_(std::move(history_file)), clock_(std::move(clock)) {}

std::chrono::milliseconds RestartThrottle::delayFor(int recent_starts) {
  if (recent_starts < 3) return std::chrono::milliseconds{0};
  int exponent = std::min(recent_starts - 3, 8);  // 5 s × 2^5 already passes the cap
  std::chrono::milliseconds delay = kBase * (1 << exponent);
  return std::min<std::chrono::milliseconds>(delay, kCap);
}

std::vector<sdk::Time> RestartThrottle::recentStarts() const {
  std::lock_guard lock(mutex_);
  return withinWindow(readHistory(file_), currentTime(clock_));
}

std::chrono::milliseconds RestartThrottle::delay() const {
  return delayFor(static_cast<int>(recentStarts().size()));
}

std::chrono::milliseconds RestartThrottle::recordStart() {
  std::lock_guard lock(mutex_);
  sdk::Time now = currentTime(clock_);
  std::vector<sdk::Time> stamps = withinWindow(readHistory(file_), now);
  std::chrono::milliseconds wait = delayFor(static_cast<int>(stamps.size()));
  stamps.push_back(now);
  Poco::JSON::Array::Ptr restarts = sdk::emptyList();
  for (sdk::Time stamp : stamps) restarts->add(sdk::formatTime(stamp));
  Poco::JSON::Object::Ptr document = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  document->set("restarts", restarts);
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(document, text);
  text << '\n';
  try {
    files::writeAtomically(file_, text.str(), 0600);
  } catch (const std::exception& error) {
    logger().warning("cannot save restart history: %s", std::string(error.what()));
  }
  return wait;
}

}  // namespace oxd::core
