// Everything the plugin registers with the host, in one table (Messages.cpp): the messages
// code_index (streams; IndexRequest.h), code_status, code_search (SearchRequest.h; the wire shape
// in docs/protocol.md#code_search), the `code_db` status section and the doctor hook (freshness
// checks now, then CodeDbStats).
#pragma once

#include "Runtime.h"

namespace oxd::codedb {

void RegisterMessages(sdk::Host& host, Runtime& runtime);

// The CodeDBStats of docs/protocol.md#code_status (code_status and status.code_db), from the caches
// of the last runs. `cold_read`: an index no run has touched yet is read from its file
// (code_status, on a worker); without it (status, on the IPC thread) its counts are 0 until the
// first run ends, moments after start.
Poco::JSON::Object::Ptr CodeDbStats(Runtime& runtime, bool cold_read);

}  // namespace oxd::codedb
