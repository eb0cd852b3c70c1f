// The github plugin's commands: `github sync` (mirror now, with the progress bar; then one
// summary line) and `github status` (or bare `github`): the repository, the last sync, the
// mirrored counts and the API's rate limit. What each field means: plugins/github/README.md.

#include <string>

#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/PluginRequests.h"

namespace oxd::cli {
namespace {

constexpr std::string_view kNoGithubPlugin = "this daemon has no github plugin";

}  // namespace

int runGithub(Invocation& invocation) {
  std::string action = invocation.positional.empty() ? "status" : invocation.positional[0];
  if (action == "sync") {
    Streamed streamed = streamRequest(invocation, "github_sync", std::nullopt, kNoGithubPlugin);
    const nlohmann::json& data = requireSuccess(streamed.reply);
    if (invocation.json) return kExitOk;
    std::string outcome =
        data.value("committed", false) ? "committed and pushed" : "nothing changed in the ledger";
    if (data.value("committed", false) && !data.value("pushed", true)) {
      outcome = "committed; the push waits for the next ledger sync (" +
                fieldText(data, "push_error") + ")";
    }
    printOut("github " + fieldText(data, "owner") + "/" + fieldText(data, "repo") + ": " +
             fieldNumber(data, "prs_changed") + " PR(s) and " +
             fieldNumber(data, "issues_changed") + " issue(s) changed, " + outcome + "; " +
             fieldNumber(data, "requests") + " request(s), " + fieldNumber(data, "not_modified") +
             " answered 304; mirrored " + fieldNumber(data, "prs") + " PRs, " +
             fieldNumber(data, "issues") + " issues");
    return kExitOk;
  }
  if (action != "status") {
    throw UsageError("github: unknown action '" + action + "' (sync, status)");
  }
  nlohmann::json reply = requestPlugin(invocation, "github_status", std::nullopt, kNoGithubPlugin);
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) {
    printOut(data.dump());
    return kExitOk;
  }
  std::string repo = fieldText(data, "owner") == "-"
                         ? "no repository found yet"
                         : fieldText(data, "owner") + "/" + fieldText(data, "repo");
  printOut("github: " + repo + (data.value("syncing", false) ? " (syncing now)" : ""));
  printOut("  mirrored " + fieldNumber(data, "prs") + " PRs, " + fieldNumber(data, "issues") +
           " issues; last sync " + fieldText(data, "last_sync"));
  if (fieldText(data, "last_error") != "-")
    printOut("  last error: " + fieldText(data, "last_error"));
  const nlohmann::json rate = data.value("rate_limit", nlohmann::json::object());
  if (rate.contains("remaining")) {
    printOut("  API rate limit: " + fieldNumber(rate, "remaining") + " left, resets " +
             fieldText(rate, "reset"));
  }
  return kExitOk;
}

}  // namespace oxd::cli
