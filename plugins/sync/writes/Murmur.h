// The `murmur` message (docs/protocol.md#murmur; one-way): {target_dir, content, rel_path,
// murmur_json (base64, Go's []byte)}. The CLI hands the daemon the whole murmur file so the
// daemon owns the disk I/O: the decoded bytes are written atomically at target_dir/rel_path,
// committed ("murmur: <first line of content>") and pushed, serialised with the repo's pulls.
// Like the original, only files under data/murmurs/ of the checkout are accepted (its layout,
// data/murmurs/<YYYY-MM-DD>/<HH>/<id>.json). A refused request (bad payload, a path elsewhere,
// target outside every managed checkout, `..`, a symlink escape, .git) writes nothing: a warning
// in the log and a `murmur_refused` error.
#pragma once

#include <oxd/calls.h>
#include <oxd/host.h>

#include <optional>
#include <string>

#include "RepoSet.h"
#include "writes/RepoWriter.h"

namespace oxd::sync {

// A payload sdk::MurmurRequest::Parse refused: logged and stored (`murmur_refused`).
void RefuseMurmur(sdk::Reporting report, const sdk::BadPayload& invalid);

// False (and the refusal logged and stored) when the murmur may not be written where it asks.
// Checked when a murmur is accepted (before the spool): what an earlier version spooled is still
// written where it asked.
bool AcceptMurmur(sdk::Reporting report, const RepoSet& repos, const sdk::MurmurRequest& request);

// Writes, commits and pushes it; reports every failure itself. std::nullopt when refused.
std::optional<WriteOutcome> WriteMurmur(sdk::Reporting report, const RepoSet& repos,
                                        RepoWriter& writer, const sdk::MurmurRequest& request);

}  // namespace oxd::sync
