// Private-key PEM blocks (the whole block goes, header to footer) and credentials in URLs.
#include "Characters.h"
#include "Rules.h"

namespace oxd::redact::detail {

namespace {

using std::nullopt;
using std::optional;
using std::size_t;
using std::string_view;

constexpr size_t kLongestPemLabel = 64;

// Base64, line breaks (raw or as JSON escapes), and the `Proc-Type: 4,ENCRYPTED` /
// `DEK-Info: AES-128-CBC,…` headers of an encrypted key.
bool IsKeyBodyChar(char c) { return IsAlnum(c) || IsOneOf(c, "+/=:,- \t\r\n"); }

// A line break or a '/' as a JSON string writes it, at any depth of nesting (\n, \\n, \/ …):
// how long, or 0 when the backslashes at `at` escape anything else (a quote above all).
size_t KeyBodyEscapeLength(string_view line, size_t at) {
  size_t backslashes = RunLength(line, at, [](char c) { return c == '\\'; });
  if (at + backslashes < line.size() && IsOneOf(line[at + backslashes], "nrt/")) {
    return backslashes + 1;
  }
  return 0;
}

}  // namespace

optional<size_t> PrivateKeyHeaderEnd(string_view line, size_t at) {
  if (!StartsWithAt(line, at, "-----BEGIN ")) return nullopt;
  size_t label_from = at + 11;
  size_t close = line.find("-----", label_from);
  if (close == string_view::npos || close - label_from > kLongestPemLabel) return nullopt;
  if (line.substr(label_from, close - label_from).find("PRIVATE KEY") == string_view::npos) {
    return nullopt;  // a certificate or a public key: not a secret
  }
  return close + 5;
}

PrivateKeyBody FindPrivateKeyEnd(string_view line, size_t from) {
  size_t at = from;
  while (at < line.size()) {
    char c = line[at];
    if (c == '-' && StartsWithAt(line, at, "-----END ")) {
      size_t close = line.find("-----", at + 9);
      if (close != string_view::npos && close - (at + 9) <= kLongestPemLabel) {
        return {close + 5, true};
      }
    }
    size_t escape = c == '\\' ? KeyBodyEscapeLength(line, at) : 0;
    if (IsKeyBodyChar(c)) {
      ++at;
    } else if (escape > 0) {
      at += escape;  // whole: the body never ends inside an escape
    } else {
      break;
    }
  }
  return {at, false};
}

optional<Match> MatchUrlCredentialsAt(string_view line, size_t colon) {
  // "://", or ":\/\/" from a JSON writer that escapes '/'.
  size_t separator = StartsWithAt(line, colon, "://")       ? 3
                     : StartsWithAt(line, colon, ":\\/\\/") ? 5
                                                            : 0;
  if (separator == 0 || colon == 0 || !IsLetter(line[colon - 1])) return nullopt;
  size_t from = colon + separator;
  size_t length = RunLength(line, from, [](char c) {
    return static_cast<unsigned char>(c) > ' ' && !IsOneOf(c, "@/?#\"'<>\\");
  });
  if (length == 0 || from + length >= line.size() || line[from + length] != '@') return nullopt;
  string_view userinfo = line.substr(from, length);
  if (userinfo.find("[REDACTED") != string_view::npos ||
      userinfo.find("***") != string_view::npos) {
    return nullopt;
  }
  // user:password, or a bare token as the user name (https://<token>@github.com); a plain user
  // name (ssh://git@…, https://ana@…) stays.
  bool has_password = userinfo.find(':') != string_view::npos;
  if (!has_password && (length < 16 || !LooksRandom(userinfo))) return nullopt;
  return Match{from, from + length, Kind::kUrlWithCredentials};
}

}  // namespace oxd::redact::detail
