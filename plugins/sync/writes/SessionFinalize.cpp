#include "writes/SessionFinalize.h"

#include <oxd/client_path.h>
#include <oxd/payload.h>

#include <system_error>

#include "RepoPath.h"
#include "writes/RedactedCopy.h"
#include "writes/WritePaths.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

struct ResolvedFinalize {
  std::string name;
  fs::path source;  // resolved
  std::optional<Repo> ledger;
};

ResolvedFinalize Resolve(const RepoSet& repos, const fs::path& sessions_root,
                         const SessionFinalizeRequest& asked) {
  ResolvedFinalize request;
  request.name = asked.session_name;
  const std::string& ledger_path = asked.ledger_path;
  const std::string& cache_path = asked.cache_path;
  CheckSessionName(request.name);
  for (const auto& [field, path] :
       {std::pair{"ledger_path", &ledger_path}, std::pair{"cache_path", &cache_path}}) {
    if (std::string problem = sdk::clientPathTextProblem(*path); !problem.empty()) {
      throw RefusedWrite(std::string(field) + " " + problem);
    }
  }
  request.ledger = repos.Find("ledger");
  if (!request.ledger) throw RefusedWrite("no ledger configured");
  std::error_code error;
  if (!ledger_path.empty() && fs::weakly_canonical(ledger_path, error) !=
                                  fs::weakly_canonical(request.ledger->path, error)) {
    throw RefusedWrite("ledger_path " + ledger_path + " is not this workspace's ledger (" +
                       request.ledger->path.string() + ")");
  }
  fs::path source = cache_path.empty() ? sessions_root / request.name : fs::path(cache_path);
  fs::path resolved = fs::canonical(source, error);
  fs::path root = fs::weakly_canonical(sessions_root, error);
  if (resolved.empty() || !fs::is_directory(resolved) || !IsAtOrBelow(resolved, root) ||
      resolved == root) {
    throw RefusedWrite("cache_path " + source.string() + " is not a session directory below " +
                       sessions_root.string());
  }
  request.source = resolved;
  return request;
}

// Copies the regular, non-dot files of `request.source` into the ledger, secrets redacted on the
// way (docs/reliability.md#what-leaves-the-machine); returns their paths and adds to `redacted`.
std::vector<std::string> CopySession(const ResolvedFinalize& request, redact::Counts& redacted) {
  std::vector<std::string> paths;
  auto options = fs::directory_options::none;  // symlinked dirs are not followed
  for (auto it = fs::recursive_directory_iterator(request.source, options);
       it != fs::recursive_directory_iterator(); ++it) {
    std::string leaf = it->path().filename().string();
    if (leaf.starts_with(".")) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink() || !it->is_regular_file()) continue;
    std::string relative = it->path().lexically_relative(request.source).generic_string();
    WriteTarget target =
        ResolveInRepo(*request.ledger, "sessions/" + request.name + "/" + relative);
    redacted += CopyRedacted(it->path(), target.file);
    paths.push_back(target.repo_relative);
  }
  if (paths.empty()) throw RefusedWrite("no files in " + request.source.string());
  return paths;
}

void Refuse(sdk::Reporting report, const std::string& why) {
  report.log.warning("session_finalize refused, nothing written: %s", why);
  report.errors.add("session_refused", "session_finalize refused: " + why, sdk::Severity::Warning);
}

}  // namespace

SessionFinalizeRequest SessionFinalizeRequest::Parse(const sdk::Payload& payload) {
  SessionFinalizeRequest request;
  request.session_name = payload.requiredString("session_name");
  request.ledger_path = payload.optionalString("ledger_path").value_or("");
  request.cache_path = payload.optionalString("cache_path").value_or("");
  return request;
}

void RefuseSessionFinalize(sdk::Reporting report, const sdk::BadPayload& invalid) {
  Refuse(report, std::string("invalid session_finalize payload: ") + invalid.what());
}

void HandleSessionFinalize(sdk::Reporting report, const RepoSet& repos, RepoWriter& writer,
                           SessionWatches& watches, const SessionFinalizeRequest& asked) {
  ResolvedFinalize request;
  try {
    request = Resolve(repos, watches.sessions_root(), asked);
  } catch (const RefusedWrite& error) {
    Refuse(report, error.what());
    return;
  }
  watches.Stop(request.name);  // raw.jsonl complete before it is copied
  redact::Counts redacted;
  WriteOutcome outcome = writer.Write(
      *request.ledger, "session " + request.name,
      [&] {
        redacted = {};  // a retried write starts over
        return CopySession(request, redacted);
      },
      "session: " + request.name);
  if (redacted.Total() > 0) {
    report.log.information("session %s: %z secret(s) redacted before it was written", request.name,
                           redacted.Total());
  }
  if (outcome.pushed) {
    report.log.information("session %s finalized into the ledger at sessions/%s", request.name,
                           request.name);
  }
}

}  // namespace oxd::sync
