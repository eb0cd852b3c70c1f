#include "redact/Redact.h"

#include <numeric>

#include "LineScanner.h"

namespace oxd::redact {

namespace {

// Passed on to the sink in pieces of about this size: few calls, little memory.
constexpr std::size_t kOutputChunk = 64 * 1024;

}  // namespace

std::string_view MarkerOf(Kind kind) {
  // The original ox's markers, so its tools and ours recognise each other's redactions.
  switch (kind) {
    case Kind::kGithubToken:
      return "[REDACTED_GITHUB_TOKEN]";
    case Kind::kGithubPat:
      return "[REDACTED_GITHUB_PAT]";
    case Kind::kOpenAiKey:
      return "[REDACTED_OPENAI_KEY]";
    case Kind::kAnthropicKey:
      return "[REDACTED_ANTHROPIC_KEY]";
    case Kind::kSlackToken:
      return "[REDACTED_SLACK_TOKEN]";
    case Kind::kAwsKey:
      return "[REDACTED_AWS_KEY]";
    case Kind::kAwsStsKey:
      return "[REDACTED_AWS_STS_KEY]";
    case Kind::kAwsSecret:
      return "[REDACTED_AWS_SECRET]";
    case Kind::kGoogleApiKey:
      return "[REDACTED_GOOGLE_API_KEY]";
    case Kind::kPrivateKey:
      return "[REDACTED_PRIVATE_KEY]";
    case Kind::kBearerToken:
      return "[REDACTED_BEARER_TOKEN]";
    case Kind::kBasicAuth:
      return "[REDACTED_BASIC_AUTH]";
    case Kind::kPassword:
      return "[REDACTED_PASSWORD]";
    case Kind::kSecret:
      return "[REDACTED_SECRET]";
    case Kind::kToken:
      return "[REDACTED_TOKEN]";
    case Kind::kApiKey:
      return "[REDACTED_API_KEY]";
    case Kind::kUrlWithCredentials:
      return "[REDACTED_URL_WITH_CREDENTIALS]";
    case Kind::kJwt:
      return "[REDACTED_JWT]";
  }
  return "[REDACTED]";
}

std::size_t Counts::Total() const {
  return std::accumulate(by_kind.begin(), by_kind.end(), std::size_t{0});
}

std::string Redact(std::string_view text, Counts* counts) {
  std::string out;
  out.reserve(text.size());
  Counts local;
  bool in_private_key = false;
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t newline = text.find('\n', from);
    std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    detail::ScanLine(text.substr(from, end - from), in_private_key, out, local);
    from = end;
  }
  if (counts != nullptr) *counts = local;
  return out;
}

StreamRedactor::StreamRedactor(Sink sink) : sink_(std::move(sink)) {}

void StreamRedactor::Write(std::string_view chunk) {
  std::size_t from = 0;
  while (from < chunk.size()) {
    std::size_t newline = chunk.find('\n', from);
    if (newline == std::string_view::npos) {
      pending_.append(chunk.substr(from));
      break;
    }
    std::string_view rest_of_line = chunk.substr(from, newline + 1 - from);
    if (pending_.empty()) {
      ScanCompleteLine(rest_of_line);
    } else {
      pending_.append(rest_of_line);
      ScanCompleteLine(pending_);
      pending_.clear();
    }
    from = newline + 1;
  }
}

void StreamRedactor::Finish() {
  if (!pending_.empty()) {
    ScanCompleteLine(pending_);
    pending_.clear();
  }
  if (!output_.empty()) sink_(output_);
  output_.clear();
}

void StreamRedactor::ScanCompleteLine(std::string_view line) {
  detail::ScanLine(line, in_private_key_, output_, counts_);
  if (output_.size() >= kOutputChunk) {
    sink_(output_);
    output_.clear();
  }
}

}  // namespace oxd::redact
