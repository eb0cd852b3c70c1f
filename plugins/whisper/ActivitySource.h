// Activity summaries (docs/behavior.md#activity-summaries): a periodic ambient whisper (importance
// 0: only attention "all" shows it) with how many agents are active here, how many teammates'
// agents murmured in the last hour and when the ledger last synced. Skipped when nothing of
// that changed since the last summary (the digest is kept in the ledger store's meta table, so
// a restart does not repeat it).
#pragma once

#include "Runtime.h"

namespace oxd::whisper {

// One run: true when a summary was whispered.
bool RunActivitySummary(Runtime& runtime, Nanos now);

}  // namespace oxd::whisper
