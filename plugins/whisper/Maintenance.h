// Store maintenance (docs/behavior.md#whisper-maintenance): retention prune, byte cap,
// integrity_check, VACUUM when a quarter of a file is free; a corrupt store is moved aside and
// recreated (StoreSet) and reported as an issue and a stored error. Runs every
// maintenance_interval (daily) and from `doctor`.
#pragma once

#include <Poco/JSON/Object.h>

#include "Runtime.h"

namespace oxd::whisper {

// Raises the whisper_store_corrupt issue and stores the error: StoreSet's CorruptionHandler.
void ReportCorruptStore(sdk::Reporting report, const StoreIdentity& store,
                        const std::string& problem, const std::filesystem::path& moved_to);

// Runs maintenance on every store; the doctor reply's whisper object: {stores_checked,
// entries_pruned, stores_healed, errors?: [str], stores: [{name, pruned, size_before,
// size_after, vacuumed, healthy, healed, error?}]}.
Poco::JSON::Object::Ptr RunMaintenance(Runtime& runtime, Nanos now);

}  // namespace oxd::whisper
