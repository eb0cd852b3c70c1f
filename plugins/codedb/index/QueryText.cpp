#include "index/QueryText.h"

#include <algorithm>
#include <vector>

#include "extract/SkipRules.h"

namespace oxd::codedb {
namespace {

std::size_t CodePointLength(unsigned char lead) {
  if (lead < 0x80) {
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    return 2;
  }
  if ((lead & 0xF0) == 0xE0) {
    return 3;
  }
  return 4;
}

}  // namespace

std::string CheckQueryText(std::string_view text) {
  if (text.empty()) {
    return "empty query";
  }
  if (text.size() > kMaxQueryBytes) {
    return "query is " + std::to_string(text.size()) + " bytes; the limit is " +
           std::to_string(kMaxQueryBytes);
  }
  if (FirstInvalidUtf8(text) != text.size()) {
    return "query is not valid UTF-8";
  }
  if (text.find_first_of(std::string_view("\n\r\0", 3)) != std::string_view::npos) {
    return "query must be one line (no line break or NUL)";
  }
  return {};
}

std::string FtsString(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  quoted += '"';
  return quoted;
}

std::string TrigramExpression(std::string_view text) {
  std::vector<std::size_t> starts;  // byte offset of each code point
  for (std::size_t at = 0; at < text.size();
       at += CodePointLength(static_cast<unsigned char>(text[at]))) {
    starts.push_back(at);
  }
  if (starts.size() < 3) {
    return {};
  }
  starts.push_back(text.size());
  std::vector<std::string_view> trigrams;
  for (std::size_t i = 0; i + 3 < starts.size(); ++i) {
    std::string_view trigram = text.substr(starts[i], starts[i + 3] - starts[i]);
    if (std::find(trigrams.begin(), trigrams.end(), trigram) == trigrams.end()) {
      trigrams.push_back(trigram);
    }
  }
  std::string expression;
  std::size_t count = std::min(trigrams.size(), kMaxTrigrams);
  for (std::size_t i = 0; i < count; ++i) {
    // Evenly spread, first and last included: both ends of a long query narrow the most.
    std::size_t pick = count == 1 ? 0 : i * (trigrams.size() - 1) / (count - 1);
    if (!expression.empty()) {
      expression += " AND ";
    }
    expression += FtsString(trigrams[pick]);
  }
  return expression;
}

}  // namespace oxd::codedb
