#include "IndexRequest.h"

namespace oxd::codedb {

std::string RemoteUrlProblem(const std::string& url) {
  auto scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http" && scheme != "git" && scheme != "file") {
    return "expected an https, http, git or file URL, got '" + url + "'";
  }
  if (url.size() > 2048) return "longer than 2048 bytes";
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7f) return "holds a control character";
  }
  return "";
}

CodeIndexRequest CodeIndexRequest::Parse(const sdk::Payload& payload) {
  CodeIndexRequest request;
  request.url = payload.optionalString("url").value_or("");
  request.repo = payload.optionalString("repo").value_or("");
  request.full = payload.optionalBool("full").value_or(false);
  if (!request.url.empty() && !request.repo.empty()) {
    throw sdk::BadPayload("url and repo: give one or neither");
  }
  if (payload.has("url") && request.url.empty()) throw sdk::BadPayload("url: empty");
  if (!request.url.empty()) {
    if (std::string problem = RemoteUrlProblem(request.url); !problem.empty()) {
      throw sdk::BadPayload("url: " + problem);
    }
  } else if (!request.repo.empty() && request.repo != "project" && request.repo != "ledger") {
    throw sdk::BadPayload("repo: expected project or ledger (a remote is given as url), got '" +
                          request.repo + "'");
  }
  return request;
}

}  // namespace oxd::codedb
