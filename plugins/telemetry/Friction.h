// Friction: what a CLI hook reports when a user or an agent stumbles (an unknown command, a bad
// flag). The `friction` one-way message parsed as ox's FrictionPayload, and the buffer of 100
// that deduplicates by kind and input until the batch has been sent. The buffer is not
// thread-safe (the collector guards it).
#pragma once

#include <oxd/payload.h>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

namespace oxd::telemetry {

inline constexpr std::size_t kFrictionInputMax = 500;
inline constexpr std::size_t kFrictionErrorMax = 200;

struct FrictionEvent {
  std::uint64_t seq = 0;  // set by the buffer
  std::string ts;         // RFC 3339 UTC; filled with the time of receipt when empty
  std::string kind;       // unknown-command, unknown-flag, invalid-arg, parse-error
  std::string command;
  std::string subcommand;
  std::string actor;        // human or agent
  std::string agent_type;   // e.g. claude-code
  std::string path_bucket;  // home, repo, other
  std::string input;        // cut to 500 bytes
  std::string error_msg;    // cut to 200 bytes

  // Throws sdk::BadPayload naming the field: kind missing or not one of the four, a field
  // that is not a string.
  static FrictionEvent Parse(const sdk::Payload& payload);
  std::string dedupKey() const { return kind + ":" + input; }
  // ox's wire form (omitempty as the original: command, subcommand, agent_type).
  Poco::JSON::Object::Ptr toJson() const;
};

class FrictionBuffer {
 public:
  explicit FrictionBuffer(std::size_t capacity = 100) : capacity_(capacity) {}

  // False when an event with the same kind and input is already buffered (not added). When
  // full, the oldest is evicted (and its key forgotten).
  bool add(FrictionEvent event);
  std::vector<FrictionEvent> batch(std::size_t max) const;
  // Removes every event up to and including `seq` (sent, or refused for good).
  void removeThrough(std::uint64_t seq);

  std::size_t size() const { return events_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t evicted() const { return evicted_; }

 private:
  std::size_t capacity_;
  std::deque<FrictionEvent> events_;
  std::set<std::string> keys_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t duplicates_ = 0;
  std::uint64_t evicted_ = 0;
};

}  // namespace oxd::telemetry
