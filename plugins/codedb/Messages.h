// The plugin's messages: code_index (streams), code_status, code_search (DESIGN §8, spec §7.4).
#pragma once

#include "Runtime.h"

namespace oxd::codedb {

void RegisterMessages(Runtime& runtime);

// The CodeDBStats of spec §7.4 (code_status and status.code_db), from caches only.
Poco::JSON::Object::Ptr CodeDbStats(Runtime& runtime);

}  // namespace oxd::codedb
