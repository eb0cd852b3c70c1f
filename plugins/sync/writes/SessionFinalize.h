// The `session_finalize` message (docs/protocol.md#session_finalize; one-way): {session_name,
// ledger_path, cache_path, project_root}. A finished session's files — the session's cache dir,
// <cache_dir>/sessions/<name>/ unless cache_path names another dir below <cache_dir>/sessions — are
// copied into the ledger under sessions/<name>/, committed ("session: <name>") and pushed,
// serialised with the ledger's pulls. A watch still running on that session is stopped first, so
// raw.jsonl is complete. Regular files only; dot files (the watch state) and symlinks are not
// copied. `ledger_path`, when given, must be this workspace's ledger. Refusals and failures are
// logged and stored (`session_refused`, `commit_failed`, `push_failed`).
#pragma once

#include <oxd/host.h>
#include <oxd/payload.h>

#include <string>

#include "RepoSet.h"
#include "writes/RepoWriter.h"
#include "writes/SessionWatches.h"

namespace oxd::sync {

struct SessionFinalizeRequest {
  std::string session_name;
  std::string ledger_path;  // "" = this workspace's ledger
  std::string cache_path;   // "" = <cache_dir>/sessions/<session_name>

  static SessionFinalizeRequest Parse(const sdk::Payload& payload);
};

// A payload SessionFinalizeRequest::Parse refused: logged and stored (`session_refused`).
void RefuseSessionFinalize(sdk::Reporting report, const sdk::BadPayload& invalid);

void HandleSessionFinalize(sdk::Reporting report, const RepoSet& repos, RepoWriter& writer,
                           SessionWatches& watches, const SessionFinalizeRequest& request);

}  // namespace oxd::sync
