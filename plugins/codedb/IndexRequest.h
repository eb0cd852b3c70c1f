// A code_index payload read once at the edge: {url?, repo?, full?}. Wrong types and values are
// refused with the field named (sdk::BadPayload → "invalid payload: …").
#pragma once

#include <oxd/payload.h>

#include <string>

namespace oxd::codedb {

struct CodeIndexRequest {
  std::string url;   // a remote to clone (through the sync plugin) and index; "" = none
  std::string repo;  // "", "project" or "ledger" (when url is "")
  bool full = false;

  static CodeIndexRequest Parse(const sdk::Payload& payload);
};

// What the sync plugin's checkout clones (it owns every git network operation): "" when `url`
// is acceptable, else why not.
std::string RemoteUrlProblem(const std::string& url);

}  // namespace oxd::codedb
