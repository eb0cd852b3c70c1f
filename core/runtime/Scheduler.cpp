#include "runtime/Scheduler.h"

#include "common/Mutex.h"
#include "runtime/WorkerPool.h"

#include <Poco/Logger.h>

#include <pthread.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <vector>

namespace oxd::core {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

long long toMilliseconds(Clock::duration duration) {
  return std::chrono::duration_cast<milliseconds>(duration).count();
}

// One per task. Shared with the running job, so it stays valid for as long as the task body
// may hold the reference it was given.
class StopState final : public sdk::StopToken {
 public:
  void request() {
    {
      MutexLock lock(mutex_);
      stop_ = true;
    }
    wake_.notifyAll();
  }
  bool stopRequested() const override {
    MutexLock lock(mutex_);
    return stop_;
  }
  bool sleepFor(milliseconds duration) const override {
    auto deadline = Clock::now() + duration;
    MutexLock lock(mutex_);
    while (!stop_) {
      if (!wake_.waitUntil(mutex_, deadline)) break;
    }
    return !stop_;
  }

 private:
  mutable Mutex mutex_;
  mutable CondVar wake_;
  bool stop_ GUARDED_BY(mutex_) = false;
};

struct Entry {
  Scheduler::TaskId id = 0;
  Scheduler::TaskSpec spec;
  std::shared_ptr<StopState> stop = std::make_shared<StopState>();
  // All below guarded by Shared::mutex (declared after Entry, so the analysis cannot check it).
  Clock::time_point due;
  unsigned failures = 0;
  bool running = false;    // queued on the pool or running: never dispatched twice
  bool run_again = false;  // runNow() while running
  bool cancelled = false;
  std::thread::id runner;  // the worker running it, to let a run cancel its own owner
};
using EntryPtr = std::shared_ptr<Entry>;

}  // namespace

struct Scheduler::Shared : std::enable_shared_from_this<Shared> {
  explicit Shared(WorkerPool& pool) : workers(pool), random(std::random_device{}()) {}

  WorkerPool& workers;
  mutable Mutex mutex;
  CondVar timer_wake;  // the timer thread sleeps here
  CondVar run_done;    // cancel()/stop() wait here for runs to return
  std::map<TaskId, EntryPtr> entries GUARDED_BY(mutex);
  TaskId next_id GUARDED_BY(mutex) = 1;
  bool stopping GUARDED_BY(mutex) = false;
  std::uint64_t wakeups GUARDED_BY(mutex) = 0;
  int in_flight GUARDED_BY(mutex) = 0;  // runs queued or running, cancelled ones too
  std::mt19937_64 random GUARDED_BY(mutex);

  milliseconds nextDelay(const Entry& entry) REQUIRES(mutex) {
    return delayAfterRun(entry.spec.schedule, entry.failures,
                         std::uniform_real_distribution<double>(0.0, 1.0)(random));
  }

  void timerLoop() EXCLUDES(mutex) {
    ::pthread_setname_np(::pthread_self(), "oxd-scheduler");
    MutexLock lock(mutex);
    while (!stopping) {
      ++wakeups;
      auto now = Clock::now();
      std::optional<Clock::time_point> earliest;
      for (auto& [id, entry] : entries) {
        if (entry->running) continue;  // rescheduled by its run when it returns
        if (entry->due <= now) dispatch(entry, now);
        if (!entry->running && (!earliest || entry->due < *earliest)) earliest = entry->due;
      }
      if (earliest) {
        timer_wake.waitUntil(mutex, *earliest);
      } else {
        timer_wake.wait(mutex);
      }
    }
  }

  // WorkerPool::submit takes only the pool's own lock and never calls back, so calling it under
  // ours cannot deadlock.
  void dispatch(const EntryPtr& entry, Clock::time_point now) REQUIRES(mutex) {
    entry->running = true;
    bool queued = workers.submit(entry->spec.owner,
                                 [shared = shared_from_this(), entry] { shared->run(entry); });
    if (queued) {
      ++in_flight;
      return;
    }
    entry->running = false;
    entry->due = now + nextDelay(*entry);
    if (entry->spec.gate) entry->spec.gate->recordDrop();
    Poco::Logger::get("oxd.scheduler")
        .warning("task %s/%s skipped: worker queue full or stopping", entry->spec.owner,
                 entry->spec.name);
  }

  // Runs on a worker thread.
  void run(const EntryPtr& entry) EXCLUDES(mutex) {
    const TaskSpec& spec = entry->spec;
    bool ran = false;
    bool failed = false;
    std::string error;
    auto started = Clock::now();
    {
      GateEntry gate_entry(spec.gate.get());
      bool cancelled;
      {
        MutexLock lock(mutex);
        cancelled = entry->cancelled || stopping;
        entry->runner = std::this_thread::get_id();
      }
      if (gate_entry.entered() && !cancelled) {
        ran = true;
        try {
          spec.task(*entry->stop);
        } catch (const std::exception& exception) {
          failed = true;
          error = exception.what();
        } catch (...) {
          failed = true;
          error = "task failed with an unknown exception";
        }
        if (spec.gate) {
          spec.gate->record(CallGate::Kind::Task, Clock::now() - started,
                            failed ? &error : nullptr);
        }
      }
    }
    auto duration = Clock::now() - started;
    milliseconds next_delay{0};
    {
      MutexLock lock(mutex);
      entry->running = false;
      entry->runner = {};
      --in_flight;
      if (ran) entry->failures = failed ? entry->failures + 1 : 0;
      if (!entry->cancelled && !stopping) {
        next_delay = entry->run_again ? milliseconds{0} : nextDelay(*entry);
        entry->due = Clock::now() + next_delay;
        entry->run_again = false;
        timer_wake.notifyOne();
      }
      run_done.notifyAll();
    }
    if (ran) logRun(spec, duration, failed ? &error : nullptr, next_delay);
  }

  static void logRun(const TaskSpec& spec, Clock::duration duration, const std::string* error,
                     milliseconds next_delay) {
    auto& logger = Poco::Logger::get("oxd.scheduler");
    if (error) {
      logger.warning("task %s/%s failed: %s (next run in %Ld ms)", spec.owner, spec.name, *error,
                     static_cast<long long>(next_delay.count()));
    }
    if (duration > spec.schedule.interval) {
      logger.warning("task %s/%s ran for %Ld ms, longer than its interval of %Ld ms", spec.owner,
                     spec.name, toMilliseconds(duration),
                     static_cast<long long>(spec.schedule.interval.count()));
    }
  }

  // Waits until none of `entries` is running, except a run on the calling thread (a task
  // cancelling its own owner).
  bool waitIdle(const std::vector<EntryPtr>& waiting, milliseconds timeout) REQUIRES(mutex) {
    auto self = std::this_thread::get_id();
    auto idle = [&] {
      return std::all_of(waiting.begin(), waiting.end(), [&](const EntryPtr& entry) {
        return !entry->running || entry->runner == self;
      });
    };
    auto deadline = Clock::now() + timeout;
    while (!idle()) {
      if (!run_done.waitUntil(mutex, deadline)) return idle();
    }
    return true;
  }
};

Scheduler::Scheduler(WorkerPool& workers) : shared_(std::make_shared<Shared>(workers)) {
  timer_ = std::thread([shared = shared_] { shared->timerLoop(); });
}

Scheduler::~Scheduler() { stop(); }

Scheduler::TaskId Scheduler::add(TaskSpec spec) {
  if (spec.schedule.interval <= milliseconds{0}) {
    throw std::invalid_argument("task " + spec.name + ": interval must be positive");
  }
  if (!spec.task) throw std::invalid_argument("task " + spec.name + ": no function");
  auto entry = std::make_shared<Entry>();
  entry->spec = std::move(spec);
  MutexLock lock(shared_->mutex);
  entry->id = shared_->next_id++;
  // Jitter spreads the periods, not the first run: a task due at start (the ledger's first
  // pull, docs/behavior.md#sync-schedule) must not wait up to a jitter for it.
  entry->due = Clock::now() + entry->spec.schedule.initial_delay;
  if (!shared_->stopping) {
    shared_->entries.emplace(entry->id, entry);
    shared_->timer_wake.notifyOne();
  }
  return entry->id;
}

bool Scheduler::runNow(TaskId id) {
  MutexLock lock(shared_->mutex);
  auto it = shared_->entries.find(id);
  if (it == shared_->entries.end()) return false;
  if (it->second->running) {
    it->second->run_again = true;
  } else {
    it->second->due = Clock::now();
    shared_->timer_wake.notifyOne();
  }
  return true;
}

bool Scheduler::cancel(const std::string& owner, milliseconds timeout) {
  std::vector<EntryPtr> removed;
  MutexLock lock(shared_->mutex);
  for (auto it = shared_->entries.begin(); it != shared_->entries.end();) {
    if (it->second->spec.owner == owner) {
      it->second->cancelled = true;
      removed.push_back(it->second);
      it = shared_->entries.erase(it);
    } else {
      ++it;
    }
  }
  // No need to wake the timer: it skips what is gone when its current deadline passes.
  for (const auto& entry : removed) entry->stop->request();
  return shared_->waitIdle(removed, timeout);
}

void Scheduler::stop(milliseconds timeout) {
  {
    MutexLock lock(shared_->mutex);
    if (!shared_->stopping) {
      shared_->stopping = true;
      for (auto& [id, entry] : shared_->entries) {
        entry->cancelled = true;
        entry->stop->request();
      }
      shared_->entries.clear();
    }
  }
  shared_->timer_wake.notifyAll();
  if (timer_.joinable()) timer_.join();
  // Every run, including those of tasks whose cancel() timed out: after stop() returns no task
  // code runs, so what the tasks reference may be destroyed.
  auto deadline = Clock::now() + timeout;
  MutexLock lock(shared_->mutex);
  while (shared_->in_flight != 0) {
    if (!shared_->run_done.waitUntil(shared_->mutex, deadline)) break;
  }
  if (shared_->in_flight != 0) {
    Poco::Logger::get("oxd.scheduler").warning("tasks still running after the stop timeout");
  }
}

std::size_t Scheduler::taskCount(const std::string& owner) const {
  MutexLock lock(shared_->mutex);
  return std::count_if(shared_->entries.begin(), shared_->entries.end(),
                       [&](const auto& item) { return item.second->spec.owner == owner; });
}

milliseconds Scheduler::delayAfterRun(const sdk::TaskSchedule& schedule, unsigned failures,
                                      double jitter_fraction) {
  milliseconds delay = schedule.interval;
  for (unsigned i = 0; i < failures && delay < schedule.max_backoff; ++i) delay *= 2;
  if (failures > 0) delay = std::max(schedule.interval, std::min(delay, schedule.max_backoff));
  jitter_fraction = std::clamp(jitter_fraction, 0.0, 1.0);
  return delay + std::chrono::duration_cast<milliseconds>(schedule.jitter * jitter_fraction);
}

std::uint64_t Scheduler::timerWakeupsForTest() const {
  MutexLock lock(shared_->mutex);
  return shared_->wakeups;
}

}  // namespace oxd::core
