#include "runtime/Scheduler.h"

#include "Concurrency.h"

#include "runtime/WorkerPool.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace oxd::core {
namespace {

using oxd::testing::eventually;
using oxd::testing::Latch;

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

sdk::TaskSchedule every(std::chrono::milliseconds interval) {
  sdk::TaskSchedule schedule;
  schedule.interval = interval;
  return schedule;
}

class SchedulerTest : public ::testing::Test {
 protected:
  WorkerPool pool_{4, 64};
  Scheduler scheduler_{pool_};
};

TEST_F(SchedulerTest, NeverOverlapsAndMeasuresTheIntervalFromTheEnd) {
  std::mutex mutex;
  std::vector<std::pair<Clock::time_point, Clock::time_point>> runs;
  std::atomic<int> concurrent{0};
  std::atomic<int> max_concurrent{0};
  scheduler_.add({"demo", "slow", every(10ms),
                  [&](const sdk::StopToken&) {
                    int now = ++concurrent;
                    max_concurrent = std::max(max_concurrent.load(), now);
                    auto started = Clock::now();
                    std::this_thread::sleep_for(25ms);
                    --concurrent;
                    std::lock_guard lock(mutex);
                    runs.emplace_back(started, Clock::now());
                  },
                  nullptr});
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return runs.size() >= 4;
  }));
  scheduler_.cancel("demo");
  EXPECT_EQ(max_concurrent.load(), 1);
  std::lock_guard lock(mutex);
  for (std::size_t i = 1; i < runs.size(); ++i) {
    EXPECT_GE(runs[i].first - runs[i - 1].second, 10ms) << "run " << i;
  }
}

TEST(SchedulerDelayTest, JitterStaysWithinBounds) {
  sdk::TaskSchedule schedule = every(100ms);
  schedule.jitter = 40ms;
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 0, 0.0), 100ms);
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 0, 1.0), 140ms);
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 0, 0.5), 120ms);
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 0, 7.0), 140ms);  // clamped
}

TEST(SchedulerDelayTest, BackoffDoublesPerFailureUpToTheCap) {
  sdk::TaskSchedule schedule = every(10ms);
  schedule.max_backoff = 50ms;
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 0, 0), 10ms);
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 1, 0), 20ms);
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 2, 0), 40ms);
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 3, 0), 50ms);
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 1000, 0), 50ms);  // no overflow
  schedule.max_backoff = 1ms;  // a cap below the interval never runs a task more often
  EXPECT_EQ(Scheduler::delayAfterRun(schedule, 3, 0), 10ms);
}

TEST_F(SchedulerTest, JitteredRunsStayWithinIntervalPlusJitter) {
  std::mutex mutex;
  std::vector<Clock::time_point> ends;
  std::vector<Clock::time_point> starts;
  sdk::TaskSchedule schedule = every(10ms);
  schedule.jitter = 10ms;
  scheduler_.add({"demo", "jitter", schedule,
                  [&](const sdk::StopToken&) {
                    std::lock_guard lock(mutex);
                    starts.push_back(Clock::now());
                    ends.push_back(Clock::now());
                  },
                  nullptr});
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return starts.size() >= 6;
  }));
  scheduler_.cancel("demo");
  std::lock_guard lock(mutex);
  for (std::size_t i = 1; i < starts.size(); ++i) EXPECT_GE(starts[i] - ends[i - 1], 10ms);
}

TEST_F(SchedulerTest, ATaskDueAtStartRunsAtOnceWhateverItsJitter) {
  std::atomic<int> runs{0};
  sdk::TaskSchedule schedule = every(1h);
  schedule.jitter = 1h;
  scheduler_.add(
      {"demo", "due-at-start", schedule, [&](const sdk::StopToken&) { ++runs; }, nullptr});
  EXPECT_TRUE(eventually([&] { return runs.load() == 1; }));
  scheduler_.cancel("demo");
}

TEST_F(SchedulerTest, BacksOffAfterFailuresAndResetsOnSuccess) {
  auto gate = std::make_shared<CallGate>();
  std::mutex mutex;
  std::vector<Clock::time_point> starts;
  sdk::TaskSchedule schedule = every(15ms);
  schedule.max_backoff = 1s;
  scheduler_.add({"demo", "flaky", schedule,
                  [&](const sdk::StopToken&) {
                    std::lock_guard lock(mutex);
                    starts.push_back(Clock::now());
                    if (starts.size() <= 3)
                      throw std::runtime_error("failure " + std::to_string(starts.size()));
                  },
                  gate});
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return starts.size() >= 6;
  }));
  scheduler_.cancel("demo");
  std::lock_guard lock(mutex);
  // Gaps after failures 1, 2, 3: 30, 60, 120 ms; after the first success: 15 ms again.
  EXPECT_GE(starts[1] - starts[0], 30ms);
  EXPECT_GE(starts[2] - starts[1], 60ms);
  EXPECT_GE(starts[3] - starts[2], 120ms);
  EXPECT_LT(starts[4] - starts[3], starts[3] - starts[2]);
  EXPECT_LT(starts[5] - starts[4], 120ms);
  PluginCounters counters = gate->counters();
  EXPECT_EQ(counters.errors, 3u);
  EXPECT_EQ(counters.last_error, "failure 3");
  EXPECT_GE(counters.task_runs, 6u);
}

TEST_F(SchedulerTest, RunNowRunsAtOnce) {
  std::atomic<int> runs{0};
  sdk::TaskSchedule schedule = every(1h);
  schedule.initial_delay = 1h;
  auto id =
      scheduler_.add({"demo", "lazy", schedule, [&](const sdk::StopToken&) { ++runs; }, nullptr});
  EXPECT_EQ(runs.load(), 0);
  EXPECT_TRUE(scheduler_.runNow(id));
  EXPECT_TRUE(eventually([&] { return runs.load() == 1; }));
  EXPECT_FALSE(scheduler_.runNow(id + 1000));
}

TEST_F(SchedulerTest, RunNowWhileRunningCoalescesIntoOneMoreRun) {
  Latch started;
  Latch release;
  std::atomic<int> runs{0};
  sdk::TaskSchedule schedule = every(1h);
  auto id = scheduler_.add({"demo", "blocking", schedule,
                            [&](const sdk::StopToken&) {
                              if (++runs == 1) {
                                started.open();
                                release.wait();
                              }
                            },
                            nullptr});
  started.wait();
  for (int i = 0; i < 5; ++i) scheduler_.runNow(id);
  release.open();
  EXPECT_TRUE(eventually([&] { return runs.load() == 2; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 2);
}

TEST_F(SchedulerTest, CancelWakesASleepingTaskAndWaitsForIt) {
  std::atomic<bool> sleeping{false};
  std::atomic<bool> finished{false};
  std::atomic<bool> woke_early{false};
  scheduler_.add({"demo", "sleeper", every(10ms),
                  [&](const sdk::StopToken& token) {
                    sleeping = true;
                    woke_early = !token.sleepFor(10s) && token.stopRequested();
                    finished = true;
                  },
                  nullptr});
  ASSERT_TRUE(eventually([&] { return sleeping.load(); }));
  auto started = Clock::now();
  EXPECT_TRUE(scheduler_.cancel("demo"));
  EXPECT_LT(Clock::now() - started, 1s);
  EXPECT_TRUE(finished.load());
  EXPECT_TRUE(woke_early.load());
  EXPECT_EQ(scheduler_.taskCount("demo"), 0u);
}

TEST_F(SchedulerTest, CancelWaitsForATaskThatIgnoresItsToken) {
  std::atomic<bool> running{false};
  std::atomic<bool> finished{false};
  scheduler_.add({"demo", "stubborn", every(10ms),
                  [&](const sdk::StopToken&) {
                    running = true;
                    std::this_thread::sleep_for(100ms);
                    finished = true;
                  },
                  nullptr});
  scheduler_.add({"other", "keeps", every(1h), [](const sdk::StopToken&) {}, nullptr});
  ASSERT_TRUE(eventually([&] { return running.load(); }));
  EXPECT_TRUE(scheduler_.cancel("demo"));
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(scheduler_.taskCount("other"), 1u);
}

TEST_F(SchedulerTest, CancelGivesUpAfterItsTimeout) {
  std::atomic<bool> running{false};
  Latch release;
  scheduler_.add({"demo", "hung", every(10ms),
                  [&](const sdk::StopToken&) {
                    running = true;
                    release.wait();
                  },
                  nullptr});
  ASSERT_TRUE(eventually([&] { return running.load(); }));
  EXPECT_FALSE(scheduler_.cancel("demo", 30ms));
  release.open();
  scheduler_.stop();  // waits for the run that cancel() gave up on: it references our locals
}

TEST_F(SchedulerTest, TimerThreadSleepsWhenIdle) {
  // Idle: no task at all, then one far in the future. The timer must not wake in between.
  std::this_thread::sleep_for(20ms);
  auto idle = scheduler_.timerWakeupsForTest();
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(scheduler_.timerWakeupsForTest(), idle);
  sdk::TaskSchedule schedule = every(1h);
  schedule.initial_delay = 1h;
  scheduler_.add({"demo", "far", schedule, [](const sdk::StopToken&) {}, nullptr});
  std::this_thread::sleep_for(20ms);
  auto waiting = scheduler_.timerWakeupsForTest();
  EXPECT_LE(waiting, idle + 1);
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(scheduler_.timerWakeupsForTest(), waiting);
}

TEST_F(SchedulerTest, ASlowTaskDoesNotDelayAnother) {
  Latch release;
  std::atomic<int> fast_runs{0};
  scheduler_.add(
      {"slow", "blocks", every(10ms), [&](const sdk::StopToken&) { release.wait(); }, nullptr});
  scheduler_.add(
      {"fast", "ticks", every(10ms), [&](const sdk::StopToken&) { ++fast_runs; }, nullptr});
  EXPECT_TRUE(eventually([&] { return fast_runs.load() >= 5; }));
  release.open();
  scheduler_.stop();
}

TEST_F(SchedulerTest, ClosedGateSkipsRuns) {
  auto gate = std::make_shared<CallGate>();
  gate->close();
  std::atomic<int> runs{0};
  scheduler_.add({"demo", "gated", every(5ms), [&](const sdk::StopToken&) { ++runs; }, gate});
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs.load(), 0);
  EXPECT_EQ(gate->counters().task_runs, 0u);
}

class CapturingChannel final : public Poco::Channel {
 public:
  void log(const Poco::Message& message) override {
    std::lock_guard lock(mutex_);
    texts_.push_back(message.getText());
  }
  bool contains(const std::string& needle) {
    std::lock_guard lock(mutex_);
    for (const auto& text : texts_) {
      if (text.find(needle) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> texts_;
};

TEST_F(SchedulerTest, ARunLongerThanItsIntervalLogsAWarning) {
  Poco::AutoPtr<CapturingChannel> channel = new CapturingChannel;
  auto& logger = Poco::Logger::get("oxd.scheduler");
  Poco::Channel::Ptr previous = logger.getChannel();
  logger.setChannel(channel);
  std::atomic<int> runs{0};
  scheduler_.add({"demo", "long", every(5ms),
                  [&](const sdk::StopToken&) {
                    std::this_thread::sleep_for(15ms);
                    ++runs;
                  },
                  nullptr});
  EXPECT_TRUE(eventually([&] { return channel->contains("task demo/long ran for"); }));
  scheduler_.stop();
  logger.setChannel(previous);
}

TEST_F(SchedulerTest, StopWakesSleepingTasksAndRefusesToRunMore) {
  std::atomic<bool> sleeping{false};
  std::atomic<int> runs{0};
  scheduler_.add({"demo", "sleeper", every(5ms),
                  [&](const sdk::StopToken& token) {
                    ++runs;
                    sleeping = true;
                    token.sleepFor(10s);
                  },
                  nullptr});
  ASSERT_TRUE(eventually([&] { return sleeping.load(); }));
  auto started = Clock::now();
  scheduler_.stop();
  EXPECT_LT(Clock::now() - started, 1s);
  scheduler_.add(
      {"demo", "late", every(5ms), [&](const sdk::StopToken&) { runs += 100; }, nullptr});
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(runs.load(), 1);
}

TEST_F(SchedulerTest, RefusesANonPositiveInterval) {
  EXPECT_THROW(scheduler_.add({"demo", "zero", every(0ms), [](const sdk::StopToken&) {}, nullptr}),
               std::invalid_argument);
}

}  // namespace
}  // namespace oxd::core
