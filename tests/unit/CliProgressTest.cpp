// The progress renderer's pure parts: what a progress line (docs/protocol.md#progress-lines)
// becomes on a pipe and on a terminal, and the rate shown when a handler sends counts.

#include <gtest/gtest.h>

#include "oxctl/Progress.h"

namespace oxd::cli {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

ProgressUpdate parse(const json& progress) {
  return parseProgress({{"progress", progress}, {"success", false}});
}

TEST(CliProgressTest, PlainLineShowsWhatTheLineCarries) {
  EXPECT_EQ(
      plainProgressLine(parse({{"stage", "fetching"}, {"message", "Fetching from remote..."}})),
      "[fetching] Fetching from remote...");
  EXPECT_EQ(plainProgressLine(parse({{"stage", "two"}, {"percent", 66}, {"message", ""}})),
            "[two] 66%");
  EXPECT_EQ(plainProgressLine(parse({{"stage", ""}, {"message", "Syncing 2 team contexts"}})),
            "Syncing 2 team contexts");
  EXPECT_EQ(plainProgressLine(parse({{"stage", "index"}, {"current", 3}, {"total", 12}})),
            "[index] 25% 3/12");
  EXPECT_EQ(plainProgressLine(parseProgress({{"progress", nullptr}})), "[progress]");
}

TEST(CliProgressTest, PercentIsClampedAndDerivedFromCounts) {
  EXPECT_EQ(parse({{"percent", 140}}).percent, 100);
  EXPECT_EQ(parse({{"percent", -3}}).percent, 0);
  EXPECT_EQ(parse({{"current", 1}, {"total", 4}}).percent, 25);
  EXPECT_EQ(parse({{"current", 1}, {"total", 0}}).percent, std::nullopt);
}

TEST(CliProgressTest, TerminalLineHasABarPercentStageAndRate) {
  ProgressUpdate update = parse({{"stage", "cloning"}, {"percent", 50}, {"message", "ledger"}});
  EXPECT_EQ(terminalProgressLine(update, std::nullopt, 80),
            "[=========>          ]  50% cloning ledger");
  update = parse({{"stage", "index"}, {"current", 30}, {"total", 120}});
  EXPECT_EQ(terminalProgressLine(update, 12.5, 80),
            "[====>               ]  25% index 30/120 12.5 items/s");
  EXPECT_EQ(terminalProgressLine(parse({{"stage", "done"}, {"percent", 100}}), std::nullopt, 80),
            "[====================] 100% done");
  EXPECT_EQ(terminalProgressLine(parse({{"stage", "skipped"}, {"message", "Remote unchanged"}}),
                                 std::nullopt, 80),
            "skipped Remote unchanged");
}

TEST(CliProgressTest, TerminalLineNeverWrapsAndKeepsUtf8Whole) {
  ProgressUpdate update = parse({{"stage", "s"}, {"message", std::string(200, 'x')}});
  EXPECT_EQ(terminalProgressLine(update, std::nullopt, 40).size(), 39u);
  update = parse({{"stage", "é"}, {"message", "ééééé"}});
  EXPECT_EQ(terminalProgressLine(update, std::nullopt, 5), "é éé");
}

TEST(CliProgressTest, ByteCountsShowAsSizesAndRatesAsBytesPerSecond) {
  ProgressUpdate update = parse({{"stage", "download"},
                                 {"current", 3 * 1024 * 1024},
                                 {"total", 12 * 1024 * 1024},
                                 {"unit", "bytes"}});
  EXPECT_EQ(terminalProgressLine(update, 1536.0 * 1024, 100),
            "[====>               ]  25% download 3.0 MiB/12.0 MiB 1.5 MiB/s");
  EXPECT_EQ(formatRate(0.5, false), "0.5 items/s");
  EXPECT_EQ(formatRate(250, false), "250 items/s");
  EXPECT_EQ(formatBytes(812), "812 B");
  EXPECT_EQ(formatRate(2048, true), "2.0 KiB/s");
}

TEST(CliProgressTest, RateIsPerStageAndWaitsForAShortWindow) {
  RateMeter meter;
  auto start = RateMeter::Clock::time_point{} + 1h;
  EXPECT_EQ(meter.sample(parse({{"stage", "a"}, {"current", 10}}), start), std::nullopt);
  EXPECT_EQ(meter.sample(parse({{"stage", "a"}, {"current", 15}}), start + 100ms), std::nullopt);
  EXPECT_DOUBLE_EQ(*meter.sample(parse({{"stage", "a"}, {"current", 30}}), start + 2s), 10.0);
  // A new stage starts counting afresh.
  EXPECT_EQ(meter.sample(parse({{"stage", "b"}, {"current", 0}}), start + 3s), std::nullopt);
  EXPECT_DOUBLE_EQ(*meter.sample(parse({{"stage", "b"}, {"current", 40}}), start + 7s), 10.0);
  // No counts, no rate.
  EXPECT_EQ(meter.sample(parse({{"stage", "b"}, {"percent", 5}}), start + 8s), std::nullopt);
}

}  // namespace
}  // namespace oxd::cli
