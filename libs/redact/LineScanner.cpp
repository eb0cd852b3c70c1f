#include "LineScanner.h"

#include "Characters.h"
#include "Rules.h"

namespace oxd::redact::detail {

namespace {

using std::size_t;
using std::string_view;

// The line without its line break: a private key's block never swallows the break after it.
size_t ContentEnd(string_view line) {
  size_t end = line.size();
  if (end > 0 && line[end - 1] == '\n') --end;
  if (end > 0 && line[end - 1] == '\r') --end;
  return end;
}

}  // namespace

void ScanLine(string_view line, bool& in_private_key, std::string& out, Counts& counts) {
  size_t copied = 0;  // line[copied, at) is still to be copied to `out`
  size_t at = 0;
  BareQuotes bare_quotes(line);
  auto replace = [&](const Match& match) {
    out.append(line.substr(copied, match.from - copied));
    out.append(MarkerOf(match.kind));
    counts.Add(match.kind);
    copied = at = match.end;
  };

  if (in_private_key) {  // a key block from an earlier line: drop its body, keep what follows
    PrivateKeyBody body = FindPrivateKeyEnd(line, 0);
    if (body.complete) {
      in_private_key = false;
      size_t end = body.end + (StartsWithAt(line, body.end, "\r\n") ? 2
                               : StartsWithAt(line, body.end, "\n") ? 1
                                                                    : 0);
      copied = at = end;
    } else if (body.end == line.size()) {
      return;  // the whole line is key body
    } else {
      in_private_key = false;  // a truncated key: the block ends where the body does
      copied = at = body.end;
    }
  }

  while (at < line.size()) {
    switch (ClassOf(line[at])) {
      case kPlain:
        ++at;
        break;
      case kBackslash:
        // An escaped byte (the n of \n) never starts a secret, nor does the n of an escaped
        // escape (\\n: a line break in a JSON string inside a JSON string).
        at += line.substr(at + 1).starts_with('\\') && at + 2 < line.size() &&
                      IsOneOf(line[at + 2], "nrt")
                  ? 3
                  : 2;
        break;
      case kAlnum: {
        size_t word_end = at + 1 + RunLength(line, at + 1, IsAlnum);
        if (auto match = MatchWordAt(line, at, word_end)) {
          replace(*match);
        } else if (auto assignment = MatchAssignmentAfter(line, word_end, bare_quotes)) {
          replace(*assignment);
        } else {
          at = word_end;
        }
        break;
      }
      case kDash: {
        auto header_end = PrivateKeyHeaderEnd(line, at);
        if (!header_end) {
          ++at;
          break;
        }
        PrivateKeyBody body = FindPrivateKeyEnd(line, *header_end);
        size_t content_end = ContentEnd(line);
        if (!body.complete && body.end >= content_end) {
          // Raw text: the key goes on over the next lines; this line's break stays.
          in_private_key = true;
          replace({at, content_end, Kind::kPrivateKey});
        } else {
          replace({at, body.end, Kind::kPrivateKey});
        }
        break;
      }
      case kColon:
        if (auto match = MatchUrlCredentialsAt(line, at)) {
          replace(*match);
        } else {
          ++at;
        }
        break;
    }
  }
  if (copied < line.size()) out.append(line.substr(copied));
}

}  // namespace oxd::redact::detail
