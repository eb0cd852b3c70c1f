// Values assigned to sensitive names, in the shapes transcripts carry them: shell and .env
// (`export DB_PASSWORD=…`), config (`password: …`), JSON (`"api_key": "…"`, also escaped inside
// another JSON string: `\"token\": \"…\"`), URL queries (`?access_token=…&`), HTTP headers
// (`Authorization: Basic …`). The name is kept and only the value is replaced, so JSON stays JSON.
#include "Characters.h"
#include "Rules.h"

namespace oxd::redact::detail {

namespace {

using std::nullopt;
using std::optional;
using std::size_t;
using std::string_view;

struct SensitiveName {
  string_view suffix;  // lower case, '_' also stands for '-'
  Kind kind;
};

// Matched against the end of the name, so `DB_PASSWORD`, `x-api-key` and `github_token` count and
// `passwordless`, `max_tokens` and `token_count` do not.
constexpr SensitiveName kSensitiveNames[] = {
    {"secret_access_key", Kind::kAwsSecret},
    {"aws_secret_key", Kind::kAwsSecret},
    {"password", Kind::kPassword},
    {"passwd", Kind::kPassword},
    {"passphrase", Kind::kPassword},
    {"secret", Kind::kSecret},
    {"secret_key", Kind::kSecret},
    {"private_key", Kind::kSecret},
    {"token", Kind::kToken},
    {"api_key", Kind::kApiKey},
    {"apikey", Kind::kApiKey},
};

bool NameEndsWith(string_view line, size_t name_end, string_view suffix) {
  if (name_end < suffix.size()) return false;
  size_t from = name_end - suffix.size();
  for (size_t k = 0; k < suffix.size(); ++k) {
    char c = Lower(line[from + k]);
    if (c == '-') c = '_';
    if (c != suffix[k]) return false;
  }
  return true;
}

// A quote at `at`, if any: `'`, or `"` after as many backslashes as the JSON strings around it
// are deep (`"`, `\"`, `\\\"` …).
struct Quote {
  size_t length = 0;  // 0: unquoted
  char mark = '\0';
  size_t backslashes = 0;
};
Quote QuoteAt(string_view line, size_t at) {
  if (at < line.size() && line[at] == '\'') return {1, '\'', 0};
  size_t backslashes = RunLength(line, at, [](char c) { return c == '\\'; });
  if (at + backslashes < line.size() && line[at + backslashes] == '"') {
    return {backslashes + 1, '"', backslashes};
  }
  return {};
}

// After the name: its closing quote, blanks, then `=`, `:`, `:=` or `=>` (not `==` or `::`),
// then blanks. Returns where the value starts.
optional<size_t> ValueStartAfter(string_view line, size_t name_end) {
  size_t at = name_end + QuoteAt(line, name_end).length;
  at += RunLength(line, at, IsBlank);
  if (at >= line.size()) return nullopt;
  char next = at + 1 < line.size() ? line[at + 1] : '\0';
  if (line[at] == '=') {
    if (next == '=') return nullopt;
    at += next == '>' ? 2 : 1;
  } else if (line[at] == ':') {
    if (next == ':') return nullopt;
    at += next == '=' ? 2 : 1;
  } else {
    return nullopt;
  }
  return at + RunLength(line, at, IsBlank);
}

// Where a quoted value starting at `from` ends: at its closing quote (a quote escaped deeper is
// part of the value), at any shallower quote (the end of a JSON string around it) or at the end
// of the line. It never ends inside an escape, so the replacement never splits one.
size_t QuotedValueEnd(string_view line, size_t from, Quote quote) {
  size_t at = from;
  while (at < line.size()) {
    char c = line[at];
    if (c == '\\') {
      size_t backslashes = RunLength(line, at, [](char b) { return b == '\\'; });
      if (at + backslashes < line.size() && line[at + backslashes] == '"' &&
          (backslashes <= quote.backslashes || quote.mark == '\'')) {
        return at;
      }
      at += backslashes + (backslashes % 2);  // an odd run escapes the byte after it
      continue;
    }
    if (c == '"' || c == quote.mark || c == '\n' || c == '\r') return at;
    ++at;
  }
  return line.size();
}

bool IsUnquotedValueChar(char c) {
  return static_cast<unsigned char>(c) > ' ' && !IsOneOf(c, "\"'\\,;&(){}[]<>");
}

// Not a secret but a reference to one or a stand-in: `$TOKEN`, `${{ secrets.X }}`, `<your key>`,
// `[REDACTED_…]` (so redacting twice changes nothing), `***`, JSON and YAML literals.
bool IsPlaceholder(string_view value) {
  if (value.empty()) return true;
  char first = value[0];
  if (first == '<' || first == '[' || first == '{' || first == '*' || first == '%') return true;
  if (first == '$' && value.size() > 1 && (IsLetter(value[1]) || IsOneOf(value[1], "_{("))) {
    return true;
  }
  for (string_view literal : {"true", "false", "null", "none", "nil", "undefined"}) {
    if (value.size() == literal.size() && StartsWithNoCase(value, 0, literal)) return true;
  }
  return false;
}

// An unquoted value is code as often as a credential (`password: string`, `token = self.token`,
// `secret = getpass()`): it counts only when it looks random or has a credential's punctuation.
bool LooksLikeUnquotedCredential(string_view value, char after) {
  if (value.size() < 4 || after == '(' || after == '[') return false;
  if (LooksRandom(value)) return true;
  for (char c : value) {
    if (IsOneOf(c, "!@#%^*+/=~")) return true;
  }
  return false;
}

// HTTP authentication schemes (IANA's registry and the common vendor ones), lower case.
constexpr string_view kAuthSchemes[] = {
    "bearer", "basic", "token", "digest", "negotiate",        "ntlm",   "apikey",
    "key",    "dpop",  "hoba",  "mutual", "aws4-hmac-sha256", "sso-key"};

bool IsAuthScheme(string_view word) {
  for (string_view scheme : kAuthSchemes) {
    if (word.size() == scheme.size() && StartsWithNoCase(word, 0, scheme)) return true;
  }
  return false;
}

// `Authorization: <scheme> <credential>` (also `Authorization: "Bearer …"` in JSON): the scheme
// stays, the credential goes, whatever it looks like. No scheme: the value itself, if it looks
// like a credential (`Authorization: see below` is prose).
optional<Match> MatchAuthorization(string_view line, size_t value_from) {
  size_t at = value_from + QuoteAt(line, value_from).length;
  if (at >= line.size() || !IsAlnum(line[at])) return nullopt;  // `-----BEGIN …` is not a scheme
  size_t scheme = RunLength(line, at, [](char c) { return IsAlnum(c) || c == '-'; });
  size_t blanks = RunLength(line, at + scheme, IsBlank);
  string_view scheme_name = line.substr(at, scheme);
  if (blanks > 0 && IsAuthScheme(scheme_name)) {
    size_t from = at + scheme + blanks;
    size_t length = RunLengthWithEscapedSlashes(line, from, IsBearerChar);
    if (length == 0) return nullopt;  // `Bearer $TOKEN`: a reference, not a secret
    if (auto token = MatchWordAt(line, from, from + RunLength(line, from, IsAlnum))) return token;
    Kind kind = StartsWithNoCase(scheme_name, 0, "bearer")  ? Kind::kBearerToken
                : StartsWithNoCase(scheme_name, 0, "basic") ? Kind::kBasicAuth
                                                            : Kind::kToken;
    return Match{from, from + length, kind};
  }
  size_t length = RunLengthWithEscapedSlashes(line, at, IsBearerChar);
  if (length < 8 || !LooksRandom(line.substr(at, length))) return nullopt;
  if (auto token = MatchWordAt(line, at, at + RunLength(line, at, IsAlnum))) return token;
  return Match{at, at + length, Kind::kToken};
}

}  // namespace

BareQuotes::BareQuotes(string_view line) : line_(line) {
  size_t first = RunLength(line, 0, IsBlank);
  json_ = first < line.size() && (line[first] == '{' || line[first] == '[');
}

bool BareQuotes::Opens(size_t at) {
  if (!json_) return true;
  while (scanned_ < at) {
    if (line_[scanned_] == '\\') {
      scanned_ += 2;  // an escaped byte, quote or not
    } else {
      if (line_[scanned_] == '"') inside_string_ = !inside_string_;
      ++scanned_;
    }
  }
  return !inside_string_;
}

optional<Match> MatchAssignmentAfter(string_view line, size_t word_end, BareQuotes& bare_quotes) {
  // Every sensitive name ends in one of these letters: most words are dismissed here.
  if (!IsOneOf(Lower(line[word_end - 1]), "dyetn")) return nullopt;
  optional<size_t> value_from = ValueStartAfter(line, word_end);
  if (!value_from) return nullopt;
  Quote quote = QuoteAt(line, *value_from);
  if (quote.mark == '"' && quote.backslashes == 0 && !bare_quotes.Opens(*value_from)) {
    return nullopt;  // the quote ends the JSON string the name is in: there is no value
  }
  if (NameEndsWith(line, word_end, "authorization")) return MatchAuthorization(line, *value_from);
  const SensitiveName* name = nullptr;
  for (const SensitiveName& candidate : kSensitiveNames) {
    if (NameEndsWith(line, word_end, candidate.suffix)) {
      name = &candidate;
      break;
    }
  }
  if (name == nullptr) return nullopt;

  size_t from = *value_from + quote.length;
  if (from < line.size() && IsAlnum(line[from])) {  // a token we know by its shape: its own marker
    if (auto token = MatchWordAt(line, from, from + RunLength(line, from, IsAlnum))) return token;
  }
  size_t end = quote.length > 0
                   ? QuotedValueEnd(line, from, quote)
                   : from + RunLengthWithEscapedSlashes(line, from, IsUnquotedValueChar);
  // A value quoted inside a JSON string must end at its own quote, not at the end of a string
  // around it: `\"token=\"}"` in a JSON document inside a string closes a string, it opens none.
  if (quote.backslashes > 0 && QuoteAt(line, end).backslashes != quote.backslashes) return nullopt;
  string_view value = line.substr(from, end - from);
  if (IsPlaceholder(value)) return nullopt;
  if (quote.length == 0 &&
      !LooksLikeUnquotedCredential(value, end < line.size() ? line[end] : '\0'))
    return nullopt;
  return Match{from, end, name->kind};
}

}  // namespace oxd::redact::detail
