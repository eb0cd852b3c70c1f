// The `murmur` message (spec §1.5, §7.3; one-way): {target_dir, content, rel_path,
// murmur_json (base64, Go's []byte)}. The CLI hands the daemon the whole murmur file so the
// daemon owns the disk I/O: the decoded bytes are written atomically at target_dir/rel_path,
// committed ("murmur: <first line of content>") and pushed, serialised with the repo's pulls.
// A refused request (bad payload, target outside every managed checkout, `..`, a symlink
// escape, .git) writes nothing: a warning in the log and a `murmur_refused` error.
#pragma once

#include <oxd/host.h>

#include <string>

#include "RepoSet.h"
#include "writes/RepoWriter.h"

namespace oxd::sync {

struct MurmurRequest {
  std::string target_dir;
  std::string content;
  std::string rel_path;
  std::string bytes;  // murmur_json decoded

  // Throws RefusedWrite naming the field.
  static MurmurRequest Parse(const Poco::JSON::Object::Ptr& payload);
};

// Runs on the caller's (worker) thread; reports every failure itself.
void HandleMurmur(sdk::Host& host, const RepoSet& repos, RepoWriter& writer,
                  const Poco::JSON::Object::Ptr& payload);

}  // namespace oxd::sync
