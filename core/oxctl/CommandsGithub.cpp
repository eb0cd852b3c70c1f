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

std::string text(const nlohmann::json& data, const char* key) {
  auto found = data.find(key);
  if (found == data.end() || !found->is_string() || found->get<std::string>().empty()) return "-";
  return found->get<std::string>();
}

std::string number(const nlohmann::json& data, const char* key) {
  auto found = data.find(key);
  if (found == data.end() || !found->is_number_integer()) return "0";
  return std::to_string(found->get<std::int64_t>());
}

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
      outcome =
          "committed; the push waits for the next ledger sync (" + text(data, "push_error") + ")";
    }
    printOut("github " + text(data, "owner") + "/" + text(data, "repo") + ": " +
             number(data, "prs_changed") + " PR(s) and " + number(data, "issues_changed") +
             " issue(s) changed, " + outcome + "; " + number(data, "requests") + " request(s), " +
             number(data, "not_modified") + " answered 304; mirrored " + number(data, "prs") +
             " PRs, " + number(data, "issues") + " issues");
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
  std::string repo = text(data, "owner") == "-" ? "no repository found yet"
                                                : text(data, "owner") + "/" + text(data, "repo");
  printOut("github: " + repo + (data.value("syncing", false) ? " (syncing now)" : ""));
  printOut("  mirrored " + number(data, "prs") + " PRs, " + number(data, "issues") +
           " issues; last sync " + text(data, "last_sync"));
  if (text(data, "last_error") != "-") printOut("  last error: " + text(data, "last_error"));
  const nlohmann::json rate = data.value("rate_limit", nlohmann::json::object());
  if (rate.contains("remaining")) {
    printOut("  API rate limit: " + number(rate, "remaining") + " left, resets " +
             text(rate, "reset"));
  }
  return kExitOk;
}

}  // namespace oxd::cli
