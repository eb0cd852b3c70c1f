#include "oxctl/status/Format.h"

#include <ctime>

namespace oxd::cli::status {

std::string ageText(std::chrono::nanoseconds span) {
  std::int64_t seconds = (span.count() + 500'000'000) / 1'000'000'000;
  if (span.count() < 0 || seconds < 0) seconds = 0;
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 86400) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

std::string relative(TimePoint time, TimePoint now) {
  return ageText(std::chrono::duration_cast<std::chrono::nanoseconds>(now - time)) + " ago";
}

std::string shortenPath(std::string_view path, const std::filesystem::path& home) {
  std::string prefix = home.native();
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  if (prefix.empty() || prefix == "/") return std::string(path);
  if (path == prefix) return "~";
  if (path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '/') {
    return "~" + std::string(path.substr(prefix.size()));
  }
  return std::string(path);
}

std::size_t displayWidth(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;  // skip continuation bytes
  }
  return width;
}

std::string padRight(std::string_view text, std::size_t width) {
  std::string out(text);
  std::size_t have = displayWidth(text);
  if (have < width) out.append(width - have, ' ');
  return out;
}

std::string keyValue(std::string_view key, std::string_view value, const Style& style) {
  return "  " + style.grey(padRight(std::string(key) + ":", 12)) + " " + std::string(value);
}

std::string localClock(TimePoint time) {
  std::time_t seconds = Clock::to_time_t(time);
  std::tm local{};
  if (!localtime_r(&seconds, &local)) return "--:--:--";
  char buffer[16];
  std::size_t length = std::strftime(buffer, sizeof buffer, "%H:%M:%S", &local);
  return std::string(buffer, length);
}

}  // namespace oxd::cli::status
