#include "gc/GcMessages.h"

namespace oxd::sync {

void RegisterGcMessages(sdk::Host& host, GarbageCollector& gc) {
  host.handle("trigger_gc", [&gc](const sdk::Request&, sdk::Progress&) {
    return sdk::Reply::ok(gc.TriggerAll().ToJson());
  });
}

}  // namespace oxd::sync
