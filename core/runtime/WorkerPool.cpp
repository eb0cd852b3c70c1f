#include "runtime/WorkerPool.h"

#include <pthread.h>

namespace oxd::core {

namespace {

const std::string kCore;  // the core's owner name

}  // namespace

WorkerPool::WorkerPool(Options options)
    : capacity_(options.queue_capacity),
      per_owner_limit_(options.per_owner_limit > 0 ? options.per_owner_limit
                       : options.threads > 1       ? options.threads - 1
                                                   : 1),
      has_core_lane_(options.core_threads > 0) {
  threads_.reserve(options.threads + options.core_threads);
  for (std::size_t i = 0; i < options.threads; ++i) {
    threads_.emplace_back([this, i] { run(Lane::Plugin, i); });
  }
  for (std::size_t i = 0; i < options.core_threads; ++i) {
    threads_.emplace_back([this, i] { run(Lane::Core, i); });
  }
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::submit(const std::string& owner, Job job) {
  MutexLock lock(mutex_);
  if (stopping_ || queued_ >= capacity_) return false;
  Owner& entry = owners_[owner];
  entry.queue.push_back(std::move(job));
  ++queued_;
  if (!owner.empty() && !entry.in_turn) {
    entry.in_turn = true;
    turn_.push_back(owner);
  }
  wakeFor(owner);
  return true;
}

void WorkerPool::stop() {
  {
    MutexLock lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  plugin_wake_.notifyAll();
  core_wake_.notifyAll();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

std::size_t WorkerPool::queued() const {
  MutexLock lock(mutex_);
  return queued_;
}

std::size_t WorkerPool::running(const std::string& owner) const {
  MutexLock lock(mutex_);
  auto it = owners_.find(owner);
  return it == owners_.end() ? 0 : it->second.running;
}

void WorkerPool::run(Lane lane, std::size_t index) {
  // Linux allows 15 characters: enough for oxd-worker-NNNN.
  std::string name = (lane == Lane::Core ? "oxd-core-" : "oxd-worker-") + std::to_string(index);
  ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
  CondVar& wake = lane == Lane::Core ? core_wake_ : plugin_wake_;
  bool done = false;
  std::string done_owner;
  for (;;) {
    Job job;
    std::string owner;
    {
      MutexLock lock(mutex_);
      if (done) finished(done_owner);
      // Stopping, a thread leaves once nothing is runnable for it: a capped owner's jobs still
      // queued are taken by the threads running that owner's jobs as those finish.
      while (!take(lane, job, owner)) {
        if (stopping_) return;
        std::size_t& idle = lane == Lane::Core ? idle_core_ : idle_plugin_;
        ++idle;
        wake.wait(mutex_);
        --idle;
      }
    }
    busy_.fetch_add(1, std::memory_order_relaxed);
    job();  // jobs are wrapped by their submitters; an escaping exception is a bug (terminate)
    busy_.fetch_sub(1, std::memory_order_relaxed);
    job = nullptr;  // what it captured (a connection's ticket) is released outside the lock
    done = true;
    done_owner = std::move(owner);
  }
}

bool WorkerPool::take(Lane lane, Job& job, std::string& owner) {
  auto core = owners_.find(kCore);
  if (core != owners_.end() && !core->second.queue.empty()) {
    // Core jobs are short and someone waits on each: any thread takes them first.
    job = std::move(core->second.queue.front());
    core->second.queue.pop_front();
    ++core->second.running;
    --queued_;
    owner = kCore;
    return true;
  }
  if (lane == Lane::Core) return false;
  for (std::size_t looked = 0, listed = turn_.size(); looked < listed; ++looked) {
    std::string name = std::move(turn_.front());
    turn_.pop_front();
    Owner& entry = owners_[name];
    if (entry.running >= per_owner_limit_) {
      turn_.push_back(std::move(name));  // capped: its jobs wait, the others go on
      continue;
    }
    job = std::move(entry.queue.front());
    entry.queue.pop_front();
    ++entry.running;
    --queued_;
    if (entry.queue.empty()) {
      entry.in_turn = false;
    } else {
      turn_.push_back(name);
    }
    owner = std::move(name);
    return true;
  }
  return false;
}

void WorkerPool::finished(const std::string& owner) {
  auto it = owners_.find(owner);
  Owner& entry = it->second;
  --entry.running;
  if (entry.queue.empty()) {
    if (entry.running == 0) owners_.erase(it);
    return;
  }
  // The owner was at its limit with jobs waiting: one of them may run now. The finishing
  // thread may take another owner's job next, so an idle one is woken for it.
  if (!owner.empty()) wakeFor(owner);
}

bool WorkerPool::runnable(const std::string& name, const Owner& owner) const {
  return name.empty() || owner.running < per_owner_limit_;
}

void WorkerPool::wakeFor(const std::string& owner) {
  if (owner.empty() && has_core_lane_ && idle_core_ > 0) {
    core_wake_.notifyOne();
  } else if (idle_plugin_ > 0 && runnable(owner, owners_[owner])) {
    plugin_wake_.notifyOne();
  }
}

}  // namespace oxd::core
