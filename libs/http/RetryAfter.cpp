#include "http/RetryAfter.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>
#include <regex>

namespace oxd::http {

std::optional<std::chrono::seconds> ParseRetryAfter(const std::string& value,
                                                    std::chrono::system_clock::time_point now) {
  std::string text = value;
  text.erase(0, text.find_first_not_of(" \t"));
  text.erase(text.find_last_not_of(" \t") + 1);
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (text.size() > 9) return std::chrono::seconds(999999999);
    return std::chrono::seconds(std::stoll(text));
  }
  // Poco's parser accepts nearly any text; an HTTP date has a time of day and a 4-digit year.
  static const std::regex kDateLike(R"(\d{1,2}:\d{2}:\d{2})");
  static const std::regex kYear(R"(\b\d{4}\b)");
  if (!std::regex_search(text, kDateLike) || !std::regex_search(text, kYear)) return std::nullopt;
  int zone = 0;
  Poco::DateTime parsed;
  for (const std::string& format :
       {Poco::DateTimeFormat::HTTP_FORMAT, Poco::DateTimeFormat::RFC850_FORMAT,
        Poco::DateTimeFormat::ASCTIME_FORMAT}) {
    try {
      Poco::DateTimeParser::parse(format, text, parsed, zone);
      auto at = std::chrono::system_clock::from_time_t(parsed.timestamp().epochTime() - zone);
      auto wait = std::chrono::duration_cast<std::chrono::seconds>(at - now);
      return std::max(wait, std::chrono::seconds(0));
    } catch (const Poco::Exception&) {
    }
  }
  return std::nullopt;
}

}  // namespace oxd::http
