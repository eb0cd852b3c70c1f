// The codedb plugin's commands: `index` (streams the run's progress) and `search` (grep-like
// lines, or the reply with --json). Query syntax: plugins/codedb/README.md.

#include <string>

#include "oxctl/Cli.h"
#include "oxctl/Output.h"
#include "oxctl/PluginRequests.h"

namespace oxd::cli {
namespace {

constexpr std::string_view kNoCodedbPlugin = "this daemon has no codedb plugin";

std::int64_t count(const nlohmann::json& data, const char* key) {
  auto found = data.find(key);
  return found != data.end() && found->is_number_integer() ? found->get<std::int64_t>() : 0;
}

std::string repoOf(const Invocation& invocation) {
  if (auto url = invocation.value("--url")) {
    if (invocation.has("--ledger")) throw UsageError("--url and --ledger: give one");
    return *url;
  }
  return invocation.has("--ledger") ? "ledger" : "";
}

// `path:line: snippet` as grep prints; history hits name their commit, uncommitted ones say so.
std::string hitLine(const nlohmann::json& hit) {
  std::string kind = hit.value("kind", "");
  std::string commit = hit.value("commit", "");
  if (kind == "commit") return commit.substr(0, 12) + "  " + hit.value("snippet", "");
  std::string line = hit.value("path", "") + ":" + std::to_string(hit.value("line", 0)) + ": ";
  if (kind == "symbol") {
    std::string container = hit.value("container", "");
    line += hit.value("symbol_kind", "") + " " + (container.empty() ? "" : container + "::") +
            hit.value("symbol", "");
  } else {
    line += hit.value("snippet", "");
  }
  if (hit.value("dirty", false)) line += "  [uncommitted]";
  if (!commit.empty()) line += "  [" + commit.substr(0, 12) + "]";
  return line;
}

}  // namespace

int runIndex(Invocation& invocation) {
  nlohmann::json payload = nlohmann::json::object();
  if (invocation.has("--full")) payload["full"] = true;
  std::string repo = repoOf(invocation);
  if (repo == "ledger") {
    payload["repo"] = "ledger";
  } else if (!repo.empty()) {
    payload["url"] = repo;
  }
  Streamed streamed = streamRequest(invocation, "code_index", payload, kNoCodedbPlugin);
  const nlohmann::json& data = requireSuccess(streamed.reply);
  if (invocation.json) return kExitOk;
  printOut("indexed " + data.value("repo", std::string("project")) + ": " +
           std::to_string(count(data, "commits")) + " new commit(s), " +
           std::to_string(count(data, "blobs_new")) + " new file version(s) (" +
           std::to_string(count(data, "blobs_skipped")) + " skipped), " +
           std::to_string(count(data, "symbols_extracted")) + " symbol(s), " +
           std::to_string(count(data, "comments_extracted")) + " comment(s) in " +
           std::to_string(count(data, "total_duration_ms")) + " ms");
  return kExitOk;
}

int runSearch(Invocation& invocation) {
  nlohmann::json payload = {{"query", invocation.positional[0]}};
  int kinds = 0;
  for (const char* kind : {"symbol", "comment", "commit"}) {
    if (invocation.has(std::string("--") + kind)) {
      payload["kind"] = kind;
      ++kinds;
    }
  }
  if (kinds > 1) throw UsageError("--symbol, --comment and --commit: give one");
  if (auto path = invocation.value("--path")) payload["path"] = *path;
  if (auto lang = invocation.value("--lang")) payload["lang"] = *lang;
  if (auto limit = invocation.integer("--limit", 1, 1000)) payload["limit"] = *limit;
  if (invocation.has("--history")) payload["history"] = true;
  if (invocation.has("--word")) payload["word"] = true;
  if (invocation.has("--ignore-case")) payload["ignore_case"] = true;
  if (std::string repo = repoOf(invocation); !repo.empty()) payload["repo"] = repo;

  nlohmann::json reply = requestPlugin(invocation, "code_search", payload, kNoCodedbPlugin);
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) {
    printOut(data.dump());
    return kExitOk;
  }
  const nlohmann::json results = data.value("results", nlohmann::json::array());
  for (const nlohmann::json& hit : results) {
    if (hit.is_object()) printOut(hitLine(hit));
  }
  std::int64_t total = count(data, "total");
  if (results.empty()) {
    printOut("no matches");
  } else if (total > static_cast<std::int64_t>(results.size())) {
    printOut("(" + std::to_string(results.size()) + " of " +
             (data.value("total_exact", true) ? "" : "at least ") + std::to_string(total) +
             " shown: --limit N for more)");
  }
  return kExitOk;
}

}  // namespace oxd::cli
