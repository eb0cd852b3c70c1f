#pragma once
// Periodic tasks on the WorkerPool. One timer thread decides when a task is due and hands the
// run to the pool, so a slow task never delays another; the timer thread itself only sleeps on
// a condition variable until the earliest due time, and waits without a deadline when nothing is
// scheduled (idle means idle).
//
// Per task: the next run is scheduled only once the previous one has returned (the interval is
// measured from the end of a run, so a task never overlaps itself), plus a uniform jitter in
// [0, jitter]. A run that throws backs the next one off to interval * 2^failures, capped at
// max_backoff; a run that returns resets it. A run longer than the interval logs a warning.
// Runs go through the owner's CallGate: a closed gate skips the run, and the gate counts
// task_runs, errors, last_duration and last_error.
//
// Thread-safe. The scheduler's state is shared with the jobs it queued, so a job that outlives
// the Scheduler object (stop() timed out) touches nothing freed.

#include "host/CallGate.h"

#include <oxd/host.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace oxd::core {

class WorkerPool;

class Scheduler {
 public:
  using TaskId = std::uint64_t;

  struct TaskSpec {
    std::string owner;  // a plugin's name, or "" for the core (its lane in the WorkerPool)
    std::string name;   // for logs
    sdk::TaskSchedule schedule;
    sdk::Task task;
    std::shared_ptr<CallGate> gate;  // null for core tasks: no gate, no counters
  };

  // `workers` must outlive the scheduler's stop().
  explicit Scheduler(WorkerPool& workers);
  ~Scheduler();  // stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Throws std::invalid_argument for an interval <= 0 or an empty task. After stop() the task
  // is accepted and never runs.
  TaskId add(TaskSpec spec);
  // Runs the task as soon as a worker is free; if it is running now, exactly one more run
  // follows it (triggers coalesce). False if the task is unknown.
  bool runNow(TaskId id);
  // Removes every task of `owner`, asks running ones to stop (their StopToken fires) and waits
  // up to `timeout` for them to return. False on timeout. Called from inside one of the owner's
  // own runs, it does not wait for that run.
  bool cancel(const std::string& owner,
              std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Shutdown: no new runs; running ones (also those of cancelled tasks) are told to stop and
  // waited for up to `timeout`. Idempotent. Must not be called from a task.
  void stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  std::size_t taskCount(const std::string& owner) const;

  // The delay before the next run after one that left `failures` consecutive failures;
  // `jitter_fraction` in [0, 1] picks the jitter. Pure; exposed for tests.
  static std::chrono::milliseconds delayAfterRun(const sdk::TaskSchedule& schedule,
                                                 unsigned failures, double jitter_fraction);

  // How many times the timer thread has woken up (its loop iterations).
  std::uint64_t timerWakeupsForTest() const;

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
  std::thread timer_;
};

}  // namespace oxd::core
