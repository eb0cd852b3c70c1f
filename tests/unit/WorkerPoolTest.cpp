#include "runtime/WorkerPool.h"

#include "Concurrency.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace oxd::core {
namespace {

using oxd::testing::eventually;
using oxd::testing::Latch;

WorkerPool::Options options(std::size_t threads, std::size_t core_threads,
                            std::size_t capacity = 64) {
  WorkerPool::Options result;
  result.threads = threads;
  result.core_threads = core_threads;
  result.queue_capacity = capacity;
  return result;
}

std::set<std::string> threadNames() {
  std::set<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  return names;
}

TEST(WorkerPoolTest, OneOwnerNeverHoldsEveryWorker) {
  WorkerPool pool(options(4, 0));
  EXPECT_EQ(pool.perOwnerLimit(), 3u);
  Latch release;
  std::atomic<int> started{0};
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(pool.submit("sync", [&] {
      ++started;
      release.wait();
    }));
  }
  ASSERT_TRUE(eventually([&] { return started == 3; }));
  std::atomic<bool> other_ran{false};
  ASSERT_TRUE(pool.submit("whisper", [&] { other_ran = true; }));
  EXPECT_TRUE(eventually([&] { return other_ran.load(); }));
  EXPECT_EQ(started.load(), 3);  // still capped: the other three wait in sync's own queue
  EXPECT_EQ(pool.running("sync"), 3u);
  EXPECT_EQ(pool.queued(), 3u);
  release.open();
  EXPECT_TRUE(eventually([&] { return started == 6; }));
}

TEST(WorkerPoolTest, CoreJobsRunInTheirLaneWhileEveryPluginWorkerIsBusy) {
  WorkerPool pool(options(2, 1));
  Latch release;
  std::atomic<int> started{0};
  for (const char* owner : {"sync", "codedb"}) {
    ASSERT_TRUE(pool.submit(owner, [&] {
      ++started;
      release.wait();
    }));
  }
  ASSERT_TRUE(eventually([&] { return started == 2; }));
  std::atomic<bool> core_ran{false};
  ASSERT_TRUE(pool.submit([&] { core_ran = true; }));
  EXPECT_TRUE(eventually([&] { return core_ran.load(); }));
  release.open();
}

TEST(WorkerPoolTest, TheCoreLaneNeverRunsPluginJobs) {
  WorkerPool pool(options(1, 1));
  Latch release;
  std::atomic<bool> first{false}, second{false};
  ASSERT_TRUE(pool.submit("sync", [&] {
    first = true;
    release.wait();
  }));
  ASSERT_TRUE(eventually([&] { return first.load(); }));
  ASSERT_TRUE(pool.submit("codedb", [&] { second = true; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(second.load());  // the core thread is idle, but plugin work is not its to run
  release.open();
  EXPECT_TRUE(eventually([&] { return second.load(); }));
}

TEST(WorkerPoolTest, OwnersTakeTurns) {
  WorkerPool pool(options(1, 0));
  Latch release;
  Latch busy;
  ASSERT_TRUE(pool.submit("blocker", [&] {
    busy.open();
    release.wait();
  }));
  busy.wait();
  std::mutex mutex;
  std::string order;
  auto record = [&](char c) {
    return [&, c] {
      std::lock_guard lock(mutex);
      order += c;
    };
  };
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.submit("a", record('a')));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.submit("b", record('b')));
  release.open();
  pool.stop();
  EXPECT_EQ(order, "ababab");
}

TEST(WorkerPoolTest, TheQueueBoundCountsEveryOwner) {
  WorkerPool pool(options(1, 0, 2));
  Latch release;
  Latch busy;
  ASSERT_TRUE(pool.submit("a", [&] {
    busy.open();
    release.wait();
  }));
  busy.wait();
  EXPECT_TRUE(pool.submit("a", [] {}));
  EXPECT_TRUE(pool.submit("b", [] {}));
  EXPECT_FALSE(pool.submit("c", [] {}));
  EXPECT_FALSE(pool.submit([] {}));
  release.open();
  pool.stop();
  EXPECT_FALSE(pool.submit("a", [] {}));  // stopped
}

TEST(WorkerPoolTest, StopRunsEveryQueuedJobOfACappedOwner) {
  WorkerPool pool(options(3, 1));
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(pool.submit("sync", [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ++ran;
    }));
  }
  pool.stop();
  EXPECT_EQ(ran.load(), 50);
}

TEST(WorkerPoolTest, ThreadsAreNamed) {
  WorkerPool pool(options(2, 1));
  auto names = threadNames();
  EXPECT_TRUE(eventually([&] {
    names = threadNames();
    return names.count("oxd-worker-0") && names.count("oxd-worker-1") && names.count("oxd-core-0");
  }));
}

}  // namespace
}  // namespace oxd::core
