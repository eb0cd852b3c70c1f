// Tokens known by their shape: the vendors' published prefixes and lengths, JWTs, and what follows
// `Bearer `. Lengths are minimums (vendors lengthen tokens; they do not shorten them).
#include "Characters.h"
#include "Rules.h"

namespace oxd::redact::detail {

namespace {

using std::nullopt;
using std::optional;
using std::size_t;
using std::string_view;

// ghp_ gho_ ghu_ ghs_ ghr_ + 36 or more, github_pat_ + 22 or more (82 today).
optional<Match> MatchGithub(string_view line, size_t at) {
  if (StartsWithAt(line, at, "github_pat_")) {
    size_t length = RunLength(line, at + 11, [](char c) { return IsAlnum(c) || c == '_'; });
    if (length >= 22) return Match{at, at + 11 + length, Kind::kGithubPat};
    return nullopt;
  }
  if (line.size() - at < 4 || line[at + 1] != 'h' || line[at + 3] != '_' ||
      !IsOneOf(line[at + 2], "pousr")) {
    return nullopt;
  }
  size_t length = RunLength(line, at + 4, IsAlnum);
  if (length < 36) return nullopt;
  return Match{at, at + 4 + length, Kind::kGithubToken};
}

// sk-… (OpenAI, sk-proj-…) and sk-ant-… (Anthropic): 20 or more base64url bytes after "sk-".
optional<Match> MatchSkKey(string_view line, size_t at) {
  if (!StartsWithAt(line, at, "sk-")) return nullopt;
  size_t length = RunLength(line, at + 3, IsTokenChar);
  string_view body = line.substr(at + 3, length);
  if (length < 20 || !LooksRandom(body)) return nullopt;
  return Match{at, at + 3 + length,
               body.starts_with("ant-") ? Kind::kAnthropicKey : Kind::kOpenAiKey};
}

// xoxa- xoxb- xoxp- xoxr- xoxs- + 10 or more.
optional<Match> MatchSlack(string_view line, size_t at) {
  if (!StartsWithAt(line, at, "xox") || line.size() - at < 5 || !IsOneOf(line[at + 3], "abprs") ||
      line[at + 4] != '-') {
    return nullopt;
  }
  size_t length = RunLength(line, at + 5, [](char c) { return IsAlnum(c) || c == '-'; });
  if (length < 10) return nullopt;
  return Match{at, at + 5 + length, Kind::kSlackToken};
}

// AKIA / ASIA + exactly 16 capitals and digits (not followed by more), AIza + 35 or more.
optional<Match> MatchCapitalA(string_view line, size_t at) {
  bool access_key = StartsWithAt(line, at, "AKIA");
  if (access_key || StartsWithAt(line, at, "ASIA")) {
    size_t length = RunLength(line, at + 4, [](char c) { return IsUpper(c) || IsDigit(c); });
    size_t end = at + 4 + length;
    if (length == 16 && (end == line.size() || !IsAlnum(line[end]))) {
      return Match{at, end, access_key ? Kind::kAwsKey : Kind::kAwsStsKey};
    }
    return nullopt;
  }
  if (StartsWithAt(line, at, "AIza")) {
    size_t length = RunLength(line, at + 4, IsTokenChar);
    if (length >= 35) return Match{at, at + 4 + length, Kind::kGoogleApiKey};
  }
  return nullopt;
}

// header.payload.signature, header and payload base64url JSON objects ("eyJ" is `{"`).
optional<Match> MatchJwt(string_view line, size_t at) {
  if (!StartsWithAt(line, at, "eyJ")) return nullopt;
  size_t header_end = at + RunLength(line, at, IsTokenChar);
  if (header_end - at < 10 || header_end >= line.size() || line[header_end] != '.' ||
      !StartsWithAt(line, header_end + 1, "eyJ")) {
    return nullopt;
  }
  size_t payload_end = header_end + 1 + RunLength(line, header_end + 1, IsTokenChar);
  if (payload_end - header_end < 10 || payload_end >= line.size() || line[payload_end] != '.') {
    return nullopt;
  }
  return Match{at, payload_end + 1 + RunLength(line, payload_end + 1, IsTokenChar), Kind::kJwt};
}

// `Bearer <credential>` outside an Authorization header (AssignmentRules.cpp handles those): the
// credential must look like one, or prose such as "bearer authentication" would go.
optional<Match> MatchBearer(string_view line, size_t at, size_t word_end) {
  if (word_end - at != 6 || !StartsWithNoCase(line, at, "bearer")) return nullopt;
  size_t blanks = RunLength(line, word_end, IsBlank);
  if (blanks == 0) return nullopt;
  size_t from = word_end + blanks;
  size_t length = RunLengthWithEscapedSlashes(line, from, IsBearerChar);
  if (length < 16 || !LooksRandom(line.substr(from, length))) return nullopt;
  return Match{from, from + length, Kind::kBearerToken};
}

}  // namespace

optional<Match> MatchWordAt(string_view line, size_t at, size_t word_end) {
  switch (line[at]) {
    case 'g':
      return MatchGithub(line, at);
    case 's':
      return MatchSkKey(line, at);
    case 'x':
      return MatchSlack(line, at);
    case 'A':
      return MatchCapitalA(line, at);
    case 'e':
      return MatchJwt(line, at);
    case 'b':
    case 'B':
      return MatchBearer(line, at, word_end);
    default:
      return nullopt;
  }
}

}  // namespace oxd::redact::detail
