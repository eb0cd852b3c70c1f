#pragma once
// UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits, so ids sort by time.
// The original names murmur files by one (data/murmurs/<date>/<hour>/<id>.json). oxctl has its
// own copy (core/oxctl/CommandsWhisper.cpp): plugins and the CLI share no code but the SDK, and
// the SDK's text is the plugin ABI fingerprint. Thread-safe (a thread_local generator).

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

namespace oxd::whisper {

// Lower-case 8-4-4-4-12 hex, version 7, variant 10; `unix_ms` is the time it carries.
inline std::string NewUuidV7(std::int64_t unix_ms) {
  thread_local std::mt19937_64 random{std::random_device{}() ^
                                      (static_cast<std::uint64_t>(std::random_device{}()) << 32)};
  std::uint64_t high = (static_cast<std::uint64_t>(unix_ms) & 0xFFFFFFFFFFFFull) << 16;
  high |= 0x7000 | (random() & 0x0FFF);                                   // version 7, rand_a
  std::uint64_t low = (random() & 0x3FFFFFFFFFFFFFFFull) | (1ull << 63);  // variant 10, rand_b
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    std::uint64_t word = i < 16 ? high : low;
    int shift = 60 - 4 * (i % 16);
    out += kHex[(word >> shift) & 0xF];
  }
  return out;
}

inline std::string NewUuidV7() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return NewUuidV7(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace oxd::whisper
