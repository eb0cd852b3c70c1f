#pragma once
// How every streaming command (send of a streaming type; later sync, checkout, index) shows the
// progress lines (docs/protocol.md#progress-lines) while it waits for the final reply:
//   terminal (stderr is a tty, no --json): one line on stderr, redrawn in place with \r: a bar,
//                                          the percent, the stage, counts and rate, the message;
//   otherwise:                             one plain line per update on stdout;
//   --json:                                each progress line as received, one per line.
// Drawing on stderr keeps stdout for the result, so `oxctl send sync | jq` still shows a bar.
//
// Also owns Ctrl-C: the handler erases a drawn line, prints "cancelled" and exits 130 (the
// daemon sees the connection close and cancels the request on its side).

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace oxd::cli {

// The progress object of one line. `current`/`total`/`unit` are optional extensions: the SDK's
// Progress sends only stage, percent and message today; a handler that adds counts gets a rate.
struct ProgressUpdate {
  std::string stage;
  std::string message;
  std::optional<int> percent;  // 0..100; derived from current/total when absent
  std::optional<std::int64_t> current;
  std::optional<std::int64_t> total;
  bool bytes = false;  // "unit": "bytes": counts and rate are shown as sizes
};

ProgressUpdate parseProgress(const nlohmann::json& progress_line);

// "[stage] 40% 12/30 message" (each part only when present): the line for pipes and logs.
std::string plainProgressLine(const ProgressUpdate& update);
// "[========>           ]  40% stage 12/30 3.1 items/s message", cut to `columns` characters.
std::string terminalProgressLine(const ProgressUpdate& update, std::optional<double> rate,
                                 std::size_t columns);
// "3.1 items/s", "1.5 MiB/s".
std::string formatRate(double per_second, bool bytes);
// "1.5 MiB", "812 B" (binary units, one decimal above KiB).
std::string formatBytes(double bytes);

// Items (or bytes) per second since the counts of the current stage started; restarts when the
// stage changes or the count goes backwards. No rate until 200 ms have passed.
class RateMeter {
 public:
  using Clock = std::chrono::steady_clock;
  std::optional<double> sample(const ProgressUpdate& update, Clock::time_point now);

 private:
  std::string stage_;
  std::optional<std::pair<Clock::time_point, std::int64_t>> first_;
  std::int64_t last_ = 0;
};

class ProgressRenderer {
 public:
  enum class Mode { Terminal, Lines, Json };
  static Mode chooseMode(bool json);  // Terminal only when stderr is a terminal

  explicit ProgressRenderer(Mode mode);
  ~ProgressRenderer();  // erases a drawn line, so an error message starts on a clean line
  ProgressRenderer(const ProgressRenderer&) = delete;
  ProgressRenderer& operator=(const ProgressRenderer&) = delete;

  void show(const nlohmann::json& progress_line);
  void finish();  // erases the terminal line; idempotent

 private:
  Mode mode_;
  std::size_t columns_;
  std::size_t drawn_ = 0;  // characters of the line now on stderr
  RateMeter rate_;
};

// SIGINT → erase the progress line (if any), "cancelled" on stderr, _exit(130). Installed once
// by run(); only async-signal-safe calls in the handler.
void installInterruptHandler();

}  // namespace oxd::cli
