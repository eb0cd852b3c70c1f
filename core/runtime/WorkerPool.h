#pragma once
// The threads that run everything that may block or run plugin code: request handlers, one-way
// handlers, task runs, event deliveries. Every job has an owner: a plugin's name, or "" for the
// core's own work (built-in messages, slow reply writes).
//
// Two rules keep one plugin's long work (a sync holds a worker up to 120 s, an index run
// minutes) from starving anybody else:
// - The core has its own lane: `core_threads` threads that run only core jobs, so `status`,
//   `doctor`, `get_errors`… always find a thread. A lane rather than running them inline on the
//   IPC thread because some do block: `reload` and `plugin_disable` drain plugins for seconds,
//   `status` and `doctor` run plugin hooks. Idle plugin workers run core jobs too.
// - Plugin workers are shared, but one owner's jobs occupy at most `per_owner_limit` of them at
//   once (threads - 1 by default, so another plugin always finds one). Each owner has its own
//   FIFO; a worker takes the next job round-robin over the owners below their limit, so a capped
//   owner's queued jobs wait without holding up anybody else's.
// The queue bound is over all owners together: a full pool refuses (submit() is false) and the
// caller counts the drop. Idle threads sleep on condition variables: no wake-ups without work.
//
// Threads are named oxd-worker-N and oxd-core-N (top -H, perf, gdb).
//
// Thread-safe. submit() may be called from any thread, including from a job.

#include "common/Mutex.h"

#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace oxd::core {

class WorkerPool {
 public:
  using Job = std::function<void()>;

  struct Options {
    std::size_t threads = 4;       // plugin workers (they also run core jobs when idle)
    std::size_t core_threads = 0;  // the core lane; 0: core jobs share the plugin workers
    std::size_t queue_capacity = 4096;
    std::size_t per_owner_limit = 0;  // 0: threads - 1 (at least 1). Never limits the core.
  };

  explicit WorkerPool(Options options);
  WorkerPool(std::size_t threads, std::size_t queue_capacity)
      : WorkerPool(Options{threads, 0, queue_capacity, 0}) {}
  ~WorkerPool();  // stop(): pending jobs still run, then the threads are joined
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // A core job. False when the queue is full or the pool is stopping; the job is then not run.
  bool submit(Job job) { return submit(std::string(), std::move(job)); }
  // A job of `owner` ("" is the core).
  bool submit(const std::string& owner, Job job) EXCLUDES(mutex_);
  // Runs what is queued, then joins. Idempotent. Must not be called from a job.
  void stop() EXCLUDES(mutex_);
  std::size_t queued() const EXCLUDES(mutex_);
  // Jobs of `owner` running now.
  std::size_t running(const std::string& owner) const EXCLUDES(mutex_);
  std::size_t threads() const { return threads_.size(); }
  std::size_t perOwnerLimit() const { return per_owner_limit_; }
  // Workers running a job now (for the busy-workers gauge; a snapshot, exact only when idle).
  std::size_t busy() const { return busy_.load(std::memory_order_relaxed); }

 private:
  struct Owner {
    std::deque<Job> queue;
    std::size_t running = 0;
    bool in_turn = false;  // listed in turn_
  };
  enum class Lane { Plugin, Core };

  void run(Lane lane, std::size_t index);
  // The next job this lane may run, or none; counts it as running.
  bool take(Lane lane, Job& job, std::string& owner) REQUIRES(mutex_);
  void finished(const std::string& owner) REQUIRES(mutex_);
  bool runnable(const std::string& name, const Owner& owner) const REQUIRES(mutex_);
  void wakeFor(const std::string& owner) REQUIRES(mutex_);

  const std::size_t capacity_;
  const std::size_t per_owner_limit_;
  const bool has_core_lane_;
  mutable Mutex mutex_;
  CondVar plugin_wake_;  // plugin workers sleep here
  CondVar core_wake_;    // core lane threads sleep here
  std::unordered_map<std::string, Owner> owners_ GUARDED_BY(mutex_);
  // Owners with queued plugin-lane jobs, in round-robin order (the core is not listed).
  std::deque<std::string> turn_ GUARDED_BY(mutex_);
  std::size_t queued_ GUARDED_BY(mutex_) = 0;
  std::size_t idle_plugin_ GUARDED_BY(mutex_) = 0;  // threads waiting on plugin_wake_
  std::size_t idle_core_ GUARDED_BY(mutex_) = 0;    // threads waiting on core_wake_
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::atomic<std::size_t> busy_{0};
  std::vector<std::thread> threads_;  // set in the constructor, cleared by stop()
};

}  // namespace oxd::core
