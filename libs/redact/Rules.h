// The recognisers LineScanner.cpp dispatches to, one per kind of secret (libs/redact/README.md
// lists them). Each looks at one position of one line and says what to replace, if anything; none
// reads past the line. Internal to libs/redact.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "redact/Redact.h"

namespace oxd::redact::detail {

// Replace [from, end) of the line with MarkerOf(kind).
struct Match {
  std::size_t from;
  std::size_t end;
  Kind kind;
};

// A token known by its prefix (ghp_, github_pat_, sk-, xoxb-, AKIA, ASIA, AIza, eyJ…), or the
// credential after `Bearer `, starting at `at`, the first byte of a word ending at `word_end`.
std::optional<Match> MatchWordAt(std::string_view line, std::size_t at, std::size_t word_end);

// Whether a bare `"` at a point of a line opens a string or closes one. In a JSON line (its first
// non-blank byte `{` or `[`) that is the parity of the bare quotes before it: `{"k":"token="}`
// ends a string after `token=`, it does not open a value. In other text a quote after `=` or `:`
// opens one. Advanced forward only: one pass over the line however often it is asked.
class BareQuotes {
 public:
  explicit BareQuotes(std::string_view line);
  bool Opens(std::size_t at);

 private:
  std::string_view line_;
  bool json_;
  std::size_t scanned_ = 0;
  bool inside_string_ = false;
};

// The value of an assignment to a sensitive name that ends at `word_end`: `password=…`,
// `"api_key": "…"`, `export AWS_SECRET_ACCESS_KEY=…`, `Authorization: Basic …`.
std::optional<Match> MatchAssignmentAfter(std::string_view line, std::size_t word_end,
                                          BareQuotes& bare_quotes);

// The userinfo of `scheme://user:password@host` when `line[colon]` is the ':' of "://".
std::optional<Match> MatchUrlCredentialsAt(std::string_view line, std::size_t colon);

// Where the body of a private key that starts at `from` ends: after its -----END …----- line
// (`complete`), or at the first byte no key body has (a truncated key: the block ends there).
struct PrivateKeyBody {
  std::size_t end;
  bool complete;
};
PrivateKeyBody FindPrivateKeyEnd(std::string_view line, std::size_t from);

// When a -----BEGIN …----- header of a *private* key starts at `at`: the end of the header.
std::optional<std::size_t> PrivateKeyHeaderEnd(std::string_view line, std::size_t at);

}  // namespace oxd::redact::detail
