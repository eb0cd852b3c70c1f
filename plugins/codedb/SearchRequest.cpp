#include "SearchRequest.h"

#include <oxd/client_path.h>

namespace oxd::codedb {

SearchRequest SearchRequest::Parse(const sdk::Payload& payload) {
  SearchRequest request;
  SearchQuery& query = request.query;
  query.query = payload.requiredString("query");
  std::string kind = payload.optionalString("kind").value_or("text");
  if (kind == "text") {
    query.kind = SearchKind::kText;
  } else if (kind == "symbol") {
    query.kind = SearchKind::kSymbol;
  } else if (kind == "comment") {
    query.kind = SearchKind::kComment;
  } else if (kind == "commit") {
    query.kind = SearchKind::kCommit;
  } else {
    throw sdk::BadPayload("kind: expected text, symbol, comment or commit, got '" + kind + "'");
  }
  query.path = payload.optionalString("path").value_or("");
  // A filter on indexed paths, not a file the daemon opens; a NUL still never matches a path.
  if (std::string problem = sdk::clientPathTextProblem(query.path); !problem.empty()) {
    throw sdk::BadPayload("path: " + problem);
  }
  query.lang = payload.optionalString("lang").value_or("");
  if (auto limit = payload.optionalInt("limit")) {
    if (*limit < 1 || *limit > static_cast<std::int64_t>(kMaxSearchLimit)) {
      throw sdk::BadPayload("limit: expected 1 to " + std::to_string(kMaxSearchLimit) + ", got " +
                            std::to_string(*limit));
    }
    query.limit = static_cast<std::size_t>(*limit);
  }
  query.history = payload.optionalBool("history").value_or(false);
  query.whole_word = payload.optionalBool("word").value_or(false);
  query.ignore_case = payload.optionalBool("ignore_case").value_or(false);
  request.repo = payload.optionalString("repo").value_or("");
  return request;
}

}  // namespace oxd::codedb
