// Secret redaction for text oxd publishes to a shared place: session transcripts committed to the
// ledger (the sync plugin's session_finalize) and pull-request text (the github plugin). Each
// secret is replaced by the original ox's marker, `[REDACTED_<KIND>]`, and every other byte is
// kept, so a JSON-lines transcript stays valid JSON line by line: a marker contains no character
// JSON escapes, and a replacement never starts or ends inside a JSON escape. What is recognised,
// and what is deliberately left alone, is listed in libs/redact/README.md.
//
// Pure functions and one small streaming class: no I/O, no allocation beyond the output and one
// pending line. Everything here may be called from any thread; a StreamRedactor is used by one
// thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace oxd::redact {

enum class Kind {
  kGithubToken,         // ghp_ gho_ ghu_ ghs_ ghr_
  kGithubPat,           // github_pat_ (fine-grained)
  kOpenAiKey,           // sk-…, sk-proj-…
  kAnthropicKey,        // sk-ant-…
  kSlackToken,          // xoxa- xoxb- xoxp- xoxr- xoxs-
  kAwsKey,              // AKIA + 16
  kAwsStsKey,           // ASIA + 16
  kAwsSecret,           // the value of aws_secret_access_key= and the like
  kGoogleApiKey,        // AIza + 35
  kPrivateKey,          // a whole -----BEGIN … PRIVATE KEY----- … -----END … block
  kBearerToken,         // the credential after `Bearer `
  kBasicAuth,           // the credential after `Authorization: Basic `
  kPassword,            // password= passwd= passphrase= values
  kSecret,              // secret= client_secret= secret_key= private_key= values
  kToken,               // token= access_token= … values, `Authorization: <scheme> <credential>`
  kApiKey,              // api_key= apikey= api-key= values
  kUrlWithCredentials,  // the userinfo of scheme://user:password@host
  kJwt,                 // eyJ….eyJ….…
};
inline constexpr std::size_t kKindCount = static_cast<std::size_t>(Kind::kJwt) + 1;

// "[REDACTED_GITHUB_TOKEN]" and so on: the marker that replaces a secret of `kind`.
std::string_view MarkerOf(Kind kind);

// How many secrets of each kind were replaced.
struct Counts {
  std::array<std::size_t, kKindCount> by_kind{};
  std::size_t Total() const;
  void Add(Kind kind) { ++by_kind[static_cast<std::size_t>(kind)]; }
  Counts& operator+=(const Counts& other) {
    for (std::size_t kind = 0; kind < kKindCount; ++kind) by_kind[kind] += other.by_kind[kind];
    return *this;
  }
};

// `text` with every secret replaced by its marker. Lines are scanned one at a time (a private-key
// block may span lines), exactly as StreamRedactor does, so both give the same bytes.
std::string Redact(std::string_view text, Counts* counts = nullptr);

// Redacts a stream of chunks of any size, passing the result on in order. Memory is bounded by
// the longest line plus ~64 KiB of output, whatever the stream's length. Call Finish() once at
// the end (it passes on a last line without a newline); Write after Finish is a logic error.
class StreamRedactor {
 public:
  using Sink = std::function<void(std::string_view)>;
  explicit StreamRedactor(Sink sink);
  StreamRedactor(const StreamRedactor&) = delete;
  StreamRedactor& operator=(const StreamRedactor&) = delete;

  void Write(std::string_view chunk);
  void Finish();
  const Counts& counts() const { return counts_; }

 private:
  void ScanCompleteLine(std::string_view line);

  Sink sink_;
  std::string pending_;  // the start of a line whose newline has not arrived yet
  std::string output_;   // redacted bytes not yet passed to the sink
  bool in_private_key_ = false;
  Counts counts_;
};

}  // namespace oxd::redact
