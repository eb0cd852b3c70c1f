#include "Messages.h"

#include <oxd/calls.h>
#include <oxd/handlers.h>
#include <oxd/json.h>

#include <Poco/JSON/Array.h>

#include <chrono>
#include <fstream>
#include <system_error>

#include "IndexRequest.h"
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

// Clones `url` into the store's repo directory through the sync plugin's checkout (a `mirror`:
// no repo events). Returns the error for the client, or "" when the clone is there.
std::string EnsureRemoteClone(Runtime& runtime, IndexStore& store, bool full,
                              sdk::Progress& progress) {
  const fs::path& repo = store.target().repo;
  std::error_code error;
  if (full) fs::remove_all(repo, error);
  if (fs::exists(repo / ".git", error)) return "";
  progress.stage("clone", "Cloning " + store.target().name + " (through the sync plugin)");
  sdk::CheckoutRequest checkout;
  checkout.clone_url = store.target().name;
  checkout.repo_path = repo.string();
  checkout.repo_type = "mirror";
  Reply reply = runtime.calls.call(checkout.toRequest());
  if (!reply.success) {
    if (reply.error == "unknown message type") {
      return "indexing a URL needs the sync plugin, which clones it (oxctl plugins enable sync)";
    }
    return reply.error;
  }
  std::ofstream(repo.parent_path() / "url") << store.target().name << '\n';
  return "";
}

Reply CodeIndex(Runtime& runtime, const CodeIndexRequest& request, sdk::Progress& progress) {
  const std::string& url = request.url;
  const std::string& repo = request.repo;
  bool full = request.full;
  if (auto active = runtime.runs.Active()) return Reply::fail(BusyMessage(active));

  IndexStore* store = nullptr;
  if (!url.empty()) {
    store = &runtime.Remote(url);
    if (std::string failed = EnsureRemoteClone(runtime, *store, full, progress); !failed.empty()) {
      return Reply::fail(failed);
    }
  } else if (repo.empty() || repo == "project") {
    if (!runtime.project) {
      return Reply::fail(runtime.workspace.project_root.string() +
                         " is not a git repository: there is no history to index");
    }
    store = runtime.project.get();
  } else {  // "ledger": CodeIndexRequest::Parse refused anything else
    std::error_code error;
    if (!runtime.ledger || !fs::exists(runtime.ledger->target().repo / ".git", error)) {
      return Reply::fail("this workspace has no ledger checkout to index");
    }
    store = runtime.ledger.get();
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
  return Reply::ok(RunReport(store->target().name, full, *report).toVar());
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

Reply CodeSearch(Runtime& runtime, const SearchRequest& parsed) {
  IndexStore* store = runtime.Find(parsed.repo);
  if (!store) {
    if (parsed.repo.empty() || parsed.repo == "project") {
      return Reply::fail(runtime.workspace.project_root.string() +
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

void RegisterMessages(sdk::Host& host, Runtime& runtime) {
  using sdk::handleTyped;
  using sdk::Progress;
  handleTyped<CodeIndexRequest>(host, "code_index",
                                [&runtime](const CodeIndexRequest& request, Progress& progress) {
                                  return CodeIndex(runtime, request, progress);
                                });
  handleTyped<sdk::NoPayload>(host, "code_status", [&runtime](const sdk::NoPayload&, Progress&) {
    return Reply::ok(CodeDbStats(runtime, true));
  });
  sdk::Histogram* search_duration = &host.metrics().histogram(
      "oxd_codedb_search_duration_seconds", "Time to answer code_search.", sdk::durationBuckets());
  handleTyped<SearchRequest>(host, "code_search",
                             [&runtime, search_duration](const SearchRequest& request, Progress&) {
                               auto started = std::chrono::steady_clock::now();
                               Reply reply = CodeSearch(runtime, request);
                               search_duration->observeSince(started);
                               return reply;
                             });
  host.statusSection("code_db", [&runtime] { return CodeDbStats(runtime, false); });
  host.doctor([&runtime]() -> Poco::Dynamic::Var {
    // The freshness checks run at once; the answer is what the caches say now.
    if (runtime.project) runtime.background->Request(*runtime.project);
    if (runtime.ledger) runtime.background->Request(*runtime.ledger);
    if (runtime.overlay) runtime.overlay->RescanNow();
    return CodeDbStats(runtime, true);
  });
}

}  // namespace oxd::codedb
