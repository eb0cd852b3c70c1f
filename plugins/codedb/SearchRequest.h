// A code_search payload read into a SearchQuery. Wrong types and unknown values are refused
// with the field named (sdk::BadPayload → "invalid payload: …"); the query text itself is
// checked by the index (empty, too long, not UTF-8, several lines).
#pragma once

#include <oxd/payload.h>

#include <string>

#include "index/Search.h"

namespace oxd::codedb {

struct SearchRequest {
  SearchQuery query;
  std::string repo;  // "" or "project", "ledger", or a URL indexed with code_index {url}

  static SearchRequest Parse(const sdk::Payload& payload);
};

}  // namespace oxd::codedb
