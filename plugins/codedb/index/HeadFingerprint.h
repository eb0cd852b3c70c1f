// The cheap "has anything changed?" check: a fingerprint of HEAD read from the refs alone.
// It opens the repository's config and refs (HEAD, the loose ref or packed-refs) but neither
// the object database nor the packs, and never the index database: the caller keeps the
// fingerprint of its last good run in memory and compares.
#pragma once

#include <string>

namespace oxd::codedb {

struct HeadFingerprint {
  bool ok = false;
  std::string error;  // when !ok: why the repository or HEAD could not be read
  // "refs/heads/main <40 hex>", "detached <40 hex>", or "unborn refs/heads/main".
  std::string value;
};

// Thread-safe (each call opens its own repository handle).
HeadFingerprint ReadHeadFingerprint(const std::string& repo_path);

}  // namespace oxd::codedb
