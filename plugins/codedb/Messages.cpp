#include "Messages.h"

#include <oxd/json.h>
#include <oxd/payload.h>

#include <Poco/JSON/Array.h>

#include <chrono>
#include <fstream>
#include <system_error>

#include "MergedSearch.h"
#include "RunReport.h"
#include "SearchRequest.h"

namespace oxd::codedb {

namespace {

namespace fs = std::filesystem;
using sdk::Reply;

std::string BusyMessage(const std::optional<ActiveRun>& active) {
  if (!active) return "an index run is already active";
  return "an index run is already active: " + active->target + " (" + active->stage + " " +
         std::to_string(active->percent) + "%)";
}

// What the sync plugin's checkout clones (it owns every git network operation).
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

// Clones `url` into the store's repo directory through the sync plugin's checkout (a `mirror`:
// no repo events). Returns the error for the client, or "" when the clone is there.
std::string EnsureRemoteClone(Runtime& runtime, IndexStore& store, bool full,
                              sdk::Progress& progress) {
  const fs::path& repo = store.target().repo;
  std::error_code error;
  if (full) fs::remove_all(repo, error);
  if (fs::exists(repo / ".git", error)) return "";
  progress.stage("clone", "Cloning " + store.target().name + " (through the sync plugin)");
  sdk::Request checkout;
  checkout.type = "checkout";
  checkout.payload->set("clone_url", store.target().name);
  checkout.payload->set("repo_path", repo.string());
  checkout.payload->set("repo_type", std::string("mirror"));
  Reply reply = runtime.host.call(checkout);
  if (!reply.success) {
    if (reply.error == "unknown message type") {
      return "indexing a URL needs the sync plugin, which clones it (oxctl plugins enable sync)";
    }
    return reply.error;
  }
  std::ofstream(repo.parent_path() / "url") << store.target().name << '\n';
  return "";
}

Reply CodeIndex(Runtime& runtime, const sdk::Request& request, sdk::Progress& progress) {
  sdk::Payload payload(request.payload);
  std::string url = payload.optionalString("url").value_or("");
  std::string repo = payload.optionalString("repo").value_or("");
  bool full = payload.optionalBool("full").value_or(false);
  if (!url.empty() && !repo.empty()) throw sdk::BadPayload("url and repo: give one or neither");
  if (payload.has("url") && url.empty()) throw sdk::BadPayload("url: empty");
  if (auto active = runtime.runs.Active()) return Reply::fail(BusyMessage(active));

  IndexStore* store = nullptr;
  if (!url.empty()) {
    if (std::string problem = RemoteUrlProblem(url); !problem.empty()) {
      throw sdk::BadPayload("url: " + problem);
    }
    store = &runtime.Remote(url);
    if (std::string failed = EnsureRemoteClone(runtime, *store, full, progress); !failed.empty()) {
      return Reply::fail(failed);
    }
  } else if (repo.empty() || repo == "project") {
    if (!runtime.project) {
      return Reply::fail(runtime.host.workspace().project_root.string() +
                         " is not a git repository: there is no history to index");
    }
    store = runtime.project.get();
  } else if (repo == "ledger") {
    std::error_code error;
    if (!runtime.ledger || !fs::exists(runtime.ledger->target().repo / ".git", error)) {
      return Reply::fail("this workspace has no ledger checkout to index");
    }
    store = runtime.ledger.get();
  } else {
    throw sdk::BadPayload("repo: expected project or ledger (a remote is given as url), got '" +
                          repo + "'");
  }

  IndexOptions options;
  options.full = full;
  options.progress = [&](const IndexProgress& step) {
    if (progress.cancelled()) runtime.runs.CancelActive();
    std::string message = step.stage == "commits"
                              ? "Indexing commits " + std::to_string(step.commits_done) + "/" +
                                    std::to_string(step.commits_total)
                              : std::string(step.stage);
    progress.percent(step.stage, step.percent, message);
  };
  std::optional<IndexReport> report = runtime.Index(*store, options, false);
  if (!report) return Reply::fail(BusyMessage(runtime.runs.Active()));
  if (report->cancelled) {
    return Reply::fail("index run of " + store->target().name +
                       " stopped (the client left or the daemon is stopping); the next run "
                       "goes on from there");
  }
  if (!report->ok) return Reply::fail(report->error);
  return Reply::ok(RunReportJson(store->target().name, full, *report));
}

Poco::JSON::Object::Ptr HitJson(const SearchHit& hit) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(true);
  json->set("path", hit.path);
  json->set("line", static_cast<Poco::UInt64>(hit.line));
  json->set("column", static_cast<Poco::UInt64>(hit.column));
  json->set("snippet", hit.snippet);
  json->set("kind", hit.kind);
  auto optional = [&](const char* key, const std::string& value) {
    if (!value.empty()) json->set(key, value);
  };
  optional("symbol", hit.symbol);
  optional("symbol_kind", hit.symbol_kind);
  optional("container", hit.container);
  optional("language", hit.language);
  optional("commit", hit.commit);
  optional("removed_in", hit.removed_in);
  json->set("dirty", hit.dirty);
  return json;
}

Reply CodeSearch(Runtime& runtime, const sdk::Request& request) {
  SearchRequest parsed = ParseSearchRequest(sdk::Payload(request.payload));
  IndexStore* store = runtime.Find(parsed.repo);
  if (!store) {
    if (parsed.repo.empty() || parsed.repo == "project") {
      return Reply::fail(runtime.host.workspace().project_root.string() +
                         " is not a git repository: there is no index to search");
    }
    if (parsed.repo == "ledger") return Reply::fail("this workspace has no ledger");
    return Reply::fail("no index of " + parsed.repo + " (code_index with url builds one)");
  }
  std::shared_ptr<const OverlaySnapshot> overlay;
  if (store == runtime.project.get() && runtime.overlay) overlay = runtime.overlay->Snapshot();
  SearchResult result = MergedSearch(*store, overlay.get(), parsed.query);
  if (!result.ok) return Reply::fail(result.error);
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
  Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
  for (const SearchHit& hit : result.hits) results->add(HitJson(hit));
  data->set("results", results);
  data->set("total", static_cast<Poco::UInt64>(result.total));
  data->set("total_exact", result.total_exact);
  data->set("took_ns", static_cast<Poco::Int64>(result.took_ns));
  return Reply::ok(data);
}

}  // namespace

void RegisterMessages(Runtime& runtime) {
  runtime.host.handle("code_index",
                      [&runtime](const sdk::Request& request, sdk::Progress& progress) {
                        return CodeIndex(runtime, request, progress);
                      });
  runtime.host.handle("code_status", [&runtime](const sdk::Request&, sdk::Progress&) {
    return Reply::ok(CodeDbStats(runtime, true));
  });
  sdk::Histogram* search_duration = &runtime.host.metrics().histogram(
      "oxd_codedb_search_duration_seconds", "Time to answer code_search.", sdk::durationBuckets());
  runtime.host.handle("code_search",
                      [&runtime, search_duration](const sdk::Request& request, sdk::Progress&) {
                        auto started = std::chrono::steady_clock::now();
                        Reply reply = CodeSearch(runtime, request);
                        search_duration->observeSince(started);
                        return reply;
                      });
}

}  // namespace oxd::codedb
