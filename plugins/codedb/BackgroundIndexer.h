// The plugin's one background thread for index runs started by the daemon itself (start-up,
// freshness checks, repo.pulled, HEAD moved under the overlay). Requests for an index already
// waiting are merged; the thread sleeps on a condition variable when there is nothing to do.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "IndexStore.h"

namespace oxd::codedb {

class BackgroundIndexer {
 public:
  using RunIndex = std::function<void(IndexStore&)>;
  explicit BackgroundIndexer(RunIndex run);
  ~BackgroundIndexer();
  BackgroundIndexer(const BackgroundIndexer&) = delete;
  BackgroundIndexer& operator=(const BackgroundIndexer&) = delete;

  void Request(IndexStore& store);
  // Drops what waits and joins the thread (the caller cancels the active run first).
  void Stop();

 private:
  void Loop();

  RunIndex run_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<IndexStore*> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace oxd::codedb
