// The `murmur` message (docs/protocol.md#murmur; one-way): {target_dir, content, rel_path,
// murmur_json (base64, Go's []byte)}. The CLI hands the daemon the whole murmur file so the
// daemon owns the disk I/O: the decoded bytes are written atomically at target_dir/rel_path,
// committed ("murmur: <first line of content>") and pushed, serialised with the repo's pulls.
// A refused request (bad payload, target outside every managed checkout, `..`, a symlink
// escape, .git) writes nothing: a warning in the log and a `murmur_refused` error.
#pragma once

#include <oxd/calls.h>
#include <oxd/host.h>

#include <string>

#include "RepoSet.h"
#include "writes/RepoWriter.h"

namespace oxd::sync {

// A payload sdk::MurmurRequest::Parse refused: logged and stored (`murmur_refused`).
void RefuseMurmur(sdk::Reporting report, const sdk::BadPayload& invalid);

// Runs on the caller's (worker) thread; reports every failure itself.
void HandleMurmur(sdk::Reporting report, const RepoSet& repos, RepoWriter& writer,
                  const sdk::MurmurRequest& request);

}  // namespace oxd::sync
