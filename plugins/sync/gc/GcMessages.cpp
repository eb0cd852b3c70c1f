#include "gc/GcMessages.h"

namespace oxd::sync {

sdk::Reply TriggerGc(GarbageCollector& gc) { return sdk::Reply::ok(gc.TriggerAll().ToJson()); }

}  // namespace oxd::sync
