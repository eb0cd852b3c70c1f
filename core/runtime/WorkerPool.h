#pragma once
// A fixed set of worker threads draining one bounded FIFO queue. Used for everything that may
// block or run plugin code: request handlers, one-way handlers, task runs, event deliveries.
// Idle workers sleep on a condition variable: no wake-ups without work.
//
// Thread-safe. submit() may be called from any thread, including from a job.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace oxd::core {

class WorkerPool {
 public:
  using Job = std::function<void()>;

  WorkerPool(std::size_t threads, std::size_t queue_capacity);
  ~WorkerPool();  // stop(): pending jobs still run, then the threads are joined
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is stopping; the job is then not run.
  bool submit(Job job);
  // Runs what is queued, then joins. Idempotent. Must not be called from a job.
  void stop();
  std::size_t queued() const;
  std::size_t threads() const { return threads_.size(); }
  // Workers running a job now (for the busy-workers gauge; a snapshot, exact only when idle).
  std::size_t busy() const { return busy_.load(std::memory_order_relaxed); }

 private:
  void run();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;  // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::atomic<std::size_t> busy_{0};
  std::vector<std::thread> threads_;
};

}  // namespace oxd::core
