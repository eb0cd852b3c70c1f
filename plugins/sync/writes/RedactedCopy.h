// A session file copied into the ledger checkout with its secrets redacted on the way
// (libs/redact, docs/reliability.md#what-leaves-the-machine): the bytes are read in chunks,
// redacted line by line and written to a hidden temporary beside the destination, which is
// fsync'd and renamed into place. So no byte of the original reaches the checkout, a crash leaves
// the old file or the new one, and memory stays bounded by the longest line, not the file.
#pragma once

#include <filesystem>

#include "redact/Redact.h"

namespace oxd::sync {

// Copies `source` to `destination` (parent directories created), secrets replaced by markers.
// Returns what was replaced. Throws std::system_error; the temporary is removed then, and the
// destination is left as it was.
redact::Counts CopyRedacted(const std::filesystem::path& source,
                            const std::filesystem::path& destination);

}  // namespace oxd::sync
