#include "ipc/Protocol.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cstdint>
#include <exception>
#include <sstream>

namespace oxd::core {

namespace {

// Length of the well-formed UTF-8 sequence starting at p (lead byte ≥ 0x80), 0 if malformed.
std::size_t utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
  unsigned char lead = *p;
  std::size_t length;
  std::uint32_t code_point;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (p[i] & 0x3F);
  }
  if (length == 3 && (code_point < 0x800 || (code_point >= 0xD800 && code_point <= 0xDFFF))) {
    return 0;
  }
  if (length == 4 && (code_point < 0x10000 || code_point > 0x10FFFF)) return 0;
  return length;
}

DecodedRequest failure(std::string_view error) {
  DecodedRequest out;
  out.error = error;
  return out;
}

// Go's Unmarshal leaves a string field alone for null and fails for any other non-string.
bool optionalStringField(const Poco::JSON::Object& object, const std::string& key,
                         std::string& out) {
  const Poco::Dynamic::Var& value = object.get(key);
  if (value.isEmpty()) return true;
  if (value.type() != typeid(std::string)) return false;
  out = value.extract<std::string>();
  return true;
}

void appendData(std::string& out, const Poco::Dynamic::Var& data) {
  if (data.type() == typeid(std::string)) {
    appendJsonString(out, data.extract<std::string>());
    return;
  }
  std::ostringstream stream;
  Poco::JSON::Stringifier::stringify(data, stream);
  out += stream.str();
}

}  // namespace

bool lineIsAcceptable(std::string_view line, std::size_t max_depth) {
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const auto* end = p + line.size();
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  while (p < end) {
    unsigned char c = *p;
    if (c >= 0x80) {
      std::size_t length = utf8SequenceLength(p, end);
      if (length == 0) return false;
      p += length;
      escaped = false;  // "\é" is invalid JSON; the parser refuses it
      continue;
    }
    if (c == 0) return false;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
    ++p;
  }
  return true;
}

DecodedRequest decodeRequest(std::string_view line) {
  if (!lineIsAcceptable(line)) return failure(kInvalidMessageFormat);

  Poco::Dynamic::Var parsed;
  try {
    // One parser a thread, reused: it saves a handler allocation on the hot path (ping).
    // Its own depth limit is a backstop only: lineIsAcceptable() already bounded the nesting.
    thread_local Poco::JSON::Parser parser;
    parser.reset();
    parser.setDepth(kMaxNestingDepth + 1);
    parsed = parser.parse(std::string(line));
  } catch (const std::exception&) {
    return failure(kInvalidMessageFormat);
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return failure(kInvalidMessageFormat);
  const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
  if (!object) return failure(kInvalidMessageFormat);

  DecodedRequest out;
  if (!optionalStringField(*object, "workspace_id", out.request.workspace_id) ||
      !optionalStringField(*object, "caller_id", out.request.caller_id)) {
    return failure(kInvalidMessageFormat);
  }
  const Poco::Dynamic::Var& type = object->get("type");
  if (type.type() != typeid(std::string) || type.extract<std::string>().empty()) {
    return failure(kUnknownMessageType);
  }
  out.request.type = type.extract<std::string>();
  const Poco::Dynamic::Var& confirm = object->get("confirm");
  out.confirm = confirm.type() == typeid(bool) && confirm.extract<bool>();

  const Poco::Dynamic::Var& payload = object->get("payload");
  if (!payload.isEmpty()) {
    if (payload.type() != typeid(Poco::JSON::Object::Ptr)) return failure(kPayloadNotObject);
    auto payload_object = payload.extract<Poco::JSON::Object::Ptr>();
    if (payload_object) out.request.payload = payload_object;
  }
  out.ok = true;
  return out;
}

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const auto* run = p;
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    if (p == end) break;
    unsigned char c = *p;
    if (c >= 0x80) {
      // Handler texts (exception messages, file names) may hold invalid UTF-8; like Go's
      // encoder we send U+FFFD rather than a line strict clients (nlohmann) cannot parse.
      std::size_t length = utf8SequenceLength(p, end);
      if (length == 0) {
        out += "\xEF\xBF\xBD";
        ++p;
      } else {
        out.append(reinterpret_cast<const char*>(p), length);
        p += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++p;
  }
  out += '"';
}

std::string encodeReply(const sdk::Reply& reply) {
  std::string out;
  out.reserve(64 + reply.error.size());
  out += reply.success ? "{\"success\":true" : "{\"success\":false";
  if (!reply.error.empty()) {
    out += ",\"error\":";
    appendJsonString(out, reply.error);
  }
  if (!reply.data.isEmpty()) {
    try {
      out += ",\"data\":";
      appendData(out, reply.data);
    } catch (const std::exception& exception) {
      // A handler returned a Var that Poco cannot stringify: an error reply beats a torn line.
      sdk::Reply broken =
          sdk::Reply::fail(std::string("reply could not be encoded: ") + exception.what());
      return encodeReply(broken);
    }
  }
  out += "}\n";
  return out;
}

std::string encodeProgress(std::string_view stage, std::optional<int> percent,
                           std::string_view message) {
  std::string out;
  out.reserve(64 + stage.size() + message.size());
  out += "{\"progress\":{\"stage\":";
  appendJsonString(out, stage);
  if (percent) {
    out += ",\"percent\":";
    out += std::to_string(*percent);
  }
  out += ",\"message\":";
  appendJsonString(out, message);
  out += "},\"success\":false}\n";
  return out;
}

}  // namespace oxd::core
