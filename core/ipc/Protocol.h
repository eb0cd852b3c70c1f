#pragma once
// The wire protocol (docs/protocol.md#framing, docs/protocol.md#errors): one NDJSON request line
// in, reply and progress lines out.
//
// decodeRequest() validates everything a client can get wrong at the edge, so a handler only
// ever sees a well-formed sdk::Request. A bad line is expected input, not an exception: the
// result carries the exact error text of docs/protocol.md#errors.
//
// Every function is thread-safe and never throws on any input (bad_alloc aside).

#include <oxd/message.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace oxd::core {

// Reply texts of docs/protocol.md#errors (byte-compatible with the Go daemon).
inline constexpr std::string_view kInvalidMessageFormat = "invalid message format";
inline constexpr std::string_view kUnknownMessageType = "unknown message type";
inline constexpr std::string_view kPayloadNotObject =
    "invalid payload: payload must be a JSON object";
inline constexpr std::string_view kDaemonBusy = "daemon busy";

// Poco's parser recurses once per nesting level; deeper lines are refused before it sees them.
inline constexpr std::size_t kMaxNestingDepth = 128;

struct DecodedRequest {
  bool ok = false;
  sdk::Request request;  // meaningful only when ok
  // The envelope's optional "confirm": true. A one-way message then gets one reply line, once
  // its handler has returned (docs/protocol.md#one-way-messages); ignored by other kinds.
  bool confirm = false;
  std::string error;  // the reply's error text when !ok
};

// `line` excludes the terminating '\n'. Rules, in order:
//   invalid UTF-8, a raw NUL byte, nesting deeper than kMaxNestingDepth, unparsable JSON, a
//   top level that is not an object, a non-string workspace_id/caller_id (Go's Unmarshal fails
//   on those too)                                  → kInvalidMessageFormat
//   "type" missing, null, empty or not a string    → kUnknownMessageType
//   "payload" present, not null and not an object  → kPayloadNotObject
// An absent or null payload becomes an empty object.
DecodedRequest decodeRequest(std::string_view line);

// A cheap single pass: well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF), no NUL,
// and bracket nesting (outside strings) no deeper than max_depth.
bool lineIsAcceptable(std::string_view line, std::size_t max_depth = kMaxNestingDepth);

// {"success":true,"data":…}\n or {"success":false,"error":"…"}\n; "error" is omitted when
// empty and "data" when the Var is empty — Go's omitempty, in Go's field order.
std::string encodeReply(const sdk::Reply& reply);

// {"progress":{"stage":…,"percent":…,"message":…},"success":false}\n; "percent" omitted when
// unknown. "stage" is always present, possibly "".
std::string encodeProgress(std::string_view stage, std::optional<int> percent,
                           std::string_view message);

// Appends `text` as a JSON string literal (quotes included), escaped as Poco's Stringifier does
// so that envelope strings and data strings look alike.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace oxd::core
