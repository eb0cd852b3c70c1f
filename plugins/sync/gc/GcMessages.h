// `trigger_gc` (RR): every eligible team context recloned now, ignoring the interval
// (docs/behavior.md#gc-reclone). Reply {"triggered":N, "skipped":M, "errors":["<name>: …"]?}, or
// {"skipped":1} while another GC runs. Always a success: per-team problems are in `errors` (and the
// dirty_workspace issue). Registered by Messages.cpp.
#pragma once

#include <oxd/message.h>

#include "gc/GarbageCollector.h"

namespace oxd::sync {

sdk::Reply TriggerGc(GarbageCollector& gc);

}  // namespace oxd::sync
