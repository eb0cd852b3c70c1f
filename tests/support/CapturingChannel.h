#pragma once
// Collects what a logger writes, so tests can assert on (and against) its text. Thread-safe.

#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <mutex>
#include <string>

namespace oxd::testing {

class CapturingChannel : public Poco::Channel {
 public:
  void log(const Poco::Message& message) override {
    std::lock_guard lock(mutex_);
    text_ += message.getText() + "\n";
  }
  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

}  // namespace oxd::testing
