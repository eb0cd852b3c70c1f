// The sparkline of docs/behavior.md#oxctl-status: how busy syncing was over the last four hours,
// one glyph per 5 minutes.

#include <array>

#include "oxctl/status/Render.h"

namespace oxd::cli::status {
namespace {

constexpr int kBuckets = 48;
constexpr auto kBucketWidth = std::chrono::minutes(5);
constexpr auto kWindow = kBucketWidth * kBuckets;  // 4 h
constexpr std::array<const char*, 8> kLevels{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr std::size_t kMarkerWidth = 51;
constexpr std::size_t kIndent = 17;  // width of "  Activity (4h)  "

}  // namespace

std::string sparkline(const std::vector<TimePoint>& events, TimePoint now) {
  if (events.empty()) {
    std::string line;
    for (int i = 0; i < kBuckets + 1; ++i) line += "─";
    return line;
  }
  std::array<int, kBuckets> counts{};
  TimePoint start = now - kWindow;
  for (TimePoint event : events) {
    if (event < start || event > now) continue;
    auto index = (event - start) / kBucketWidth;
    // An event exactly at `now` closes the last bucket rather than opening a 49th.
    if (index >= kBuckets) index = kBuckets - 1;
    ++counts[static_cast<std::size_t>(index)];
  }
  int max = 0;
  for (int count : counts) max = std::max(max, count);
  std::string line;
  for (int i = 0; i < kBuckets; ++i) {
    if (i == 12 || i == 24 || i == 36) line += "|";
    int count = counts[static_cast<std::size_t>(i)];
    int level = 0;
    if (count > 0) level = std::max(1, count * 7 / max);
    line += kLevels[static_cast<std::size_t>(level)];
  }
  return line;
}

std::string activitySection(const std::vector<SyncEventView>& history,
                            const RenderContext& context) {
  if (history.empty()) return "";
  std::vector<TimePoint> times;
  times.reserve(history.size());
  for (const SyncEventView& event : history) times.push_back(event.time);
  Style style(context.colour);
  std::string markers(kMarkerWidth, ' ');
  markers.replace(0, 6, "4h ago");
  markers.replace(24, 2, "2h");
  markers.replace(48, 3, "now");
  return "\n\n  " + style.grey("Activity (4h)") + "  " + sparkline(times, context.now) + "\n" +
         std::string(kIndent, ' ') + style.grey(markers);
}

}  // namespace oxd::cli::status
