#include "oxctl/Progress.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "oxctl/Output.h"

namespace oxd::cli {
namespace {

constexpr std::size_t kBarWidth = 20;
constexpr std::size_t kDefaultColumns = 80;
constexpr std::chrono::milliseconds kMinRateWindow{200};

// Characters of the progress line on stderr right now, for the SIGINT handler.
volatile sig_atomic_t g_drawn_characters = 0;

std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The longest prefix of `text` with at most `limit` characters, never splitting a UTF-8
// sequence.
std::string_view cutToCharacters(std::string_view text, std::size_t limit) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (seen == limit) return text.substr(0, i);
    ++seen;
  }
  return text;
}

std::optional<std::int64_t> integerField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  return it->is_number_float() ? static_cast<std::int64_t>(it->get<double>())
                               : it->get<std::int64_t>();
}

std::string stringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string counts(const ProgressUpdate& update) {
  if (!update.current) return "";
  auto show = [&](std::int64_t value) {
    return update.bytes ? formatBytes(static_cast<double>(value)) : std::to_string(value);
  };
  std::string text = show(*update.current);
  if (update.total) text += "/" + show(*update.total);
  return text;
}

void append(std::string& text, std::string_view part) {
  if (part.empty()) return;
  if (!text.empty()) text += ' ';
  text += part;
}

std::size_t terminalColumns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    long value = std::strtol(columns, nullptr, 10);
    if (value > 0) return static_cast<std::size_t>(value);
  }
  return kDefaultColumns;
}

void writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written <= 0) return;
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

// Carriage return, `count` spaces, carriage return: async-signal-safe, no allocation.
void eraseLine(std::size_t count) {
  static const char kSpaces[] = "                                                                ";
  writeAll(STDERR_FILENO, "\r", 1);
  while (count > 0) {
    std::size_t chunk = std::min(count, sizeof kSpaces - 1);
    writeAll(STDERR_FILENO, kSpaces, chunk);
    count -= chunk;
  }
  writeAll(STDERR_FILENO, "\r", 1);
}

extern "C" void onInterrupt(int) {
  if (g_drawn_characters > 0) eraseLine(static_cast<std::size_t>(g_drawn_characters));
  static const char kCancelled[] = "cancelled\n";
  writeAll(STDERR_FILENO, kCancelled, sizeof kCancelled - 1);
  ::_exit(kExitCancelled);
}

}  // namespace

ProgressUpdate parseProgress(const nlohmann::json& progress_line) {
  ProgressUpdate update;
  auto found = progress_line.find("progress");
  if (found == progress_line.end() || !found->is_object()) return update;
  const nlohmann::json& progress = *found;
  update.stage = stringField(progress, "stage");
  update.message = stringField(progress, "message");
  update.current = integerField(progress, "current");
  update.total = integerField(progress, "total");
  update.bytes = stringField(progress, "unit") == "bytes";
  if (auto percent = integerField(progress, "percent")) {
    update.percent = static_cast<int>(std::clamp<std::int64_t>(*percent, 0, 100));
  } else if (update.current && update.total && *update.total > 0) {
    update.percent =
        static_cast<int>(std::clamp<std::int64_t>(*update.current * 100 / *update.total, 0, 100));
  }
  return update;
}

std::string plainProgressLine(const ProgressUpdate& update) {
  std::string text;
  if (!update.stage.empty()) text = "[" + update.stage + "]";
  if (update.percent) append(text, std::to_string(*update.percent) + "%");
  append(text, counts(update));
  append(text, update.message);
  return text.empty() ? "[progress]" : text;
}

std::string formatBytes(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%.0f %s", bytes, kUnits[unit]);
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", bytes, kUnits[unit]);
  }
  return text;
}

std::string formatRate(double per_second, bool bytes) {
  if (bytes) return formatBytes(per_second) + "/s";
  char text[32];
  std::snprintf(text, sizeof text, per_second >= 100 ? "%.0f items/s" : "%.1f items/s", per_second);
  return text;
}

std::string terminalProgressLine(const ProgressUpdate& update, std::optional<double> rate,
                                 std::size_t columns) {
  std::string text;
  if (update.percent) {
    std::size_t filled = kBarWidth * static_cast<std::size_t>(*update.percent) / 100;
    std::string bar(kBarWidth, ' ');
    std::fill_n(bar.begin(), filled, '=');
    if (filled < kBarWidth && filled > 0) bar[filled - 1] = '>';
    char percent[8];
    std::snprintf(percent, sizeof percent, "%3d%%", *update.percent);
    text = "[" + bar + "] " + percent;
  }
  append(text, update.stage);
  append(text, counts(update));
  if (rate) append(text, formatRate(*rate, update.bytes));
  append(text, update.message);
  // One column less than the terminal: writing the last column wraps on some terminals.
  std::size_t limit = columns > 1 ? columns - 1 : columns;
  if (characters(text) > limit) text = std::string(cutToCharacters(text, limit));
  return text;
}

std::optional<double> RateMeter::sample(const ProgressUpdate& update, Clock::time_point now) {
  if (!update.current) return std::nullopt;
  if (!first_ || update.stage != stage_ || *update.current < last_) {
    stage_ = update.stage;
    first_ = std::make_pair(now, *update.current);
  }
  last_ = *update.current;
  auto elapsed = now - first_->first;
  if (elapsed < kMinRateWindow) return std::nullopt;
  double seconds = std::chrono::duration<double>(elapsed).count();
  return static_cast<double>(*update.current - first_->second) / seconds;
}

ProgressRenderer::Mode ProgressRenderer::chooseMode(bool json) {
  if (json) return Mode::Json;
  return ::isatty(STDERR_FILENO) ? Mode::Terminal : Mode::Lines;
}

ProgressRenderer::ProgressRenderer(Mode mode)
    : mode_(mode), columns_(mode == Mode::Terminal ? terminalColumns() : kDefaultColumns) {}

ProgressRenderer::~ProgressRenderer() { finish(); }

void ProgressRenderer::show(const nlohmann::json& progress_line) {
  if (mode_ == Mode::Json) {
    printOut(progress_line.dump());
    flushOut();
    return;
  }
  ProgressUpdate update = parseProgress(progress_line);
  if (mode_ == Mode::Lines) {
    printOut(plainProgressLine(update));
    flushOut();
    return;
  }
  std::optional<double> rate = rate_.sample(update, RateMeter::Clock::now());
  std::string line = terminalProgressLine(update, rate, columns_);
  std::size_t width = characters(line);
  std::string frame = "\r" + line;
  if (width < drawn_) frame.append(drawn_ - width, ' ');
  // The handler may run between these two statements: at worst it erases a few more columns.
  g_drawn_characters = static_cast<sig_atomic_t>(std::max(width, drawn_));
  writeAll(STDERR_FILENO, frame.data(), frame.size());
  drawn_ = width;
  g_drawn_characters = static_cast<sig_atomic_t>(width);
}

void ProgressRenderer::finish() {
  if (mode_ != Mode::Terminal || drawn_ == 0) return;
  eraseLine(drawn_);
  drawn_ = 0;
  g_drawn_characters = 0;
}

void installInterruptHandler() {
  struct sigaction action {};
  action.sa_handler = onInterrupt;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
}

}  // namespace oxd::cli
