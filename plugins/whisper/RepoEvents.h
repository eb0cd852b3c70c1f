// What the whisper plugin reads from the sync plugin's repo.pulled and repo.cloned events
// (plugins/sync/Events.h): {scope, id, path, files_changed?, paths?}. Anything else on the bus
// under those topics is ignored.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <optional>
#include <string>
#include <vector>

namespace oxd::whisper {

struct RepoEvent {
  std::string scope;               // "ledger" or "team-context"
  std::string id;                  // "ledger" or the team id
  std::string path;                // the checkout
  std::vector<std::string> paths;  // changed paths (repo.pulled only)
};

std::optional<RepoEvent> ParseRepoEvent(const Poco::Dynamic::Var& event);

}  // namespace oxd::whisper
